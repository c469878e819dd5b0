// The full-index section: kg's whole `kg index` process against dependency-cruiser and madge on each corpus, checked against the compiler.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexCode } from '../indexers/code/index.js';
import { compareEdges, compilerImportEdges, kgImportEdges } from '../tests/oracle/compiler-oracle.js';
import type { Corpus, PackRecord } from './corpora.js';
import { measure, median, type Measurement } from './measure.js';
import { PEERS } from './peers.js';
import { formatTable, type ToolFigures } from './report.js';

const REPO = join(import.meta.dirname, '..', '..');
const KG_BIN = join(REPO, 'bin', 'kg.js');

export type ToolChoice = 'kg' | 'peers';

export interface CorpusFigures {
  corpus: string;
  version: string;
  tarball: PackRecord;
  /** .ts/.js files under the corpus's src/. */
  sourceFiles: number;
  tools: ToolFigures[];
  /** kg's median wall time over each peer's: below 1, kg is faster. */
  ratios: Record<string, number>;
  /** Every import kg records (specifier and target) against the compiler's own resolution; null when kg did not run. */
  compilerAgreement: { both: number; onlyKg: number; onlyCompiler: number; ratio: number; differs: string[] } | null;
}

/** Runs each chosen tool `runs` times (after one untimed run) on every corpus and prints one table per corpus. */
export async function benchFullIndex(corpora: readonly Corpus[], runs: number, tools: ReadonlySet<ToolChoice>): Promise<CorpusFigures[]> {
  const results: CorpusFigures[] = [];
  for (const corpus of corpora) results.push(await benchCorpus(corpus, runs, tools));
  return results;
}

async function benchCorpus(corpus: Corpus, runs: number, chosen: ReadonlySet<ToolChoice>): Promise<CorpusFigures> {
  const compiler = compilerImportEdges(corpus.root);
  const compilerPairs = filePairs(compiler);
  const tools: ToolFigures[] = [];
  let compilerAgreement: CorpusFigures['compilerAgreement'] = null;

  // The cold processes run in rounds, one of each tool per round: this machine's speed drifts over minutes, and
  // interleaving puts that drift into every tool's figures alike instead of into their ratios.
  const cold: ColdRun[] = [];
  if (chosen.has('kg')) cold.push({ name: 'kg', once: () => kgIndexProcess(corpus.root) });
  if (chosen.has('peers')) {
    for (const tool of PEERS) cold.push({ name: tool.name, once: () => measure(process.execPath, tool.args(corpus.root), { cwd: corpus.root }) });
  }
  const measured = await inRounds(runs, cold);

  if (chosen.has('kg')) {
    const runsOfKg = measured.get('kg')!;
    const report = JSON.parse(runsOfKg.at(-1)!.stdout) as { files: number; edges: number };
    // The library gives the same rows the CLI writes, without reading them back from DuckDB.
    const kgEdges = kgImportEdges((await indexCode(corpus.root)).rows.edges);
    const agreement = compareEdges(kgEdges, compiler);
    compilerAgreement = {
      both: agreement.both,
      onlyKg: agreement.onlyKg.length,
      onlyCompiler: agreement.onlyCompiler.length,
      ratio: agreement.ratio,
      differs: [...agreement.onlyKg.slice(0, 20).map((e) => `only kg: ${e}`), ...agreement.onlyCompiler.slice(0, 20).map((e) => `only compiler: ${e}`)],
    };
    tools.push(figures('kg', kgVersion(), report.files, report.edges, runsOfKg, compilerPairs, filePairs(kgEdges)));
    const served = await kgIndexThroughServer(corpus.root, runs);
    tools.push(figures(SERVED, kgVersion(), report.files, report.edges, served, compilerPairs, filePairs(kgEdges)));
  }
  for (const tool of chosen.has('peers') ? PEERS : []) {
    const runsOfTool = measured.get(tool.name)!;
    const parsed = tool.edges(runsOfTool.at(-1)!.stdout);
    tools.push(figures(tool.name, tool.version, parsed.files, parsed.total, runsOfTool, compilerPairs, parsed.pairs));
  }

  const kg = tools.find((t) => t.tool === 'kg');
  const viaServer = tools.find((t) => t.tool === SERVED);
  const peers = tools.filter((t) => t !== kg && t !== viaServer);
  const ratios = {
    ...(kg ? Object.fromEntries(peers.map((t) => [`kg/${t.tool}`, kg.wallSeconds / t.wallSeconds])) : {}),
    ...(viaServer ? Object.fromEntries(peers.map((t) => [`kg via kg serve/${t.tool}`, viaServer.wallSeconds / t.wallSeconds])) : {}),
  };
  const result: CorpusFigures = {
    corpus: corpus.spec.name,
    version: `${corpus.spec.pkg}@${corpus.spec.version}`,
    tarball: corpus.tarball,
    sourceFiles: corpus.files,
    tools,
    ratios,
    compilerAgreement,
  };
  console.log(formatTable(result.corpus, result.version, tools));
  if (Object.keys(ratios).length > 0) {
    console.log(`  wall-time ratios (below 1: kg faster): ${Object.entries(ratios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  }
  if (compilerAgreement) {
    const a = compilerAgreement;
    console.log(
      `  kg vs compiler (every import, by specifier and target): ${(a.ratio * 100).toFixed(2)} % agreement ` +
        `(${a.both} same, ${a.onlyKg} only kg, ${a.onlyCompiler} only compiler)`,
    );
    for (const edge of a.differs.slice(0, 10)) console.log(`    ${edge}`);
  }
  console.log('');
  return result;
}

/** One `kg index` into a fresh database, removed afterwards. */
async function kgIndexProcess(root: string): Promise<Measurement> {
  const home = mkdtempSync(join(tmpdir(), 'kg-bench-index-'));
  try {
    return await measure(process.execPath, [KG_BIN, 'index', root, '--db', join(home, 'graph.duckdb'), '--json']);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const SERVED = 'kg via kg serve';

/**
 * `kg index` while a `kg serve` of the same KG_HOME runs: the CLI hands the index to the warm server (compiler loaded),
 * which writes it in one transaction. Each run indexes its own copy of the corpus (copied untimed), so each writes a
 * fresh database, as the cold runs do.
 */
async function kgIndexThroughServer(root: string, runs: number): Promise<Measurement[]> {
  const home = mkdtempSync(join(tmpdir(), 'kg-bench-serve-'));
  const env = { ...process.env, KG_HOME: home };
  const server = spawn(process.execPath, [KG_BIN, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`kg serve exited with ${code}`)));
      server.stdout.once('data', () => resolve());
    });
    let copies = 0;
    return await repeat(runs, () => {
      const copy = join(home, `corpus-${copies++}`);
      cpSync(root, copy, { recursive: true });
      return measure(process.execPath, [KG_BIN, 'index', copy, '--json'], { env });
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  }
}

interface ColdRun {
  name: string;
  once: () => Promise<Measurement>;
}

/**
 * One untimed round, then `runs` timed ones, each running every tool once (the order turning by one each round). The
 * first round is kept apart because kg writes its start-up caches then (as on the first use after an install), and
 * every tool meets a cold file cache only once.
 */
async function inRounds(runs: number, tools: readonly ColdRun[]): Promise<Map<string, Measurement[]>> {
  const all = new Map<string, Measurement[]>(tools.map((tool) => [tool.name, []]));
  for (let round = 0; round <= runs; round++) {
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + round) % tools.length]!;
      all.get(tool.name)!.push(await tool.once());
    }
  }
  return all;
}

/** One untimed first run, then `runs` timed ones (for the server, whose runs cannot be interleaved with the rest). */
async function repeat(runs: number, once: () => Promise<Measurement>): Promise<Measurement[]> {
  const all: Measurement[] = [];
  for (let i = 0; i <= runs; i++) all.push(await once());
  return all;
}

function figures(
  tool: string,
  version: string,
  files: number,
  edges: number,
  [first, ...timed]: Measurement[],
  compilerPairs: Set<string>,
  pairs: Set<string>,
): ToolFigures {
  const wallSeconds = median(timed.map((r) => r.wallMs)) / 1000;
  const agreed = [...pairs].filter((pair) => compilerPairs.has(pair)).length;
  return {
    tool,
    version,
    files,
    edges,
    fileEdges: pairs.size,
    wallSeconds,
    runsSeconds: timed.map((r) => round(r.wallMs / 1000)),
    firstRunSeconds: round(first!.wallMs / 1000),
    filesPerSecond: files / wallSeconds,
    peakRssMb: Math.max(...timed.map((r) => r.peakRssMb)),
    recall: compilerPairs.size === 0 ? 1 : agreed / compilerPairs.size,
    precision: pairs.size === 0 ? 1 : agreed / pairs.size,
  };
}

/** `from|target` for the edges whose target is a workspace file. */
function filePairs(edges: Set<string>): Set<string> {
  const pairs = new Set<string>();
  for (const edge of edges) {
    const [from, , target] = edge.split('|');
    if (target && target !== 'external' && target !== 'unresolved') pairs.add(`${from}|${target}`);
  }
  return pairs;
}

function kgVersion(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
