// The parse the code index runs, for tests that feed extraction: process-file.ts's readFacts and parseForFacts, with
// the compiler ./indexers/code/typescript.ts loads (the trimmed one), never ts-morph's whole compiler.
//
// Import this before any module that loads the compiler: it first points KG_HOME at a fresh folder, so the trimmed
// compiler is made here from the compiler ts-morph carries, whatever an earlier kg left in the developer's kg home (a
// trim-failed mark there would make every parse in the file the whole compiler's). `parseHome` is that folder.

import { tempDir } from '../../support/temp.js';

export const parseHome = tempDir('kg-parse-home-');
process.env.KG_HOME = parseHome;

const processFile = await import('../../../indexers/code/process-file.js');
const typescript = await import('../../../indexers/code/typescript.js');
const loader = await import('../../../indexers/code/ts.js');

export const { readFacts, parseForFacts } = processFile;
export const { loadedCompilerKind, TRIMMED, TRIM_FAILED } = typescript;

/** The compiler the index parses with (a live binding in ./ts.ts, read when called). */
export function indexCompiler(): typeof loader.tsc {
  return loader.tsc;
}
