// diff_impact: impact for the files a git diff changed (between two refs, or the working tree's uncommitted changes),
// plus the co-change partners the diff left out. git is read by the caller (`QueryContext.git`), never here.

import { z } from 'zod';
import { KgError } from '../graph/errors.js';
import { answerSchema, freshnessOf, limitItems, type GitChangedFile, type QueryContext } from './answer.js';
import { coChangePartnerSchema, HINT_MIN_CONFIDENCE, HINT_MIN_SUPPORT } from './git-history.js';
import {
  coChangeHints,
  conventionsOf,
  describeHints,
  impactConventionSchema,
  impactItemSchema,
  impactSessionSchema,
  MAX_HINTS,
  sessionsOf,
  testsAmong,
} from './impact.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { byDepthThenPath, compare, walkImports } from './walk.js';

export const changedFileSchema = z.object({
  path: z.string().describe('Workspace-relative, as the head side names it.'),
  status: z.string().describe('added (untracked files too), modified, deleted or type_changed.'),
  indexed: z.boolean().describe('Whether the graph holds it (a file new since the index does not: reindex to follow its imports).'),
});
export type ChangedFile = z.infer<typeof changedFileSchema>;

export const diffImpactAnswerSchema = answerSchema('diff_impact', impactItemSchema).extend({
  base: z.string().nullable().describe('The base commit (sha); null without git.'),
  head: z.string().nullable().describe('The head commit (sha); null for the working tree, or without git.'),
  changed: z.array(changedFileSchema).describe('Every file the diff changed, by path.'),
  tests: z.array(z.string()).describe('Test files to run: changed or importing a changed file, transitively (never cut by the limit).'),
  sessions: z.array(impactSessionSchema).describe('Sessions that changed a changed or impacted file, newest first, up to the limit.'),
  conventions: z
    .array(impactConventionSchema)
    .describe('Convention sections that apply to a changed or impacted file, nearest folder first, up to the limit.'),
  missingCoChanges: z
    .array(coChangePartnerSchema)
    .describe(
      `Files not in the diff that usually change with what it changed (support >= ${HINT_MIN_SUPPORT}, ` +
        `confidence >= ${HINT_MIN_CONFIDENCE}), best first, at most ${MAX_HINTS}: check whether they need a change too.`,
    ),
  note: z.string().nullable().describe('Why the diff is unknown (no git) or only partly in the graph, when so.'),
});
export type DiffImpactAnswer = z.infer<typeof diffImpactAnswerSchema>;

export async function diffImpact(context: QueryContext, intent: IntentOf<'diff_impact'>): Promise<DiffImpactAnswer> {
  const range = { base: intent.base ?? null, head: intent.head ?? null };
  if (!context.git) return unknownDiff(context, 'this caller cannot read git, so the diff is unknown');
  const diff = await context.git.changedFiles(context.root, range);
  if (!diff.ok) {
    if (diff.reason === 'no_git') return unknownDiff(context, diff.message);
    throw new KgError(diff.reason === 'bad_ref' ? 'bad_input' : 'io', diff.message);
  }
  const indexed = await indexedAmong(context, diff.files.map((f) => f.path));
  const changed = diff.files.map((f) => ({ ...f, indexed: indexed.has(f.path) }));
  const paths = changed.map((f) => f.path);
  // A deleted file still in the graph is a seed too: what imports it breaks.
  const seeds = changed.filter((f) => f.indexed).map((f) => f.path);
  const reached = byDepthThenPath(await walkImports(context, seeds, 'importers', 100));
  const present = changed.filter((f) => f.indexed && f.status !== 'deleted').map((f) => f.path);
  const reachable = [...present, ...reached.map((r) => r.path)];
  const testSet = reachable.length > 0 ? await testsAmong(context, reachable) : new Set<string>();
  const items = reached.map((r) => ({ ...r, isTest: testSet.has(r.path) }));
  const tests = [...testSet].sort(compare);
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const cut = limitItems(items, limit);
  const affected = [...paths, ...reached.map((r) => r.path)];
  // Independent reads: with several read connections they run in parallel. A clean diff has nothing to look up.
  const [sessions, conventions, missingCoChanges] =
    paths.length === 0
      ? [[], [], []]
      : await Promise.all([sessionsOf(context, affected, limit), conventionsOf(context, affected, limit), coChangeHints(context, paths, paths)]);
  const unindexed = changed.filter((f) => !f.indexed && f.status !== 'deleted').length;
  const note = unindexed > 0 ? `${unindexed} changed file(s) are not in the graph (new since the index?): reindex to follow their imports` : null;
  const lines = cut.items.map((item) => `${item.path}${item.depth > 1 ? ` (${item.depth} hops)` : ''}${item.isTest ? ' [test]' : ''}`);
  if (tests.length > 0) lines.push(`tests to run: ${tests.slice(0, 10).join(', ')}${tests.length > 10 ? ', …' : ''}`);
  if (sessions.length > 0) lines.push(`sessions that changed these files (newest first): ${sessions.slice(0, 5).map((s) => `${s.id} (${s.title ?? 'untitled'})`).join('; ')}${sessions.length > 5 ? '; …' : ''}`);
  if (conventions.length > 0) lines.push(`conventions that apply: ${conventions.slice(0, 5).map((c) => `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}`).join('; ')}${conventions.length > 5 ? '; …' : ''}`);
  if (missingCoChanges.length > 0) lines.push(`these usually change with what you changed, and are not in the diff: ${describeHints(missingCoChanges)}`);
  if (note) lines.push(note);
  return {
    kind: 'diff_impact',
    ...cut,
    base: diff.base,
    head: diff.head,
    changed,
    tests,
    sessions,
    conventions,
    missingCoChanges,
    note,
    text: renderList(
      `${describeRange(range, diff.base, diff.head)} changes ${changed.length} file(s)${changed.length > 0 ? ` (${describeChanged(changed)})` : ''}; ` +
        `they affect ${cut.total} more file(s), and ${tests.length} test(s) reach them`,
      lines,
      cut.truncated,
    ),
    freshness: await freshnessOf(context, [...present, ...cut.items.map((item) => item.path)]),
  };
}

async function unknownDiff(context: QueryContext, note: string): Promise<DiffImpactAnswer> {
  return {
    kind: 'diff_impact',
    items: [],
    total: 0,
    truncated: false,
    base: null,
    head: null,
    changed: [],
    tests: [],
    sessions: [],
    conventions: [],
    missingCoChanges: [],
    note,
    text: `no diff: ${note}`,
    freshness: await freshnessOf(context, []),
  };
}

async function indexedAmong(context: QueryContext, paths: readonly string[]): Promise<Set<string>> {
  const { snapshot } = context;
  if (snapshot) return new Set(paths.filter((path) => snapshot.files.has(path)));
  if (paths.length === 0) return new Set();
  const rows = await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE path IN (SELECT unnest(?::VARCHAR[]))`, [paths]);
  return new Set(rows.map((row) => row.path));
}

/** `main (1a2b3c4d5e6f)..the working tree`: each side as asked, with the commit it named. */
function describeRange(asked: { base: string | null; head: string | null }, base: string, head: string | null): string {
  const side = (ref: string | null, sha: string) => `${ref ?? 'HEAD'} (${sha.slice(0, 12)})`;
  return `${side(asked.base, base)}..${head === null ? 'the working tree' : side(asked.head, head)}`;
}

function describeChanged(changed: readonly GitChangedFile[]): string {
  const shown = changed.slice(0, 5).map((f) => (f.status === 'modified' ? f.path : `${f.path} [${f.status}]`));
  return `${shown.join(', ')}${changed.length > 5 ? ', …' : ''}`;
}
