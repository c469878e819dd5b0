// The compiler's own answer to "what does each file import": the oracle kg's import edges are checked against.
// It owns each file as the language service does (editorOwnership), builds a ts.Program per owning tsconfig, takes
// the module names the program collects for each file, and resolves each with ts.resolveModuleName under that
// tsconfig's options and the usage's resolution mode.

import { dirname, relative, resolve, sep } from 'node:path';
import { ts } from 'ts-morph';
import { discoverFiles } from '../../indexers/code/discover.js';
import { DEFAULT_COMPILER_OPTIONS } from '../../indexers/code/tsconfig.js';
import type { EdgeRow } from '../../graph/records.js';

/** `from|specifier|target`, target being a workspace-relative path, `external` or `unresolved`. */
export type EdgeKey = string;

export interface Agreement {
  both: number;
  onlyKg: EdgeKey[];
  onlyCompiler: EdgeKey[];
  /** both / (both + onlyKg + onlyCompiler), 1 when there is nothing to compare. */
  ratio: number;
}

// An asset edge is what the compiler leaves unresolved (kg adds that the file exists).
const IMPORT_KINDS = new Set(['imports', 'imports_package', 'imports_unresolved', 'imports_asset']);

/**
 * The compiler's import edges for every TypeScript/JavaScript file of the workspace at `root`,
 * or only for the workspace-relative paths in `only` (to compare on the files kg indexed).
 */
export function compilerImportEdges(root: string, only?: ReadonlySet<string>, given?: ReadonlyMap<string, string>): Set<EdgeKey> {
  const absRoot = resolve(root);
  const discovered = discoverFiles(absRoot, Number.MAX_SAFE_INTEGER).files.filter(
    (f) => !f.path.endsWith('.json') && (only === undefined || only.has(f.path)),
  );
  // `given`: the editor's ownership already asked for (it is the slow part on a large repository).
  const owners = given ?? editorOwnership(absRoot, discovered.map((file) => file.abs));
  const byOwner = new Map<string | null, string[]>();
  for (const file of discovered) {
    const owner = owners.get(file.abs) ?? null;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), file.abs]);
  }
  const edges = new Set<EdgeKey>();
  for (const [config, files] of byOwner) {
    const options = config ? parseOptions(config) : DEFAULT_COMPILER_OPTIONS;
    const program = ts.createProgram({ rootNames: files, options: { ...options, noResolve: true, noLib: true, types: [] } });
    // A .js file the options leave out of the program (no allowJs) is still a file kg reads: its module names are
    // collected by a program that takes it in, and resolved under the owner's own options all the same.
    const left = files.filter((abs) => !program.getSourceFile(abs));
    const jsProgram = left.length > 0 ? ts.createProgram({ rootNames: left, options: { ...options, allowJs: true, noResolve: true, noLib: true, types: [] } }) : null;
    for (const abs of files) {
      const inProgram = program.getSourceFile(abs);
      const file = inProgram ?? jsProgram?.getSourceFile(abs);
      const from = toRel(absRoot, abs);
      if (!file) continue;
      const collector = inProgram ? program : jsProgram!;
      const internals = file as unknown as { imports: readonly ts.StringLiteralLike[]; moduleAugmentations: readonly ts.Node[] };
      const names = [...internals.imports, ...internals.moduleAugmentations].filter(
        (node): node is ts.StringLiteralLike => ts.isStringLiteralLike(node) && node.pos >= 0,
      );
      for (const literal of names) {
        const mode = collector.getModeForUsageLocation(file, literal);
        const result = ts.resolveModuleName(literal.text, abs, options, ts.sys, undefined, undefined, mode);
        edges.add(key(absRoot, from, literal.text, result.resolvedModule?.resolvedFileName, result.resolvedModule?.isExternalLibraryImport));
      }
      for (const literal of requireCalls(file)) {
        const result = ts.resolveModuleName(literal.text, abs, options, ts.sys, undefined, undefined, ts.ModuleKind.CommonJS);
        edges.add(key(absRoot, from, literal.text, result.resolvedModule?.resolvedFileName, result.resolvedModule?.isExternalLibraryImport));
      }
      for (const ref of file.referencedFiles) {
        edges.add(key(absRoot, from, ref.fileName, referencedFile(abs, ref.fileName, options), false));
      }
      for (const ref of file.typeReferenceDirectives) {
        const mode = ts.getModeForFileReference(ref, file.impliedNodeFormat);
        const result = ts.resolveTypeReferenceDirective(ref.fileName, abs, options, ts.sys, undefined, undefined, mode);
        const resolved = result.resolvedTypeReferenceDirective;
        edges.add(key(absRoot, from, ref.fileName, resolved?.resolvedFileName, resolved?.isExternalLibraryImport));
      }
    }
  }
  return edges;
}

/** kg's import edges in the oracle's form. */
export function kgImportEdges(edges: readonly Pick<EdgeRow, 'src' | 'dst' | 'kind' | 'attrs'>[]): Set<EdgeKey> {
  const out = new Set<EdgeKey>();
  for (const edge of edges) {
    if (!IMPORT_KINDS.has(edge.kind)) continue;
    const from = edge.src.replace(/^file:/, '');
    const specifier = String(edge.attrs?.specifier);
    const target =
      edge.kind === 'imports'
        ? edge.dst.replace(/^file:/, '')
        : edge.kind === 'imports_package' && edge.attrs?.resolved === true
          ? 'external'
          : 'unresolved';
    out.add(`${from}|${specifier}|${target}`);
  }
  return out;
}

export function compareEdges(kg: Set<EdgeKey>, compiler: Set<EdgeKey>): Agreement {
  const onlyKg = [...kg].filter((edge) => !compiler.has(edge)).sort();
  const onlyCompiler = [...compiler].filter((edge) => !kg.has(edge)).sort();
  const both = kg.size - onlyKg.length;
  const total = both + onlyKg.length + onlyCompiler.length;
  return { both, onlyKg, onlyCompiler, ratio: total === 0 ? 1 : both / total };
}

function key(root: string, from: string, specifier: string, resolved: string | undefined, external: boolean | undefined): EdgeKey {
  if (resolved === undefined) return `${from}|${specifier}|unresolved`;
  const rel = toRel(root, resolve(resolved));
  const outside = external || rel.startsWith('../') || rel.split('/').includes('node_modules');
  return `${from}|${specifier}|${outside ? 'external' : rel}`;
}

// The compiler collects require() only in JavaScript files; kg keeps them everywhere, so the oracle adds them.
function requireCalls(file: ts.SourceFile): ts.StringLiteralLike[] {
  const found: ts.StringLiteralLike[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]!)
    ) {
      found.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// How the program turns `/// <reference path>` into a file: relative to the referencing file, trying
// the supported extensions when the name has none.
function referencedFile(containing: string, name: string, options: ts.CompilerOptions): string | undefined {
  const base = resolve(dirname(containing), name);
  const extensions = ['.ts', '.tsx', '.d.ts', ...(options.allowJs ? ['.js', '.jsx'] : [])];
  const candidates = /\.(?:[cm]?[jt]sx?|json)$/.test(name) ? [base] : [base, ...extensions.map((ext) => base + ext)];
  return candidates.find((candidate) => ts.sys.fileExists(candidate));
}

function parseOptions(config: string): ts.CompilerOptions {
  return ts.getParsedCommandLineOfConfigFile(config, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  })!.options;
}

/**
 * Ownership as the editor decides it, asked of the TypeScript language service itself (tsserver's ProjectService):
 * the configured project it opens each file in. A file it puts in an inferred project (no config includes it) gets
 * the nearest tsconfig.json up its path, the rule kg documents for it, else none (the defaults).
 */
export function editorOwnership(root: string, files: readonly string[]): Map<string, string> {
  const noop = () => undefined;
  const watcher = { close: noop };
  const host = { ...ts.sys, setTimeout, clearTimeout, setImmediate, clearImmediate, watchFile: () => watcher, watchDirectory: () => watcher } as unknown as ts.server.ServerHost;
  const logger = {
    close: noop, hasLevel: () => false, loggingEnabled: () => false, perftrc: noop, info: noop, startGroup: noop, endGroup: noop, msg: noop,
    getLogFileName: () => undefined,
  } as unknown as ts.server.Logger;
  const service = new ts.server.ProjectService({
    host,
    logger,
    cancellationToken: ts.server.nullCancellationToken,
    useSingleInferredProject: false,
    useInferredProjectPerProjectRoot: false,
    typingsInstaller: ts.server.nullTypingsInstaller,
    session: undefined,
  });
  const owners = new Map<string, string>();
  for (const abs of files) {
    service.openClientFile(abs);
    const project = service.getDefaultProjectForFile(ts.server.toNormalizedPath(abs), false);
    const configured = project && project.projectKind === ts.server.ProjectKind.Configured ? (project as ts.server.ConfiguredProject).getConfigFilePath() : null;
    const owner = configured ? resolve(configured) : nearestTsconfig(root, abs);
    if (owner) owners.set(abs, owner);
    service.closeClientFile(abs);
  }
  return owners;
}

function nearestTsconfig(root: string, abs: string): string | null {
  for (let dir = dirname(abs); !relative(root, dir).startsWith('..'); dir = dirname(dir)) {
    const candidate = resolve(dir, 'tsconfig.json');
    if (ts.sys.fileExists(candidate)) return candidate;
    if (dir === dirname(dir)) break;
  }
  return null;
}

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
