// The in-memory snapshot and the answer cache a kept-open graph (kg serve) uses must give exactly the answers of the
// SQL path, see every committed write, and load once for concurrent first queries.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { loadSnapshot, runQuery, type FreshnessProbe, type Intent } from '../../queries/index.js';
import { openGraph, type Graph } from '../../src/api.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let data: GeneratedDataDir;
let store: GraphStore;
let root: string;

beforeAll(async () => {
  const dir = tempDir();
  data = generateDataDir({ seed: 9, dir: join(dir, 'fixture') });
  root = data.workspaces[0]!;
  store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
  await indexWorkspaceInto(store, root, { dataDir: data.dataDir });
});
afterAll(() => store.close());

function intentsFor(files: string[], sessions: string[], symbols: string[]): Intent[] {
  const intents: Intent[] = [
    { kind: 'cycles' },
    { kind: 'cycles', level: 'runtime' },
    { kind: 'hotspots', limit: 5 },
    { kind: 'recent_sessions', limit: 7 },
    { kind: 'symbol', name: 'nope' },
    { kind: 'importers', file: 'src' },
    { kind: 'dependencies', file: 'src/api', depth: 2 },
    { kind: 'impact', files: ['src/db'] },
  ];
  for (const file of files) {
    intents.push(
      { kind: 'importers', file },
      { kind: 'importers', file, transitive: true },
      { kind: 'dependencies', file },
      { kind: 'dependencies', file, depth: 2 },
      { kind: 'impact', files: [file] },
      { kind: 'impact', files: [file], depth: 1, limit: 2 },
      { kind: 'sessions_touching', file },
      { kind: 'conventions', file },
    );
  }
  for (const session of sessions) intents.push({ kind: 'files_touched', session });
  for (const name of symbols) intents.push({ kind: 'symbol', name }, { kind: 'symbol', name, limit: 1 });
  return intents;
}

describe('the in-memory snapshot', () => {
  it('answers every file-graph intent exactly as SQL does', async () => {
    const files = (await store.all<{ path: string }>(`SELECT path FROM files ORDER BY path`)).map((r) => r.path);
    const sessions = (await store.all<{ id: string }>(`SELECT id FROM sessions ORDER BY id LIMIT 10`)).map((r) => r.id);
    expect(files.length).toBeGreaterThan(5);
    const symbols = (await store.all<{ name: string }>(`SELECT DISTINCT name FROM symbols ORDER BY name LIMIT 40`)).map((r) => r.name);
    expect(symbols.length).toBeGreaterThan(3);
    const snapshot = await loadSnapshot(store);
    let compared = 0;
    for (const intent of intentsFor(files, sessions, symbols)) {
      const viaSql = await runQuery({ reader: store, root, probe: unchangedDisk }, intent).catch((e: Error) => e.message);
      const viaSnapshot = await runQuery({ reader: store, root, probe: unchangedDisk, snapshot }, intent).catch((e: Error) => e.message);
      expect(viaSnapshot, JSON.stringify(intent)).toEqual(viaSql);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('reports an unknown file the same way', async () => {
    const snapshot = await loadSnapshot(store);
    const intent: Intent = { kind: 'importers', file: 'src/nope.ts' };
    await expect(runQuery({ reader: store, root, probe: unchangedDisk, snapshot }, intent)).rejects.toThrow(/unknown file: src\/nope\.ts/);
  });
});

describe('a graph that caches answers', () => {
  let graph: Graph;
  let workspace: string;
  beforeAll(async () => {
    workspace = writeWorkspace(tempDir(), SMALL_APP);
    const db = join(tempDir(), 'cached.duckdb');
    const writer = await GraphStore.open({ path: db });
    await indexWorkspaceInto(writer, workspace, { dataDir: join(workspace, 'no-data') });
    writer.close();
    graph = await openGraph({ workspace, db, writable: true, cacheAnswers: true, readers: 2 });
  });
  afterAll(() => graph.close());

  const importersOf = async (file: string) => ((await graph.query({ kind: 'importers', file })).items as { path: string }[]).map((i) => i.path);

  it('answers a repeated question from the cache, checking freshness on disk each time', async () => {
    const first = await graph.query({ kind: 'importers', file: 'src/schema.ts' });
    const hits = graph.cache!.counters.hits;
    const again = await graph.query({ kind: 'importers', file: 'src/schema.ts' });
    expect(graph.cache!.counters.hits).toBe(hits + 1);
    expect(again).toEqual(first);
    // The file changes on disk: the cached answer says so.
    writeFileSync(join(workspace, 'src/store.ts'), "import { SCHEMA } from './schema.js';\nexport const changed = SCHEMA;\n");
    const stale = await graph.query({ kind: 'importers', file: 'src/schema.ts' });
    expect(stale.items).toEqual(first.items);
    expect(stale.freshness).toMatchObject({ changedSinceIndex: true, changedFiles: ['src/store.ts'] });
  });

  it('sees a committed write on the next question', async () => {
    expect(await importersOf('src/store.ts')).toContain('src/cli.ts');
    writeFileSync(join(workspace, 'src/cli.ts'), "export const cli = 'no imports any more';\n");
    await reindexWorkspaceInto(graph.store, graph.workspace, { files: ['src/cli.ts', 'src/store.ts'], dataDir: join(workspace, 'no-data') });
    expect(await importersOf('src/store.ts')).not.toContain('src/cli.ts');
  });

  it('after a write of the history alone, keeps the code part of its snapshot and reads its meta again', async () => {
    const before = await graph.query({ kind: 'importers', file: 'src/schema.ts' });
    const [generation, codeGeneration] = [graph.store.generation, graph.store.codeGeneration];
    writeFileSync(join(workspace, 'AGENTS.md'), '# Rules\n\n## Testing\nEvery change to src/store.ts needs a test.\n');
    const report = await reindexWorkspaceInto(graph.store, graph.workspace, { dataDir: join(workspace, 'no-data'), now: () => new Date('2030-01-01T00:00:00.000Z') });
    expect(report).toMatchObject({ mode: 'incremental', historyRefreshed: true, added: [], modified: [], deleted: [] });
    expect(graph.store.generation).toBeGreaterThan(generation);
    expect(graph.store.codeGeneration).toBe(codeGeneration);
    const after = await graph.query({ kind: 'importers', file: 'src/schema.ts' });
    expect(after.items).toEqual(before.items);
    expect(after.freshness.indexedAt).toBe('2030-01-01T00:00:00.000Z');
    expect((await graph.query({ kind: 'conventions', file: 'src/store.ts' })).items).not.toEqual([]);

    // A code change moves the code generation: the next answer is of the new imports.
    writeFileSync(join(workspace, 'src/extra.ts'), "import { SCHEMA } from './schema.js';\nexport const extra = SCHEMA;\n");
    await reindexWorkspaceInto(graph.store, graph.workspace, { files: ['src/extra.ts'], dataDir: join(workspace, 'no-data') });
    expect(graph.store.codeGeneration).toBeGreaterThan(codeGeneration);
    expect(await importersOf('src/schema.ts')).toContain('src/extra.ts');
  });

  it('computes concurrent first questions once', async () => {
    const misses = graph.cache!.counters.misses;
    const answers = await Promise.all(Array.from({ length: 6 }, () => graph.query({ kind: 'hotspots', limit: 3 })));
    expect(graph.cache!.counters.misses).toBe(misses + 1);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });
});
