// Agent history: recent sessions, the files a session changed, the sessions that changed a file, sessions by goal.

import { KgError } from '../graph/errors.js';
import { nodeId } from '../graph/records.js';
import type { VectorHit } from '../graph/vector-store.js';
import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { bm25Params, bm25Sql } from './bm25.js';
import { knownFiles, normalizePath } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { fuseHybrid, HYBRID_POOL, inFusedOrder, matchModeSchema, modeOf, vectorMatches, vectorNote, vectorUseSchema } from './vector-signal.js';

export const sessionItemSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  endedAt: z.string().nullable().describe('ISO 8601; null while the session has not completed.'),
  startedAt: z.string().nullable(),
  status: z.string().nullable().describe('completed, in_progress or incomplete.'),
  outcome: z.string().nullable().describe("The daemon's outcome (success, error, ...), when it recorded one."),
  branch: z.string().nullable(),
  workflowId: z.string().nullable(),
  parentId: z.string().nullable(),
  changesKnown: z.boolean().describe('False when no source said which files the session changed.'),
});
export type SessionItem = z.infer<typeof sessionItemSchema>;

export const touchingItemSchema = sessionItemSchema.extend({
  change: z.string().describe('How the session changed the file: added, modified, deleted or unknown.'),
  source: z.string().describe('Which source said so: git_metrics, coding_handoff or git.'),
});
export type TouchingItem = z.infer<typeof touchingItemSchema>;

export const goalItemSchema = sessionItemSchema.extend({
  score: z.number().describe('BM25 relevance, or with vectors on the reciprocal-rank fusion of BM25 and embedding similarity; higher is better.'),
});
export type GoalItem = z.infer<typeof goalItemSchema>;

export const touchedFileItemSchema = z.object({ path: z.string(), change: z.string(), source: z.string() });
export type TouchedFileItem = z.infer<typeof touchedFileItemSchema>;

export const recentSessionsAnswerSchema = answerSchema('recent_sessions', sessionItemSchema);
export type RecentSessionsAnswer = z.infer<typeof recentSessionsAnswerSchema>;

export const filesTouchedAnswerSchema = answerSchema('files_touched', touchedFileItemSchema).extend({
  session: sessionItemSchema.extend({ recap: z.string().nullable(), changesSource: z.string().nullable() }),
  changesKnown: z.boolean(),
});
export type FilesTouchedAnswer = z.infer<typeof filesTouchedAnswerSchema>;

export const sessionsTouchingAnswerSchema = answerSchema('sessions_touching', touchingItemSchema);
export type SessionsTouchingAnswer = z.infer<typeof sessionsTouchingAnswerSchema>;

export const sessionsByGoalAnswerSchema = answerSchema('sessions_by_goal', goalItemSchema).extend({ mode: matchModeSchema, vectors: vectorUseSchema });
export type SessionsByGoalAnswer = z.infer<typeof sessionsByGoalAnswerSchema>;

/** Columns of a SessionItem from `sessions s`. */
export const SESSION_ITEM_COLUMNS = `s.id, s.title, s.ended_at AS "endedAt", s.started_at AS "startedAt", s.status, s.outcome,
  s.branch, s.workflow_id AS "workflowId", s.parent_id AS "parentId", s.changes_known AS "changesKnown"`;

/** Newest first: by end time, else the last event's time for sessions still running or cut short. */
export const NEWEST_FIRST = `coalesce(s.ended_at, s.updated_at, s.started_at) DESC NULLS LAST, s.id`;

export async function recentSessions(context: QueryContext, intent: IntentOf<'recent_sessions'>): Promise<RecentSessionsAnswer> {
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const rows = await context.reader.all<SessionItem & { total: number }>(
    `SELECT ${SESSION_ITEM_COLUMNS}, count(*) OVER () AS total FROM sessions s ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    [limit],
  );
  const total = rows[0]?.total ?? 0;
  const items = rows.map(({ total: _total, ...item }) => item);
  return {
    kind: 'recent_sessions',
    items,
    total,
    truncated: total > items.length,
    text: renderList(`the ${items.length} most recent of ${total} session(s)`, items.map(describeSession), total > items.length),
    freshness: await freshnessOf(context, []),
  };
}

export async function filesTouched(context: QueryContext, intent: IntentOf<'files_touched'>): Promise<FilesTouchedAnswer> {
  // Both at once: with several read connections they run in parallel.
  const [[session], rows] = await Promise.all([
    context.reader.all<FilesTouchedAnswer['session']>(
      `SELECT ${SESSION_ITEM_COLUMNS}, s.recap, s.changes_source AS "changesSource" FROM sessions s WHERE s.id = ?`,
      [intent.session],
    ),
    context.reader.all<TouchedFileItem>(
      `SELECT substr(dst, 6) AS path, attrs->>'change' AS change, attrs->>'source' AS source
       FROM edges WHERE kind = 'produced_by' AND src = ? ORDER BY path`,
      [nodeId.session(intent.session)],
    ),
  ]);
  if (session === undefined) throw await unknownSession(context, intent.session);
  const cut = limitItems(rows, intent.limit ?? DEFAULT_LIMIT);
  const header = session.changesKnown
    ? `session ${session.id} (${session.title ?? 'untitled'}) changed ${cut.total} file(s), per ${session.changesSource}`
    : `session ${session.id} (${session.title ?? 'untitled'}): which files it changed is unknown (no git metrics, handoff or commits recorded)`;
  return {
    kind: 'files_touched',
    ...cut,
    session,
    changesKnown: session.changesKnown,
    text: renderList(header, cut.items.map((f) => `${f.path}${f.change !== 'unknown' ? ` (${f.change})` : ''}`), cut.truncated),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}

export async function sessionsTouching(context: QueryContext, intent: IntentOf<'sessions_touching'>): Promise<SessionsTouchingAnswer> {
  const path = normalizePath(context.root, intent.file);
  const rows = await context.reader.all<TouchingItem>(
    `SELECT ${SESSION_ITEM_COLUMNS}, e.attrs->>'change' AS change, e.attrs->>'source' AS source
     FROM edges e JOIN sessions s ON e.src = 'session:' || s.id
     WHERE e.kind = 'produced_by' AND e.dst = ?
     ORDER BY ${NEWEST_FIRST}`,
    [nodeId.file(path)],
  );
  // A file no session touched must at least be one the graph knows: a typo gets the usual suggestion.
  if (rows.length === 0) await knownFiles(context, [path]);
  const cut = limitItems(rows, intent.limit ?? DEFAULT_LIMIT);
  return {
    kind: 'sessions_touching',
    ...cut,
    text: renderList(
      `${cut.total} session(s) changed ${path}`,
      cut.items.map((item) => `${describeSession(item)}${item.change !== 'unknown' ? ` [${item.change}]` : ''}`),
      cut.truncated,
    ),
    freshness: await freshnessOf(context, [path]),
  };
}

/** Title and goal weigh 3, recap and notes 1 (the recap is also the last of the notes, so it counts twice). */
const SESSION_FIELDS = `
  SELECT id, 3.0 AS w, title AS body FROM sessions
  UNION ALL SELECT id, 1.0, goal FROM sessions WHERE goal IS DISTINCT FROM title
  UNION ALL SELECT id, 1.0, recap FROM sessions
  UNION ALL SELECT id, 1.0, notes FROM sessions`;

export async function sessionsByGoal(context: QueryContext, intent: IntentOf<'sessions_by_goal'>): Promise<SessionsByGoalAnswer> {
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const { use, hits } = await vectorMatches(context, intent.text, ['session'], HYBRID_POOL * 2);
  const ranked = use.state === 'used' ? await hybridGoalMatches(context, intent.text, hits, limit) : await lexicalGoalMatches(context, intent.text, limit);
  const { total, items } = ranked;
  return {
    kind: 'sessions_by_goal',
    mode: modeOf(use),
    vectors: use,
    items,
    total,
    truncated: total > items.length,
    text: renderList(
      `${total} session(s) match "${intent.text}"${total > items.length ? `, best ${items.length}` : ''}${vectorNote(use)}`,
      items.map((item) => `${describeSession(item)} (score ${item.score.toFixed(2)})`),
      total > items.length,
    ),
    freshness: await freshnessOf(context, []),
  };
}

async function lexicalGoalMatches(context: QueryContext, text: string, limit: number): Promise<{ total: number; items: GoalItem[] }> {
  const rows = await context.reader.all<GoalItem & { total: number }>(
    `WITH ranked AS (${bm25Sql(SESSION_FIELDS)})
     SELECT ${SESSION_ITEM_COLUMNS}, r.score, count(*) OVER () AS total
     FROM ranked r JOIN sessions s ON s.id = r.id
     ORDER BY r.score DESC, s.id LIMIT ?`,
    [...bm25Params(text), limit],
  );
  return { total: rows[0]?.total ?? 0, items: rows.map(({ total: _total, ...item }) => item) };
}

/** BM25's ranks and the vectors' ranks (of a session's best chunk), fused; the score is the fused one. */
async function hybridGoalMatches(context: QueryContext, text: string, hits: readonly VectorHit[], limit: number): Promise<{ total: number; items: GoalItem[] }> {
  const lexical = await context.reader.all<{ id: string }>(
    `WITH ranked AS (${bm25Sql(SESSION_FIELDS)}) SELECT id FROM ranked ORDER BY score DESC, id LIMIT ${HYBRID_POOL}`,
    bm25Params(text),
  );
  const fused = fuseHybrid(
    lexical.map((row) => row.id),
    hits,
    (node) => node.slice('session:'.length),
  );
  const best = fused.slice(0, limit);
  if (best.length === 0) return { total: 0, items: [] };
  const rows = await context.reader.all<SessionItem>(
    `SELECT ${SESSION_ITEM_COLUMNS} FROM sessions s WHERE s.id IN (SELECT unnest(?::VARCHAR[]))`,
    [best.map((b) => b.id)],
  );
  const items = inFusedOrder(best, rows);
  return { total: fused.length - (best.length - items.length), items };
}

/** One line per session: id, when, title, branch, status when not completed. */
export function describeSession(s: SessionItem): string {
  const when = (s.endedAt ?? s.startedAt)?.slice(0, 16).replace('T', ' ') ?? 'unknown time';
  const status = s.status && s.status !== 'completed' ? ` [${s.status}]` : '';
  return `${s.id}  ${when}  ${s.title ?? '(untitled)'}${s.branch ? ` (${s.branch})` : ''}${status}`;
}

/** The error for a session id the graph does not have, with the ids that look like it. */
export async function unknownSession(context: QueryContext, id: string): Promise<KgError> {
  const near = await context.reader.all<{ id: string }>(
    `SELECT id FROM sessions WHERE contains(id, ?) ORDER BY id LIMIT 3`,
    [id.slice(0, 8)],
  );
  const hint = near.length > 0 ? ` (did you mean ${near.map((n) => n.id).join(', ')}?)` : '';
  return new KgError('unknown_session', `unknown session: ${id} is not in the graph${hint}`);
}
