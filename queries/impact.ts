// impact: what transitively imports the changed files, which tests reach them, which sessions changed them and
// which conventions apply to them.

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { NEAREST_FIRST } from './conventions.js';
import { knownFiles } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { NEWEST_FIRST, SESSION_ITEM_COLUMNS, sessionItemSchema } from './sessions.js';
import { byDepthThenPath, walkImports } from './walk.js';

export const impactItemSchema = z.object({
  path: z.string(),
  depth: z.number().int().describe('Import hops from the nearest changed file.'),
  isTest: z.boolean(),
});
export type ImpactItem = z.infer<typeof impactItemSchema>;

export const impactSessionSchema = sessionItemSchema.extend({
  files: z.array(z.string()).describe('The changed or impacted files this session changed.'),
});
export type ImpactSession = z.infer<typeof impactSessionSchema>;

export const impactConventionSchema = z
  .object({ id: z.string(), source: z.string(), headingPath: z.string(), scope: z.string() })
  .describe('A convention section, without its body (ask `conventions` with a file for the text).');
export type ImpactConvention = z.infer<typeof impactConventionSchema>;

export const impactAnswerSchema = answerSchema('impact', impactItemSchema).extend({
  files: z.array(z.string()).describe('The changed files, as the graph names them.'),
  tests: z.array(z.string()).describe('Test files that reach a changed file (never cut by the limit).'),
  sessions: z
    .array(impactSessionSchema)
    .describe('Sessions that changed a changed or impacted file, newest first, up to the limit.'),
  conventions: z
    .array(impactConventionSchema)
    .describe('Convention sections that apply to a changed or impacted file, nearest folder first, up to the limit.'),
});
export type ImpactAnswer = z.infer<typeof impactAnswerSchema>;

export async function impact(context: QueryContext, intent: IntentOf<'impact'>): Promise<ImpactAnswer> {
  const files = await knownFiles(context, intent.files);
  const reached = byDepthThenPath(await walkImports(context, files, 'importers', intent.depth ?? 100));
  const testSet = await testsAmong(context, [...files, ...reached.map((r) => r.path)]);
  const items = reached.map((r) => ({ ...r, isTest: testSet.has(r.path) }));
  const tests = items.filter((item) => item.isTest).map((item) => item.path).sort();
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const cut = limitItems(items, limit);
  const affected = [...files, ...reached.map((r) => r.path)];
  // Independent reads: with several read connections they run in parallel.
  const [sessions, conventions] = await Promise.all([sessionsOf(context, affected, limit), conventionsOf(context, affected, limit)]);
  const lines = cut.items.map((item) => `${item.path}${item.depth > 1 ? ` (${item.depth} hops)` : ''}${item.isTest ? ' [test]' : ''}`);
  if (sessions.length > 0) {
    lines.push(`sessions that changed these files (newest first): ${sessions.slice(0, 5).map((s) => `${s.id} (${s.title ?? 'untitled'})`).join('; ')}${sessions.length > 5 ? '; …' : ''}`);
  }
  if (conventions.length > 0) {
    lines.push(`conventions that apply: ${conventions.slice(0, 5).map((c) => `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}`).join('; ')}${conventions.length > 5 ? '; …' : ''}`);
  }
  return {
    kind: 'impact',
    ...cut,
    files,
    tests,
    sessions,
    conventions,
    text: renderList(
      `changing ${files.join(', ')} affects ${cut.total} file(s), ${tests.length} of them tests`,
      lines,
      cut.truncated,
    ),
    freshness: await freshnessOf(context, [...files, ...cut.items.map((item) => item.path)]),
  };
}

async function testsAmong(context: QueryContext, paths: readonly string[]): Promise<Set<string>> {
  const { snapshot } = context;
  if (snapshot) return new Set(paths.filter((path) => snapshot.files.get(path)?.isTest));
  const rows = await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE is_test AND path IN (SELECT unnest(?::VARCHAR[]))`, [
    paths,
  ]);
  return new Set(rows.map((row) => row.path));
}

async function sessionsOf(context: QueryContext, paths: readonly string[], limit: number): Promise<ImpactSession[]> {
  return context.reader.all<ImpactSession>(
    `WITH touched AS (
       SELECT substr(src, 9) AS id, list_sort(list(DISTINCT substr(dst, 6))) AS files FROM edges
       WHERE kind = 'produced_by' AND dst IN (SELECT 'file:' || unnest(?::VARCHAR[]))
       GROUP BY src)
     SELECT ${SESSION_ITEM_COLUMNS}, t.files FROM touched t JOIN sessions s ON s.id = t.id
     ORDER BY ${NEWEST_FIRST} LIMIT ?`,
    [paths, limit],
  );
}

async function conventionsOf(context: QueryContext, paths: readonly string[], limit: number): Promise<ImpactConvention[]> {
  return context.reader.all<ImpactConvention>(
    `SELECT c.id, c.source, c.heading_path AS "headingPath", c.scope FROM conventions c
     WHERE c.scope = '' OR EXISTS (
       SELECT 1 FROM (SELECT unnest(?::VARCHAR[]) AS path) p WHERE p.path = c.scope OR starts_with(p.path, c.scope || '/'))
     ORDER BY ${NEAREST_FIRST} LIMIT ?`,
    [paths, limit],
  );
}
