// The part of the TypeScript compiler the code indexer runs. The compiler ships as one 9 MB script, and every kg process
// that loads it reads it and deserializes its code cache, most of which is the type checker, the emitter's transforms,
// the language service and tsserver: code the indexer never calls. Loading only the part it does call measured
// ~17 ms less per cold `kg index` of rxjs and ~27 ms less on a one-file workspace (paired runs, bench/RESULTS.md).
//
// The script is esbuild's bundle of the compiler's modules, each opening with a `// src/<path>.ts` line, so whole
// modules are dropped by those lines; what is kept is the compiler's own code, unchanged. Kept: the scanner, parser and
// node factory, tsconfig parsing, module resolution, program.ts (resolution modes, implied node formats), the emitter
// (module resolution asks it for a project's common source directory) and tsbuild (project reference paths).
//
// Kept modules still name functions of dropped ones on paths the indexer never takes (type checking, emitting,
// watching); tests/indexers/code/trim-compiler.test.ts holds the list. Should a call reach one anyway, it throws a
// ReferenceError, and the indexer redoes its work with the whole compiler (./ts.ts). What the language service adds to
// nodes (`node.getStart()`, `identifier.text`, ...) is missing too, with no such error to catch: eslint.config.js keeps
// it out of indexers/code, and tests/indexers/code/trimmed-in-use.test.ts checks that a normal index never falls back.

/** Modules of the compiler's sources the indexer never runs. */
export const DROPPED_MODULES: readonly RegExp[] = [
  /^src\/(services|server|typingsInstallerCore|jsTyping|deprecatedCompat)\//,
  /^src\/compiler\/transformers\//,
  /^src\/compiler\/_namespaces\/ts\.moduleSpecifiers\.ts$/,
  /^src\/compiler\/(checker|binder|symbolWalker|moduleSpecifiers|visitorPublic|sourcemap|transformer|watchUtilities|programDiagnostics|builderState|builder|builderPublic|resolutionCache|watch|watchPublic|tsbuildPublic|executeCommandLine|expressionToTypeNode)\.ts$/,
];

/** Modules the indexer calls into: a compiler without any of them is not the one this was written for. */
const NEEDED_MODULES = [
  'src/compiler/scanner.ts',
  'src/compiler/parser.ts',
  'src/compiler/commandLineParser.ts',
  'src/compiler/moduleNameResolver.ts',
  'src/compiler/program.ts',
  'src/compiler/emitter.ts',
  'src/compiler/tsbuild.ts',
  'src/typescript/typescript.ts',
];

const MODULE_LINE = /^\/\/ (src\/\S+\.ts)$/gm;

export interface CompilerModule {
  /** The module's source path, e.g. `src/compiler/parser.ts`. */
  path: string;
  start: number;
  end: number;
}

/** The modules of the compiler's script in order, each from its `// src/...` line to the next one's. */
export function compilerModules(source: string): CompilerModule[] {
  const modules: CompilerModule[] = [];
  for (const match of source.matchAll(MODULE_LINE)) {
    const previous = modules[modules.length - 1];
    if (previous) previous.end = match.index;
    modules.push({ path: match[1]!, start: match.index, end: source.length });
  }
  return modules;
}

export function isDropped(path: string): boolean {
  return DROPPED_MODULES.some((pattern) => pattern.test(path));
}

/**
 * The compiler's script without the modules in DROPPED_MODULES, or null when it is not laid out as expected (another
 * bundler, a module renamed): the whole compiler is then the one to load.
 */
export function trimCompiler(source: string): string | null {
  const modules = compilerModules(source);
  const paths = new Set(modules.map((module) => module.path));
  if (!NEEDED_MODULES.every((path) => paths.has(path)) || !modules.some((module) => isDropped(module.path))) return null;
  // The last module is the namespace's closing code, and ends the script's wrapper: it is never dropped.
  if (isDropped(modules[modules.length - 1]!.path)) return null;
  const parts = [source.slice(0, modules[0]!.start)];
  for (const module of modules) if (!isDropped(module.path)) parts.push(source.slice(module.start, module.end));
  return parts.join('');
}
