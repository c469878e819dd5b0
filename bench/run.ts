// `npm run bench`: every benchmark section in one run, figures printed and saved to bench/.work/last-run.json.
//
//   node dist/bench/run.js [--runs N] [--only index,kg,peers,reindex,sessions,serve,console,agent,vectors,history,localize,cochange,repos]
//                          [--corpus rxjs|effect] [--history-repo PATH[,PATH]] [--repo PATH[,PATH]]
//
// `--only kg` / `--only peers` run the full-index section with kg or the peers alone. BENCH_RUNS sets --runs.
// vectors measures the vector layer with the bench's word model (bench/word-model.ts, built once into bench/.work/models).
// localize and cochange measure on public git history (bare mirrors, cloned under bench/.work/history), given by
// --history-repo or KG_BENCH_HISTORY_REPOS; without one they say they are skipped.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { readGitHead } from '../indexers/git/head.js';
import { CORPORA, prepareCorpus, WORK_DIR, type Corpus } from './corpora.js';
import { historyRepoPaths, skippedLine, withHistoryKgHome } from './history-repo.js';
import type { ToolChoice } from './full-index.js';
import { RSS_METHOD } from './measure.js';

interface BenchContext {
  runs: number;
  /** Prepared on first use, so a sessions-only run needs no corpus. */
  corpora: () => Corpus[];
  tools: ReadonlySet<ToolChoice>;
  /** Git dirs for the history sections (--history-repo, KG_BENCH_HISTORY_REPOS); empty: those sections skip. */
  historyRepos: string[];
  /** Work trees of public repositories for the `repos` section (--repo, KG_BENCH_REPOS); empty: it skips. */
  repos: string[];
}

interface Section {
  name: string;
  run(context: BenchContext): Promise<unknown>;
}

/**
 * In the order they run; a new section is one more entry here, and its figures land under its name in last-run.json.
 * Sections are imported when they run: kg's compiler loader reads $KG_HOME as it is imported, after isolateKgHome.
 */
const SECTIONS: Section[] = [
  {
    name: 'index',
    run: async (c) => (await import('./full-index.js')).benchFullIndex(c.corpora(), c.runs, c.tools),
  },
  {
    name: 'reindex',
    run: async (c) => {
      const { benchReindex, formatReindex } = await import('./reindex.js');
      // The larger corpus: a few hundred files, as the reindex targets are stated.
      const corpus = c.corpora().find((k) => k.spec.name === 'effect') ?? c.corpora()[0]!;
      const figures = await benchReindex(corpus, c.runs);
      console.log(formatReindex(figures) + '\n');
      return figures;
    },
  },
  { name: 'sessions', run: async () => (await import('./sessions.js')).runSessionsBench() },
  {
    name: 'serve',
    run: async (c) => {
      const { benchServe, formatServe } = await import('./serve.js');
      const corpus = c.corpora().find((k) => k.spec.name === 'effect') ?? c.corpora()[0]!;
      const figures = await benchServe(corpus, c.historyRepos[0]);
      console.log(formatServe(figures) + '\n');
      return figures;
    },
  },
  {
    name: 'console',
    run: async (c) => {
      const { benchConsole, formatConsole } = await import('./console.js');
      const corpus = c.corpora().find((k) => k.spec.name === 'effect') ?? c.corpora()[0]!;
      const figures = await benchConsole(corpus, c.runs);
      console.log(formatConsole(figures) + '\n');
      return figures;
    },
  },
  {
    name: 'agent',
    run: async (c) => {
      const { benchAgent, formatAgent } = await import('./agent.js');
      const corpus = c.corpora().find((k) => k.spec.name === 'effect') ?? c.corpora()[0]!;
      const figures = await benchAgent(corpus, c.runs);
      console.log(formatAgent(figures) + '\n');
      return figures;
    },
  },
  {
    name: 'vectors',
    run: async (c) => {
      const { benchVectors, formatVectors } = await import('./vectors.js');
      const serveCorpus = c.corpora().find((k) => k.spec.name === 'effect') ?? c.corpora()[0]!;
      const figures = await benchVectors(c.corpora(), c.runs, serveCorpus);
      console.log(formatVectors(figures) + '\n');
      return figures;
    },
  },
  {
    name: 'history',
    run: async (c) => {
      if (c.historyRepos.length === 0) {
        console.log(skippedLine('history'));
        return { skipped: true };
      }
      const { benchHistoryIndex, formatHistoryIndex } = await import('./history-index.js');
      const figures = await withHistoryKgHome(() => benchHistoryIndex(c.historyRepos, Math.min(c.runs, 3)));
      for (const repo of figures) console.log(formatHistoryIndex(repo) + '\n');
      return figures;
    },
  },
  {
    name: 'localize',
    run: async (c) => {
      if (c.historyRepos.length === 0) {
        console.log(skippedLine('localize'));
        return { skipped: true };
      }
      const { benchLocalize, formatLocalize } = await import('./localize.js');
      const figures = await withHistoryKgHome(() => benchLocalize(c.historyRepos));
      for (const repo of figures) console.log(formatLocalize(repo) + '\n');
      return figures;
    },
  },
  {
    name: 'cochange',
    run: async (c) => {
      if (c.historyRepos.length === 0) {
        console.log(skippedLine('cochange'));
        return { skipped: true };
      }
      const { benchCochange, formatCochange } = await import('./cochange.js');
      const figures = await withHistoryKgHome(() => benchCochange(c.historyRepos));
      for (const repo of figures) console.log(formatCochange(repo) + '\n');
      return figures;
    },
  },
  {
    name: 'repos',
    run: async (c) => {
      if (c.repos.length === 0) {
        console.log('repos: skipped (no repository; give work trees with --repo PATH[,PATH] or KG_BENCH_REPOS, e.g. trpc/trpc and excalidraw/excalidraw)\n');
        return { skipped: true };
      }
      const { benchRealRepos, formatRealRepo } = await import('./real-repos.js');
      const figures = await benchRealRepos(c.repos, Math.min(c.runs, 3));
      for (const repo of figures) console.log(formatRealRepo(repo) + '\n');
      return figures;
    },
  },
];

const TOOL_CHOICES: readonly string[] = ['kg', 'peers'];

async function main(): Promise<void> {
  const runs = Number(flag('--runs') ?? process.env.BENCH_RUNS ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a whole number of at least 1, not ${flag('--runs') ?? process.env.BENCH_RUNS}`);
  const only = (flag('--only') ?? SECTIONS.map((s) => s.name).join(',')).split(',');
  const unknown = only.filter((name) => !TOOL_CHOICES.includes(name) && !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) throw new UsageError(`--only: unknown ${unknown.join(', ')} (sections: ${SECTIONS.map((s) => s.name).join(', ')}, or kg, peers)`);
  const tools = only.filter((name) => TOOL_CHOICES.includes(name)) as ToolChoice[];
  const corpusName = flag('--corpus');
  const specs = CORPORA.filter((c) => !corpusName || c.name === corpusName);
  if (specs.length === 0) throw new UsageError(`--corpus: unknown ${corpusName} (corpora: ${CORPORA.map((c) => c.name).join(', ')})`);

  const host = machine();
  console.log(`machine: ${host.cpu} x ${host.cores}, ${host.ramGiB} GiB RAM, ${host.os}, node ${host.node}`);
  console.log(`kg at ${host.kgCommit ?? 'unknown commit'}; ${runs} timed run(s) per tool after one untimed, median wall time, highest peak RSS (${RSS_METHOD})\n`);

  let prepared: Corpus[] | undefined;
  const context: BenchContext = {
    runs,
    corpora: () => (prepared ??= specs.map(prepareCorpus)),
    tools: new Set<ToolChoice>(tools.length > 0 ? tools : ['kg', 'peers']),
    historyRepos: historyRepoPaths(flag('--history-repo')),
    repos: (flag('--repo') ?? process.env.KG_BENCH_REPOS ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(p)),
  };
  const chosen = SECTIONS.filter((s) => only.includes(s.name) || (s.name === 'index' && tools.length > 0));
  const figures: Record<string, unknown> = {};
  const restore = isolateKgHome();
  try {
    for (const section of chosen) figures[section.name] = await section.run(context);
  } finally {
    restore();
  }
  mkdirSync(WORK_DIR, { recursive: true });
  const command = `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  writeFileSync(join(WORK_DIR, 'last-run.json'), JSON.stringify({ date: new Date().toISOString(), command, machine: host, runs, rssMethod: RSS_METHOD, ...figures }, null, 2));
  console.log(`figures saved to ${join(WORK_DIR, 'last-run.json')}`);
}

/**
 * kg's home (databases, the compiler code cache) and agent data dir in a temp folder for this run: the figures
 * must not depend on what the user's ~/.workrail holds, and the bench must leave nothing behind.
 */
function isolateKgHome(): () => void {
  const saved = { KG_HOME: process.env.KG_HOME, WORKRAIL_DATA_DIR: process.env.WORKRAIL_DATA_DIR };
  const home = mkdtempSync(join(tmpdir(), 'kg-bench-home-'));
  mkdirSync(join(home, 'data'));
  process.env.KG_HOME = join(home, 'kg');
  process.env.WORKRAIL_DATA_DIR = join(home, 'data');
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(home, { recursive: true, force: true });
  };
}

function machine(): { cpu: string; cores: number; ramGiB: number; os: string; node: string; kgCommit: string | null } {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown cpu',
    cores: cpu.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    kgCommit: readGitHead(join(import.meta.dirname, '..', '..')),
  };
}

/** A wrong flag: one line for the user, not a stack. */
class UsageError extends Error {}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

await main().catch((error: unknown) => {
  if (!(error instanceof UsageError)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = 2;
});
