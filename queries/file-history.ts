// file_history: the git commits and the agent sessions that changed a file, merged newest first.

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { churnSchema, fileChurn, historyNote, knownHistoryFile } from './git-history.js';
import type { IntentOf } from './intents.js';
import { renderList } from './render.js';
import { NEWEST_FIRST } from './sessions.js';

const DEFAULT_ENTRIES = 20;

export const fileCommitItemSchema = z.object({
  type: z.literal('commit'),
  at: z.string().describe('Author time, ISO 8601.'),
  sha: z.string(),
  subject: z.string(),
  status: z.string().describe('How the commit changed the file: added, modified, deleted, renamed or type_changed.'),
  path: z.string().describe('The file\'s path in that commit (renames are followed back to older names).'),
  oldPath: z.string().nullable().describe('For a rename: the path before it.'),
  merge: z.boolean().describe('A merge commit (what it changed is what it brought in against its first parent).'),
});
export type FileCommitItem = z.infer<typeof fileCommitItemSchema>;

export const fileSessionItemSchema = z.object({
  type: z.literal('session'),
  at: z.string().nullable().describe('When it ended (else its last activity, else its start), ISO 8601.'),
  id: z.string(),
  title: z.string().nullable(),
  goal: z.string().nullable(),
  change: z.string().describe('How the session changed the file: added, modified, deleted or unknown.'),
  path: z.string().describe('The path the session changed (an older name of the file after a rename).'),
});
export type FileSessionItem = z.infer<typeof fileSessionItemSchema>;

export const fileHistoryItemSchema = z.discriminatedUnion('type', [fileCommitItemSchema, fileSessionItemSchema]);
export type FileHistoryItem = z.infer<typeof fileHistoryItemSchema>;

export const fileHistoryAnswerSchema = answerSchema('file_history', fileHistoryItemSchema).extend({
  file: z.string().describe('FILE as the graph names it (its name at HEAD).'),
  commits: z.number().int().describe('Commits of the history in the graph that changed FILE.'),
  sessions: z.number().int().describe('Sessions that changed FILE (or an older name of it).'),
  churn: churnSchema.nullable().describe('How much and how recently FILE changed; null when no commit in the graph changed it.'),
  note: z.string().nullable().describe('Why there is no or only part of the git history, when so.'),
});
export type FileHistoryAnswer = z.infer<typeof fileHistoryAnswerSchema>;

export async function fileHistory(context: QueryContext, intent: IntentOf<'file_history'>): Promise<FileHistoryAnswer> {
  const file = await knownHistoryFile(context, intent.file);
  // Independent reads: with several read connections they run in parallel.
  const [commits, sessions, note, churns] = await Promise.all([
    commitsChanging(context, file),
    sessionsChanging(context, file),
    historyNote(context),
    fileChurn(context, [file]),
  ]);
  const churn = churns.get(file) ?? null;
  const items = newestFirst(commits, sessions);
  const cut = limitItems(items, intent.limit ?? DEFAULT_ENTRIES);
  const header =
    `${commits.length} commit(s) and ${sessions.length} session(s) changed ${file}` +
    (churn ? `; ${churn.recent} of the last 50 commits, last ${churn.ageDays} day(s) before HEAD` : '') +
    (note ? ` (${note})` : '');
  return {
    kind: 'file_history',
    ...cut,
    file,
    commits: commits.length,
    sessions: sessions.length,
    churn,
    note,
    text: renderList(header, cut.items.map((item) => describeEntry(item, file)), cut.truncated),
    freshness: await freshnessOf(context, [file]),
  };
}

/** The commits that changed `file` under any of its names, newest first along HEAD's first-parent chain. */
async function commitsChanging(context: QueryContext, file: string): Promise<FileCommitItem[]> {
  return context.reader.all<FileCommitItem>(
    `SELECT 'commit' AS type, c.authored_at AS at, c.sha, c.subject, f.status, f.path, f.old_path AS "oldPath", c.merge
     FROM commit_files f JOIN commits c ON c.sha = f.sha
     WHERE f.current = ?
     ORDER BY f.seq DESC, f.path`,
    [file],
  );
}

/**
 * The sessions that changed `file`, or one of its older names that no other file of the graph holds now (after a
 * rename away and a new file of the old name, a session on that name may mean either: left out), newest first.
 */
async function sessionsChanging(context: QueryContext, file: string): Promise<FileSessionItem[]> {
  return context.reader.all<FileSessionItem>(
    `WITH names AS (
       SELECT ? AS path
       UNION
       SELECT DISTINCT f.path FROM commit_files f
       WHERE f.current = ? AND f.path <> f.current
         AND NOT EXISTS (SELECT 1 FROM commit_files o WHERE o.current = f.path)
         AND NOT EXISTS (SELECT 1 FROM files x WHERE x.path = f.path))
     SELECT 'session' AS type, coalesce(s.ended_at, s.updated_at, s.started_at) AS at, s.id, s.title, s.goal,
            e.attrs->>'change' AS change, substr(e.dst, 6) AS path
     FROM edges e JOIN sessions s ON e.src = 'session:' || s.id
     WHERE e.kind = 'produced_by' AND e.dst IN (SELECT 'file:' || path FROM names)
     ORDER BY ${NEWEST_FIRST}, path`,
    [file, file],
  );
}

/** Both lists (each newest first already) merged by time; commits keep their order on the chain among themselves. */
function newestFirst(commits: readonly FileCommitItem[], sessions: readonly FileSessionItem[]): FileHistoryItem[] {
  const merged: FileHistoryItem[] = [];
  let c = 0;
  let s = 0;
  while (c < commits.length || s < sessions.length) {
    const commit = commits[c];
    const session = sessions[s];
    // A session without any time sorts last, as NEWEST_FIRST puts it.
    const takeSession = session !== undefined && (commit === undefined || (session.at !== null && session.at > commit.at));
    if (takeSession) {
      merged.push(session);
      s++;
    } else {
      merged.push(commit!);
      c++;
    }
  }
  return merged;
}

function describeEntry(item: FileHistoryItem, file: string): string {
  const when = item.at?.slice(0, 16).replace('T', ' ') ?? 'unknown time';
  if (item.type === 'commit') {
    const how = item.status === 'renamed' && item.oldPath ? `renamed from ${item.oldPath}` : item.status;
    return `${item.sha.slice(0, 12)}  ${when}  ${item.subject} [${how}${item.merge ? ', merge' : ''}]`;
  }
  const change = item.change !== 'unknown' ? item.change : 'changed';
  return `session ${item.id}  ${when}  ${item.title ?? item.goal ?? '(untitled)'} [${change}${item.path !== file ? ` as ${item.path}` : ''}]`;
}
