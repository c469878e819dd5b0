// The compiler API for the code indexer, as a value: `tsc.createSourceFile(...)`. Types come from
// `import type { ts } from 'ts-morph'`. It is the compiler ts-morph carries, loaded by ./typescript.js with a
// V8 code cache and required directly, which skips loading ts-morph itself and Node's ESM scan of its exports;
// usually only the part of it the indexer runs (./trim-compiler.ts).

import type { ts } from 'ts-morph';
import { isTrimmedCompilerGap, loadedCompiler, loadWholeCompiler } from './typescript.js';

// A live binding: every importer sees the whole compiler once a gap made this module switch to it.
export let tsc: typeof ts = loadedCompiler();

/**
 * Runs `work` (which must only compute, so that it can run twice); should it reach a part of the compiler the trimmed
 * one left out, runs it again with the whole compiler, which this process and later ones then keep to.
 */
export async function withWholeCompilerOnGap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isTrimmedCompilerGap(error)) throw error;
    tsc = loadWholeCompiler();
    return work();
  }
}
