// `--only vectors`: what the vector layer costs, with the bench's word model (bench/word-model.ts): a full index
// without and with vectors, embedding throughput, what a reindex embeds after one file is touched or deleted, peak RSS
// of a `kg index --vectors` process, and `related` latency through a warm `kg serve` with vectors on.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from '../indexers/embeddings/embedder.js';
import type { Corpus } from './corpora.js';
import { syncedOrThrow, type SyncedVectors } from './kg-rankers.js';
import { measure, median, RSS_METHOD, type Measurement } from './measure.js';
import { exportedNames, load, reindexThrough, sourceFiles, startServe, type LatencyFigures } from './serve.js';
import { describeWordModel, openWordEmbedder, wordModel, type WordModel, type WordModelRecord } from './word-model.js';

const KG_BIN = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');
const DIRECT_TEXTS = 1000;
const RELATED_REQUESTS = 400;
export const VECTOR_TARGETS = { relatedP95Ms: 50 };

export interface VectorsFigures {
  model: WordModelRecord;
  corpora: CorpusVectorFigures[];
  /** `related` through kg serve on the effect corpus (else the first). */
  serve: ServeVectorFigures;
  targets: typeof VECTOR_TARGETS;
}

export interface IndexPair {
  runs: number;
  withoutSeconds: number;
  withSeconds: number;
  /** with - without. */
  addedSeconds: number;
  /** Median report.vectors.embedMs: the time inside embed(). */
  embedSeconds: number;
  /** Median report.vectors.durationMs: the whole vector step (read texts, embed, write). */
  syncSeconds: number;
  /** addedSeconds - embedSeconds: what vectors cost beyond the embedding itself (the target: about 0). */
  addedBeyondEmbedSeconds: number;
  texts: number;
  /** Median report.vectors.textsPerSecond. */
  textsPerSecond: number | null;
  runsWithout: number[];
  runsWith: number[];
}

export interface ReindexStep {
  what: string;
  seconds: number;
  embedded: number;
  kept: number;
  removed: number;
  syncMs: number;
}

export interface CorpusVectorFigures {
  corpus: string;
  version: string;
  sourceFiles: number;
  /** In one process through the library, the embedder opened once and given to every index. */
  inProcess: IndexPair;
  /** Whole `kg index [--vectors --model ...]` processes: the process opens the model itself. */
  process: IndexPair & { peakRssWithoutMb: number; peakRssWithMb: number };
  /** A direct embedder.embed of DIRECT_TEXTS of the corpus's texts (from its graph), measured alone. */
  direct: { texts: number; meanChars: number; ms: number; textsPerSecond: number };
  reindex: ReindexStep[];
}

export interface ServeVectorFigures {
  corpus: string;
  texts: number;
  indexSeconds: number;
  queries: LatencyFigures[];
  /** VmHWM of the server process after the queries (model loaded), MB. */
  serverPeakRssMb: number | null;
}

export async function benchVectors(corpora: readonly Corpus[], runs: number, serveCorpus: Corpus): Promise<VectorsFigures> {
  const model = await wordModel();
  console.log(`vectors: ${describeWordModel(model)}`);
  const smallest = Math.min(...corpora.map((c) => c.files));
  const embedder = await openWordEmbedder(model);
  try {
    const figures: CorpusVectorFigures[] = [];
    for (const corpus of corpora) {
      const n = corpus.files === smallest ? Math.max(3, runs) : runs;
      figures.push(await benchCorpus(corpus, n, model, embedder));
      console.log(formatCorpus(figures.at(-1)!) + '\n');
    }
    const serve = await benchRelatedServe(serveCorpus, model);
    return { model: model.record, corpora: figures, serve, targets: VECTOR_TARGETS };
  } finally {
    await embedder.close();
  }
}

async function benchCorpus(corpus: Corpus, runs: number, model: WordModel, embedder: Embedder): Promise<CorpusVectorFigures> {
  const { indexWorkspace, reindexWorkspace } = await import('../src/api.js');
  const scratch = mkdtempSync(join(tmpdir(), 'kg-bench-vectors-'));
  try {
    const freshDb = (() => {
      let n = 0;
      return () => {
        const dir = join(scratch, `graph-${n++}`);
        mkdirSync(dir);
        return join(dir, 'graph.duckdb');
      };
    })();
    const vectorOptions = { vectors: true, embedModel: model.model, embedder };

    // (a) In one process: rounds of without/with (the order turning), after one untimed round.
    const without: number[] = [];
    const withVectors: number[] = [];
    const reports: SyncedVectors[] = [];
    let lastDb = '';
    for (let round = 0; round <= runs; round++) {
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        const db = freshDb();
        const started = performance.now();
        const report = await indexWorkspace(corpus.root, { db, ...(on ? vectorOptions : {}) });
        const ms = performance.now() - started;
        if (round === 0) continue;
        if (on) {
          withVectors.push(ms);
          reports.push(syncedOrThrow(report.vectors, `an index of ${corpus.spec.name}`));
          lastDb = db;
        } else {
          if (report.vectors.state !== 'off') throw new Error(`an index without vectors reported vectors ${report.vectors.state}`);
          without.push(ms);
        }
      }
    }
    const inProcess = pair(runs, without, withVectors, reports);

    // (b) The embedder alone on the corpus's own texts.
    const direct = await directEmbed(lastDb, embedder);

    // (a, d) Whole processes, peak RSS: `kg index` opens the model itself from KG_MODEL_DIR.
    const env = { ...process.env, KG_MODEL_DIR: model.modelDir };
    const cold = { without: [] as Measurement[], with: [] as Measurement[] };
    for (let round = 0; round <= runs; round++) {
      for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
        const args = [KG_BIN, 'index', corpus.root, '--db', freshDb(), '--json', ...(on ? ['--vectors', '--model', model.model] : [])];
        const run = await measure(process.execPath, args, { env });
        if (round > 0) (on ? cold.with : cold.without).push(run);
      }
    }
    const coldReports = cold.with.map((run) => syncedOrThrow((JSON.parse(run.stdout) as { vectors?: SyncedVectors }).vectors, `kg index --vectors of ${corpus.spec.name}`));
    const processPair = {
      ...pair(runs, cold.without.map((r) => r.wallMs), cold.with.map((r) => r.wallMs), coldReports),
      peakRssWithoutMb: Math.max(...cold.without.map((r) => r.peakRssMb)),
      peakRssWithMb: Math.max(...cold.with.map((r) => r.peakRssMb)),
    };

    // (c) Reindexes on a copy: one exported function given a doc comment, one file deleted, then nothing changed.
    const root = join(scratch, 'ws');
    cpSync(corpus.root, root, { recursive: true });
    const db = freshDb();
    syncedOrThrow((await indexWorkspace(root, { db, ...vectorOptions })).vectors, `the index before the reindexes`);
    const step = async (what: string): Promise<ReindexStep> => {
      const started = performance.now();
      const report = await reindexWorkspace(root, { db, ...vectorOptions });
      const seconds = (performance.now() - started) / 1000;
      const v = syncedOrThrow(report.vectors, `the reindex after ${what}`);
      return { what, seconds, embedded: v.embedded, kept: v.kept, removed: v.removed, syncMs: v.durationMs };
    };
    const reindex: ReindexStep[] = [];
    const touched = documentOneFunction(root);
    reindex.push(await step(`a doc comment added to ${touched.name} in ${touched.path}`));
    const deleted = deleteOneFile(root, touched.path);
    reindex.push(await step(`${deleted} deleted`));
    reindex.push(await step('nothing changed'));

    return {
      corpus: corpus.spec.name,
      version: `${corpus.spec.pkg}@${corpus.spec.version}`,
      sourceFiles: corpus.files,
      inProcess,
      process: processPair,
      direct,
      reindex,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function pair(runs: number, without: number[], withVectors: number[], reports: readonly SyncedVectors[]): IndexPair {
  const withoutSeconds = median(without) / 1000;
  const withSeconds = median(withVectors) / 1000;
  const embedSeconds = median(reports.map((r) => r.embedMs)) / 1000;
  const rates = reports.flatMap((r) => (r.textsPerSecond === null ? [] : [r.textsPerSecond]));
  return {
    runs,
    withoutSeconds,
    withSeconds,
    addedSeconds: withSeconds - withoutSeconds,
    embedSeconds,
    syncSeconds: median(reports.map((r) => r.durationMs)) / 1000,
    addedBeyondEmbedSeconds: withSeconds - withoutSeconds - embedSeconds,
    texts: reports[0]?.texts ?? 0,
    textsPerSecond: rates.length > 0 ? median(rates) : null,
    runsWithout: without.map((ms) => Math.round(ms) / 1000),
    runsWith: withVectors.map((ms) => Math.round(ms) / 1000),
  };
}

/** DIRECT_TEXTS texts the graph embeds (repeated when it has fewer), embedded in one call, median of 3. */
async function directEmbed(db: string, embedder: Embedder): Promise<CorpusVectorFigures['direct']> {
  const { GraphStore } = await import('../graph/store.js');
  const { readEmbedTexts } = await import('../graph/embed-texts.js');
  const store = await GraphStore.open({ path: db });
  let all: string[];
  try {
    all = (await readEmbedTexts(store)).map((t) => t.text);
  } finally {
    store.close();
  }
  if (all.length === 0) throw new Error(`${db}: no texts to embed`);
  const texts = Array.from({ length: DIRECT_TEXTS }, (_, i) => all[i % all.length]!);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const vectors = await embedder.embed(texts);
    times.push(performance.now() - started);
    if (vectors.length !== texts.length) throw new Error(`embed gave ${vectors.length} vectors for ${texts.length} texts`);
  }
  const ms = median(times);
  return { texts: texts.length, meanChars: Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length), ms, textsPerSecond: (texts.length / ms) * 1000 };
}

/** Puts a doc comment above the first exported function that has none and no overloads (whose doc is the first's); returns where. */
function documentOneFunction(root: string): { path: string; name: string } {
  for (const path of sourceFiles(root).filter((p) => !/\.d\.[cm]?ts$/.test(p))) {
    const text = readFileSync(join(root, path), 'utf8');
    const lines = text.split('\n');
    const nameAt = (line: string) => /^export (?:async )?function\*? ?(\w+)/.exec(line)?.[1] ?? null;
    const declared = lines.map(nameAt).filter((name) => name !== null);
    const at = lines.findIndex((line, i) => {
      const name = nameAt(line);
      return name !== null && declared.filter((n) => n === name).length === 1 && !/\*\/\s*$/.test(lines[i - 1] ?? '');
    });
    if (at < 0) continue;
    const name = nameAt(lines[at]!)!;
    lines.splice(at, 0, '/** Touched by the kg bench: one more sentence about retries and timeouts for its vector. */');
    writeFileSync(join(root, path), lines.join('\n'));
    return { path, name };
  }
  throw new Error(`${root}: no exported function without a doc comment`);
}

/** Deletes a source file other than `keep` that exports something (not an index.ts); returns which. */
function deleteOneFile(root: string, keep: string): string {
  const path = sourceFiles(root).find((p) => p !== keep && !p.endsWith('/index.ts') && !/\.d\.[cm]?ts$/.test(p) && /^export /m.test(readFileSync(join(root, p), 'utf8')));
  if (!path) throw new Error(`${root}: no file to delete`);
  rmSync(join(root, path));
  return path;
}

/** `related` through a warm `kg serve` of the corpus with vectors on: hybrid (all signals) and lexical (no vectors). */
async function benchRelatedServe(corpus: Corpus, model: WordModel): Promise<ServeVectorFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kg-bench-vectors-serve-'));
  let server: Awaited<ReturnType<typeof startServe>>['child'] | undefined;
  try {
    const code = join(dir, corpus.spec.name);
    cpSync(corpus.root, code, { recursive: true });
    mkdirSync(join(dir, 'data'));
    const started = await startServe(join(dir, 'data'), dir, { KG_MODEL_DIR: model.modelDir });
    server = started.child;
    const url = started.url;
    const indexStarted = performance.now();
    const report = await reindexThrough(url, { workspace: code, full: true, vectors: true, embedModel: model.model });
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const vectors = syncedOrThrow(report.vectors as SyncedVectors | undefined, `kg serve's index of ${corpus.spec.name}`);
    const skipped = new Set(report.skipped.map((s) => s.path));
    const files = sourceFiles(code).filter((path) => !skipped.has(path));
    const words = [...new Set(exportedNames(code, files).flatMap((name) => name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? []).map((w) => w.toLowerCase()))].filter((w) => w.length > 2);
    let seed = 17;
    const rng = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const text = () => Array.from({ length: 2 + Math.floor(rng() * 3) }, () => words[Math.floor(rng() * words.length)]!).join(' ');
    const lexical = ['text', 'commits', 'sessions', 'imports', 'churn', 'recency'];
    const ask = (signals: string[] | null) => () => ({ path: '/v1/query', body: { workspace: code, intent: { kind: 'related', text: text(), ...(signals ? { signals } : {}) } } });
    // Every answer of the hybrid kinds must have used the vectors: checked on a sample before and after timing.
    const check = async (signals: string[] | null, expect: 'hybrid' | 'lexical') => {
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask(signals)().body) });
        const answer = (await response.json()) as { mode?: string; vectors?: { state?: string; reason?: string | null } };
        if (!response.ok || answer.mode !== expect || (expect === 'hybrid' && answer.vectors?.state !== 'used')) {
          throw new Error(`related through kg serve: ${response.status} mode ${answer.mode}, vectors ${answer.vectors?.state} (${answer.vectors?.reason ?? ''}); ${expect} expected`);
        }
      }
    };
    const queries: LatencyFigures[] = [];
    for (const [name, signals, expect, concurrency] of [
      ['related, all signals (hybrid)', null, 'hybrid', 1],
      ['related, all signals (hybrid)', null, 'hybrid', 2],
      ['related, lexical signals', lexical, 'lexical', 1],
      ['related, vectors alone', ['vectors'], 'hybrid', 1],
    ] as const) {
      await check(signals ? [...signals] : null, expect);
      queries.push(await load(url, name, code, ask(signals ? [...signals] : null), RELATED_REQUESTS, concurrency));
      await check(signals ? [...signals] : null, expect);
    }
    return { corpus: corpus.spec.name, texts: vectors.texts, indexSeconds, queries, serverPeakRssMb: highWaterMb(server.pid) };
  } finally {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((resolve) => server!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

function highWaterMb(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return null;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : null;
}

function formatCorpus(f: CorpusVectorFigures): string {
  const s = (seconds: number) => `${seconds.toFixed(3)} s`;
  const pairLine = (label: string, p: IndexPair) =>
    `  ${label}: without ${s(p.withoutSeconds)}, with ${s(p.withSeconds)} (+${s(p.addedSeconds)}); embedding inside ${s(p.embedSeconds)}, ` +
    `vector step ${s(p.syncSeconds)}; added - embedding ${p.addedBeyondEmbedSeconds >= 0 ? '+' : ''}${s(p.addedBeyondEmbedSeconds)}; ${p.texts} texts, ${p.textsPerSecond ?? '-'} texts/s (medians of ${p.runs})`;
  return [
    `## vectors: ${f.version} (${f.sourceFiles} source files)`,
    pairLine('full index in one process (library, embedder given)', f.inProcess),
    pairLine('full index as a kg index process (model opened by it)', f.process),
    `  peak RSS of kg index: without vectors ${f.process.peakRssWithoutMb.toFixed(0)} MB, with ${f.process.peakRssWithMb.toFixed(0)} MB (${RSS_METHOD}; the embedder's worker thread is in the process)`,
    `  embedder alone: ${f.direct.texts} of the corpus's texts (mean ${f.direct.meanChars} chars) in ${f.direct.ms.toFixed(0)} ms: ${Math.round(f.direct.textsPerSecond)} texts/s`,
    ...f.reindex.map((r) => `  reindex after ${r.what}: ${r.embedded} embedded, ${r.kept} kept, ${r.removed} removed; ${s(r.seconds)} (vector step ${r.syncMs} ms)`),
  ].join('\n');
}

export function formatVectors(figures: VectorsFigures): string {
  const q = figures.serve;
  const row = (f: LatencyFigures) =>
    `| ${f.name} | ${f.requests} | ${f.concurrency} | ${f.p50Ms.toFixed(2)} | ${f.p95Ms.toFixed(2)} | ${f.p99Ms.toFixed(2)} | ${f.maxMs.toFixed(1)} | ${Math.round(f.perSecond)} | ${f.cacheHitShare === null ? '' : `${Math.round(f.cacheHitShare * 100)} %`} |`;
  const hybrid = q.queries.filter((x) => x.name.includes('hybrid'));
  const worst = Math.max(...hybrid.map((x) => x.p95Ms));
  return [
    `## vectors: related through kg serve on ${q.corpus} with vectors on (${figures.model.model}); index through the server ${q.indexSeconds.toFixed(2)} s, ${q.texts} texts`,
    '',
    '| request | requests | concurrency | p50 ms | p95 ms | p99 ms | max ms | req/s | answer-cache hits |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...q.queries.map(row),
    '',
    `hybrid related p95 worst ${worst.toFixed(2)} ms (target < ${figures.targets.relatedP95Ms}: ${worst < figures.targets.relatedP95Ms ? 'met' : 'NOT met'}); ` +
      `server peak RSS ${q.serverPeakRssMb === null ? '-' : `${q.serverPeakRssMb.toFixed(0)} MB`} (VmHWM, model loaded)`,
  ].join('\n');
}
