// The compiler API for the code indexer, as a value: `tsc.createSourceFile(...)`. Types come from
// `import type { ts } from 'ts-morph'`. It is the compiler ts-morph carries, loaded by ./typescript.js with a
// V8 code cache and required directly, which skips loading ts-morph itself and Node's ESM scan of its exports.

import type { ts } from 'ts-morph';
import { loadedCompiler } from './typescript.js';

export const tsc: typeof ts = loadedCompiler;
