// Writes the code indexer's rows: a full code index replaces every code-owned row in one transaction.

import { workspaceId } from './location.js';
import { nodeId, type CodeRows, type IndexedFileState, type IndexStateRow, type StoredImport } from './records.js';
import { metaStatements, sqlLiteral, sqlStringList, type GraphReader, type GraphStore, type WriteTx } from './store.js';
import {
  appendTo,
  CLI_COMMANDS,
  DIAGNOSTICS,
  EDGES,
  edgeKindsOf,
  FILE_TERMS,
  FILES,
  INDEX_STATE,
  META,
  PACKAGES,
  ROUTES,
  SYMBOLS,
  WORKSPACES,
  type TableSpec,
} from './tables.js';
import { ownedTable, replaceOwned, type OwnedRows } from './owned-rows.js';

const CODE_EDGE_KINDS = edgeKindsOf('code');

export interface WrittenCounts {
  files: number;
  symbols: number;
  packages: number;
  cliCommands: number;
  routes: number;
  diagnostics: number;
  edges: number;
}

/** The code rows as what the code index owns, for the writer to replace all it had with. */
export function codeOwnedRows(rows: CodeRows, indexState: IndexStateRow[]): OwnedRows {
  return {
    owner: 'code',
    tables: [
      ownedTable(FILES, rows.files),
      ownedTable(SYMBOLS, rows.symbols),
      ownedTable(CLI_COMMANDS, rows.cliCommands),
      ownedTable(ROUTES, rows.routes),
      ownedTable(DIAGNOSTICS, rows.diagnostics),
      ownedTable(INDEX_STATE, indexState),
      ownedTable(PACKAGES, rows.packages),
      ownedTable(FILE_TERMS, rows.terms),
    ],
    edges: rows.edges,
  };
}

/** What a full code index wrote, from the rows appended per table and the code edges. */
export function codeCounts(appended: Readonly<Record<string, number>>, edges: number): WrittenCounts {
  return {
    files: appended[FILES.name] ?? 0,
    symbols: appended[SYMBOLS.name] ?? 0,
    packages: appended[PACKAGES.name] ?? 0,
    cliCommands: appended[CLI_COMMANDS.name] ?? 0,
    routes: appended[ROUTES.name] ?? 0,
    diagnostics: appended[DIAGNOSTICS.name] ?? 0,
    edges,
  };
}

/** Appends a delta's rows: the code tables but packages, which the delta derives again from the edges. */
async function appendCodeRows(tx: WriteTx, rows: CodeRows, indexState: IndexStateRow[]): Promise<WrittenCounts> {
  const owned = codeOwnedRows(rows, indexState);
  const appended: Record<string, number> = {};
  for (const { table, rows: tableRows } of owned.tables) {
    if (table !== PACKAGES) appended[table.name] = await appendTo(tx, table as TableSpec<unknown>, tableRows as readonly unknown[]);
  }
  await appendTo(tx, EDGES, owned.edges);
  return codeCounts(appended, owned.edges.length);
}

export interface CodeIndexWrite {
  /** Absolute workspace root. */
  root: string;
  indexedAt: string;
  gitHead: string | null;
  /** Identifies the history inputs (data dir, pipeline runs, convention documents) this index read. */
  historyFingerprint?: string | null;
  rows: CodeRows;
  indexState: IndexStateRow[];
}

/** A code-only index in one transaction: code rows, the workspace row and the index's meta together (for tests and tools). */
export function writeCodeIndex(store: GraphStore, write: CodeIndexWrite): Promise<WrittenCounts> {
  return store.write(async (tx) => {
    const appended = await replaceOwned(tx, codeOwnedRows(write.rows, write.indexState));
    await writeWorkspaceMeta(tx, write);
    return codeCounts(appended, write.rows.edges.length);
  });
}

/** The workspace row and the index meta (indexed_at, git_head, workspace_root), inside a write. */
export async function writeWorkspaceMeta(tx: WriteTx, write: WorkspaceMetaWrite): Promise<void> {
  if (!tx.empty) {
    await tx.run(workspaceMetaStatements(write).join(';\n'));
    return;
  }
  // A new graph has no workspace row and none of these keys: two appends, not four statements to plan (~5 ms).
  await appendTo(tx, WORKSPACES, [{ id: workspaceId(write.root), root: write.root, indexedAt: write.indexedAt, gitHead: write.gitHead }]);
  await appendTo(
    tx,
    META,
    Object.entries(indexMeta(write)).map(([key, value]) => ({ key, value })),
  );
}

export interface WorkspaceMetaWrite {
  root: string;
  indexedAt: string;
  gitHead: string | null;
  /** The fingerprint of a code-only index's history inputs, as the caller worked it out (kept as `history_fingerprint`). */
  historyFingerprint?: string | null;
  /** The input fingerprints of the indexers that ran, by indexer name (kept as `fingerprint:<name>`). */
  fingerprints?: Readonly<Record<string, string>>;
}

/** The meta key of an indexer's input fingerprint. */
export function fingerprintKey(indexer: string): string {
  return `fingerprint:${indexer}`;
}

export function workspaceMetaStatements(write: WorkspaceMetaWrite): string[] {
  return [
    `DELETE FROM workspaces`,
    `INSERT INTO workspaces VALUES (${sqlLiteral(workspaceId(write.root))}, ${sqlLiteral(write.root)}, ${sqlLiteral(write.indexedAt)}::TIMESTAMPTZ, ${sqlLiteral(write.gitHead)})`,
    ...metaStatements(indexMeta(write)),
  ];
}

function indexMeta(write: WorkspaceMetaWrite): Record<string, string | null> {
  return {
    indexed_at: write.indexedAt,
    git_head: write.gitHead,
    workspace_root: write.root,
    ...(write.historyFingerprint !== undefined ? { history_fingerprint: write.historyFingerprint } : {}),
    ...Object.fromEntries(Object.entries(write.fingerprints ?? {}).map(([name, value]) => [fingerprintKey(name), value])),
  };
}

/** Incremental changes to the code rows (see indexers/code/reindex.ts for how they are worked out). */
export interface CodeDelta {
  /** Files whose every code row and outgoing code edge is removed before `rows` are appended. */
  removedFiles: string[];
  /** Files whose outgoing import and `tests` edges are removed before `rows` are appended. */
  reResolvedFiles: string[];
  /** Whether files appeared or disappeared (else the same paths come back, and applies_to edges stand). */
  fileSetChanged: boolean;
  rows: CodeRows;
  indexState: IndexStateRow[];
}

const IMPORT_EDGE_KINDS = ['imports', 'imports_package', 'imports_unresolved', 'imports_asset', 'tests'];

// The code tables whose rows belong to one file, by the column that names it (packages are derived from the edges).
const FILE_KEYED = [
  [FILES.name, 'path'],
  [SYMBOLS.name, 'file'],
  [CLI_COMMANDS.name, 'file'],
  [ROUTES.name, 'file'],
  [DIAGNOSTICS.name, 'file'],
  [INDEX_STATE.name, 'path'],
  [FILE_TERMS.name, 'file'],
] as const;

/**
 * Applies an incremental code update inside a write; the packages table is derived again from the edges. `trailing`
 * statements (the index meta) run in the same batch, one round trip to DuckDB.
 */
export async function applyCodeDelta(tx: WriteTx, write: CodeDelta, trailing: readonly string[] = []): Promise<WrittenCounts> {
  const removed = write.removedFiles;
  // Every delete in one batch: one round trip to DuckDB instead of one per table.
  const deletes: string[] = [];
  if (removed.length > 0) {
    const paths = sqlStringList(removed);
    for (const [table, column] of FILE_KEYED) deletes.push(`DELETE FROM ${table} WHERE ${column} IN (${paths})`);
    deletes.push(deleteEdgesFromSql(removed, CODE_EDGE_KINDS));
  }
  if (write.reResolvedFiles.length > 0) deletes.push(deleteEdgesFromSql(write.reResolvedFiles, IMPORT_EDGE_KINDS));
  if (deletes.length > 0) await tx.run(deletes.join(';\n'));
  const counts = await appendCodeRows(tx, write.rows, write.indexState);
  // The packages are derived again from the edges, in the same batch as the workspace row and the meta.
  await tx.run(
    [
      `DELETE FROM packages`,
      `INSERT INTO packages SELECT DISTINCT dst, substr(dst, 5) FROM edges WHERE kind = 'imports_package' ORDER BY 1`,
      ...trailing,
    ].join(';\n'),
  );
  return counts;
}

/** The index state of every indexed file, by path, without the imports (see readStoredImports). */
export async function readIndexState(reader: GraphReader): Promise<Map<string, IndexedFileState>> {
  const rows = await reader.all<IndexedFileState>(`SELECT path, hash, size, mtime_ms AS "mtimeMs", tsconfig FROM index_state`);
  return new Map(rows.map((row) => [row.path, row]));
}

/**
 * The stored imports of every indexed file that has them, by path: only a reindex that re-resolves needs them, and
 * they are most of the index state's bytes.
 */
export async function readStoredImports(reader: GraphReader): Promise<Map<string, StoredImport[]>> {
  const rows = await reader.all<{ path: string; importsJson: string }>(
    `SELECT path, CAST(imports AS VARCHAR) AS "importsJson" FROM index_state WHERE imports IS NOT NULL`,
  );
  return new Map(rows.map(({ path, importsJson }) => [path, JSON.parse(importsJson) as StoredImport[]]));
}

function deleteEdgesFromSql(paths: readonly string[], kinds: readonly string[]): string {
  return `DELETE FROM edges WHERE kind IN (${sqlStringList(kinds)}) AND src IN (${sqlStringList(paths.map(nodeId.file))})`;
}
