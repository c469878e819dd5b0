// Where the embedding worker's code comes from: the compiled embed-worker.js beside this module (dist/), or, when kg
// runs from its .ts sources as under vitest, embed-worker.ts transpiled in memory and started from a data: URL.
//
// Why not load the .ts: Node 20 cannot start a TypeScript worker (type stripping came in Node 22), and vitest
// transforms only the modules of its own thread, not a Worker's. Running the tests against dist/ would test stale
// code after any edit without a build. Transpiling is type erasure only (ts.transpileModule, no type check), and the
// worker imports nothing of ours at run time, so the data: URL module needs no resolution but `node:` built-ins.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMPILED = new URL('./embed-worker.js', import.meta.url);
const SOURCE = new URL('./embed-worker.ts', import.meta.url);

let transpiled: Promise<URL> | null = null;

/** The URL to start the embedding worker from. */
export function embedWorkerUrl(): Promise<URL> {
  if (existsSync(fileURLToPath(COMPILED))) return Promise.resolve(COMPILED);
  transpiled ??= transpileWorker();
  return transpiled;
}

async function transpileWorker(): Promise<URL> {
  // ts-morph carries the compiler kg already depends on; loaded only when running from sources.
  const { ts } = await import('ts-morph');
  const { outputText } = ts.transpileModule(readFileSync(fileURLToPath(SOURCE), 'utf8'), {
    fileName: 'embed-worker.ts',
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  const imports = [...outputText.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
  const foreign = imports.filter((specifier) => !specifier.startsWith('node:'));
  if (foreign.length > 0) throw new Error(`embed-worker.ts imports ${foreign.join(', ')} at run time: it may import only node: built-ins (types are erased)`);
  return new URL(`data:text/javascript;base64,${Buffer.from(outputText, 'utf8').toString('base64')}`);
}
