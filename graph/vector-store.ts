// The LanceDB store of kg's optional vector layer: one table of embeddings of graph nodes beside the graph
// (`<graph folder>/vectors/`), derived data that a sync rewrites by key and that is dropped, not mended, when damaged.

import { accessSync, constants, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type * as Lance from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';
import { KgError } from './errors.js';
import { makePrivateFolder, narrowToOwner } from './private-files.js';
import { VECTOR_COLUMNS, vectorBatch, vectorSchema } from './vector-batch.js';
import { readVectorState, removeVectorState, vectorStateStamp, writeVectorState, type VectorState } from './vector-state.js';

export type { VectorState } from './vector-state.js';

export type VectorKind = 'file' | 'symbol' | 'session' | 'convention';

/** Every kind, in one place: search filters are built from this list, never from a caller's strings. */
export const VECTOR_KINDS: readonly VectorKind[] = ['file', 'symbol', 'session', 'convention'];

export interface VectorRow {
  /** unique: a graph node id, or `nodeId#n` for the n-th chunk of a long session */
  key: string;
  node: string;
  kind: VectorKind;
  path: string | null;
  /** sha256 of the text that was embedded */
  hash: string;
  vector: Float32Array;
}

export interface VectorHit {
  key: string;
  node: string;
  kind: VectorKind;
  path: string | null;
  /** cosine similarity, higher is closer (vectors are unit length) */
  score: number;
}

export type VectorStoreError = { code: 'vectors_corrupt' | 'vectors_unreadable'; message: string /* one line */ };

export type OpenedVectorStore = { ok: true; store: VectorStore; repaired: boolean } | { ok: false; error: VectorStoreError };

/** One write: `state` describes the store after it; a write without one (a chunk of a longer sync) leaves no state. */
export interface VectorChange {
  upsert: readonly VectorRow[];
  remove: readonly string[];
  state?: Omit<VectorState, 'rows' | 'updatedAt'>;
}

export interface VectorStore {
  readonly dir: string;
  /** The state written with the last completed write; null when none (a new store, a write without a state, or a
   * write that crashed before its end). */
  state(): VectorState | null;
  /** The length of the stored vectors, from the table itself; null while there is no table. */
  dimensions(): number | null;
  /** key -> hash of every stored row. */
  hashes(): Promise<Map<string, string>>;
  /** Adds or replaces `upsert` rows by key, deletes `remove` keys, then records `state` (last, atomically: a crash before
   * leaves the old state, so a reader sees the vectors lag). Throws on vectors of another length than the store's, and
   * on a state of another model or dimension than the rows kept: the caller clears the store on a model change. */
  write(change: VectorChange): Promise<void>;
  /** The `limit` nearest rows to `vector` (unit length), optionally only of `kinds`, nearest first; exact search. */
  search(vector: Float32Array, options: { kinds?: readonly VectorKind[]; limit: number }): Promise<VectorHit[]>;
  /** Drops every row and the state (a model change, a repair). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

const TABLE = 'embeddings';
// LanceDB keeps every version of a table (each write adds one, with its own files) until optimize() prunes them: left
// alone, 100 upserts of 50 rows into 10k grew the folder from 16 to 25 MB and 411 files and slowed a search 3x.
const COMPACT_AFTER_VERSIONS = 10;
// Keys are deleted by `key IN (...)`; a chunk bounds one predicate (5000 keys took 29 ms, so this is not about speed).
const DELETE_CHUNK = 1000;

/**
 * Where the vectors of the graph at `dbPath` live: `vectors/` beside a workspace's `graph.duckdb`, and for any other
 * file (a `--db` path) a folder named after it, so two graphs in one folder never share (or remove) one store.
 */
export function vectorDirOf(dbPath: string): string {
  const name = basename(dbPath);
  return join(dirname(dbPath), name === 'graph.duckdb' ? 'vectors' : `${name}.vectors`);
}

/** Whether a vector store was created at `dir` (it may still be empty: a first sync that has not finished). */
export function vectorStoreExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens the store at `dir`. With `create`, a missing store is created and a damaged one (a table LanceDB cannot open
 * or read) is dropped and started empty (`repaired: true`); without it nothing is written and both are errors.
 */
export async function openVectorStore(dir: string, options: { create?: boolean } = {}): Promise<OpenedVectorStore> {
  const create = options.create ?? false;
  const folder = prepareFolder(dir, create);
  if (folder !== null) return { ok: false, error: folder };
  let modules: LanceModules;
  try {
    modules = await loadLance();
  } catch (error) {
    return { ok: false, error: { code: 'vectors_unreadable', message: `cannot load LanceDB for the vectors (${lanceReason(error)})` } };
  }
  let connection = await connectStore(modules, dir);
  if (!connection.ok) return connection;
  let opened = await openEmbeddings(connection.db, dir, create);
  let repaired = false;
  if (!opened.ok) {
    connection.db.close();
    if (!create || opened.error.code !== 'vectors_corrupt') return opened;
    // Derived data: dropping it costs one re-embedding, keeping it would fail every search until someone deletes it.
    rmSync(join(dir, `${TABLE}.lance`), { recursive: true, force: true });
    removeVectorState(dir);
    repaired = true;
    connection = await connectStore(modules, dir);
    if (!connection.ok) return connection;
    opened = { ok: true, table: null, dimension: null, rows: 0, version: null };
  }
  if (create) narrowTree(dir);
  const store = new LanceVectorStore(dir, modules, connection.db, opened.table, opened.dimension);
  store.checkState(opened.rows, opened.version);
  return { ok: true, store, repaired };
}

interface LanceModules {
  lance: typeof Lance;
  arrow: typeof Arrow;
}

let loading: Promise<LanceModules> | undefined;

// Loaded on the first open only, so a kg run with vectors off never loads LanceDB's native module.
function loadLance(): Promise<LanceModules> {
  if (loading === undefined) {
    loading = Promise.all([import('@lancedb/lancedb'), import('apache-arrow')]).then(([lance, arrow]) => ({ lance, arrow }));
    // A failed load (no native module for this platform) is tried again by the next open, not remembered.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

type Opened =
  | { ok: true; table: Table | null; dimension: number | null; rows: number; version: number | null }
  | { ok: false; error: VectorStoreError };

function prepareFolder(dir: string, create: boolean): VectorStoreError | null {
  if (!create && !vectorStoreExists(dir)) return { code: 'vectors_unreadable', message: `no vectors in ${dir}` };
  try {
    if (create) {
      makePrivateFolder(dir);
      // Our own folder wherever it is (makePrivateFolder narrows only inside KG_HOME).
      narrowToOwner(dir);
    }
    accessSync(dir, create ? constants.R_OK | constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK);
    return null;
  } catch (error) {
    return { code: 'vectors_unreadable', message: `cannot ${create ? 'write' : 'read'} the vectors in ${dir} (${lanceReason(error)})` };
  }
}

async function connectStore(modules: LanceModules, dir: string): Promise<{ ok: true; db: Connection } | { ok: false; error: VectorStoreError }> {
  try {
    // Every read checks for a newer version (a local stat): a long-lived reader then sees another process's writes
    // and never reads a version whose files a compaction already removed.
    return { ok: true, db: await modules.lance.connect(dir, { readConsistencyInterval: 0 }) };
  } catch (error) {
    return { ok: false, error: failureOf(dir, error) };
  }
}

/**
 * Opens the embeddings table, if any, and reads a little of it: LanceDB opens a table from its manifest alone and counts
 * rows from it too, so a truncated or overwritten data file would otherwise only show at the first search. A writer
 * (`thorough`) reads every column once, so that `kg reindex` finds (and so repairs) what a search would trip on.
 */
async function openEmbeddings(db: Connection, dir: string, thorough: boolean): Promise<Opened> {
  let table: Table | null = null;
  try {
    if (!(await db.tableNames()).includes(TABLE)) return { ok: true, table: null, dimension: null, rows: 0, version: null };
    table = await db.openTable(TABLE);
    const dimension = vectorDimension(await table.schema());
    if (dimension === null) throw new Damage('the embeddings table has columns kg did not write');
    const rows = await table.countRows();
    // A filter on kind reads that column of every data file (`kind IS NOT NULL` is answered from the schema).
    const known = await table.countRows(kindsIn(VECTOR_KINDS));
    if (known !== rows) throw new Damage(`${rows - known} of ${rows} rows have no known kind`);
    if (rows > 0) await table.query().limit(1).toArray();
    if (thorough && rows > 0) {
      // Only read, not compared: the text columns and then the vectors of every data file.
      await table.countRows(`key <> '' AND node <> '' AND hash <> '' AND (path IS NULL OR path <> '')`);
      await nearest(table, unitVector(dimension), null, 1);
    }
    return { ok: true, table, dimension, rows, version: await table.version() };
  } catch (error) {
    table?.close();
    return { ok: false, error: error instanceof Damage ? corrupt(dir, error.message) : failureOf(dir, error) };
  }
}

/** What kg finds wrong with a table LanceDB itself reads without complaint. */
class Damage extends Error {}

class LanceVectorStore implements VectorStore {
  private cached: { stamp: string | null; state: VectorState | null } = { stamp: null, state: null };
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly modules: LanceModules,
    private readonly db: Connection,
    private table: Table | null,
    private dimension: number | null,
  ) {}

  /** Reads state.json and keeps it only when it was written after the table's last change (`rows`, `version`). */
  checkState(rows: number, version: number | null): void {
    const stamp = vectorStateStamp(this.dir);
    const stored = readVectorState(this.dir);
    // The table moved on after the state was written: a write crashed before its end, so the vectors lag.
    const current = stored !== null && stored.tableVersion === version && stored.state.rows === rows;
    this.cached = { stamp, state: current ? stored.state : null };
  }

  state(): VectorState | null {
    const stamp = vectorStateStamp(this.dir);
    if (stamp !== this.cached.stamp) this.cached = { stamp, state: readVectorState(this.dir)?.state ?? null };
    return this.cached.state === null ? null : { ...this.cached.state };
  }

  async hashes(): Promise<Map<string, string>> {
    this.assertOpen();
    const hashes = new Map<string, string>();
    const data = await this.read((table) => table.query().select(['key', 'hash']).toArrow());
    if (data === null) return hashes;
    const keys = data.getChild('key');
    const values = data.getChild('hash');
    for (let index = 0; index < data.numRows; index += 1) hashes.set(String(keys?.get(index)), String(values?.get(index)));
    return hashes;
  }

  async search(vector: Float32Array, options: { kinds?: readonly VectorKind[]; limit: number }): Promise<VectorHit[]> {
    this.assertOpen();
    const { limit, kinds } = options;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`a search limit must be a whole number, not ${limit}`);
    if (kinds?.some((kind) => !VECTOR_KINDS.includes(kind))) throw new Error(`unknown vector kind in ${JSON.stringify(kinds)}`);
    const chosen = kinds === undefined ? VECTOR_KINDS : VECTOR_KINDS.filter((kind) => kinds.includes(kind));
    if (limit === 0 || chosen.length === 0 || (await this.currentTable()) === null) return [];
    // Another process may have rebuilt the table for another model since this handle was opened.
    if (vector.length !== this.dimension && (await this.reopenTable()) === null) return [];
    if (vector.length !== this.dimension) throw new Error(`a query vector of ${vector.length} floats for vectors of ${this.dimension}`);
    const filter = chosen.length === VECTOR_KINDS.length ? null : kindsIn(chosen);
    return (await this.read((table) => nearest(table, vector, filter, limit))) ?? [];
  }

  dimensions(): number | null {
    return this.dimension;
  }

  write(change: VectorChange): Promise<void> {
    this.assertOpen();
    return this.queued(() => this.writeNow(change));
  }

  clear(): Promise<void> {
    this.assertOpen();
    return this.queued(async () => {
      // The state goes first: a crash halfway leaves rows without a state, which reads as "the vectors lag".
      removeVectorState(this.dir);
      this.cached = { stamp: null, state: null };
      this.table?.close();
      this.table = null;
      this.dimension = null;
      try {
        if ((await this.db.tableNames()).includes(TABLE)) await this.db.dropTable(TABLE);
      } catch {
        // A table too damaged for LanceDB to drop is still just a folder of derived data.
        rmSync(join(this.dir, `${TABLE}.lance`), { recursive: true, force: true });
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.table?.close();
    this.table = null;
    this.db.close();
  }

  private async writeNow(change: VectorChange): Promise<void> {
    const { upsert, remove, state: declared } = change;
    let table = await this.currentTable();
    const dimensions = this.dimension ?? upsert[0]?.vector.length ?? null;
    checkRows(upsert, dimensions ?? 0, table !== null);
    if (declared !== undefined) this.checkDeclared(declared, dimensions);
    // Rows without a state: whatever state there was no longer describes them.
    if (declared === undefined) {
      removeVectorState(this.dir);
      this.cached = { stamp: null, state: null };
    }
    let rows = 0;
    let version: number | null = null;
    try {
      if (upsert.length > 0 && dimensions !== null) {
        const batch = vectorBatch(this.modules.arrow, upsert, dimensions);
        if (table === null) {
          table = await this.db.createTable(TABLE, batch, { mode: 'create', schema: vectorSchema(this.modules.arrow, dimensions) });
          this.table = table;
          this.dimension = dimensions;
        } else {
          // mergeInsert replaces a row by key in one version (delete + add takes two, and leaves a gap between them);
          // 50 rows into 10k: ~11 ms either way.
          await table.mergeInsert('key').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(batch);
        }
      }
      if (table !== null) {
        for (let start = 0; start < remove.length; start += DELETE_CHUNK) {
          await table.delete(keyIn(remove.slice(start, start + DELETE_CHUNK)));
        }
        if ((await table.listVersions()).length > COMPACT_AFTER_VERSIONS) await table.optimize({ cleanupOlderThan: new Date() });
        rows = await table.countRows();
        version = await table.version();
      }
    } catch (error) {
      // Some of the change may have landed: the old state no longer describes the table (a reopen would say so too).
      this.cached = { stamp: vectorStateStamp(this.dir), state: null };
      throw new KgError('io', `cannot write the vectors in ${this.dir} (${lanceReason(error)})`);
    }
    // LanceDB creates its files with the process umask; the 0700 folder already keeps them from others.
    narrowTree(this.dir);
    if (declared === undefined) return;
    const { model, dimensions: declaredDimensions, graphStamp } = declared;
    const state: VectorState = { model, dimensions: declaredDimensions, graphStamp, rows, updatedAt: new Date().toISOString() };
    try {
      writeVectorState(this.dir, { state, tableVersion: version });
    } catch (error) {
      throw new KgError('io', `cannot write the vector state in ${this.dir} (${lanceReason(error)})`);
    }
    this.cached = { stamp: vectorStateStamp(this.dir), state };
  }

  /** A state must name the model and, while there are vectors, their dimension (0 only for a store without any). */
  private checkDeclared(declared: Omit<VectorState, 'rows' | 'updatedAt'>, dimensions: number | null): void {
    const { model, graphStamp } = declared;
    if (typeof model !== 'string' || model.length === 0) throw new Error('a vector state needs the model name');
    if (typeof graphStamp !== 'string') throw new Error('a vector state needs the graph stamp');
    if (!Number.isSafeInteger(declared.dimensions) || declared.dimensions < 0) throw new Error(`a vector state needs a dimension, not ${declared.dimensions}`);
    if (dimensions !== null && declared.dimensions !== dimensions) {
      throw new Error(`the vector store holds vectors of ${dimensions} floats, not ${declared.dimensions}: clear() it when the model changes`);
    }
    const before = this.state();
    if (before !== null && before.rows > 0 && before.model !== model) {
      throw new Error(`the vector store holds vectors of ${before.model}, not ${model}: clear() it when the model changes`);
    }
  }

  /** The table, opened when another process created it since; null while there is none. */
  private async currentTable(): Promise<Table | null> {
    if (this.table !== null) return this.table;
    const opened = await openEmbeddings(this.db, this.dir, false);
    if (!opened.ok) throw new KgError('io', opened.error.message);
    this.table = opened.table;
    this.dimension = opened.dimension;
    return this.table;
  }

  private async reopenTable(): Promise<Table | null> {
    this.table?.close();
    this.table = null;
    this.dimension = null;
    return this.currentTable();
  }

  /** Runs a read, once more on a freshly opened table when it fails (another process may have dropped and rebuilt the
   * table under this handle), and turns LanceDB's failure into a one-line KgError. Null while there is no table. */
  private async read<T>(run: (table: Table) => Promise<T>): Promise<T | null> {
    let table = await this.currentTable();
    if (table === null) return null;
    try {
      return await run(table);
    } catch {
      table = await this.reopenTable();
      if (table === null) return null;
      try {
        return await run(table);
      } catch (error) {
        throw new KgError('io', failureOf(this.dir, error).message);
      }
    }
  }

  private queued<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the vector store in ${this.dir} is closed`);
  }
}

interface NearestRow {
  key: string;
  node: string;
  kind: VectorKind;
  path: string | null;
  _distance: number;
}

async function nearest(table: Table, vector: Float32Array, filter: string | null, limit: number): Promise<VectorHit[]> {
  // `_distance` is selected by name: left implicit, LanceDB logs a deprecation warning to stderr on every search.
  let query = table.vectorSearch(vector).distanceType('cosine').select(['key', 'node', 'kind', 'path', '_distance']).limit(limit);
  // where() filters before the nearest are taken (postfilter() would drop matches that fall outside the top `limit`).
  if (filter !== null) query = query.where(filter);
  const rows = (await query.toArray()) as NearestRow[];
  return rows.map((row) => ({
    key: String(row.key),
    node: String(row.node),
    kind: row.kind,
    path: row.path === null || row.path === undefined ? null : String(row.path),
    score: 1 - Number(row._distance),
  }));
}

/** `kind IN (...)`: callers pass a sublist of VECTOR_KINDS, so no caller's string reaches the SQL. */
function kindsIn(kinds: readonly VectorKind[]): string {
  return `kind IN (${kinds.map((kind) => `'${kind}'`).join(', ')})`;
}

/** A predicate matching exactly `keys`: each an SQL string literal (a quote doubled; backslashes are plain characters). */
function keyIn(keys: readonly string[]): string {
  return `key IN (${keys.map((key) => `'${key.replaceAll("'", "''")}'`).join(', ')})`;
}

function checkRows(rows: readonly VectorRow[], dimensions: number, stored: boolean): void {
  const keys = new Set<string>();
  for (const row of rows) {
    if (typeof row.key !== 'string' || row.key.length === 0) throw new Error('a vector row needs a key');
    if (keys.has(row.key)) throw new Error(`the vector row ${JSON.stringify(row.key)} is written twice in one write`);
    keys.add(row.key);
    if (!VECTOR_KINDS.includes(row.kind)) throw new Error(`unknown vector kind ${JSON.stringify(row.kind)}`);
    if (!(row.vector instanceof Float32Array)) throw new Error(`the vector of ${JSON.stringify(row.key)} is not a Float32Array`);
    // LanceDB pads or cuts a vector of another length without a word.
    if (row.vector.length !== dimensions || dimensions === 0) {
      const expected = stored ? `the ${dimensions} of the stored vectors` : `the ${dimensions} of the first row`;
      throw new Error(`the vector of ${JSON.stringify(row.key)} has ${row.vector.length} floats, not ${expected}: clear() the store when the model changes`);
    }
  }
}

function vectorDimension(schema: Arrow.Schema): number | null {
  const names = schema.fields.map((field) => field.name);
  if (names.length !== VECTOR_COLUMNS.length || VECTOR_COLUMNS.some((name) => !names.includes(name))) return null;
  const type = schema.fields.find((field) => field.name === 'vector')?.type as { listSize?: unknown } | undefined;
  return typeof type?.listSize === 'number' && type.listSize > 0 ? type.listSize : null;
}

function unitVector(dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[0] = 1;
  return vector;
}

/** Narrows the store's folder tree to its owner: LanceDB makes subfolders (`embeddings.lance/_versions`, `data`, ...). */
function narrowTree(dir: string): void {
  narrowToOwner(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) narrowTree(path);
    else narrowToOwner(path);
  }
}

function corrupt(dir: string, reason: string): VectorStoreError {
  return { code: 'vectors_corrupt', message: `the vectors in ${dir} are damaged (${reason}); \`kg reindex\` repairs them` };
}

function failureOf(dir: string, error: unknown): VectorStoreError {
  const reason = lanceReason(error);
  if (/permission denied|os error 13|EACCES|EPERM/i.test(reason)) return { code: 'vectors_unreadable', message: `cannot read the vectors in ${dir} (${reason})` };
  return corrupt(dir, reason);
}

/** LanceDB's message cut to one line: no Rust source locations, no `Caused by:` chain, no crate prefixes. */
function lanceReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split(/\r?\n|\s+Caused by:/)[0] ?? '';
  const reason = first
    .replace(/,?\s*\/\S+\.rs:\d+:\d+.*$/, '')
    .replace(/\b(?:lance error|LanceError\(\w+\)):\s*/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  const short = reason.length > 200 ? `${reason.slice(0, 197)}...` : reason;
  return short.length > 0 ? short : 'unknown error';
}
