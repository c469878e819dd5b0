// Writes the code indexer's rows: a full code index replaces every code-owned row in one transaction.

import { workspaceId } from './location.js';
import { nodeId, type CodeRows, type IndexStateRow } from './records.js';
import { CODE_EDGE_KINDS, CODE_TABLES } from './schema.js';
import { writeMeta, type Columns, type GraphStore, type WriteTx } from './store.js';

const FILE_COLUMNS: Columns = [
  ['path', 'varchar'],
  ['language', 'varchar'],
  ['size', 'bigint'],
  ['hash', 'varchar'],
  ['lines', 'integer'],
  ['is_test', 'boolean'],
  ['mtime_ms', 'double'],
  ['tsconfig', 'varchar'],
  ['parse_errors', 'integer'],
];
const SYMBOL_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['file', 'varchar'],
  ['name', 'varchar'],
  ['kind', 'varchar'],
  ['line', 'integer'],
];
const PACKAGE_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['name', 'varchar'],
];
const CLI_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['file', 'varchar'],
  ['name', 'varchar'],
  ['spec', 'varchar'],
  ['description', 'varchar'],
  ['line', 'integer'],
];
const ROUTE_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['file', 'varchar'],
  ['method', 'varchar'],
  ['path', 'varchar'],
  ['line', 'integer'],
];
const DIAGNOSTIC_COLUMNS: Columns = [
  ['file', 'varchar'],
  ['line', 'integer'],
  ['message', 'varchar'],
  ['kind', 'varchar'],
];
export const EDGE_COLUMNS: Columns = [
  ['src', 'varchar'],
  ['dst', 'varchar'],
  ['kind', 'varchar'],
  ['attrs', 'json'],
];
const INDEX_STATE_COLUMNS: Columns = [
  ['path', 'varchar'],
  ['hash', 'varchar'],
  ['size', 'bigint'],
  ['mtime_ms', 'double'],
  ['tsconfig', 'varchar'],
];

export interface WrittenCounts {
  files: number;
  symbols: number;
  packages: number;
  cliCommands: number;
  routes: number;
  diagnostics: number;
  edges: number;
}

/** Deletes every code-owned row and appends `rows` in their place (call inside one `write`). */
export async function replaceCodeRows(tx: WriteTx, rows: CodeRows, indexState: IndexStateRow[]): Promise<WrittenCounts> {
  for (const table of CODE_TABLES) await tx.run(`DELETE FROM ${table}`);
  await tx.run(`DELETE FROM edges WHERE kind IN (${CODE_EDGE_KINDS.map(() => '?').join(', ')})`, [...CODE_EDGE_KINDS]);
  const counts: WrittenCounts = {
    files: await tx.append(
      'files',
      FILE_COLUMNS,
      rows.files.map((f) => [f.path, f.language, f.size, f.hash, f.lines, f.isTest, f.mtimeMs, f.tsconfig, f.parseErrors]),
    ),
    symbols: await tx.append(
      'symbols',
      SYMBOL_COLUMNS,
      rows.symbols.map((s) => [nodeId.symbol(s.file, s.name), s.file, s.name, s.kind, s.line]),
    ),
    packages: await tx.append(
      'packages',
      PACKAGE_COLUMNS,
      rows.packages.map((p) => [nodeId.package(p.name), p.name]),
    ),
    cliCommands: await tx.append(
      'cli_commands',
      CLI_COLUMNS,
      rows.cliCommands.map((c) => [nodeId.cliCommand(c.file, c.name, c.line), c.file, c.name, c.spec, c.description, c.line]),
    ),
    routes: await tx.append(
      'routes',
      ROUTE_COLUMNS,
      rows.routes.map((r) => [nodeId.route(r.file, r.method, r.path, r.line), r.file, r.method, r.path, r.line]),
    ),
    diagnostics: await tx.append(
      'diagnostics',
      DIAGNOSTIC_COLUMNS,
      rows.diagnostics.map((d) => [d.file, d.line, d.message, d.kind]),
    ),
    edges: await tx.append(
      'edges',
      EDGE_COLUMNS,
      rows.edges.map((e) => [e.src, e.dst, e.kind, e.attrs]),
    ),
  };
  await tx.append(
    'index_state',
    INDEX_STATE_COLUMNS,
    indexState.map((s) => [s.path, s.hash, s.size, s.mtimeMs, s.tsconfig]),
  );
  return counts;
}

export interface CodeIndexWrite {
  /** Absolute workspace root. */
  root: string;
  indexedAt: string;
  gitHead: string | null;
  rows: CodeRows;
  indexState: IndexStateRow[];
}

/** The one transaction of a full code index: code rows, the workspace row and the index's meta together. */
export function writeCodeIndex(store: GraphStore, write: CodeIndexWrite): Promise<WrittenCounts> {
  return store.write(async (tx) => {
    const counts = await replaceCodeRows(tx, write.rows, write.indexState);
    await tx.run(`DELETE FROM workspaces`);
    await tx.run(`INSERT INTO workspaces VALUES (?, ?, ?::TIMESTAMPTZ, ?)`, [
      workspaceId(write.root),
      write.root,
      write.indexedAt,
      write.gitHead,
    ]);
    await writeMeta(tx, { indexed_at: write.indexedAt, git_head: write.gitHead, workspace_root: write.root });
    return counts;
  });
}
