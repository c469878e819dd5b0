// Loads the TypeScript compiler that ts-morph carries with a V8 code cache, so each kg process starts fast:
// compiling the 9 MB compiler costs ~130 ms per process, ~45 ms with the cache (written once per kg home).
// Use it through './ts.js'.

import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ts as TypeScript } from 'ts-morph';
import { codeCacheKey, compileCached, readCodeCache } from '../../graph/code-cache.js';

const requireFromHere = createRequire(import.meta.url);
const compilerPath = createRequire(requireFromHere.resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js');

const loaded = load();

/** The compiler module itself. */
export const loadedCompiler: typeof TypeScript = loaded.ts;

// Anything that later requires ts-morph finds this same compiler already loaded.
const cached = new Module(compilerPath);
cached.filename = compilerPath;
cached.loaded = true;
cached.exports = loaded.ts;
(Module as unknown as { _cache: Record<string, Module> })._cache[compilerPath] = cached;

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
  const bytes = readFileSync(compilerPath);
  const ascii = knownAscii || isAscii(bytes);
  return { source: bytes.toString(ascii ? 'latin1' : 'utf8'), ascii };
}

function load(): { ts: typeof TypeScript; saveCache(): void } {
  const key = codeCacheKey(compilerPath);
  const cacheName = (encoding: string) => `typescript-${key}.${encoding}.v8cache`;
  const asciiCache = readCodeCache(cacheName('ascii'));
  const cachedData = asciiCache ?? readCodeCache(cacheName('utf8'));
  const { source, ascii } = compilerSource(asciiCache !== undefined);
  const { script, save } = compileCached(Module.wrap(source), compilerPath, cacheName(ascii ? 'ascii' : 'utf8'), cachedData);
  const module = { exports: {} as typeof TypeScript };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  wrapper(module.exports, createRequire(compilerPath), module, compilerPath, dirname(compilerPath));
  return { ts: module.exports, saveCache: save };
}
