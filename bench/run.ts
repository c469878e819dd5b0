// `npm run bench`: kg's full index against dependency-cruiser and madge on real corpora, in one run.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem, type, release } from 'node:os';
import { join } from 'node:path';
import { indexCode } from '../indexers/code/index.js';
import { compareEdges, compilerImportEdges, kgImportEdges } from '../tests/oracle/compiler-oracle.js';
import { CORPORA, prepareCorpus, WORK_DIR, type Corpus } from './corpora.js';
import { measure, median, type Measurement } from './measure.js';
import { PEERS, type Tool } from './peers.js';
import { formatTable, type ToolFigures } from './report.js';
import { benchReindex, formatReindex, type ReindexFigures } from './reindex.js';
import { runSessionsBench } from './sessions.js';

const KG_BIN = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');

interface CorpusFigures {
  corpus: string;
  version: string;
  sourceFiles: number;
  tools: ToolFigures[];
  ratios: Record<string, number>;
  compilerAgreement: { both: number; onlyKg: number; onlyCompiler: number; ratio: number };
}

async function main(): Promise<void> {
  const runs = Number(flag('--runs') ?? process.env.BENCH_RUNS ?? 3);
  const only = flag('--corpus');
  console.log(machine());
  console.log(`runs per tool: ${runs} (median wall time, max peak RSS)\n`);
  const sections = (flag('--only') ?? 'index,reindex,sessions').split(',');
  const corpora = CORPORA.filter((c) => !only || c.name === only).map(prepareCorpus);
  const results: CorpusFigures[] = [];
  if (sections.includes('index')) for (const corpus of corpora) results.push(await benchCorpus(corpus, runs));
  const reindex: ReindexFigures[] = [];
  if (sections.includes('reindex')) {
    // The larger corpus: a few hundred files, as the reindex targets are stated.
    const corpus = corpora.find((c) => c.spec.name === 'effect') ?? corpora[0]!;
    const figures = await benchReindex(corpus, runs);
    console.log(formatReindex(figures) + '\n');
    reindex.push(figures);
  }
  const sessions = sections.includes('sessions') ? await runSessionsBench() : null;
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(join(WORK_DIR, 'last-run.json'), JSON.stringify({ machine: machine(), runs, results, reindex, sessions }, null, 2));
}

async function benchCorpus(corpus: Corpus, runs: number): Promise<CorpusFigures> {
  const compiler = compilerImportEdges(corpus.root);
  const compilerPairs = filePairs(compiler);
  const tools: ToolFigures[] = [];

  const kgRuns: Measurement[] = [];
  let kgReport: { files: number; edges: number } = { files: 0, edges: 0 };
  for (let i = 0; i < runs; i++) {
    const home = mkdtempSync(join(tmpdir(), 'kg-bench-'));
    try {
      const run = await measure(process.execPath, [KG_BIN, 'index', corpus.root, '--db', join(home, 'graph.duckdb'), '--json']);
      kgReport = JSON.parse(run.stdout) as { files: number; edges: number };
      kgRuns.push(run);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  const kgEdges = kgImportEdges((await indexCode(corpus.root)).rows.edges);
  const agreement = compareEdges(kgEdges, compiler);
  tools.push(figures('kg', kgReport.files, kgReport.edges, kgRuns, compilerPairs, filePairs(kgEdges)));

  for (const tool of PEERS) tools.push(await benchPeer(tool, corpus, runs, compilerPairs));

  const kgWall = tools[0]!.wallSeconds;
  const ratios = Object.fromEntries(tools.slice(1).map((t) => [`kg/${t.tool}`, kgWall / t.wallSeconds]));
  const result: CorpusFigures = {
    corpus: corpus.spec.name,
    version: `${corpus.spec.pkg}@${corpus.spec.version}`,
    sourceFiles: corpus.files,
    tools,
    ratios,
    compilerAgreement: {
      both: agreement.both,
      onlyKg: agreement.onlyKg.length,
      onlyCompiler: agreement.onlyCompiler.length,
      ratio: agreement.ratio,
    },
  };
  console.log(formatTable(result.corpus, result.version, tools));
  console.log(
    `  ratios (wall time): ${Object.entries(ratios).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}\n` +
      `  kg vs compiler (every import, by specifier and target): ${(agreement.ratio * 100).toFixed(2)} % agreement ` +
      `(${agreement.both} same, ${agreement.onlyKg.length} only kg, ${agreement.onlyCompiler.length} only compiler)\n`,
  );
  for (const edge of [...agreement.onlyKg.slice(0, 5), ...agreement.onlyCompiler.slice(0, 5)]) console.log(`    differs: ${edge}`);
  return result;
}

async function benchPeer(tool: Tool, corpus: Corpus, runs: number, compilerPairs: Set<string>): Promise<ToolFigures> {
  const measured: Measurement[] = [];
  for (let i = 0; i < runs; i++) measured.push(await measure(process.execPath, tool.args(corpus.root), { cwd: corpus.root }));
  const parsed = tool.edges(measured[0]!.stdout);
  return figures(tool.name, parsed.files, parsed.total, measured, compilerPairs, parsed.pairs);
}

function figures(tool: string, files: number, edges: number, runs: Measurement[], compilerPairs: Set<string>, pairs: Set<string>): ToolFigures {
  const wallSeconds = median(runs.map((r) => r.wallMs)) / 1000;
  const agreed = [...pairs].filter((pair) => compilerPairs.has(pair)).length;
  return {
    tool,
    files,
    edges,
    wallSeconds,
    filesPerSecond: files / wallSeconds,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
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

function machine(): string {
  const cpu = cpus();
  return (
    `machine: ${cpu[0]?.model ?? 'unknown cpu'} x ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
    `(${(freemem() / 2 ** 30).toFixed(1)} free), ${type()} ${release()}, node ${process.version}`
  );
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

await main();
