// The table registry: every table of the graph declared once, with its columns, their SQL types and where each value
// comes from in the row an indexer produces, and which index owns it; likewise every edge kind. The DDL, the
// migrations' new tables, the appenders' column order, the delete lists, `kg status` counts and `kg export` are all
// derived from here. Adding a table is one entry below (plus, for an existing graph, its schema version's migration).

import {
  nodeId,
  type CliCommandRow,
  type CommitFileRow,
  type CommitRow,
  type ConventionRow,
  type DiagnosticRow,
  type EdgeRow,
  type FileRow,
  type FileTermRow,
  type IndexStateRow,
  type PackageRow,
  type PipelineRunRow,
  type RouteRow,
  type SessionRow,
  type SymbolRow,
} from './records.js';
import type { ColumnType, Columns, SqlParam, WriteTx } from './store.js';

export type SqlType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'JSON' | 'TIMESTAMPTZ';

/** Who writes a table or an edge kind: an index replaces exactly what it owns. */
export type Owner = 'graph' | 'code' | 'sessions' | 'conventions' | 'git' | 'enricher';

export interface ColumnSpec<Row> {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull?: boolean;
  /** The column's value in a row the owner produces. */
  readonly value: (row: Row) => unknown;
  /**
   * The schema version that added the column to a table older than it: its migration adds it (a column of the table's
   * first version has none). New columns go last, so a migrated table has the columns of a new one, in order.
   */
  readonly since?: number;
}

export interface TableSpec<Row = never> {
  readonly name: string;
  readonly owner: Owner;
  /** The schema version that added the table: its migration creates it. */
  readonly since: number;
  readonly columns: readonly ColumnSpec<Row>[];
  /** A node table: exported as nodes identified by this column, and counted by `kg status`. */
  readonly nodeId?: string;
  /** Written to Parquet by `kg export --format parquet` (node tables always are). */
  readonly parquet?: boolean;
}

export interface EdgeKindSpec {
  readonly kind: string;
  readonly owner: Owner;
  /** What the edge joins, for readers of the graph. */
  readonly from: string;
  readonly to: string;
}

function table<Row>(spec: TableSpec<Row>): TableSpec<Row> {
  return spec;
}

function column<Row>(name: string, type: SqlType, value: (row: Row) => unknown, notNull = false, since?: number): ColumnSpec<Row> {
  return { name, type, value, ...(notNull ? { notNull } : {}), ...(since !== undefined ? { since } : {}) };
}

/** The workspace row an index writes. */
export interface WorkspaceRow {
  id: string;
  root: string;
  indexedAt: string;
  gitHead: string | null;
}

export interface MetaRow {
  key: string;
  value: string | null;
}

/** What the enricher stores of each render (the manifest itself is in src/enricher/schema.ts). */
export interface EnrichmentRow {
  id: string;
  createdAt: string;
  sessionId: string | null;
  goal: string;
  budgetTokens: number;
  renderedTokens: number;
  manifest: unknown;
}

export const META = table<MetaRow>({
  name: 'meta',
  owner: 'graph',
  since: 0,
  parquet: true,
  columns: [column('key', 'VARCHAR', (r) => r.key, true), column('value', 'VARCHAR', (r) => r.value)],
});

export const WORKSPACES = table<WorkspaceRow>({
  name: 'workspaces',
  owner: 'graph',
  since: 1,
  columns: [
    column('id', 'VARCHAR', (r) => r.id),
    column('root', 'VARCHAR', (r) => r.root, true),
    column('indexed_at', 'TIMESTAMPTZ', (r) => r.indexedAt),
    column('git_head', 'VARCHAR', (r) => r.gitHead),
  ],
});

export const FILES = table<FileRow>({
  name: 'files',
  owner: 'code',
  since: 1,
  nodeId: 'path',
  columns: [
    column('path', 'VARCHAR', (r) => r.path, true),
    column('language', 'VARCHAR', (r) => r.language),
    column('size', 'BIGINT', (r) => r.size),
    column('hash', 'VARCHAR', (r) => r.hash),
    column('lines', 'INTEGER', (r) => r.lines),
    column('is_test', 'BOOLEAN', (r) => r.isTest),
    column('mtime_ms', 'DOUBLE', (r) => r.mtimeMs),
    column('tsconfig', 'VARCHAR', (r) => r.tsconfig),
    column('parse_errors', 'INTEGER', (r) => r.parseErrors),
    column('doc', 'VARCHAR', (r) => r.doc, false, 4),
  ],
});

export const SYMBOLS = table<SymbolRow>({
  name: 'symbols',
  owner: 'code',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => nodeId.symbol(r.file, r.name), true),
    column('file', 'VARCHAR', (r) => r.file, true),
    column('name', 'VARCHAR', (r) => r.name, true),
    column('kind', 'VARCHAR', (r) => r.kind),
    column('line', 'INTEGER', (r) => r.line),
    column('signature', 'VARCHAR', (r) => r.signature, false, 4),
    column('doc', 'VARCHAR', (r) => r.doc, false, 4),
  ],
});

export const PACKAGES = table<PackageRow>({
  name: 'packages',
  owner: 'code',
  since: 1,
  nodeId: 'id',
  columns: [column('id', 'VARCHAR', (r) => nodeId.package(r.name), true), column('name', 'VARCHAR', (r) => r.name, true)],
});

export const CLI_COMMANDS = table<CliCommandRow>({
  name: 'cli_commands',
  owner: 'code',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => nodeId.cliCommand(r.file, r.name, r.line), true),
    column('file', 'VARCHAR', (r) => r.file, true),
    column('name', 'VARCHAR', (r) => r.name, true),
    column('spec', 'VARCHAR', (r) => r.spec),
    column('description', 'VARCHAR', (r) => r.description),
    column('line', 'INTEGER', (r) => r.line),
  ],
});

export const ROUTES = table<RouteRow>({
  name: 'routes',
  owner: 'code',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => nodeId.route(r.file, r.method, r.path, r.line), true),
    column('file', 'VARCHAR', (r) => r.file, true),
    column('method', 'VARCHAR', (r) => r.method),
    column('path', 'VARCHAR', (r) => r.path),
    column('line', 'INTEGER', (r) => r.line),
  ],
});

export const DIAGNOSTICS = table<DiagnosticRow>({
  name: 'diagnostics',
  owner: 'code',
  since: 1,
  nodeId: 'file',
  columns: [
    column('file', 'VARCHAR', (r) => r.file, true),
    column('line', 'INTEGER', (r) => r.line),
    column('message', 'VARCHAR', (r) => r.message),
    column('kind', 'VARCHAR', (r) => r.kind),
  ],
});

// Timestamps are appended as ISO strings: the appender casts them to TIMESTAMPTZ.
export const SESSIONS = table<SessionRow>({
  name: 'sessions',
  owner: 'sessions',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => r.id, true),
    column('workflow_id', 'VARCHAR', (r) => r.workflowId),
    column('title', 'VARCHAR', (r) => r.title),
    column('goal', 'VARCHAR', (r) => r.goal),
    column('status', 'VARCHAR', (r) => r.status),
    column('outcome', 'VARCHAR', (r) => r.outcome),
    column('branch', 'VARCHAR', (r) => r.branch),
    column('start_head', 'VARCHAR', (r) => r.startHead),
    column('end_head', 'VARCHAR', (r) => r.endHead),
    column('started_at', 'TIMESTAMPTZ', (r) => r.startedAt),
    column('ended_at', 'TIMESTAMPTZ', (r) => r.endedAt),
    column('updated_at', 'TIMESTAMPTZ', (r) => r.updatedAt),
    column('trigger_source', 'VARCHAR', (r) => r.triggerSource),
    column('input_tokens', 'BIGINT', (r) => r.inputTokens),
    column('output_tokens', 'BIGINT', (r) => r.outputTokens),
    column('recap', 'VARCHAR', (r) => r.recap),
    column('notes', 'VARCHAR', (r) => r.notes),
    column('parent_id', 'VARCHAR', (r) => r.parentId),
    column('changes_known', 'BOOLEAN', (r) => r.changesKnown),
    column('changes_source', 'VARCHAR', (r) => r.changesSource),
    column('repo_root', 'VARCHAR', (r) => r.repoRoot),
    column('pr_url', 'VARCHAR', (r) => r.prUrl),
    column('duration_ms', 'BIGINT', (r) => r.durationMs),
  ],
});

export const PIPELINE_RUNS = table<PipelineRunRow>({
  name: 'pipeline_runs',
  owner: 'sessions',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => r.id, true),
    column('goal', 'VARCHAR', (r) => r.goal),
    column('mode', 'VARCHAR', (r) => r.mode),
    column('status', 'VARCHAR', (r) => r.status),
    column('started_at', 'TIMESTAMPTZ', (r) => r.startedAt),
    column('phases', 'JSON', (r) => r.phases),
    column('workspace', 'VARCHAR', (r) => r.workspace),
    column('worktree_path', 'VARCHAR', (r) => r.worktreePath),
    column('active', 'BOOLEAN', (r) => r.active),
    column('verdict', 'VARCHAR', (r) => r.verdict, false, 5),
    column('trace', 'JSON', (r) => r.trace, false, 5),
  ],
});

export const CONVENTIONS = table<ConventionRow>({
  name: 'conventions',
  owner: 'conventions',
  since: 1,
  nodeId: 'id',
  columns: [
    column('id', 'VARCHAR', (r) => r.id, true),
    column('source', 'VARCHAR', (r) => r.source, true),
    column('heading_path', 'VARCHAR', (r) => r.headingPath),
    column('body', 'VARCHAR', (r) => r.body),
    column('scope', 'VARCHAR', (r) => r.scope),
    column('ordinal', 'INTEGER', (r) => r.ordinal),
    column('priority', 'INTEGER', (r) => r.priority),
  ],
});

/** Every edge of every kind; which index owns a kind is in EDGE_KINDS. */
export const EDGES = table<EdgeRow>({
  name: 'edges',
  owner: 'graph',
  since: 1,
  parquet: true,
  columns: [
    column('src', 'VARCHAR', (r) => r.src, true),
    column('dst', 'VARCHAR', (r) => r.dst, true),
    column('kind', 'VARCHAR', (r) => r.kind, true),
    column('attrs', 'JSON', (r) => r.attrs),
  ],
});

export const INDEX_STATE = table<IndexStateRow>({
  name: 'index_state',
  owner: 'code',
  since: 1,
  columns: [
    column('path', 'VARCHAR', (r) => r.path, true),
    column('hash', 'VARCHAR', (r) => r.hash),
    column('size', 'BIGINT', (r) => r.size),
    column('mtime_ms', 'DOUBLE', (r) => r.mtimeMs),
    column('tsconfig', 'VARCHAR', (r) => r.tsconfig),
    column('imports', 'JSON', (r) => r.imports),
  ],
});

export const ENRICHMENTS = table<EnrichmentRow>({
  name: 'enrichments',
  owner: 'enricher',
  since: 2,
  columns: [
    column('id', 'VARCHAR', (r) => r.id, true),
    column('created_at', 'TIMESTAMPTZ', (r) => r.createdAt),
    column('session_id', 'VARCHAR', (r) => r.sessionId),
    column('goal', 'VARCHAR', (r) => r.goal),
    column('budget_tokens', 'INTEGER', (r) => r.budgetTokens),
    column('rendered_tokens', 'INTEGER', (r) => r.renderedTokens),
    column('manifest', 'JSON', (r) => r.manifest),
  ],
});

export const FILE_TERMS = table<FileTermRow>({
  name: 'file_terms',
  owner: 'code',
  since: 3,
  columns: [
    column('file', 'VARCHAR', (r) => r.file, true),
    column('term', 'VARCHAR', (r) => r.term, true),
    column('tf', 'INTEGER', (r) => r.tf, true),
  ],
});

export const COMMITS = table<CommitRow>({
  name: 'commits',
  owner: 'git',
  since: 3,
  nodeId: 'sha',
  columns: [
    column('sha', 'VARCHAR', (r) => r.sha, true),
    column('seq', 'INTEGER', (r) => r.seq, true),
    column('authored_at', 'TIMESTAMPTZ', (r) => r.authoredAt),
    column('subject', 'VARCHAR', (r) => r.subject),
    column('body', 'VARCHAR', (r) => r.body),
    column('files_changed', 'INTEGER', (r) => r.filesChanged),
    column('merge', 'BOOLEAN', (r) => r.merge),
  ],
});

/** Which files each commit changed: the link table of commits and files (typed columns, for the co-change SQL). */
export const COMMIT_FILES = table<CommitFileRow>({
  name: 'commit_files',
  owner: 'git',
  since: 3,
  parquet: true,
  columns: [
    column('sha', 'VARCHAR', (r) => r.sha, true),
    column('seq', 'INTEGER', (r) => r.seq, true),
    column('path', 'VARCHAR', (r) => r.path, true),
    column('current', 'VARCHAR', (r) => r.current, true),
    column('status', 'VARCHAR', (r) => r.status, true),
    column('old_path', 'VARCHAR', (r) => r.oldPath),
  ],
});

/** Every table, in the order they are created (meta before all), exported and counted. */
export const TABLES: readonly TableSpec<never>[] = [
  WORKSPACES,
  FILES,
  SYMBOLS,
  PACKAGES,
  CLI_COMMANDS,
  ROUTES,
  DIAGNOSTICS,
  SESSIONS,
  PIPELINE_RUNS,
  CONVENTIONS,
  EDGES,
  INDEX_STATE,
  ENRICHMENTS,
  FILE_TERMS,
  COMMITS,
  COMMIT_FILES,
  // Every migration creates it first, whatever the version (see ./schema.ts).
  META,
];

/**
 * Every edge kind and the index that owns it. Directions: produced_by session -> file (attrs: change, source),
 * child_of child session -> parent session, part_of_run session -> run (attrs: phase), applies_to convention section
 * -> file.
 */
export const EDGE_KINDS: readonly EdgeKindSpec[] = [
  { kind: 'imports', owner: 'code', from: 'file', to: 'file' },
  { kind: 'imports_package', owner: 'code', from: 'file', to: 'package' },
  { kind: 'imports_unresolved', owner: 'code', from: 'file', to: 'unresolved specifier' },
  { kind: 'workspace_package', owner: 'code', from: 'package (of this workspace)', to: 'its entry file' },
  { kind: 'imports_asset', owner: 'code', from: 'file', to: 'non-code file (stylesheet, image, font, ...)' },
  { kind: 'defines', owner: 'code', from: 'file', to: 'symbol' },
  { kind: 'tests', owner: 'code', from: 'test file', to: 'file' },
  { kind: 'produced_by', owner: 'sessions', from: 'session', to: 'file' },
  { kind: 'child_of', owner: 'sessions', from: 'session', to: 'session' },
  { kind: 'part_of_run', owner: 'sessions', from: 'session', to: 'pipeline run' },
  { kind: 'applies_to', owner: 'conventions', from: 'convention section', to: 'file' },
];

/** The tables `owner` writes. */
export function tablesOf(owner: Owner): TableSpec<never>[] {
  return TABLES.filter((spec) => spec.owner === owner);
}

/** The edge kinds `owner` writes. */
export function edgeKindsOf(owner: Owner): string[] {
  return EDGE_KINDS.filter((spec) => spec.owner === owner).map((spec) => spec.kind);
}

/** The node tables, in export order. */
export function nodeTables(): TableSpec<never>[] {
  return TABLES.filter((spec) => spec.nodeId !== undefined);
}

/** `CREATE TABLE` of a table, from its columns. */
export function createTableSql(spec: TableSpec<never>): string {
  const columns = spec.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${spec.name} (${columns})`;
}

/** The tables a graph at schema version `from` lacks, as statements (the new tables of the migrations after it). */
export function newTablesSql(from: number, to: number): string[] {
  return TABLES.filter((spec) => spec.since > from && spec.since <= to).map(createTableSql);
}

/**
 * The columns schema version `version` added to tables a graph at version `current` has, as `ALTER TABLE`s (a table
 * the migration creates gets every column with it). A column added later than its table cannot be NOT NULL; one the
 * table has already is left as it is.
 */
export function newColumnsSql(current: number, version: number): string[] {
  return TABLES.filter((spec) => spec.since <= current).flatMap((spec) =>
    spec.columns.filter((c) => c.since === version).map((c) => `ALTER TABLE ${spec.name} ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`),
  );
}

// TIMESTAMPTZ values are ISO strings: the appender writes them as text and DuckDB casts them.
const APPEND_TYPES: Record<SqlType, ColumnType> = {
  VARCHAR: 'varchar',
  INTEGER: 'integer',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  JSON: 'json',
  TIMESTAMPTZ: 'varchar',
};

const appendColumnsCache = new WeakMap<object, Columns>();

/** The appender's columns of a table: every column, in the table's order. */
export function appendColumns<Row>(spec: TableSpec<Row>): Columns {
  let columns = appendColumnsCache.get(spec);
  if (!columns) {
    columns = spec.columns.map((c) => [c.name, APPEND_TYPES[c.type]] as const);
    appendColumnsCache.set(spec, columns);
  }
  return columns;
}

/** Appends `rows` to the table, each as its columns' values in the table's order. */
export function appendTo<Row>(tx: Pick<WriteTx, 'append'>, spec: TableSpec<Row>, rows: readonly Row[]): Promise<number> {
  const getters = spec.columns.map((c) => c.value);
  return tx.append(
    spec.name,
    appendColumns(spec),
    rows.map((row) => getters.map((get) => get(row))),
  );
}

/** One row as an INSERT statement with its parameters (for a single row; bulk rows go through appendTo). */
export function insertRow<Row>(spec: TableSpec<Row>, row: Row): { sql: string; params: SqlParam[] } {
  const placeholders = spec.columns.map((c) => (c.type === 'TIMESTAMPTZ' || c.type === 'JSON' ? `?::${c.type}` : '?'));
  const params = spec.columns.map((c) => {
    const value = c.value(row);
    if (value === undefined || value === null) return null;
    return c.type === 'JSON' && typeof value !== 'string' ? JSON.stringify(value) : (value as SqlParam);
  });
  return { sql: `INSERT INTO ${spec.name} VALUES (${placeholders.join(', ')})`, params };
}
