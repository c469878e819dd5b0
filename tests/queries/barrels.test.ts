// Importers through barrels, on a workspace whose answers are known: `export *`, `export { x as y } from`,
// `export * as ns from`, a barrel of a barrel, and a named re-export that does not pass the symbol on.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportersAnswer } from '../../queries/importers.js';
import type { SymbolAnswer } from '../../queries/symbol.js';
import { indexWorkspace, openGraph, type Graph } from '../../src/api.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

let graph: Graph;
let db: string;
let root: string;

beforeAll(async () => {
  root = writeWorkspace(tempDir('kg-barrels-'), {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true }, include: ['src'] }),
    'src/el.ts': 'export function newElement() { return 1; }\nexport const other = 2;\n',
    'src/index.ts': "export * from './el';\n",
    'src/named.ts': "export { newElement as makeElement } from './el';\n",
    'src/ns.ts': "export * as els from './el';\n",
    'src/outer.ts': "export * from './index';\n",
    'src/only-other.ts': "export { other } from './el';\n",
    'src/a.ts': "import { newElement } from './el';\nexport const a = newElement();\n",
    'src/b.ts': "import { newElement } from './index';\nexport const b = newElement();\n",
    'src/c.ts': "import { makeElement } from './named';\nexport const c = makeElement();\n",
    'src/d.ts': "import { els } from './ns';\nexport const d = els.newElement();\n",
    'src/e.ts': "import { newElement } from './outer';\nexport const e = newElement();\n",
    'src/g.ts': "import { other } from './only-other';\nexport const g = other;\n",
  });
  db = join(tempDir('kg-barrels-db-'), 'graph.duckdb');
  await indexWorkspace(root, { db, dataDir: join(root, 'no-data') });
  graph = await openGraph({ workspace: root, db });
});
afterAll(() => graph.close());

describe('importers through barrels', () => {
  it('symbol counts the files that import a name through barrels, naming the barrels, and not those a barrel does not pass it to', async () => {
    const answer = (await graph.query({ kind: 'symbol', name: 'newElement' })) as SymbolAnswer;
    const [item] = answer.items;
    expect(item).toMatchObject({ path: 'src/el.ts', importers: ['src/a.ts', 'src/index.ts', 'src/named.ts', 'src/ns.ts', 'src/only-other.ts'] });
    expect(item!.throughBarrels).toEqual([
      { path: 'src/b.ts', via: ['src/index.ts'] },
      { path: 'src/c.ts', via: ['src/named.ts'] },
      { path: 'src/d.ts', via: ['src/ns.ts'] },
      { path: 'src/e.ts', via: ['src/outer.ts', 'src/index.ts'] },
    ]);
    expect(answer.text).toContain('function newElement at src/el.ts:1, imported by 9 file(s) (4 through src/index.ts, src/named.ts, src/ns.ts, …)');
    const other = (await graph.query({ kind: 'symbol', name: 'other' })) as SymbolAnswer;
    expect(other.items[0]!.throughBarrels.map((b) => b.path)).toEqual(['src/b.ts', 'src/d.ts', 'src/e.ts', 'src/g.ts']);
  });

  it('importers lists the files that reach a file only through barrels after its direct importers', async () => {
    const answer = (await graph.query({ kind: 'importers', file: 'src/el.ts' })) as ImportersAnswer;
    expect(answer.items.map((i) => [i.path, i.depth, i.via ?? null])).toEqual([
      ['src/a.ts', 1, null],
      ['src/index.ts', 1, null],
      ['src/named.ts', 1, null],
      ['src/ns.ts', 1, null],
      ['src/only-other.ts', 1, null],
      ['src/b.ts', 2, ['src/index.ts']],
      ['src/c.ts', 2, ['src/named.ts']],
      ['src/d.ts', 2, ['src/ns.ts']],
      ['src/e.ts', 3, ['src/outer.ts', 'src/index.ts']],
      ['src/g.ts', 2, ['src/only-other.ts']],
    ]);
    expect(answer.text).toContain('src/e.ts (through src/outer.ts -> src/index.ts)');
  });

  it('answers the same from a kept-open graph\'s in-memory snapshot as from SQL', async () => {
    graph.close();
    const kept = await openGraph({ workspace: root, db, writable: true, cacheAnswers: true });
    const plain = await openGraph({ workspace: root, db });
    try {
      for (const intent of [{ kind: 'symbol', name: 'newElement' }, { kind: 'symbol', name: 'other' }, { kind: 'importers', file: 'src/el.ts' }] as const) {
        const [fromSnapshot, fromSql] = [await kept.query(intent), await plain.query(intent)];
        expect({ ...fromSnapshot, freshness: null }, intent.kind).toEqual({ ...fromSql, freshness: null });
      }
    } finally {
      kept.close();
      plain.close();
      graph = await openGraph({ workspace: root, db });
    }
  });
});
