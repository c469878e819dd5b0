import { join } from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { writeCodeIndex } from '../../graph/code-writer.js';
import { GraphStore } from '../../graph/store.js';
import { runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import type { ImpactAnswer } from '../../queries/impact.js';
import type { DependenciesAnswer } from '../../queries/importers.js';
import { codeRows } from '../support/code-graph.js';
import { tempDir } from '../support/temp.js';

// A small graph with a chain, a diamond, a cycle, a test file, packages and an unresolved import:
//   cli.ts -> api.ts -> store.ts -> schema.ts ; api.ts -> queries.ts -> store.ts
//   a.ts <-> b.ts (cycle) ; tests/api.test.ts -> api.ts
const graph = codeRows({
  'src/cli.ts': {
    imports: ['src/api.ts'],
    packages: ['commander'],
    commands: [
      { spec: 'index [dir]', description: 'index a workspace', line: 12 },
      { spec: 'query <kind>', line: 20 },
    ],
  },
  'src/api.ts': { imports: ['src/store.ts', 'src/queries.ts'], exports: [{ name: 'openGraph', kind: 'function', line: 3 }] },
  'src/queries.ts': { imports: ['src/store.ts'], typeImports: ['src/schema.ts'] },
  'src/store.ts': { imports: ['src/schema.ts'], packages: ['@duckdb/node-api'], unresolved: ['./missing.js'] },
  'src/schema.ts': { exports: [{ name: 'SCHEMA_VERSION', kind: 'variable', line: 1 }] },
  'src/server.ts': {
    imports: ['src/api.ts'],
    routes: [
      { method: 'POST', path: '/v1/query', line: 8 },
      { method: 'GET', path: '/v1/health', line: 9 },
    ],
  },
  'src/a.ts': { imports: ['src/b.ts'], exports: [{ name: 'openGraph', kind: 'variable', line: 7 }] },
  'src/b.ts': { imports: ['src/a.ts'] },
  'tests/api.test.ts': { imports: ['src/api.ts'] },
});

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let store: GraphStore;
let context: QueryContext;

beforeAll(async () => {
  store = await GraphStore.open({ path: join(tempDir(), 'graph.duckdb') });
  await writeCodeIndex(store, { root: '/ws', indexedAt: '2026-11-24T10:00:00.000Z', gitHead: null, ...graph });
  context = { reader: store, root: '/ws', probe: unchangedDisk };
});
afterAll(() => store.close());

const paths = (answer: { items: unknown[] }) => (answer.items as { path: string }[]).map((item) => item.path);

describe('importers', () => {
  it('lists direct importers with the lines of their import statements', async () => {
    const answer = await runQuery(context, { kind: 'importers', file: 'src/store.ts' });
    expect(paths(answer)).toEqual(['src/api.ts', 'src/queries.ts']);
    expect(answer.items[0]).toMatchObject({ depth: 1, imports: [{ specifier: './src/store.ts', typeOnly: false }] });
    expect(answer.truncated).toBe(false);
    expect(answer.text).toContain('2 file(s) import src/store.ts');
  });

  it('follows the chain transitively, nearest first, and honours a depth limit', async () => {
    const all = await runQuery(context, { kind: 'importers', file: 'src/schema.ts', transitive: true });
    expect(all.items).toEqual([
      { path: 'src/queries.ts', depth: 1 },
      { path: 'src/store.ts', depth: 1 },
      { path: 'src/api.ts', depth: 2 },
      { path: 'src/cli.ts', depth: 3 },
      { path: 'src/server.ts', depth: 3 },
      { path: 'tests/api.test.ts', depth: 3 },
    ]);
    const two = await runQuery(context, { kind: 'importers', file: 'src/schema.ts', depth: 2 });
    expect(paths(two)).toEqual(['src/queries.ts', 'src/store.ts', 'src/api.ts']);
  });

  it('cuts to the limit and says so', async () => {
    const answer = await runQuery(context, { kind: 'importers', file: 'src/schema.ts', transitive: true, limit: 2 });
    expect(answer.items).toHaveLength(2);
    expect(answer).toMatchObject({ truncated: true, total: 6 });
  });

  it('accepts ./-prefixed and absolute paths inside the workspace', async () => {
    const answer = await runQuery(context, { kind: 'importers', file: '/ws/./src/store.ts' });
    expect(paths(answer)).toEqual(['src/api.ts', 'src/queries.ts']);
  });

  it('fails with unknown_file and a suggestion for a file the graph does not hold', async () => {
    await expect(runQuery(context, { kind: 'importers', file: 'lib/store.ts' })).rejects.toMatchObject({
      code: 'unknown_file',
      message: expect.stringContaining('did you mean src/store.ts'),
    });
  });
});

describe('dependencies', () => {
  it('lists workspace files, packages and unresolved specifiers separately', async () => {
    const answer = (await runQuery(context, { kind: 'dependencies', file: 'src/store.ts' })) as DependenciesAnswer;
    expect(paths(answer)).toEqual(['src/schema.ts']);
    expect(answer.packages).toEqual(['@duckdb/node-api']);
    expect(answer.unresolved).toEqual([{ specifier: './missing.js', line: 3 }]);
  });

  it('walks transitively', async () => {
    const answer = await runQuery(context, { kind: 'dependencies', file: 'src/cli.ts', transitive: true });
    expect(answer.items).toEqual([
      { path: 'src/api.ts', depth: 1 },
      { path: 'src/queries.ts', depth: 2 },
      { path: 'src/store.ts', depth: 2 },
      { path: 'src/schema.ts', depth: 3 },
    ]);
  });
});

describe('impact', () => {
  it('returns the reverse closure of several files and the tests that reach them', async () => {
    const answer = (await runQuery(context, { kind: 'impact', files: ['src/queries.ts', 'src/b.ts'] })) as ImpactAnswer;
    expect(paths(answer)).toEqual(['src/a.ts', 'src/api.ts', 'src/cli.ts', 'src/server.ts', 'tests/api.test.ts']);
    expect(answer.tests).toEqual(['tests/api.test.ts']);
    expect(answer.items.find((i) => i.path === 'tests/api.test.ts')).toMatchObject({ depth: 2, isTest: true });
  });
});

describe('symbol', () => {
  it('finds every definition of a name and who imports each defining file', async () => {
    const answer = await runQuery(context, { kind: 'symbol', name: 'openGraph' });
    expect(answer.items).toEqual([
      { name: 'openGraph', kind: 'variable', path: 'src/a.ts', line: 7, importers: ['src/b.ts'], throughBarrels: [] },
      {
        name: 'openGraph',
        kind: 'function',
        path: 'src/api.ts',
        line: 3,
        importers: ['src/cli.ts', 'src/server.ts', 'tests/api.test.ts'],
        throughBarrels: [],
      },
    ]);
  });

  it('answers an empty list, not an error, for a name nobody exports', async () => {
    const answer = await runQuery(context, { kind: 'symbol', name: 'nothingHere' });
    expect(answer.items).toEqual([]);
  });
});

describe('catalogue kinds', () => {
  it('lists CLI commands, optionally filtered', async () => {
    const all = await runQuery(context, { kind: 'cli_commands' });
    expect(all.items).toEqual([
      { name: 'index', spec: 'index [dir]', description: 'index a workspace', path: 'src/cli.ts', line: 12 },
      { name: 'query', spec: 'query <kind>', description: null, path: 'src/cli.ts', line: 20 },
    ]);
    const some = await runQuery(context, { kind: 'cli_commands', text: 'QUERY' });
    expect(some.items).toHaveLength(1);
  });

  it('lists routes with method, route, file and line', async () => {
    const answer = await runQuery(context, { kind: 'routes', text: '/v1' });
    expect(answer.items).toEqual([
      { method: 'GET', route: '/v1/health', path: 'src/server.ts', line: 9 },
      { method: 'POST', route: '/v1/query', path: 'src/server.ts', line: 8 },
    ]);
  });
});

describe('a folder argument', () => {
  it('means any file under it: importers from outside it, what it imports from outside, and the impact of all of it', async () => {
    const importers = await runQuery(context, { kind: 'importers', file: 'src' });
    expect(paths(importers)).toEqual(['tests/api.test.ts']);
    expect(importers.text).toMatch(/^1 file\(s\) outside src\/ import its \d+ file\(s\)/);
    const dependencies = (await runQuery(context, { kind: 'dependencies', file: 'tests/' })) as DependenciesAnswer;
    expect(paths(dependencies)).toEqual(['src/api.ts']);
    const deep = (await runQuery(context, { kind: 'dependencies', file: 'tests', depth: 3 })) as DependenciesAnswer;
    expect(paths(deep)).toEqual(['src/api.ts', 'src/queries.ts', 'src/store.ts', 'src/schema.ts']);
    const impact = (await runQuery(context, { kind: 'impact', files: ['src/a.ts', 'tests'] })) as ImpactAnswer;
    expect(paths(impact)).toEqual(['src/b.ts']);
    await expect(runQuery(context, { kind: 'importers', file: 'nowhere' })).rejects.toThrow(/unknown file: nowhere is not in the graph/);
  });
});

describe('cycles and hotspots', () => {
  it('finds the import cycle with a concrete loop', async () => {
    const answer = await runQuery(context, { kind: 'cycles' });
    expect(answer.items).toEqual([
      {
        files: ['src/a.ts', 'src/b.ts'],
        size: 2,
        example: ['src/a.ts', 'src/b.ts', 'src/a.ts'],
        steps: [
          { from: 'src/a.ts', to: 'src/b.ts', typeOnly: false },
          { from: 'src/b.ts', to: 'src/a.ts', typeOnly: false },
        ],
        runtime: true,
        runtimeGroups: [2],
      },
    ]);
  });

  it('tells runtime cycles from those a type-only import closes, and marks the type-only steps', async () => {
    // x -> y -> z -> x, where z's import of x is type-only; y <-> z at run time; w -> v -type-> w only in types.
    const rows = codeRows({
      'src/x.ts': { imports: ['src/y.ts'] },
      'src/y.ts': { imports: ['src/z.ts'] },
      'src/z.ts': { imports: ['src/y.ts'], typeImports: ['src/x.ts'] },
      'src/w.ts': { imports: ['src/v.ts'] },
      'src/v.ts': { typeImports: ['src/w.ts'] },
    });
    const own = await GraphStore.open({ path: join(tempDir(), 'cycles.duckdb') });
    try {
      await writeCodeIndex(own, { root: '/ws', indexedAt: '2026-11-24T10:00:00.000Z', gitHead: null, ...rows });
      const ctx = { reader: own, root: '/ws', probe: unchangedDisk };
      const all = await runQuery(ctx, { kind: 'cycles' });
      expect(all).toMatchObject({ level: 'all', runtimeCycles: 1, total: 2 });
      expect(all.items.map((i) => [i.files, i.runtime, i.runtimeGroups])).toEqual([
        [['src/x.ts', 'src/y.ts', 'src/z.ts'], false, [2]],
        [['src/v.ts', 'src/w.ts'], false, []],
      ]);
      expect(all.items[0]!.steps).toContainEqual({ from: 'src/z.ts', to: 'src/x.ts', typeOnly: true });
      expect(all.text).toContain('2 import cycle(s), 1 of them at run time');
      expect(all.text).toContain('-(type)-> src/x.ts');
      expect(all.text).toContain('(type-level only)');
      const runtime = await runQuery(ctx, { kind: 'cycles', level: 'runtime' });
      expect(runtime.items).toEqual([
        {
          files: ['src/y.ts', 'src/z.ts'],
          size: 2,
          example: ['src/y.ts', 'src/z.ts', 'src/y.ts'],
          steps: [
            { from: 'src/y.ts', to: 'src/z.ts', typeOnly: false },
            { from: 'src/z.ts', to: 'src/y.ts', typeOnly: false },
          ],
          runtime: true,
          runtimeGroups: [2],
        },
      ]);
    } finally {
      own.close();
    }
  });

  it('ranks the most imported files', async () => {
    const answer = await runQuery(context, { kind: 'hotspots', limit: 2 });
    expect(answer.items).toEqual([
      { path: 'src/api.ts', importers: 3 },
      { path: 'src/schema.ts', importers: 2 },
    ]);
    expect(answer.truncated).toBe(true);
  });
});

describe('freshness', () => {
  it('reports when the index was made and which answered files changed on disk since', async () => {
    const probe: FreshnessProbe = { gitHead: () => 'abc', changedFiles: (_root, files) => files.map((f) => f.path).filter((p) => p === 'src/api.ts') };
    const answer = await runQuery({ ...context, probe }, { kind: 'importers', file: 'src/store.ts' });
    expect(answer.freshness).toEqual({
      indexedAt: '2026-11-24T10:00:00.000Z',
      gitHeadAtIndex: null,
      gitHeadNow: 'abc',
      changedSinceIndex: true,
      changedFiles: ['src/api.ts'],
    });
    const fresh = await runQuery(context, { kind: 'importers', file: 'src/store.ts' });
    expect(fresh.freshness.changedSinceIndex).toBe(false);
  });
});
