// symbol: where an exported name is defined, and which files import its defining file.

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { importersThroughBarrels } from './barrels.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import type { GraphSnapshot } from './snapshot.js';
import { compare } from './walk.js';

export const symbolItemSchema = z.object({
  name: z.string(),
  kind: z.string(),
  path: z.string(),
  line: z.number().int(),
  importers: z.array(z.string()).describe('Files importing the defining file (direct).'),
  throughBarrels: z
    .array(z.object({ path: z.string(), via: z.array(z.string()).describe('The barrels it goes through, its own first.') }))
    .describe('Files that import the name only through barrels that re-export it (`export *`, `export { x } from`, `export * as ns`).'),
});
export type SymbolItem = z.infer<typeof symbolItemSchema>;

export const symbolAnswerSchema = answerSchema('symbol', symbolItemSchema);
export type SymbolAnswer = z.infer<typeof symbolAnswerSchema>;

export async function symbol(context: QueryContext, intent: IntentOf<'symbol'>): Promise<SymbolAnswer> {
  const found = context.snapshot ? definitionsInMemory(context.snapshot, intent.name) : await definitions(context, intent.name);
  const cut = limitItems(found, intent.limit ?? DEFAULT_LIMIT);
  const items = await Promise.all(
    cut.items.map(async (item) => ({ ...item, throughBarrels: await importersThroughBarrels(context, item.path, item.name) })),
  );
  const lines = items.map((item) => {
    const barrels = [...new Set(item.throughBarrels.map((b) => b.via[0]!))];
    return (
      `${item.kind} ${item.name} at ${item.path}:${item.line}, imported by ${item.importers.length + item.throughBarrels.length} file(s)` +
      (item.throughBarrels.length > 0 ? ` (${item.throughBarrels.length} through ${barrels.slice(0, 3).join(', ')}${barrels.length > 3 ? ', …' : ''})` : '')
    );
  });
  return {
    kind: 'symbol',
    ...cut,
    items,
    text: renderList(`${cut.total} definition(s) of ${intent.name}`, lines, cut.truncated),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}

type Definition = Omit<SymbolItem, 'throughBarrels'>;

async function definitions(context: QueryContext, name: string): Promise<Definition[]> {
  const rows = await context.reader.all<{ name: string; kind: string; path: string; line: number; importers: string[] | null }>(
    `SELECT s.name, s.kind, s.file AS path, s.line,
            list_sort(list_distinct(list(substr(e.src, 6)) FILTER (WHERE e.src IS NOT NULL))) AS importers
     FROM symbols s
     LEFT JOIN edges e ON e.kind = 'imports' AND e.dst = 'file:' || s.file
     WHERE s.name = ?
     GROUP BY s.name, s.kind, s.file, s.line
     ORDER BY s.file, s.line`,
    [name],
  );
  return rows.map((row) => ({ ...row, importers: row.importers ?? [] }));
}

// The same from the snapshot: the definitions by name, the importers from the adjacency.
function definitionsInMemory(snapshot: GraphSnapshot, name: string): Definition[] {
  return (snapshot.symbols.get(name) ?? []).map((definition) => ({
    ...definition,
    importers: [...new Set((snapshot.importedBy.get(definition.path) ?? []).map((edge) => edge.path))].sort(compare),
  }));
}
