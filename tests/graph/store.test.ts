import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCodeIndex } from '../../graph/code-writer.js';
import { KgError } from '../../graph/errors.js';
import { writeManifest } from '../../graph/manifest-writer.js';
import { SCHEMA_VERSION } from '../../graph/schema.js';
import { GraphStore, sqlStringList } from '../../graph/store.js';
import { openGraph } from '../../src/api.js';
import { workspaceStatus } from '../../src/status.js';
import { codeRows } from '../support/code-graph.js';
import { holdDatabaseLock } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir();

describe('GraphStore', () => {
  it('creates the schema at the current version and reopens it without migrating again', async () => {
    const path = join(dir, 'fresh', 'graph.duckdb');
    const store = await GraphStore.open({ path });
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    await writeCodeIndex(store, { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...codeRows({ 'src/a.ts': {} }) });
    store.close();
    const again = await GraphStore.open({ path, readOnly: true });
    expect(await again.schemaVersion()).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('writes any path into a batch of SQL as the same string', async () => {
    const store = await GraphStore.open({ path: join(dir, 'literals', 'graph.duckdb') });
    const values = ["it's.ts", "src/''quoted''.ts", 'back\\slash\\n.ts', 'ünïcödé/名前.ts', '; DROP TABLE files; --', '$1 ?'];
    const rows = await store.all<{ value: string }>(`SELECT unnest([${sqlStringList(values)}]) AS value`);
    expect(rows.map((row) => row.value)).toEqual(values);
    store.close();
  });

  it('refuses to read a graph that does not exist, with a clear error', async () => {
    const path = join(dir, 'missing', 'graph.duckdb');
    await expect(GraphStore.open({ path, readOnly: true })).rejects.toMatchObject({ code: 'no_graph' });
    expect(existsSync(path)).toBe(false);
  });

  it('rolls a failed write back completely, keeping the last committed graph', async () => {
    const store = await GraphStore.open({ path: join(dir, 'rollback.duckdb') });
    const first = codeRows({ 'src/a.ts': { imports: ['src/b.ts'] }, 'src/b.ts': {} });
    await writeCodeIndex(store, { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...first });
    await expect(
      store.write(async (tx) => {
        await tx.run(`DELETE FROM files`);
        await tx.run(`DELETE FROM edges`);
        throw new Error('crash in the middle of a write');
      }),
    ).rejects.toThrow('crash in the middle');
    const files = await store.all<{ path: string }>(`SELECT path FROM files ORDER BY path`);
    expect(files.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(await store.all(`SELECT * FROM edges WHERE kind = 'imports'`)).toHaveLength(1);
    store.close();
  });

  it('records the workspace row and index meta alike in a new graph and over an earlier index', async () => {
    const store = await GraphStore.open({ path: join(dir, 'meta.duckdb') });
    const rows = codeRows({ 'src/a.ts': {} });
    const recorded = async () => ({
      workspaces: await store.all(`SELECT id, root, strftime(indexed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%g') AS at, git_head FROM workspaces`),
      meta: await store.all(`SELECT key, value FROM meta WHERE key <> 'schema_version' ORDER BY key`),
    });
    // The first write goes to a graph this open created (appended), the second over it (deleted and inserted).
    for (const [indexedAt, gitHead] of [['2026-01-01T00:00:00.000Z', null], ['2026-02-03T04:05:06.789Z', 'abc123']] as const) {
      await writeCodeIndex(store, { root: '/ws/app', indexedAt, gitHead, historyFingerprint: `fp-${indexedAt}`, ...rows });
      expect(await recorded(), indexedAt).toEqual({
        workspaces: [{ id: expect.stringMatching(/^app-/), root: '/ws/app', at: indexedAt.slice(0, -1), git_head: gitHead }],
        meta: [
          { key: 'git_head', value: gitHead },
          { key: 'history_fingerprint', value: `fp-${indexedAt}` },
          { key: 'indexed_at', value: indexedAt },
          { key: 'workspace_root', value: '/ws/app' },
        ],
      });
    }
    store.close();
  });

  it('queues writes so concurrent callers each land, in order', async () => {
    const store = await GraphStore.open({ path: join(dir, 'queue.duckdb') });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.write((tx) => tx.run(`INSERT INTO meta VALUES (?, ?)`, [`k${i}`, String(i)])),
      ),
    );
    const rows = await store.all<{ n: number }>(`SELECT count(*) AS n FROM meta WHERE key LIKE 'k%'`);
    expect(rows[0]!.n).toBe(20);
    store.close();
  });

  it('waits for another process to release the lock, then gives up with a one-line message', async () => {
    const path = join(dir, 'locked.duckdb');
    (await GraphStore.open({ path })).close();
    const holder = await holdDatabaseLock(path, 1500);
    const started = Date.now();
    const error = await GraphStore.open({ path, lockTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KgError);
    expect((error as KgError).code).toBe('locked');
    expect((error as KgError).message).toMatch(/locked by another process \(PID \d+\).*KG_LOCK_TIMEOUT_MS/);
    expect((error as KgError).message).not.toContain('\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // With a bound longer than the holder keeps it, the same open succeeds once the lock is free.
    const store = await GraphStore.open({ path, lockTimeoutMs: 20_000 });
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    store.close();
    await holder.release();
  });
});


describe('schema migrations', () => {
  it('brings a version 1 graph up to the current version (the enrichments table, then the history and term tables) on a writable open', async () => {
    const path = join(tempDir(), 'v1.duckdb');
    const first = await GraphStore.open({ path });
    await writeCodeIndex(first, { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...codeRows({ 'src/a.ts': {} }) });
    await first.write(async (tx) => {
      await tx.run(`DROP TABLE enrichments; DROP TABLE commits; DROP TABLE commit_files; DROP TABLE file_terms`);
      await tx.run(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    });
    first.close();
    await expect(GraphStore.open({ path, readOnly: true })).rejects.toThrow(/older graph schema \(1\)/);
    const upgraded = await GraphStore.open({ path });
    try {
      expect(await upgraded.all(`SELECT value FROM meta WHERE key = 'schema_version'`)).toEqual([{ value: String(SCHEMA_VERSION) }]);
      expect(await upgraded.all(`SELECT count(*)::INTEGER AS n FROM enrichments`)).toEqual([{ n: 0 }]);
      expect(await upgraded.all(`SELECT count(*)::INTEGER AS n FROM commits`)).toEqual([{ n: 0 }]);
      expect(await upgraded.all(`SELECT count(*)::INTEGER AS n FROM commit_files`)).toEqual([{ n: 0 }]);
    } finally {
      upgraded.close();
    }
  });
});

describe('a graph no index of which completed', () => {
  const indexed = { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...codeRows({ 'src/a.ts': { imports: ['src/b.ts'] }, 'src/b.ts': {} }) };

  it('does not open for reading, whether it has the schema or no tables at all', async () => {
    const path = join(tempDir(), 'unindexed.duckdb');
    (await GraphStore.open({ path })).close();
    await expect(GraphStore.open({ path, readOnly: true })).rejects.toMatchObject({ code: 'no_graph', message: expect.stringMatching(/^no graph at .*no index of it completed/) });
    // What DuckDB leaves of a first index killed before kg wrote the schema: a database with no tables.
    const bare = join(tempDir(), 'bare.duckdb');
    const holder = await holdDatabaseLock(bare, 60_000);
    await holder.release();
    await expect(GraphStore.open({ path: bare, readOnly: true })).rejects.toMatchObject({ code: 'no_graph' });
  });

  it("answers no_graph from a writable graph until an index commits (a server's kept-open graph), then answers", async () => {
    const workspace = tempDir();
    const db = join(tempDir(), 'kept-open.duckdb');
    const graph = await openGraph({ workspace, db, writable: true, cacheAnswers: true });
    try {
      expect(graph.store.isIndexed).toBe(false);
      await expect(graph.query({ kind: 'hotspots' })).rejects.toMatchObject({ code: 'no_graph' });
      await expect(workspaceStatus(graph)).rejects.toMatchObject({ code: 'no_graph' });
      const manifest = { id: 'm1', createdAt: '2026-01-01T00:00:00.000Z', sessionId: null, goal: 'g', budgetTokens: 10, renderedTokens: 0 };
      await expect(writeManifest(graph.store, manifest)).rejects.toMatchObject({ code: 'no_graph' });
      // A write that is not an index does not make a graph.
      await graph.store.write((tx) => tx.run(`INSERT INTO meta VALUES ('other', 'x')`));
      await expect(graph.query({ kind: 'hotspots' })).rejects.toMatchObject({ code: 'no_graph' });
      await writeCodeIndex(graph.store, indexed);
      expect(graph.store.isIndexed).toBe(true);
      expect((await graph.query({ kind: 'hotspots' })).items).toHaveLength(1);
      expect((await workspaceStatus(graph)).tables.files).toBe(2);
      await writeManifest(graph.store, manifest);
    } finally {
      graph.close();
    }
    const reader = await GraphStore.open({ path: db, readOnly: true });
    expect(reader.isIndexed).toBe(true);
    reader.close();
  });

  it('is opened afresh for writing when it is an empty file', async () => {
    const path = join(tempDir(), 'empty.duckdb');
    writeFileSync(path, '');
    await expect(GraphStore.open({ path, readOnly: true })).rejects.toMatchObject({ code: 'no_graph' });
    const store = await GraphStore.open({ path });
    await writeCodeIndex(store, indexed);
    store.close();
    const reader = await GraphStore.open({ path, readOnly: true });
    expect(await reader.all(`SELECT path FROM files ORDER BY path`)).toEqual([{ path: 'src/a.ts' }, { path: 'src/b.ts' }]);
    reader.close();
  });
});

describe('file modes', () => {
  it('keeps a new graph, its WAL and its new folder to their owner (0600, 0700)', async () => {
    const path = join(tempDir(), 'new', 'folder', 'graph.duckdb');
    const store = await GraphStore.open({ path });
    try {
      await writeCodeIndex(store, { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...codeRows({ 'src/a.ts': {} }) });
      const mode = (file: string) => statSync(file).mode & 0o777;
      expect(mode(dirname(path))).toBe(0o700);
      expect(mode(dirname(dirname(path)))).toBe(0o700);
      expect(mode(path)).toBe(0o600);
      // The commit is in the WAL until the store closes (and checkpoints).
      expect(existsSync(`${path}.wal`)).toBe(true);
      expect(mode(`${path}.wal`)).toBe(0o600);
    } finally {
      store.close();
    }
  });
});
