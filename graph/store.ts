// Opens a workspace's DuckDB file, migrates it, and runs reads and queued, transactional writes.

import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance as DuckDBInstanceType, DuckDBValue } from '@duckdb/node-api';
import { loadDuckDB } from './duckdb.js';
import { KgError } from './errors.js';
import { makePrivateFolder, narrowToOwner } from './private-files.js';
import { migrationStatements, SCHEMA_VERSION } from './schema.js';

// Loaded as one packed script (./duckdb.ts), not imported: importing this CommonJS package from ESM makes Node lex
// every one of its modules for named exports, which doubles its load time.
const { DuckDBInstance, listValue } = loadDuckDB();

export type SqlParam = string | number | boolean | null | bigint | readonly string[] | readonly number[];
export type Row = Record<string, unknown>;

/** Column types the bulk appender knows how to write. */
export type ColumnType = 'varchar' | 'integer' | 'bigint' | 'double' | 'boolean' | 'json';
export type Columns = readonly (readonly [name: string, type: ColumnType])[];

export interface OpenOptions {
  /** Path of the DuckDB file. */
  path: string;
  /**
   * Open for reading only: several readers may share the file, and a missing file, or one no index of which
   * completed, is an error (`no_graph`).
   */
  readOnly?: boolean;
  /** How long to wait for another process's lock before giving up (default KG_LOCK_TIMEOUT_MS or 30 s). */
  lockTimeoutMs?: number;
  /** Connections for reads outside writes (default 1); a server answering concurrent queries wants a few. */
  readers?: number;
}

/** Reads against the graph; what `queries/` needs. */
export interface GraphReader {
  all<T = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
}

/** What a write transaction can do. Everything in one `write` call commits or rolls back together. */
export interface WriteTx extends GraphReader {
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  /** Bulk-appends rows to a table; `columns` must list every column of the table in order. */
  append(table: string, columns: Columns, rows: Iterable<readonly unknown[]>): Promise<number>;
  /** The graph held no rows when this transaction began (this open created it, nothing committed since): nothing to delete. */
  readonly empty: boolean;
}

// Long enough for a queue of reindexes after several sessions end at once (each holds the lock under a second).
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export class GraphStore implements GraphReader {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private committed = 0;
  private codeCommitted = 0;
  private empty = false;
  private indexed = false;
  private nextReader = 0;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstanceType,
    private readonly connection: DuckDBConnection,
    // Reads outside a write use their own connections, so they see the last committed graph; several let
    // concurrent reads run in parallel.
    private readonly readConnections: DuckDBConnection[],
  ) {}

  /** Counts committed write transactions: whatever was read from the graph at one value holds until it changes. */
  get generation(): number {
    return this.committed;
  }

  /**
   * Counts committed writes that changed the code's rows (files, symbols, imports, index state): what was read of
   * those at one value holds until it changes, across writes of the history alone (a session's reindex).
   */
  get codeGeneration(): number {
    return this.codeCommitted;
  }

  /**
   * Whether an index of the graph completed: its `indexed_at` meta, which only an index's (or reindex's) transaction
   * writes, is committed. A graph whose first index was killed, or failed, has none, and reads as no graph.
   */
  get isIndexed(): boolean {
    return this.indexed;
  }

  /** Throws `no_graph` unless an index of the graph completed; every read of a writable store's answers checks it. */
  assertIndexed(): void {
    if (!this.indexed) throw notIndexed(this.path);
  }

  static async open(options: OpenOptions): Promise<GraphStore> {
    const readOnly = options.readOnly ?? false;
    const size = fileSize(options.path);
    if (readOnly && size === null) {
      throw new KgError('no_graph', `no graph at ${options.path}: run \`kg index\` first`);
    }
    // An empty file is what a first index killed as DuckDB created it leaves (DuckDB cannot open it).
    if (readOnly && size === 0) throw notIndexed(options.path);
    // The graph's folder is the user's alone (0700) before DuckDB creates anything in it; the file is narrowed below.
    if (!readOnly) makePrivateFolder(dirname(options.path));
    const maybeNew = !readOnly && (size === null || size === 0);
    const timeoutMs = options.lockTimeoutMs ?? lockTimeoutFromEnv();
    let instance: DuckDBInstanceType;
    try {
      instance = await openWithRetry(options.path, readOnly, timeoutMs);
    } catch (error) {
      // DuckDB refuses an empty file (not a lock: it takes its lock before it reads the file), so no live process is
      // writing this one: a writer starts it afresh.
      if (readOnly || !(error instanceof KgError) || error.code !== 'io' || fileSize(options.path) !== 0) throw error;
      for (const file of [options.path, `${options.path}.wal`]) rmSync(file, { force: true });
      instance = await openWithRetry(options.path, readOnly, timeoutMs);
    }
    if (!readOnly) narrowToOwner(options.path);
    const connection = await instance.connect();
    const readers = readOnly ? [connection] : [];
    for (let i = readers.length; i < Math.max(1, options.readers ?? 1); i++) readers.push(await instance.connect());
    const store = new GraphStore(options.path, readOnly, instance, connection, readers);
    try {
      if (!(maybeNew && (await store.createSchema()))) await store.migrate();
      if (readOnly) store.assertIndexed();
    } catch (error) {
      store.close();
      throw error;
    }
    return store;
  }

  all<T = Row>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    const reader = this.readConnections[this.nextReader++ % this.readConnections.length]!;
    return readRows<T>(reader, sql, params);
  }

  /**
   * Runs `work` in one transaction, after every write queued before it; a failure rolls it all back. A write that
   * only appends records no query reads (the enricher's manifests) passes `changesAnswers: false`, so it does not
   * move the generation and answers cached against it stay valid; one that leaves the code's rows as they were
   * passes `changesCode: false`, so it does not move the code generation.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>, options: { changesAnswers?: boolean; changesCode?: boolean } = {}): Promise<T> {
    if (this.readOnly) throw new Error('GraphStore.write on a read-only store');
    const changesAnswers = options.changesAnswers ?? true;
    const next = this.queue.then(() => this.transaction(work, changesAnswers, changesAnswers && (options.changesCode ?? true)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const reader of this.readConnections) if (reader !== this.connection) reader.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }

  async schemaVersion(): Promise<number> {
    const value = await readMeta(this, 'schema_version');
    return value === null ? 0 : Number(value);
  }

  private async transaction<T>(work: (tx: WriteTx) => Promise<T>, changesAnswers: boolean, changesCode: boolean): Promise<T> {
    const connection = this.connection;
    const tx: WriteTx = {
      all: (sql, params) => readRows(connection, sql, params),
      run: async (sql, params = []) => {
        await connection.run(sql, toDuckParams(params));
      },
      append: (table, columns, rows) => appendRows(connection, table, columns, rows),
      empty: this.empty,
    };
    await connection.run('BEGIN TRANSACTION');
    try {
      const result = await work(tx);
      await connection.run('COMMIT');
      this.empty = false;
      if (changesAnswers) this.committed++;
      if (changesCode) this.codeCommitted++;
      await this.afterCommit();
      return result;
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Until an index completes, each commit may be the one that completes it; DuckDB may just have made its WAL. */
  private async afterCommit(): Promise<void> {
    narrowToOwner(`${this.path}.wal`);
    if (!this.indexed) this.indexed = (await readRows<{ n: number }>(this.connection, INDEXED_SQL))[0]!.n > 0;
  }

  /**
   * Creates the whole schema in a new file in one batch, a single round trip to DuckDB's thread, so a new graph is
   * ready while the indexer still loads. False when the file turned out not to be new (another process made it first).
   */
  private async createSchema(): Promise<boolean> {
    try {
      await this.connection.run([WRITER_SETTINGS, 'BEGIN TRANSACTION', ...schemaStatements(0), 'COMMIT'].join(';\n'));
    } catch {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      return false;
    }
    this.empty = true;
    narrowToOwner(`${this.path}.wal`);
    return true;
  }

  private async migrate(): Promise<void> {
    if (!this.readOnly) await this.connection.run(WRITER_SETTINGS);
    const hasMeta = await this.all(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'meta'`,
    );
    const meta = hasMeta.length === 0 ? null : await readMetaValues(this, ['schema_version', 'indexed_at']);
    const current = meta?.schema_version ? Number(meta.schema_version) : 0;
    this.indexed = Boolean(meta?.indexed_at);
    if (current > SCHEMA_VERSION) {
      throw new KgError(
        'schema_too_new',
        `${this.path} has graph schema ${current}, newer than this kg understands (${SCHEMA_VERSION}): upgrade kg`,
      );
    }
    if (current === SCHEMA_VERSION) return;
    if (this.readOnly) {
      // A graph no index of which completed is no graph, whatever schema it got to.
      this.assertIndexed();
      throw new KgError('no_graph', `${this.path} has an older graph schema (${current}): run \`kg index\` to upgrade it`);
    }
    await this.transaction((tx) => tx.run(schemaStatements(current).join(';\n')), true, true);
    this.empty = current === 0;
  }
}

// FSST string compression is most of a checkpoint's time on a graph (half of closing effect's): without it the file is
// about a tenth larger and every index and reindex commits faster. (Given to DuckDBInstance.create, it is ignored.)
const WRITER_SETTINGS = `SET GLOBAL disabled_compression_methods = 'fsst'`;

const INDEXED_SQL = `SELECT count(*) AS n FROM meta WHERE key = 'indexed_at' AND value IS NOT NULL`;

function notIndexed(path: string): KgError {
  return new KgError('no_graph', `no graph at ${path} (no index of it completed): run \`kg index\` first`);
}

/** The size of the file at `path`, or null when there is none. */
function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/** The statements that bring a graph at schema version `current` to the current one. */
function schemaStatements(current: number): string[] {
  const statements = migrationStatements(current);
  statements.push(`DELETE FROM meta WHERE key = 'schema_version'`, `INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
  return statements;
}

/** Reads one meta value. */
export async function readMeta(reader: GraphReader, key: string): Promise<string | null> {
  const rows = await reader.all<{ value: string | null }>(`SELECT value FROM meta WHERE key = ?`, [key]);
  return rows[0]?.value ?? null;
}

/** Reads several meta values in one query; a key that is not set maps to null. */
export async function readMetaValues<K extends string>(reader: GraphReader, keys: readonly K[]): Promise<Record<K, string | null>> {
  const rows = await reader.all<{ key: K; value: string | null }>(`SELECT key, value FROM meta WHERE key IN (SELECT unnest(?::VARCHAR[]))`, [
    [...keys],
  ]);
  const values = Object.fromEntries(keys.map((key) => [key, null])) as Record<K, string | null>;
  for (const row of rows) values[row.key] = row.value;
  return values;
}

/**
 * Values written into SQL as a list of string literals, for batches of statements (which cannot take parameters):
 * a quote is doubled, and nothing else in a DuckDB string literal is special.
 */
export function sqlStringList(values: readonly string[]): string {
  return values.map(sqlLiteral).join(', ');
}

/** One value written into SQL: a string literal (see sqlStringList), or NULL. */
export function sqlLiteral(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`;
}

/** The statements that set meta values, for a batch. */
export function metaStatements(values: Record<string, string | null>): string[] {
  const entries = Object.entries(values);
  if (entries.length === 0) return [];
  return [
    `DELETE FROM meta WHERE key IN (${sqlStringList(entries.map(([key]) => key))})`,
    `INSERT INTO meta VALUES ${entries.map(([key, value]) => `(${sqlLiteral(key)}, ${sqlLiteral(value)})`).join(', ')}`,
  ];
}

function lockTimeoutFromEnv(): number {
  const raw = process.env.KG_LOCK_TIMEOUT_MS;
  const parsed = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : DEFAULT_LOCK_TIMEOUT_MS;
}

const LOCK_MESSAGE = /Could not set lock on file|Conflicting lock/i;

// DuckDB's file lock is the cross-process arbiter: wait for it with backoff, within a bound.
async function openWithRetry(path: string, readOnly: boolean, timeoutMs: number): Promise<DuckDBInstanceType> {
  const started = Date.now();
  let delay = 25;
  for (;;) {
    try {
      return await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!LOCK_MESSAGE.test(message)) {
        throw new KgError('io', `cannot open graph ${path}: ${firstLine(message)}`);
      }
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        const holder = /PID (\d+)/.exec(message)?.[1];
        throw new KgError(
          'locked',
          `graph ${path} is locked by another process${holder ? ` (PID ${holder})` : ''}; ` +
            `gave up after ${(waited / 1000).toFixed(1)} s (set KG_LOCK_TIMEOUT_MS to wait longer)`,
        );
      }
      const jitter = Math.random() * delay * 0.5;
      await sleep(Math.min(delay + jitter, timeoutMs - waited));
      delay = Math.min(delay * 2, 1000);
    }
  }
}

async function appendRows(
  connection: DuckDBConnection,
  table: string,
  columns: Columns,
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  // Most tables get no rows from a small reindex: an appender is a round trip to open and a flush to close.
  if (Array.isArray(rows) && rows.length === 0) return 0;
  const appender = await connection.createAppender(table);
  let count = 0;
  try {
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) {
        const value = row[i];
        if (value === null || value === undefined) {
          appender.appendNull();
          continue;
        }
        switch (columns[i]![1]) {
          case 'varchar':
            appender.appendVarchar(String(value));
            break;
          case 'json':
            appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
            break;
          case 'integer':
            appender.appendInteger(Number(value));
            break;
          case 'bigint':
            appender.appendBigInt(BigInt(Math.trunc(Number(value))));
            break;
          case 'double':
            appender.appendDouble(Number(value));
            break;
          case 'boolean':
            appender.appendBoolean(Boolean(value));
            break;
        }
      }
      appender.endRow();
      count++;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return count;
}

async function readRows<T>(
  connection: DuckDBConnection,
  sql: string,
  params: readonly SqlParam[] = [],
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, toDuckParams(params));
  return reader.getRowObjectsJS().map((row) => plainRow(row) as T);
}

function toDuckParams(params: readonly SqlParam[]): DuckDBValue[] {
  return params.map((param) => (Array.isArray(param) ? listValue([...param]) : (param as DuckDBValue)));
}

// DuckDB hands back bigint for integer aggregates and Date for timestamps; callers want JSON-friendly values.
function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = plainValue(value);
  return out;
}

function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
