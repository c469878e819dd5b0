// Loads the TypeScript compiler that ts-morph carries with a V8 code cache, so each kg process starts fast:
// compiling the 9 MB compiler costs ~130 ms per process, ~45 ms with the cache (written once per kg home). What is
// loaded is the part of the compiler the indexer runs (./trim-compiler.ts), kept under $KG_HOME/cache, unless that
// cannot be made or once it fell short; then the whole compiler. Use it through './ts.js'.

import { isAscii } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ts as TypeScript } from 'ts-morph';
import { codeCacheKey, codeCachePath, compileCached, readCodeCache, writeCodeCache } from '../../graph/code-cache.js';
import { trimCompiler } from './trim-compiler.js';

const requireFromHere = createRequire(import.meta.url);
/** The whole compiler's script. */
export const COMPILER_PATH = createRequire(requireFromHere.resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js');
const key = codeCacheKey(COMPILER_PATH);
/** The trimmed compiler's name in the cache. */
export const TRIMMED = `typescript-${key}.trimmed.js`;
/** Left in the cache when the trimmed compiler fell short: from then on, every process loads the whole one. */
export const TRIM_FAILED = `typescript-${key}.trimmed.failed`;

interface Loaded {
  ts: typeof TypeScript;
  /** The file name its code runs under (a path in the cache for the trimmed compiler). */
  filename: string;
  trimmed: boolean;
  saveCache(): void;
}

let loaded = loadTrimmed() ?? loadWhole();

/** The compiler module itself. */
export function loadedCompiler(): typeof TypeScript {
  return loaded.ts;
}

/**
 * Which compiler this process runs now: `trimmed` (./trim-compiler.ts, kept under $KG_HOME/cache) or `whole` (the
 * trimmed one could not be made, its kg home holds the trim-failed mark, or a gap made this process switch). Only
 * reads what was loaded, for tests and diagnostics; nothing decides on it.
 */
export function loadedCompilerKind(): 'trimmed' | 'whole' {
  return loaded.trimmed ? 'trimmed' : 'whole';
}

/** Whether `error` is a call into the trimmed compiler reaching a module it left out. */
export function isTrimmedCompilerGap(error: unknown): boolean {
  return loaded.trimmed && error instanceof ReferenceError && (error.stack ?? '').includes(loaded.filename);
}

/** Loads the whole compiler in place of the trimmed one, for this process and (by a mark in the cache) later ones. */
export function loadWholeCompiler(): typeof TypeScript {
  if (loaded.trimmed) {
    markTrimFailed();
    loaded = loadWhole();
  }
  return loaded.ts;
}

/**
 * Writes the code cache if there was none (or V8 rejected it). Called after real work, so the cache
 * also holds the functions that work compiled, not only the top level.
 */
export function saveCompilerCache(): void {
  loaded.saveCache();
}

// The compiler ships as ASCII: decoding it as Latin-1 is a plain copy, half the time of UTF-8 decoding. Whether it is
// ASCII is checked once, when the cache is written, and the cache's name says so (the check alone takes ~20 ms).
function compilerSource(knownAscii: boolean): { source: string; ascii: boolean } {
  const bytes = readFileSync(COMPILER_PATH);
  const ascii = knownAscii || isAscii(bytes);
  return { source: bytes.toString(ascii ? 'latin1' : 'utf8'), ascii };
}

/** The trimmed compiler, made and cached on first use; undefined when it cannot be made, or fell short before. */
function loadTrimmed(): Loaded | undefined {
  if (existsSync(codeCachePath(TRIM_FAILED))) return undefined;
  // Written only from ASCII, so read as Latin-1.
  let source = readCodeCache(TRIMMED)?.toString('latin1');
  if (source === undefined) {
    const whole = compilerSource(false);
    const trimmed = whole.ascii ? trimCompiler(whole.source) : null;
    if (trimmed === null) return undefined;
    writeCodeCache(TRIMMED, Buffer.from(trimmed, 'latin1'));
    source = trimmed;
  }
  const filename = codeCachePath(TRIMMED);
  try {
    return { ...run(source, filename, `${TRIMMED}.v8cache`), filename, trimmed: true };
  } catch {
    // Its top level needed a module it left out (a compiler laid out otherwise): never try it again.
    markTrimFailed();
    return undefined;
  }
}

function markTrimFailed(): void {
  writeCodeCache(TRIM_FAILED, `${new Date().toISOString()}\n`);
}

function loadWhole(): Loaded {
  const cacheName = (encoding: string) => `typescript-${key}.${encoding}.v8cache`;
  const asciiCache = readCodeCache(cacheName('ascii'));
  const { source, ascii } = compilerSource(asciiCache !== undefined);
  const whole = run(source, COMPILER_PATH, cacheName(ascii ? 'ascii' : 'utf8'), asciiCache ?? readCodeCache(cacheName('utf8')));
  // Anything that later requires ts-morph finds this same compiler already loaded (never the trimmed one: ts-morph
  // runs the language service).
  const cached = new Module(COMPILER_PATH);
  cached.filename = COMPILER_PATH;
  cached.loaded = true;
  cached.exports = whole.ts;
  (Module as unknown as { _cache: Record<string, Module> })._cache[COMPILER_PATH] = cached;
  return { ...whole, filename: COMPILER_PATH, trimmed: false };
}

/** Runs compiler source as the CommonJS module at COMPILER_PATH, under `filename`, with the code cache `cacheName`. */
function run(source: string, filename: string, cacheName: string, cachedData?: Buffer): { ts: typeof TypeScript; saveCache(): void } {
  const { script, save } = compileCached(Module.wrap(source), filename, cacheName, cachedData);
  const module = { exports: {} as typeof TypeScript };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  wrapper(module.exports, createRequire(COMPILER_PATH), module, COMPILER_PATH, dirname(COMPILER_PATH));
  return { ts: module.exports, saveCache: save };
}
