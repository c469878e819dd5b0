// impact: what transitively imports the changed files, which tests reach them, which sessions changed them, which
// conventions apply to them, and which other files git history says usually change with them.

import { consumersThroughPackages } from './barrels.js';
import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { NEAREST_FIRST } from './conventions.js';
import { filesOrFolders } from './files.js';
import { coChangePartnerSchema, coChangePartners, HINT_MIN_CONFIDENCE, HINT_MIN_SUPPORT, type CoChangePartner } from './git-history.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { NEWEST_FIRST, SESSION_ITEM_COLUMNS, sessionItemSchema } from './sessions.js';
import { byDepthThenPath, walkImports } from './walk.js';

export const impactItemSchema = z.object({
  path: z.string(),
  depth: z.number().int().describe('Import hops from the nearest changed file.'),
  isTest: z.boolean(),
  package: z.string().optional().describe('Reached through this workspace package of the repository (it imports the package by name).'),
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

/** Co-change partners impact and diff_impact name at most. */
export const MAX_HINTS = 10;

export const impactAnswerSchema = answerSchema('impact', impactItemSchema).extend({
  files: z.array(z.string()).describe('The changed files, as the graph names them.'),
  tests: z.array(z.string()).describe('Test files that reach a changed file (never cut by the limit).'),
  sessions: z
    .array(impactSessionSchema)
    .describe('Sessions that changed a changed or impacted file, newest first, up to the limit.'),
  conventions: z
    .array(impactConventionSchema)
    .describe('Convention sections that apply to a changed or impacted file, nearest folder first, up to the limit.'),
  coChanges: z
    .array(coChangePartnerSchema)
    .describe(
      `Co-change partners outside the import closure: files neither given nor among \`items\` that git history says ` +
        `usually change with a given file (support >= ${HINT_MIN_SUPPORT}, confidence >= ${HINT_MIN_CONFIDENCE}), ` +
        `best first, at most ${MAX_HINTS}; empty without git history.`,
    ),
});
export type ImpactAnswer = z.infer<typeof impactAnswerSchema>;

export async function impact(context: QueryContext, intent: IntentOf<'impact'>): Promise<ImpactAnswer> {
  const { files } = await filesOrFolders(context, intent.files);
  const reached = await reachedThroughPackages(context, files, intent.depth ?? 100);
  const testSet = await testsAmong(context, [...files, ...reached.map((r) => r.path)]);
  const items = reached.map((r) => ({ ...r, isTest: testSet.has(r.path) }));
  const viaPackages = items.filter((item) => item.package !== undefined).length;
  const tests = items.filter((item) => item.isTest).map((item) => item.path).sort();
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const cut = limitItems(items, limit);
  const affected = [...files, ...reached.map((r) => r.path)];
  // Independent reads: with several read connections they run in parallel.
  const [sessions, conventions, coChanges] = await Promise.all([
    sessionsOf(context, affected, limit),
    conventionsOf(context, affected, limit),
    coChangeHints(context, files, affected),
  ]);
  const lines = cut.items.map((item) => `${item.path}${item.depth > 1 ? ` (${item.depth} hops)` : ''}${item.package ? ` (through package ${item.package})` : ''}${item.isTest ? ' [test]' : ''}`);
  if (sessions.length > 0) {
    lines.push(`sessions that changed these files (newest first): ${sessions.slice(0, 5).map((s) => `${s.id} (${s.title ?? 'untitled'})`).join('; ')}${sessions.length > 5 ? '; …' : ''}`);
  }
  if (conventions.length > 0) {
    lines.push(`conventions that apply: ${conventions.slice(0, 5).map((c) => `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}`).join('; ')}${conventions.length > 5 ? '; …' : ''}`);
  }
  if (coChanges.length > 0) lines.push(`usually change with these (git history, no import path): ${describeHints(coChanges)}`);
  return {
    kind: 'impact',
    ...cut,
    files,
    tests,
    sessions,
    conventions,
    coChanges,
    text: renderList(
      `changing ${files.join(', ')} affects ${cut.total} file(s), ${tests.length} of them tests${viaPackages > 0 ? `, ${viaPackages} through workspace packages` : ''}`,
      lines,
      cut.truncated,
    ),
    freshness: await freshnessOf(context, [...files, ...cut.items.map((item) => item.path)]),
  };
}

/**
 * What imports `files`, transitively, and the consumers of the workspace packages whose entries are among them (or
 * reached), marked with the package, and what imports those: a package's importers by name are its importers too.
 */
async function reachedThroughPackages(context: QueryContext, files: readonly string[], maxDepth: number): Promise<{ path: string; depth: number; package?: string }[]> {
  const depths = new Map<string, { depth: number; package?: string }>();
  for (const [path, depth] of await walkImports(context, files, 'importers', maxDepth)) depths.set(path, { depth });
  const seeds = new Set(files);
  // Each round follows the packages the files found so far are entries of; a package is followed once.
  const followed = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const consumers = (await consumersThroughPackages(context, [...seeds, ...depths.keys()])).filter((c) => !followed.has(c.package));
    const fresh = consumers.filter((c) => !seeds.has(c.path) && !depths.has(c.path));
    for (const c of consumers) followed.add(c.package);
    if (fresh.length === 0) break;
    for (const c of fresh) if (!depths.has(c.path)) depths.set(c.path, { depth: 1, package: c.package });
    const next = await walkImports(context, fresh.map((c) => c.path), 'importers', maxDepth);
    for (const [path, depth] of next) if (!seeds.has(path) && !depths.has(path)) depths.set(path, { depth: depth + 1 });
  }
  const byDepth = byDepthThenPath(new Map([...depths].map(([path, { depth }]) => [path, depth])));
  return byDepth.map((item) => ({ ...item, ...(depths.get(item.path)!.package ? { package: depths.get(item.path)!.package! } : {}) }));
}

/** The strong co-change partners of `files` that are not among `known` (the files an answer names already). */
export async function coChangeHints(context: QueryContext, files: readonly string[], known: readonly string[]): Promise<CoChangePartner[]> {
  const { partners } = await coChangePartners(context, files, {
    exclude: known,
    minSupport: HINT_MIN_SUPPORT,
    minConfidence: HINT_MIN_CONFIDENCE,
    limit: MAX_HINTS,
  });
  return partners;
}

/** `a.ts (with b.ts, 3 commits, 60%); ...`, the first five. */
export function describeHints(hints: readonly CoChangePartner[]): string {
  const shown = hints.slice(0, 5).map((h) => `${h.path} (with ${h.with}, ${h.support} commits, ${Math.round(h.confidence * 100)}%)`);
  return `${shown.join('; ')}${hints.length > 5 ? '; …' : ''}`;
}

export async function testsAmong(context: QueryContext, paths: readonly string[]): Promise<Set<string>> {
  const { snapshot } = context;
  if (snapshot) return new Set(paths.filter((path) => snapshot.files.get(path)?.isTest));
  const rows = await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE is_test AND path IN (SELECT unnest(?::VARCHAR[]))`, [
    paths,
  ]);
  return new Set(rows.map((row) => row.path));
}

export async function sessionsOf(context: QueryContext, paths: readonly string[], limit: number): Promise<ImpactSession[]> {
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

export async function conventionsOf(context: QueryContext, paths: readonly string[], limit: number): Promise<ImpactConvention[]> {
  return context.reader.all<ImpactConvention>(
    `SELECT c.id, c.source, c.heading_path AS "headingPath", c.scope FROM conventions c
     WHERE c.scope = '' OR EXISTS (
       SELECT 1 FROM (SELECT unnest(?::VARCHAR[]) AS path) p WHERE p.path = c.scope OR starts_with(p.path, c.scope || '/'))
     ORDER BY ${NEAREST_FIRST} LIMIT ?`,
    [paths, limit],
  );
}
