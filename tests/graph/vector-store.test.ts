// The vector store against real LanceDB tables in temp folders: what a sync writes comes back by key, searches are
// exact and filtered before the limit, the state lags honestly, damage is repaired or reported in one line, and no
// file is readable by others.

import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KgError } from '../../graph/errors.js';
import { openVectorStore, vectorDirOf, vectorStoreExists, type VectorKind, type VectorRow, type VectorStore } from '../../graph/vector-store.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('kg-vectors-');
let folders = 0;
const MODEL = 'test-model';
const DIMENSIONS = 4;

function freshDir(): string {
  folders += 1;
  return join(root, `ws-${folders}`, 'vectors');
}

function unit(values: readonly number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
}

function row(key: string, vector: readonly number[], kind: VectorKind = 'file', hash = `h-${key}`): VectorRow {
  return { key, node: key.split('#')[0]!, kind, path: kind === 'file' ? `src/${key}.ts` : null, hash, vector: unit(vector) };
}

const state = (graphStamp = 'stamp-1') => ({ model: MODEL, dimensions: DIMENSIONS, graphStamp });

async function open(dir: string, create = true): Promise<VectorStore> {
  const opened = await openVectorStore(dir, { create });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.store;
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((path) => pattern.test(path)).map((path) => join(dir, path));
}

describe('the vector store', () => {
  it('lives beside the graph and is created only when asked', async () => {
    expect(vectorDirOf('/home/u/.workrail/kg/ws-abc/graph.duckdb')).toBe('/home/u/.workrail/kg/ws-abc/vectors');
    // Two --db graphs in one folder never share a store (nor remove each other's).
    expect(vectorDirOf('/tmp/a.duckdb')).toBe('/tmp/a.duckdb.vectors');
    expect(vectorDirOf('/tmp/b.duckdb')).not.toBe(vectorDirOf('/tmp/a.duckdb'));
    const dir = freshDir();
    const missing = await openVectorStore(dir);
    expect(missing).toMatchObject({ ok: false, error: { code: 'vectors_unreadable' } });
    expect(vectorStoreExists(dir)).toBe(false);
    const store = await open(dir);
    expect(vectorStoreExists(dir)).toBe(true);
    expect(store.state()).toBeNull();
    expect(store.dimensions()).toBeNull();
    expect(await store.hashes()).toEqual(new Map());
    expect(await store.search(unit([1, 0, 0, 0]), { limit: 5 })).toEqual([]);
    // A graph with nothing to embed: a state without vectors, so the next sync knows it is current.
    await store.write({ upsert: [], remove: [], state: { model: MODEL, dimensions: 0, graphStamp: 'empty' } });
    await store.close();
    const again = await open(dir, false);
    expect(again.state()).toMatchObject({ graphStamp: 'empty', rows: 0, dimensions: 0 });
    await again.close();
  });

  it('keeps what was written across a reopen: rows by key with their hashes, and the state', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.write({ upsert: [row('a', [1, 0, 0, 0]), row('b', [0, 1, 0, 0], 'symbol')], remove: [], state: state() });
    await store.close();

    const again = await open(dir, false);
    expect(again.state()).toMatchObject({ model: MODEL, dimensions: DIMENSIONS, graphStamp: 'stamp-1', rows: 2 });
    expect(Date.parse(again.state()!.updatedAt)).not.toBeNaN();
    expect(again.dimensions()).toBe(DIMENSIONS);
    expect(await again.hashes()).toEqual(new Map([['a', 'h-a'], ['b', 'h-b']]));
    const [hit] = await again.search(unit([0, 1, 0, 0]), { limit: 1 });
    expect(hit).toMatchObject({ key: 'b', node: 'b', kind: 'symbol', path: null });
    await again.close();
  });

  it('replaces an upserted key and deletes removed keys', async () => {
    const store = await open(freshDir());
    await store.write({ upsert: [row('a', [1, 0, 0, 0]), row('b', [0, 1, 0, 0]), row('c', [0, 0, 1, 0])], remove: [], state: state() });
    await store.write({ upsert: [row('a', [0, 0, 0, 1], 'file', 'h-a2')], remove: ['b', 'not-there'], state: state('stamp-2') });
    expect(await store.hashes()).toEqual(new Map([['a', 'h-a2'], ['c', 'h-c']]));
    expect(store.state()).toMatchObject({ graphStamp: 'stamp-2', rows: 2 });
    const [nearest] = await store.search(unit([0, 0, 0, 1]), { limit: 1 });
    expect(nearest).toMatchObject({ key: 'a' });
    expect(nearest!.score).toBeCloseTo(1, 5);
    await store.close();
  });

  it('deletes and finds keys with quotes, backslashes and SQL in them as the very strings they are', async () => {
    const store = await open(freshDir());
    const keys = [`src/it's "quoted".ts`, "x' OR '1'='1", 'back\\slash\\n.ts', "''", 'ünïcödé/名前.ts#2', 'plain'];
    await store.write({ upsert: keys.map((key, i) => row(key, [1, i + 1, 0, 0])), remove: [], state: state() });
    await store.write({ upsert: [], remove: [keys[0]!, keys[1]!, keys[2]!], state: state() });
    expect([...(await store.hashes()).keys()].sort()).toEqual([keys[3], keys[4], keys[5]].sort());
    await store.close();
  });

  it('searches nearest first with the cosine score, and filters by kind before the limit', async () => {
    const store = await open(freshDir());
    // Ten files right at the query and three conventions far from it: a filter after the limit would find none.
    const files = Array.from({ length: 10 }, (_, i) => row(`file-${i}`, [1, 0.01 * i, 0, 0]));
    const conventions = [row('conv-0', [0, 0, 1, 0.1], 'convention'), row('conv-1', [0.2, 0, 1, 0], 'convention'), row('conv-2', [0, 0.1, 0, 1], 'convention')];
    await store.write({ upsert: [...files, ...conventions, row('session-0', [0, 1, 0, 0], 'session')], remove: [], state: state() });

    const all = await store.search(unit([1, 0, 0, 0]), { limit: 3 });
    expect(all.map((hit) => hit.key)).toEqual(['file-0', 'file-1', 'file-2']);
    expect(all[0]!.score).toBeCloseTo(1, 5);
    expect(all[0]!.score).toBeGreaterThan(all[1]!.score);
    expect(all[0]).toMatchObject({ kind: 'file', path: 'src/file-0.ts', node: 'file-0' });

    const onlyConventions = await store.search(unit([1, 0, 0, 0]), { kinds: ['convention'], limit: 3 });
    expect(onlyConventions.map((hit) => hit.key)).toEqual(['conv-1', 'conv-0', 'conv-2']);
    const two = await store.search(unit([0, 1, 0, 0]), { kinds: ['session', 'convention'], limit: 10 });
    expect(new Set(two.map((hit) => hit.kind))).toEqual(new Set(['session', 'convention']));
    expect(two[0]).toMatchObject({ key: 'session-0' });
    expect(await store.search(unit([1, 0, 0, 0]), { kinds: [], limit: 3 })).toEqual([]);
    expect(await store.search(unit([1, 0, 0, 0]), { kinds: ['symbol'], limit: 3 })).toEqual([]);
    await expect(store.search(new Float32Array(3), { limit: 3 })).rejects.toThrow('3 floats');
    await store.close();
  });

  it('refuses vectors of another length than the stored ones, and takes any length again after clear()', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.write({ upsert: [row('a', [1, 0, 0, 0])], remove: [], state: state() });
    const long = { ...row('b', [1, 0, 0, 0]), vector: unit([1, 0, 0, 0, 0, 0]) };
    await expect(store.write({ upsert: [long], remove: [], state: { ...state(), dimensions: 6 } })).rejects.toThrow('clear()');
    await expect(store.write({ upsert: [], remove: [], state: { ...state(), model: 'another-model' } })).rejects.toThrow('clear()');
    expect(await store.hashes()).toEqual(new Map([['a', 'h-a']]));

    await store.clear();
    expect(store.state()).toBeNull();
    expect(store.dimensions()).toBeNull();
    expect(await store.hashes()).toEqual(new Map());
    await store.write({ upsert: [long], remove: [], state: { model: 'another-model', dimensions: 6, graphStamp: 'stamp-2' } });
    expect(store.state()).toMatchObject({ model: 'another-model', dimensions: 6, rows: 1 });
    expect((await store.search(unit([1, 0, 0, 0, 0, 0]), { limit: 1 }))[0]!.score).toBeCloseTo(1, 5);
    await store.close();
  });

  it('says the vectors lag: after a write without a state, after a crash before the state, and after a malformed state file', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.write({ upsert: [row('a', [1, 0, 0, 0])], remove: [], state: state('stamp-1') });
    // A chunk of a longer sync: the rows land, the state waits for the last chunk.
    await store.write({ upsert: [row('b', [0, 1, 0, 0])], remove: [] });
    expect(store.state()).toBeNull();
    await store.write({ upsert: [row('c', [0, 0, 1, 0])], remove: [], state: state('stamp-2') });
    expect(store.state()).toMatchObject({ graphStamp: 'stamp-2', rows: 3 });
    await store.close();

    // A crash after the table write and before the state: the table is ahead of state.json.
    const lancedb = await import('@lancedb/lancedb');
    const db = await lancedb.connect(dir);
    const table = await db.openTable('embeddings');
    await table.delete(`key = 'c'`);
    table.close();
    db.close();
    const afterCrash = await open(dir, false);
    expect(afterCrash.state()).toBeNull();
    await afterCrash.close();

    writeFileSync(join(dir, 'state.json'), '{"format": 1, "model": "test-mo');
    const malformed = await open(dir, false);
    expect(malformed.state()).toBeNull();
    expect(await malformed.hashes()).toEqual(new Map([['a', 'h-a'], ['b', 'h-b']]));
    await malformed.close();
  });

  it("shows a long-lived reader another process's writes: new rows, and a state whose graph stamp moved on", async () => {
    const dir = freshDir();
    const writer = await open(dir);
    const reader = await open(dir, false);
    await writer.write({ upsert: [row('a', [1, 0, 0, 0])], remove: [], state: state('stamp-1') });
    expect(reader.state()).toMatchObject({ graphStamp: 'stamp-1' });
    expect((await reader.search(unit([1, 0, 0, 0]), { limit: 5 })).map((hit) => hit.key)).toEqual(['a']);
    await writer.write({ upsert: [row('b', [0.9, 0.1, 0, 0])], remove: [], state: state('stamp-2') });
    expect(reader.state()).toMatchObject({ graphStamp: 'stamp-2', rows: 2 });
    expect((await reader.search(unit([1, 0, 0, 0]), { limit: 5 })).map((hit) => hit.key)).toEqual(['a', 'b']);
    // A model change: the writer clears and rebuilds with longer vectors under the reader's open handle.
    await writer.clear();
    expect(await reader.search(unit([1, 0, 0, 0]), { limit: 5 })).toEqual([]);
    const long = { ...row('c', [1, 0, 0, 0]), vector: unit([0, 0, 0, 0, 0, 1]) };
    await writer.write({ upsert: [long], remove: [], state: { model: 'another-model', dimensions: 6, graphStamp: 'stamp-3' } });
    expect((await reader.search(unit([0, 0, 0, 0, 0, 1]), { limit: 5 })).map((hit) => hit.key)).toEqual(['c']);
    expect(reader.state()).toMatchObject({ model: 'another-model', dimensions: 6 });
    await writer.close();
    await reader.close();
  });

  it('repairs a store whose files are damaged when asked to write, and otherwise reports it in one line', async () => {
    for (const damage of ['manifests', 'data files'] as const) {
      const dir = freshDir();
      const store = await open(dir);
      await store.write({ upsert: [row('a', [1, 0, 0, 0]), row('b', [0, 1, 0, 0])], remove: [], state: state() });
      await store.write({ upsert: [row('c', [0, 0, 1, 0])], remove: [], state: state() });
      await store.close();
      const files = damage === 'manifests' ? filesUnder(dir, /_versions\/.*\.manifest$/) : filesUnder(dir, /data\/.*\.lance$/);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) writeFileSync(file, 'garbage, not a lance file');

      const reading = await openVectorStore(dir, { create: false });
      expect(reading.ok).toBe(false);
      if (reading.ok) continue;
      expect(reading.error.code).toBe('vectors_corrupt');
      expect(reading.error.message).toContain('kg reindex');
      expect(reading.error.message).not.toMatch(/\n|\.rs:\d/);

      const writing = await openVectorStore(dir, { create: true });
      expect(writing).toMatchObject({ ok: true, repaired: true });
      if (!writing.ok) continue;
      expect(writing.store.state()).toBeNull();
      expect(await writing.store.hashes()).toEqual(new Map());
      await writing.store.write({ upsert: [row('a', [1, 0, 0, 0])], remove: [], state: state() });
      expect(await writing.store.hashes()).toEqual(new Map([['a', 'h-a']]));
      await writing.store.close();
      expect((await openVectorStore(dir, { create: true })).ok && true).toBe(true);
    }
  });

  it('fails a search and a hashes read on files damaged under an open store with a one-line KgError', async () => {
    const dir = freshDir();
    const writer = await open(dir);
    await writer.write({ upsert: [row('a', [1, 0, 0, 0]), row('b', [0, 1, 0, 0])], remove: [], state: state() });
    await writer.close();
    const store = await open(dir, false);
    for (const file of filesUnder(dir, /data\/.*\.lance$/)) writeFileSync(file, 'garbage');
    for (const read of [() => store.search(unit([1, 0, 0, 0]), { limit: 2 }), () => store.hashes()]) {
      const error: unknown = await read().then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(KgError);
      expect((error as KgError).message).toContain('kg reindex');
      expect((error as KgError).message).not.toMatch(/\n|\.rs:\d/);
    }
    await store.close();
  });

  it('leaves no file under vectors/ readable by group or others, whatever the umask', async () => {
    const dir = freshDir();
    const previous = process.umask(0o022);
    try {
      const store = await open(dir);
      await store.write({ upsert: [row('a', [1, 0, 0, 0])], remove: [], state: state() });
      await store.write({ upsert: [row('b', [0, 1, 0, 0])], remove: ['a'], state: state() });
      await store.close();
    } finally {
      process.umask(previous);
    }
    const entries = [dir, ...filesUnder(dir, /./)];
    expect(entries.some((path) => path.includes('_versions'))).toBe(true);
    const open_ = entries.filter((path) => (lstatSync(path).mode & 0o077) !== 0);
    expect(open_).toEqual([]);
  });

  it('keeps the folder from growing with every small write', async () => {
    const dir = freshDir();
    const store = await open(dir);
    await store.write({ upsert: Array.from({ length: 20 }, (_, i) => row(`k${i}`, [1, i, 0, 0])), remove: [], state: state() });
    for (let i = 0; i < 30; i += 1) {
      await store.write({ upsert: [row(`k${i % 20}`, [1, i, 1, 0], 'file', `h${i}`)], remove: [], state: state(`stamp-${i}`) });
    }
    expect(filesUnder(dir, /_versions\/.*\.manifest$/).length).toBeLessThanOrEqual(11);
    expect(filesUnder(dir, /data\/.*\.lance$/).length).toBeLessThanOrEqual(11);
    expect(store.state()).toMatchObject({ graphStamp: 'stamp-29', rows: 20 });
    expect((await store.hashes()).get('k9')).toBe('h29');
    await store.close();
  });

  it('never loads LanceDB or Arrow at import: both come in by a dynamic import() on open', () => {
    for (const file of ['vector-store.ts', 'vector-batch.ts', 'vector-state.ts']) {
      const source = readFileSync(join(import.meta.dirname, '..', '..', 'graph', file), 'utf8');
      const staticImports = source.match(/^import\s+(?!type\b)[^;]*from\s+'(@lancedb\/[^']+|apache-arrow)'/gm) ?? [];
      expect(staticImports, file).toEqual([]);
    }
  });
});
