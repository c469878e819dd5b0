// `--only localize`: "which files is this task about?" on real history. Each case is a conventional feat/fix commit
// (bench/localize-cases.ts); every ranker sees the workspace at the commit's parent and is asked the subject, and is
// scored against the source files the commit modified. Plain BM25 is the baseline, in the same run. kg's graph has
// vectors on (the bench's word model, bench/word-model.ts), kept at each parent commit by the reindexes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Ranker, plainTokens, splitTokenizers } from './bm25-baseline.js';
import { checkoutClean, day, firstParentHistory, HISTORY_DIR, prepareHistoryRepo, type HistoryRepo } from './history-repo.js';
import { graphFileIn, HYBRID_GRAPH, intentFields, enumValues, KgGraph, relatedRankers, type GraphVectors, type SyncedVectors } from './kg-rankers.js';
import { localizeCases, type LocalizeCase } from './localize-cases.js';
import { median, percentile } from './measure.js';
import type { Ranker } from './ranker.js';
import { describeWordModel, openWordEmbedder, wordModel, type WordModel, type WordModelRecord } from './word-model.js';

export const CASES = 80;
const K = 10;
/** The issue's goal: kg related with every signal (vectors too) at least this much above plain BM25 in recall@5. */
export const GOAL_RECALL5_OVER_BM25 = 0.1;
const BASELINE = 'bm25';

export interface RankerFigures {
  ranker: string;
  /** Cases it answered (all of them, unless it failed). */
  cases: number;
  recallAt5: number;
  recallAt10: number;
  /** The share of cases with at least one truth file in the top 5. */
  hitAt5: number;
  /** Mean reciprocal rank of the first truth file in the top 10 (0 when none is). */
  mrr: number;
  latencyMedianMs: number;
  latencyP95Ms: number;
  /** Why it stopped, when it failed on a case. */
  failure: string | null;
}

export interface LocalizeFigures {
  repo: string;
  source: string;
  head: string;
  cases: number;
  /** The cases' commit dates, oldest and newest (YYYY-MM-DD). */
  from: string;
  to: string;
  meanTruthFiles: number;
  /** Whose identifier splitting the split BM25 used. */
  splitTokenizer: string;
  /** The `related` intent's signals, when it takes a list of them (one ablation each). */
  kgSignals: string[] | null;
  /** What each `-signal` ranker leaves its signal out of. */
  kgAblations: string | null;
  rankers: RankerFigures[];
  /** recall@5 of kg related with every signal against plain BM25's, and the issue's goal for the difference. */
  goal: { ranker: string; recallAt5: number; baseline: string; baselineRecallAt5: number; difference: number; target: number; met: boolean } | null;
  /** kg's vectors: the model, the first index's sync and the reindexes' (null when the graph has none). */
  vectors: LocalizeVectorFigures | null;
  checkoutMedianMs: number;
  kgFirstIndexSeconds: number | null;
  /** Median kg reindex per checkout (not a quality figure). */
  kgReindexMedianSeconds: number | null;
  /** Every case's ranked lists, for reading what went wrong. */
  casesFile: string;
}

export interface LocalizeVectorFigures {
  model: WordModelRecord;
  firstIndex: { texts: number; embedded: number; embedMs: number; textsPerSecond: number | null; syncMs: number };
  reindexes: number;
  /** Medians per reindex (one per checkout after the first). */
  embeddedMedian: number | null;
  keptMedian: number | null;
  removedMedian: number | null;
  embedMsMedian: number | null;
  syncMsMedian: number | null;
  embeddedMax: number | null;
}

export async function benchLocalize(sources: readonly string[]): Promise<LocalizeFigures[]> {
  // With a `vectors` signal, kg's graph has vectors of the bench's word model: one embedder for every index and
  // reindex, and KG_MODEL_DIR for the query side, which opens the model by itself (once per process).
  const withVectors = enumValues((await intentFields('related'))?.signals)?.includes('vectors') ?? false;
  const model = withVectors ? await wordModel() : null;
  if (model) console.log(`localize: ${describeWordModel(model)}`);
  else console.log('localize: this build of related has no vectors signal; kg runs without vectors');
  const savedModelDir = process.env.KG_MODEL_DIR;
  if (model) process.env.KG_MODEL_DIR = model.modelDir;
  const embedder = model ? await openWordEmbedder(model) : null;
  try {
    const figures: LocalizeFigures[] = [];
    for (const source of sources) figures.push(await localizeRepo(await prepareHistoryRepo(source), model && embedder ? { model, vectors: { embedder, model: model.model } } : null));
    return figures;
  } finally {
    await embedder?.close();
    if (savedModelDir === undefined) delete process.env.KG_MODEL_DIR;
    else process.env.KG_MODEL_DIR = savedModelDir;
  }
}

interface RankerRun {
  ranker: Ranker;
  latencies: number[];
  ranked: string[][];
  failure: string | null;
}

async function localizeRepo(repo: HistoryRepo, withVectors: { model: WordModel; vectors: GraphVectors } | null): Promise<LocalizeFigures> {
  const cases = localizeCases(await firstParentHistory(repo, repo.head, 100_000), CASES);
  if (cases.length === 0) throw new Error(`localize: ${repo.name} has no conventional feat/fix commits that modify 1..8 source files`);
  const split = await splitTokenizers();
  const graph = new KgGraph(graphFileIn(HISTORY_DIR, `${repo.name}-localize`), withVectors?.vectors ?? null);
  const related = await relatedRankers(graph);
  const rankers: Ranker[] = [new Bm25Ranker('bm25', plainTokens), new Bm25Ranker('bm25 split identifiers', split.document, split.query), ...related.rankers];
  if (related.rankers.length === 0) console.log('localize: kg ranker skipped (this build has no `related` intent in INTENT_KINDS)');
  const runs: RankerRun[] = rankers.map((ranker) => ({ ranker, latencies: [], ranked: [], failure: null }));
  const checkouts: number[] = [];
  for (const [n, c] of cases.entries()) {
    const started = performance.now();
    await checkoutClean(repo, c.parent);
    checkouts.push(performance.now() - started);
    for (const run of runs) {
      if (run.failure !== null) continue;
      try {
        await run.ranker.prepare(repo.root, c.parent);
        const asked = performance.now();
        const ranked = await run.ranker.rank(repo.root, c.query, K);
        run.latencies.push(performance.now() - asked);
        run.ranked.push(ranked);
      } catch (error) {
        run.failure = `case ${n + 1} (${c.sha.slice(0, 8)}): ${error instanceof Error ? error.message : String(error)}`;
        console.log(`localize: ${run.ranker.name} failed at ${run.failure}`);
      }
    }
    if ((n + 1) % 20 === 0) console.log(`localize: ${repo.name} ${n + 1}/${cases.length} cases`);
  }
  const casesFile = join(HISTORY_DIR, `${repo.name}-localize-cases.json`);
  writeFileSync(casesFile, JSON.stringify(cases.map((c, i) => ({ ...c, ranked: Object.fromEntries(runs.map((r) => [r.ranker.name, r.ranked[i] ?? null])) })), null, 2));
  const seconds = (ms: number[]) => (ms.length > 0 ? median(ms) / 1000 : null);
  const scored = runs.map((run) => scoreRun(run, cases));
  return {
    repo: repo.name,
    source: repo.source,
    head: repo.head,
    cases: cases.length,
    from: day(cases[0]!.authorTime),
    to: day(cases[cases.length - 1]!.authorTime),
    meanTruthFiles: cases.reduce((sum, c) => sum + c.truth.length, 0) / cases.length,
    splitTokenizer: split.source,
    kgSignals: related.signals,
    kgAblations: related.ablations,
    rankers: scored,
    goal: goalOf(scored),
    vectors: withVectors && graph.firstVectors ? vectorFigures(withVectors.model.record, graph.firstVectors, graph.reindexVectors) : null,
    checkoutMedianMs: median(checkouts),
    kgFirstIndexSeconds: related.rankers.length > 0 ? graph.firstIndexMs / 1000 : null,
    kgReindexMedianSeconds: seconds(graph.reindexMs),
    casesFile,
  };
}

function goalOf(rankers: readonly RankerFigures[]): LocalizeFigures['goal'] {
  const full = rankers.find((r) => r.ranker === HYBRID_GRAPH) ?? null;
  const baseline = rankers.find((r) => r.ranker === BASELINE) ?? null;
  if (!full || !baseline || full.failure !== null) return null;
  const difference = full.recallAt5 - baseline.recallAt5;
  return { ranker: full.ranker, recallAt5: full.recallAt5, baseline: baseline.ranker, baselineRecallAt5: baseline.recallAt5, difference, target: GOAL_RECALL5_OVER_BM25, met: difference >= GOAL_RECALL5_OVER_BM25 };
}

function vectorFigures(model: WordModelRecord, first: SyncedVectors, reindexes: readonly SyncedVectors[]): LocalizeVectorFigures {
  const of = (pick: (r: SyncedVectors) => number) => (reindexes.length > 0 ? median(reindexes.map(pick)) : null);
  return {
    model,
    firstIndex: { texts: first.texts, embedded: first.embedded, embedMs: first.embedMs, textsPerSecond: first.textsPerSecond, syncMs: first.durationMs },
    reindexes: reindexes.length,
    embeddedMedian: of((r) => r.embedded),
    keptMedian: of((r) => r.kept),
    removedMedian: of((r) => r.removed),
    embedMsMedian: of((r) => r.embedMs),
    syncMsMedian: of((r) => r.durationMs),
    embeddedMax: reindexes.length > 0 ? Math.max(...reindexes.map((r) => r.embedded)) : null,
  };
}

function scoreRun(run: RankerRun, cases: readonly LocalizeCase[]): RankerFigures {
  const answered = run.ranked.length;
  let recall5 = 0;
  let recall10 = 0;
  let hit5 = 0;
  let mrr = 0;
  run.ranked.forEach((ranked, i) => {
    const truth = new Set(cases[i]!.truth);
    const found = (k: number) => ranked.slice(0, k).filter((path) => truth.has(path)).length;
    recall5 += found(5) / truth.size;
    recall10 += found(10) / truth.size;
    if (found(5) > 0) hit5++;
    const first = ranked.findIndex((path) => truth.has(path));
    if (first >= 0) mrr += 1 / (first + 1);
  });
  const mean = (sum: number) => (answered > 0 ? sum / answered : 0);
  return {
    ranker: run.ranker.name,
    cases: answered,
    recallAt5: mean(recall5),
    recallAt10: mean(recall10),
    hitAt5: mean(hit5),
    mrr: mean(mrr),
    latencyMedianMs: answered > 0 ? median(run.latencies) : 0,
    latencyP95Ms: answered > 0 ? percentile(run.latencies, 95) : 0,
    failure: run.failure,
  };
}

export function formatLocalize(figures: LocalizeFigures): string {
  const baseline = figures.rankers.find((r) => r.ranker === BASELINE);
  const header = ['ranker', 'cases', 'recall@5', `vs ${BASELINE}`, 'recall@10', 'hit@5', 'MRR', 'p50 ms', 'p95 ms'];
  const body = figures.rankers.map((r) => [
    r.ranker + (r.failure ? ' (failed)' : ''),
    String(r.cases),
    r.recallAt5.toFixed(3),
    baseline && r !== baseline ? signed(r.recallAt5 - baseline.recallAt5) : '',
    r.recallAt10.toFixed(3),
    r.hitAt5.toFixed(3),
    r.mrr.toFixed(3),
    r.latencyMedianMs.toFixed(2),
    r.latencyP95Ms.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  const kg =
    figures.kgReindexMedianSeconds !== null || figures.kgFirstIndexSeconds !== null
      ? `; kg first index ${figures.kgFirstIndexSeconds?.toFixed(2)} s, median reindex per checkout ${figures.kgReindexMedianSeconds?.toFixed(2) ?? '-'} s`
      : '';
  const v = figures.vectors;
  const goal = figures.goal;
  return [
    `## localize: ${figures.repo} at ${figures.head.slice(0, 12)}`,
    `${figures.cases} feat/fix commits from ${figures.from} to ${figures.to}, ${figures.meanTruthFiles.toFixed(2)} modified source files each on average; ` +
      `split tokenizer: ${figures.splitTokenizer}${figures.kgSignals ? `; kg signals: ${figures.kgSignals.join(', ')}` : ''}`,
    line(header),
    ...body.map(line),
    ...(goal
      ? [
          `goal: ${goal.ranker} recall@5 ${goal.recallAt5.toFixed(3)} - ${goal.baseline} ${goal.baselineRecallAt5.toFixed(3)} = ${signed(goal.difference)} ` +
            `(target at least +${goal.target.toFixed(2)}: ${goal.met ? 'met' : 'NOT met'})`,
        ]
      : figures.vectors
        ? [`goal: not measured (${HYBRID_GRAPH} did not answer every case)`]
        : []),
    ...(figures.kgAblations ? [`a ranker named "-signal" leaves that signal out of ${figures.kgAblations}`] : []),
    `median checkout ${figures.checkoutMedianMs.toFixed(0)} ms${kg}; ranked lists in ${figures.casesFile}`,
    ...(v
      ? [
          `vectors: ${v.model.model} (${v.model.source.package} ${v.model.source.version}, ${v.model.words} words × ${v.model.dimensions}); first index ${v.firstIndex.texts} texts, ` +
            `${v.firstIndex.embedded} embedded in ${(v.firstIndex.embedMs / 1000).toFixed(2)} s (${v.firstIndex.textsPerSecond ?? '-'} texts/s), sync ${(v.firstIndex.syncMs / 1000).toFixed(2)} s; ` +
            `per reindex (${v.reindexes}) median ${v.embeddedMedian ?? '-'} embedded (max ${v.embeddedMax ?? '-'}), ${v.keptMedian ?? '-'} kept, ${v.removedMedian ?? '-'} removed, ` +
            `embed ${v.embedMsMedian ?? '-'} ms, sync ${v.syncMsMedian ?? '-'} ms`,
        ]
      : []),
    ...(figures.kgFirstIndexSeconds !== null ? ['kg latency is one queryKnowledge call: it opens the graph read-only, answers and closes it'] : []),
    ...figures.rankers.filter((r) => r.failure).map((r) => `${r.ranker} failed at ${r.failure}`),
  ].join('\n');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
}
