// impact: what transitively imports the changed files, and which tests reach them.

import { freshnessOf, limitItems, type Answer, type QueryContext } from './answer.js';
import { knownFiles } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { byDepthThenPath, walkImports } from './walk.js';

export interface ImpactItem {
  path: string;
  /** Import hops from the nearest changed file. */
  depth: number;
  isTest: boolean;
}

export interface ImpactAnswer extends Answer<ImpactItem> {
  /** The changed files, as the graph names them. */
  files: string[];
  /** Test files that reach a changed file (never cut by the limit). */
  tests: string[];
}

export async function impact(context: QueryContext, intent: IntentOf<'impact'>): Promise<ImpactAnswer> {
  const files = await knownFiles(context.reader, context.root, intent.files);
  const reached = byDepthThenPath(await walkImports(context.reader, files, 'importers', intent.depth ?? 100));
  const testRows = await context.reader.all<{ path: string }>(
    `SELECT path FROM files WHERE is_test AND path IN (SELECT unnest(?::VARCHAR[]))`,
    [[...files, ...reached.map((r) => r.path)]],
  );
  const testSet = new Set(testRows.map((row) => row.path));
  const items = reached.map((r) => ({ ...r, isTest: testSet.has(r.path) }));
  const tests = items.filter((item) => item.isTest).map((item) => item.path).sort();
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  const lines = cut.items.map((item) => `${item.path}${item.depth > 1 ? ` (${item.depth} hops)` : ''}${item.isTest ? ' [test]' : ''}`);
  return {
    kind: 'impact',
    ...cut,
    files,
    tests,
    text: renderList(
      `changing ${files.join(', ')} affects ${cut.total} file(s), ${tests.length} of them tests`,
      lines,
      cut.truncated,
    ),
    freshness: await freshnessOf(context, [...files, ...cut.items.map((item) => item.path)]),
  };
}
