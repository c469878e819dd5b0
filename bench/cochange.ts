// `--only cochange`: do files that changed together before change together again? Each of the newest first-parent
// commits is held out; the co-change partners of its files are ranked from the 1000 commits before it (straight from
// `git log`, the reference), and kg's `co_changes` answers on a graph of its parent are scored the same way.

import { join } from 'node:path';
import { checkoutClean, day, firstParentHistory, git, HISTORY_DIR, prepareHistoryRepo, type HistoryCommit, type HistoryRepo } from './history-repo.js';
import { answerPaths, hasIntentKind, intentFields, KgGraph } from './kg-rankers.js';
import { median, percentile } from './measure.js';

export const HELD_OUT = 50;
export const WINDOW = 1000;
/** Commits changing more files than this are neither held out nor counted (a formatting pass, a merge of a branch). */
export const MAX_FILES = 30;
const TOP = 5;

export interface PartnerFigures {
  source: 'git log' | 'kg co_changes';
  /** Files of held-out commits that existed before them, each scored. */
  files: number;
  /** Mean over those files of the share of the commit's other files among its top 5 partners. */
  meanFound: number;
  /** The share of those files with at least one of the commit's other files among their top 5 partners. */
  anyFound: number;
}

export interface CochangeFigures {
  repo: string;
  head: string;
  heldOut: number;
  from: string;
  to: string;
  reference: PartnerFigures;
  kg: KgPartnerFigures | null;
}

export interface KgPartnerFigures extends PartnerFigures {
  /** One `queryKnowledge` call each (it opens the graph, answers, closes). */
  queryMedianMs: number;
  queryP95Ms: number;
  reindexMedianSeconds: number | null;
  /** The share of scored files whose top 5 is the same set as the reference's. */
  sameTop5: number;
  /** Mean of shared partners over the longer of the two top-5 lists. */
  meanTop5Overlap: number;
  /** Scored files kg answered `unknown_file` for (counted as no partners). */
  unknownFiles: number;
}

export async function benchCochange(sources: readonly string[]): Promise<CochangeFigures[]> {
  const figures: CochangeFigures[] = [];
  for (const source of sources) figures.push(await cochangeRepo(await prepareHistoryRepo(source)));
  return figures;
}

/** A held-out commit, its files, those that existed at its parent, and the reference's top partners of each. */
interface HeldOut {
  commit: HistoryCommit;
  files: string[];
  existing: string[];
  reference: Map<string, string[]>;
}

async function cochangeRepo(repo: HistoryRepo): Promise<CochangeFigures> {
  const history = await firstParentHistory(repo, repo.head, 100_000);
  const files = history.map((commit) => [...new Set(commit.changes.map((c) => c.path))]);
  const heldOut: HeldOut[] = [];
  for (let i = 0; i < history.length && heldOut.length < HELD_OUT; i++) {
    const commit = history[i]!;
    if (files[i]!.length < 2 || files[i]!.length > MAX_FILES || !commit.parents[0]) continue;
    const before = new Set((await git(repo.root, ['ls-tree', '-r', '-z', '--name-only', commit.parents[0], '--'])).split('\0'));
    const existing = files[i]!.filter((path) => before.has(path));
    const window = files.slice(i + 1, i + 1 + WINDOW).filter((changed) => changed.length <= MAX_FILES);
    heldOut.push({ commit, files: files[i]!, existing, reference: new Map(existing.map((path) => [path, topPartners(path, window, TOP)])) });
  }
  if (heldOut.length === 0) throw new Error(`cochange: ${repo.name} has no first-parent commits changing 2..${MAX_FILES} files`);
  heldOut.reverse(); // oldest first: kg's graph then moves forward by reindexes
  const reference = score('git log', heldOut, (h, path) => h.reference.get(path)!);
  const kg = (await hasIntentKind('co_changes')) ? await kgCochange(repo, heldOut) : null;
  if (!kg) console.log('cochange: kg co_changes skipped (this build has no `co_changes` intent in INTENT_KINDS)');
  return {
    repo: repo.name,
    head: repo.head,
    heldOut: heldOut.length,
    from: day(heldOut[0]!.commit.authorTime),
    to: day(heldOut[heldOut.length - 1]!.commit.authorTime),
    reference,
    kg,
  };
}

/**
 * `path`'s co-change partners in `window` (each commit's changed files): by support (commits changing both), then
 * confidence (support over the commits changing `path`), then path.
 */
export function topPartners(path: string, window: readonly string[][], top: number): string[] {
  let commits = 0;
  const support = new Map<string, number>();
  for (const changed of window) {
    if (!changed.includes(path)) continue;
    commits++;
    for (const other of changed) if (other !== path) support.set(other, (support.get(other) ?? 0) + 1);
  }
  return [...support]
    .map(([partner, n]) => ({ partner, n, confidence: n / commits }))
    .sort((a, b) => b.n - a.n || b.confidence - a.confidence || (a.partner < b.partner ? -1 : a.partner > b.partner ? 1 : 0))
    .slice(0, top)
    .map((p) => p.partner);
}

function score(source: PartnerFigures['source'], heldOut: readonly HeldOut[], partners: (h: HeldOut, path: string) => string[]): PartnerFigures {
  let scored = 0;
  let found = 0;
  let any = 0;
  for (const h of heldOut) {
    for (const path of h.existing) {
      const others = new Set(h.files.filter((f) => f !== path));
      const hits = partners(h, path).slice(0, TOP).filter((p) => others.has(p)).length;
      scored++;
      found += hits / others.size;
      if (hits > 0) any++;
    }
  }
  return { source, files: scored, meanFound: scored > 0 ? found / scored : 0, anyFound: scored > 0 ? any / scored : 0 };
}

/** kg's `co_changes` for every scored file, on a graph of each held-out commit's parent (history depth 1000). */
async function kgCochange(repo: HistoryRepo, heldOut: readonly HeldOut[]): Promise<KgPartnerFigures> {
  const fields = (await intentFields('co_changes')) ?? {};
  // The file is asked as `file` (or a one-element `files`), whichever the schema has.
  const ask = (path: string): Record<string, unknown> => ({
    kind: 'co_changes',
    ...('file' in fields ? { file: path } : 'files' in fields ? { files: [path] } : { path }),
    ...('limit' in fields ? { limit: TOP } : {}),
  });
  const graph = new KgGraph(join(HISTORY_DIR, `${repo.name}-cochange.duckdb`));
  const answers = new Map<HeldOut, Map<string, string[]>>();
  const latencies: number[] = [];
  let unknownFiles = 0;
  const saved = process.env.KG_HISTORY_DEPTH;
  process.env.KG_HISTORY_DEPTH = String(WINDOW);
  try {
    for (const [n, h] of heldOut.entries()) {
      await checkoutClean(repo, h.commit.parents[0]!);
      await graph.prepare(repo.root, h.commit.parents[0]!);
      const byFile = new Map<string, string[]>();
      for (const path of h.existing) {
        const started = performance.now();
        const answer = await graph.query(repo.root, ask(path)).catch((error: unknown) => {
          // A file kg does not know (one the code index leaves out, a lock file) has no partners to tell.
          if ((error as { code?: unknown }).code !== 'unknown_file') throw error;
          unknownFiles++;
          return { items: [] };
        });
        latencies.push(performance.now() - started);
        byFile.set(path, answerPaths(answer).filter((p) => p !== path).slice(0, TOP));
      }
      answers.set(h, byFile);
      if ((n + 1) % 10 === 0) console.log(`cochange: kg ${n + 1}/${heldOut.length} held-out commits`);
    }
  } finally {
    if (saved === undefined) delete process.env.KG_HISTORY_DEPTH;
    else process.env.KG_HISTORY_DEPTH = saved;
  }
  const partners = (h: HeldOut, path: string) => answers.get(h)!.get(path)!;
  let same = 0;
  let overlap = 0;
  let compared = 0;
  for (const h of heldOut) {
    for (const path of h.existing) {
      const ours = new Set(h.reference.get(path)!);
      const theirs = partners(h, path);
      const shared = theirs.filter((p) => ours.has(p)).length;
      compared++;
      if (shared === ours.size && shared === theirs.length) same++;
      overlap += Math.max(ours.size, theirs.length) === 0 ? 1 : shared / Math.max(ours.size, theirs.length);
    }
  }
  return {
    ...score('kg co_changes', heldOut, partners),
    queryMedianMs: latencies.length > 0 ? median(latencies) : 0,
    queryP95Ms: latencies.length > 0 ? percentile(latencies, 95) : 0,
    reindexMedianSeconds: graph.reindexMs.length > 0 ? median(graph.reindexMs) / 1000 : null,
    sameTop5: compared > 0 ? same / compared : 0,
    meanTop5Overlap: compared > 0 ? overlap / compared : 0,
    unknownFiles,
  };
}

export function formatCochange(figures: CochangeFigures): string {
  const row = (f: PartnerFigures) => `  ${f.source.padEnd(14)}  ${String(f.files).padStart(5)}  ${f.meanFound.toFixed(3).padStart(10)}  ${f.anyFound.toFixed(3).padStart(11)}`;
  const lines = [
    `## cochange: ${figures.repo} at ${figures.head.slice(0, 12)}`,
    `${figures.heldOut} held-out first-parent commits changing 2..${MAX_FILES} files, ${figures.from} to ${figures.to}; partners from the ${WINDOW} commits before each (those changing <= ${MAX_FILES} files), top ${TOP}`,
    `  ${'partners from'.padEnd(14)}  ${'files'.padStart(5)}  ${'mean found'.padStart(10)}  ${'>=1 found'.padStart(11)}`,
    row(figures.reference),
  ];
  if (figures.kg) {
    const kg = figures.kg;
    lines.push(row(kg));
    lines.push(
      `kg's top ${TOP} equal to git log's for ${(kg.sameTop5 * 100).toFixed(1)} % of files, mean overlap ${(kg.meanTop5Overlap * 100).toFixed(1)} %; ` +
        `${kg.unknownFiles} files unknown to kg (no partners); query p50 ${kg.queryMedianMs.toFixed(2)} ms, p95 ${kg.queryP95Ms.toFixed(2)} ms; median reindex per held-out commit ${kg.reindexMedianSeconds?.toFixed(2) ?? '-'} s`,
    );
  }
  return lines.join('\n');
}
