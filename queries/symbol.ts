// symbol: where an exported name is defined, and which files import its defining file.

import { freshnessOf, limitItems, type Answer, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';

export interface SymbolItem {
  name: string;
  kind: string;
  path: string;
  line: number;
  /** Files importing the defining file (direct). */
  importers: string[];
}

export async function symbol(context: QueryContext, intent: IntentOf<'symbol'>): Promise<Answer<SymbolItem>> {
  const rows = await context.reader.all<{ name: string; kind: string; path: string; line: number; importers: string[] | null }>(
    `SELECT s.name, s.kind, s.file AS path, s.line,
            list_sort(list_distinct(list(substr(e.src, 6)) FILTER (WHERE e.src IS NOT NULL))) AS importers
     FROM symbols s
     LEFT JOIN edges e ON e.kind = 'imports' AND e.dst = 'file:' || s.file
     WHERE s.name = ?
     GROUP BY s.name, s.kind, s.file, s.line
     ORDER BY s.file, s.line`,
    [intent.name],
  );
  const items = rows.map((row) => ({ ...row, importers: row.importers ?? [] }));
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  const lines = cut.items.map(
    (item) => `${item.kind} ${item.name} at ${item.path}:${item.line}, imported by ${item.importers.length} file(s)`,
  );
  return {
    kind: 'symbol',
    ...cut,
    text: renderList(`${cut.total} definition(s) of ${intent.name}`, lines, cut.truncated),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}
