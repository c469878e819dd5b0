// Builds CodeRows from a compact description of files and their imports, for store and query tests.

import type { CodeRows, EdgeRow, FileRow, IndexStateRow } from '../../graph/records.js';
import { nodeId } from '../../graph/records.js';

export interface FileSpec {
  /** Workspace-relative paths this file imports (each becomes an `imports` edge). */
  imports?: string[];
  typeImports?: string[];
  packages?: string[];
  unresolved?: string[];
  exports?: { name: string; kind: string; line: number; signature?: string; doc?: string }[];
  commands?: { spec: string; description?: string; line: number }[];
  routes?: { method: string; path: string; line: number }[];
}

export function codeRows(spec: Record<string, FileSpec>): { rows: CodeRows; indexState: IndexStateRow[] } {
  const rows: CodeRows = { files: [], symbols: [], packages: [], cliCommands: [], routes: [], diagnostics: [], terms: [], edges: [] };
  const packages = new Set<string>();
  for (const [path, file] of Object.entries(spec)) {
    const isTest = /\.test\.|^tests\//.test(path);
    rows.files.push(fileRow(path, isTest));
    let line = 1;
    const edge = (dst: string, kind: string, specifier: string, typeOnly = false): EdgeRow => ({
      src: nodeId.file(path),
      dst,
      kind,
      attrs: { specifier, line: line++, type_only: typeOnly, dynamic: false, re_export: false, form: 'import' },
    });
    for (const target of file.imports ?? []) {
      rows.edges.push(edge(nodeId.file(target), 'imports', `./${target}`));
      if (isTest) rows.edges.push({ src: nodeId.file(path), dst: nodeId.file(target), kind: 'tests', attrs: null });
    }
    for (const target of file.typeImports ?? []) rows.edges.push(edge(nodeId.file(target), 'imports', `./${target}`, true));
    for (const name of file.packages ?? []) {
      packages.add(name);
      rows.edges.push({ ...edge(nodeId.package(name), 'imports_package', name) });
    }
    for (const specifier of file.unresolved ?? []) rows.edges.push(edge(nodeId.unresolved(specifier), 'imports_unresolved', specifier));
    for (const symbol of file.exports ?? []) {
      rows.symbols.push({ file: path, signature: null, doc: null, ...symbol });
      rows.edges.push({ src: nodeId.file(path), dst: nodeId.symbol(path, symbol.name), kind: 'defines', attrs: null });
    }
    for (const command of file.commands ?? []) {
      rows.cliCommands.push({ file: path, name: command.spec.split(' ')[0]!, spec: command.spec, description: command.description ?? null, line: command.line });
    }
    for (const route of file.routes ?? []) rows.routes.push({ file: path, ...route });
  }
  rows.packages = [...packages].sort().map((name) => ({ name }));
  const indexState = rows.files.map((f) => ({ path: f.path, hash: f.hash, size: f.size, mtimeMs: f.mtimeMs, tsconfig: null, imports: null }));
  return { rows, indexState };
}

function fileRow(path: string, isTest: boolean): FileRow {
  return {
    path,
    language: path.endsWith('.json') ? 'json' : 'ts',
    size: 100,
    hash: `hash-of-${path}`,
    lines: 10,
    isTest,
    mtimeMs: 1_700_000_000_000,
    tsconfig: 'tsconfig.json',
    parseErrors: 0,
    doc: null,
  };
}
