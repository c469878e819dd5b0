// Turns one file's facts and resolved import targets into graph rows: files, symbols, packages, terms, edges.

import { nodeId, type CodeRows, type EdgeRow, type FileTermRow, type ImportAttrs, type StoredImport, type Warning } from '../../graph/records.js';
import type { DiscoveredFile } from './discover.js';
import type { FileResult } from './process-file.js';
import type { ImportTarget } from './resolve.js';

type FileInput = Extract<FileResult, { ok: true }>;

const TEST_FILE = /(?:^|\/)(?:tests?|__tests__)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;

export function isTestPath(path: string): boolean {
  return TEST_FILE.test(path);
}

export class CodeRowsBuilder {
  private readonly out: CodeRows = { files: [], symbols: [], packages: [], cliCommands: [], routes: [], diagnostics: [], terms: [], edges: [] };
  private readonly packages = new Set<string>();
  // Each file's terms as it came, flattened once at the end (one copy instead of one per file).
  private readonly termLists: FileTermRow[][] = [];
  readonly warnings: Warning[] = [];

  addFile(file: Pick<DiscoveredFile, 'path' | 'size' | 'mtimeMs'>, input: FileInput): void {
    const isTest = isTestPath(file.path);
    const facts = input.facts;
    this.out.files.push({
      path: file.path,
      language: input.language,
      size: file.size,
      hash: input.hash,
      lines: input.lines,
      isTest,
      mtimeMs: file.mtimeMs,
      tsconfig: input.tsconfig,
      parseErrors: facts?.syntaxErrorCount ?? 0,
      doc: facts?.doc ?? null,
    });
    if (!facts) return;
    const src = nodeId.file(file.path);
    this.addImportEdges(file.path, facts.imports, input.targets);
    for (const symbol of facts.symbols) {
      this.out.symbols.push({ file: file.path, ...symbol });
      this.out.edges.push({ src, dst: nodeId.symbol(file.path, symbol.name), kind: 'defines', attrs: null });
    }
    for (const command of facts.cliCommands) this.out.cliCommands.push({ file: file.path, ...command });
    for (const route of facts.routes) this.out.routes.push({ file: file.path, ...route });
    for (const error of facts.syntaxErrors) this.out.diagnostics.push({ file: file.path, kind: 'syntax', ...error });
    this.termLists.push(input.terms);
    if (facts.syntaxErrorCount > 0) {
      const first = facts.syntaxErrors[0]!;
      this.warnings.push({
        code: 'syntax_error',
        path: file.path,
        message: `${file.path}:${first.line}: ${first.message}${facts.syntaxErrorCount > 1 ? ` (+${facts.syntaxErrorCount - 1} more)` : ''}; indexed as far as it parses`,
      });
    }
  }

  /** The import edges of one file (and its `tests` edges when it is a test file). */
  addImportEdges(path: string, imports: readonly StoredImport[], targets: readonly ImportTarget[]): void {
    const src = nodeId.file(path);
    const tested = new Set<string>();
    const isTest = isTestPath(path);
    imports.forEach((fact, i) => {
      const target = targets[i]!;
      const attrs: ImportAttrs = {
        specifier: fact.specifier,
        line: fact.line,
        type_only: fact.typeOnly,
        dynamic: fact.dynamic,
        re_export: fact.reExport,
        form: fact.form,
        ...(fact.names ? { names: fact.names } : {}),
      };
      this.out.edges.push(this.importEdge(src, target, attrs));
      if (isTest && target.kind === 'file' && target.path !== path && !tested.has(target.path)) {
        tested.add(target.path);
        this.out.edges.push({ src, dst: nodeId.file(target.path), kind: 'tests', attrs: null });
      }
    });
  }

  rows(): CodeRows {
    return { ...this.out, packages: [...this.packages].sort().map((name) => ({ name })), terms: concatenated(this.termLists) };
  }

  private importEdge(src: string, target: ImportTarget, attrs: ImportAttrs): EdgeRow {
    switch (target.kind) {
      case 'file':
        return { src, dst: nodeId.file(target.path), kind: 'imports', attrs: { ...attrs } };
      case 'package':
        this.packages.add(target.name);
        return { src, dst: nodeId.package(target.name), kind: 'imports_package', attrs: { ...attrs, resolved: target.resolved } };
      case 'asset':
        return { src, dst: nodeId.file(target.path), kind: 'imports_asset', attrs: { ...attrs } };
      case 'unresolved':
        return { src, dst: nodeId.unresolved(attrs.specifier), kind: 'imports_unresolved', attrs: { ...attrs } };
    }
  }
}

/** The lists one after the other, in one array (Array.prototype.flat takes several times as long for the file terms). */
function concatenated<T>(lists: readonly (readonly T[])[]): T[] {
  let total = 0;
  for (const list of lists) total += list.length;
  const out = new Array<T>(total);
  let at = 0;
  for (const list of lists) for (let i = 0; i < list.length; i++) out[at++] = list[i]!;
  return out;
}
