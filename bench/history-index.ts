// The git history indexer's cost on public history: what history adds to a full index of the repository at a depth
// of 1,000 commits (the same full index with --history-depth 0, side by side in the same run), and what it adds to a
// reindex after 1 and after 10 new commits (commits made in a private clone, changing a file kg does not index, so
// the reindex's code part is the same with history on or off).

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateKey } from '../graph/index-writer.js';
import { readMeta, GraphStore } from '../graph/store.js';
import { gitIndexer } from '../indexers/git/indexer.js';
import { IndexInputs } from '../indexers/indexer.js';
import { indexWorkspaceInto } from '../indexers/index.js';
import { reindexWorkspaceInto } from '../indexers/reindex.js';
import { git, HISTORY_DIR, prepareHistoryRepo } from './history-repo.js';
import { median } from './measure.js';

export interface HistoryIndexFigures {
  repo: string;
  head: string;
  /** Commits the history held at depth 1,000. */
  commits: number;
  commitFiles: number;
  runs: number;
  /** Median wall time of a full index, history on (depth 1,000) and off (depth 0), ms. */
  fullWithHistoryMs: number;
  fullWithoutHistoryMs: number;
  /** What history adds to a full index, ms (the difference of the medians). */
  historyAddsToFullMs: number;
  /** The git indexer's full read alone (git log of 1,000 commits, rows made), median ms. */
  gitFullMs: number;
  /** Median reindex after N new commits, history on and off, ms; the difference is what history adds. */
  reindex: {
    newCommits: number;
    withHistoryMs: number;
    withoutHistoryMs: number;
    historyAddsMs: number;
    /** The git indexer's update alone (git read, rows made), timed apart: the reindexes' difference is noisy. */
    gitUpdateMs: number;
    mode: string;
  }[];
}

const DEPTH = 1000;

export async function benchHistoryIndex(sources: readonly string[], runs: number): Promise<HistoryIndexFigures[]> {
  const figures: HistoryIndexFigures[] = [];
  for (const source of sources) figures.push(await benchOne(source, runs));
  return figures;
}

async function benchOne(source: string, runs: number): Promise<HistoryIndexFigures> {
  const mirror = await prepareHistoryRepo(source);
  // A clone of its own: this section commits in it.
  const root = join(HISTORY_DIR, `${mirror.name}-history-index`);
  rmSync(root, { recursive: true, force: true });
  await git(HISTORY_DIR, ['clone', '--quiet', '--no-local', '--', mirror.root, root], 600_000);
  await git(root, ['checkout', '--quiet', '--force', '--detach', mirror.head]);
  const dbDir = join(HISTORY_DIR, `${mirror.name}-history-index-db`);
  rmSync(dbDir, { recursive: true, force: true });
  const dataDir = join(dbDir, 'no-data-dir');

  const fullTimes = { on: [] as number[], off: [] as number[] };
  let commits = 0;
  let commitFiles = 0;
  const gitFull: number[] = [];
  for (let run = 0; run < runs; run++) {
    const gitStarted = performance.now();
    await gitIndexer.index(new IndexInputs(root, { dataDir, historyDepth: DEPTH }));
    gitFull.push(performance.now() - gitStarted);
    for (const depth of run % 2 === 0 ? [DEPTH, 0] : [0, DEPTH]) {
      const store = await GraphStore.open({ path: join(dbDir, `full-${run}-${depth}.duckdb`) });
      try {
        const started = performance.now();
        const report = await indexWorkspaceInto(store, root, { dataDir, historyDepth: depth });
        (depth === 0 ? fullTimes.off : fullTimes.on).push(performance.now() - started);
        if (depth > 0) {
          commits = report.git.commits;
          commitFiles = (await store.all<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM commit_files`))[0]!.n;
        }
      } finally {
        store.close();
      }
    }
  }

  const reindex: HistoryIndexFigures['reindex'] = [];
  for (const newCommits of [1, 10]) {
    const times = { on: [] as number[], off: [] as number[] };
    const updates: number[] = [];
    let mode = '';
    for (let run = 0; run < runs; run++) {
      for (const depth of run % 2 === 0 ? [DEPTH, 0] : [0, DEPTH]) {
        await git(root, ['checkout', '--quiet', '--force', '--detach', mirror.head]);
        const store = await GraphStore.open({ path: join(dbDir, `re-${newCommits}-${run}-${depth}.duckdb`) });
        try {
          await indexWorkspaceInto(store, root, { dataDir, historyDepth: depth });
          for (let i = 0; i < newCommits; i++) await commitNote(root, `bench note ${run}-${i}`);
          if (depth > 0) {
            const state = await readMeta(store, stateKey(gitIndexer.name));
            const updateStarted = performance.now();
            await gitIndexer.update(new IndexInputs(root, { dataDir }), state!);
            updates.push(performance.now() - updateStarted);
          }
          const started = performance.now();
          const report = await reindexWorkspaceInto(store, root, { dataDir });
          (depth === 0 ? times.off : times.on).push(performance.now() - started);
          if (depth > 0) mode = report.git?.mode ?? 'not run';
        } finally {
          store.close();
        }
      }
    }
    const withHistoryMs = round(median(times.on));
    const withoutHistoryMs = round(median(times.off));
    reindex.push({ newCommits, withHistoryMs, withoutHistoryMs, historyAddsMs: round(withHistoryMs - withoutHistoryMs), gitUpdateMs: round(median(updates)), mode });
  }
  rmSync(dbDir, { recursive: true, force: true });
  const fullWithHistoryMs = round(median(fullTimes.on));
  const fullWithoutHistoryMs = round(median(fullTimes.off));
  return {
    repo: mirror.name,
    head: mirror.head,
    commits,
    commitFiles,
    runs,
    fullWithHistoryMs,
    fullWithoutHistoryMs,
    historyAddsToFullMs: round(fullWithHistoryMs - fullWithoutHistoryMs),
    gitFullMs: round(median(gitFull)),
    reindex,
  };
}

/** A commit changing a text file kg does not index, so only the history differs between the two reindexes. */
async function commitNote(root: string, text: string): Promise<void> {
  writeFileSync(join(root, 'KG_BENCH_NOTE.txt'), `${text}\n`);
  await git(root, ['add', 'KG_BENCH_NOTE.txt']);
  await git(root, ['-c', 'user.name=kg bench', '-c', 'user.email=bench@example.invalid', 'commit', '--quiet', '--no-verify', '-m', text]);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function formatHistoryIndex(f: HistoryIndexFigures): string {
  const lines = [
    `history index, ${f.repo} at ${f.head.slice(0, 8)}: ${f.commits} commits, ${f.commitFiles} file changes (depth ${DEPTH}), median of ${f.runs}`,
    `  full index: ${f.fullWithHistoryMs} ms with history, ${f.fullWithoutHistoryMs} ms without: history adds ${f.historyAddsToFullMs} ms; the git read alone ${f.gitFullMs} ms (target < 1000)`,
  ];
  for (const r of f.reindex) {
    lines.push(
      `  reindex after ${r.newCommits} new commit(s): ${r.withHistoryMs} ms with history (${r.mode}), ${r.withoutHistoryMs} ms without: ` +
        `history adds ${r.historyAddsMs} ms; the git update alone ${r.gitUpdateMs} ms${r.newCommits === 1 ? ' (target < 100)' : ''}`,
    );
  }
  return lines.join('\n');
}
