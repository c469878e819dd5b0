// The server benchmark: query_knowledge latency through a running `kg serve` (a separate process, over HTTP on
// 127.0.0.1, at a fixed concurrency) for the main kinds, and enrich latency.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { generateDataDir } from '../tests/fixtures/datadir/generate.js';
import { prng } from '../tests/fixtures/edits.js';
import type { Corpus } from './corpora.js';
import { median, percentile } from './measure.js';

export interface LatencyFigures {
  name: string;
  workspace: string;
  requests: number;
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
  /** Share of the timed requests the server answered from its answer cache (null for enrich, which mixes). */
  cacheHitShare: number | null;
}

export interface ServeFigures {
  queries: LatencyFigures[];
  enrich: LatencyFigures[];
  targets: { queryP50Ms: number; queryP99Ms: number; enrichP95Ms: number };
}

const REQUESTS_PER_KIND = 2000;
const WARMUP = 200;
// One request in flight per core of the machines this runs on (2): several agents asking at once, without
// measuring mostly the queue.
const CONCURRENCY = 2;
const ENRICH_REQUESTS = 400;
const ENRICH_CONCURRENCY = 2;
const HISTORY_SESSIONS = 2000;
const REPO = join(import.meta.dirname, '..', '..');
export const TARGETS = { queryP50Ms: 5, queryP99Ms: 25, enrichP95Ms: 150 };

/**
 * `historyRepo`: a git dir whose clone (at its HEAD, history depth 1,000) is served too, for the git history kinds
 * (co_changes, file_history, related) on real history.
 */
export async function benchServe(corpus: Corpus, historyRepo?: string): Promise<ServeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kg-bench-serve-'));
  let server: ChildProcess | undefined;
  try {
    // The corpus with rule documents at two levels, so conventions and enrich have sections to apply.
    const code = join(dir, corpus.spec.name);
    cpSync(corpus.root, code, { recursive: true });
    writeRuleDocuments(code);
    // A workspace with an agent history for the history kinds.
    const history = generateDataDir({ seed: 7, dir: join(dir, 'history'), sessions: HISTORY_SESSIONS, workspaces: 1, malformed: false, git: false });
    const historyRoot = history.workspaces[0]!;

    // Its workspaces are new to it: they are served as the ones under --allow-root.
    const started = await startServe(history.dataDir, dir);
    server = started.child;
    const url = started.url;
    const gitRoot = historyRepo === undefined ? null : join(dir, 'git-history');
    if (gitRoot !== null) execFileSync('git', ['clone', '--quiet', '--no-local', '--', historyRepo!, gitRoot], { stdio: 'ignore' });
    const skipped = new Set<string>();
    for (const workspace of [code, historyRoot, ...(gitRoot === null ? [] : [gitRoot])]) for (const path of await indexThrough(url, workspace)) skipped.add(join(workspace, path));
    // Files over the size limit are not in the graph (effect ships two generated multi-megabyte ones).
    const indexed = (root: string) => sourceFiles(root).filter((path) => !skipped.has(join(root, path)));
    const files = indexed(code);
    const historyFiles = indexed(historyRoot);
    const names = exportedNames(code, files);
    const sessionIds = history.sessions.filter((s) => s.workspace === 0).map((s) => s.id);
    const rng = prng(11);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
    const kinds: { name: string; workspace: string; intent: () => Record<string, unknown> }[] = [
      { name: 'importers', workspace: code, intent: () => ({ kind: 'importers', file: pick(files) }) },
      { name: 'dependencies', workspace: code, intent: () => ({ kind: 'dependencies', file: pick(files) }) },
      { name: 'importers --depth 3', workspace: code, intent: () => ({ kind: 'importers', file: pick(files), depth: 3 }) },
      { name: 'impact', workspace: code, intent: () => ({ kind: 'impact', files: [pick(files)] }) },
      { name: 'symbol', workspace: code, intent: () => ({ kind: 'symbol', name: pick(names) }) },
      { name: 'hotspots', workspace: code, intent: () => ({ kind: 'hotspots', limit: 20 }) },
      { name: 'cycles', workspace: code, intent: () => ({ kind: 'cycles' }) },
      { name: 'conventions', workspace: code, intent: () => ({ kind: 'conventions', file: pick(files) }) },
      { name: 'recent_sessions', workspace: historyRoot, intent: () => ({ kind: 'recent_sessions', limit: 20 }) },
      { name: 'sessions_touching', workspace: historyRoot, intent: () => ({ kind: 'sessions_touching', file: pick(historyFiles) }) },
      { name: 'files_touched', workspace: historyRoot, intent: () => ({ kind: 'files_touched', session: pick(sessionIds) }) },
      { name: 'sessions_by_goal', workspace: historyRoot, intent: () => ({ kind: 'sessions_by_goal', text: pick(['retry webhook', 'fix flaky test', 'refactor store', 'add route']) }) },
    ];
    if (gitRoot !== null) {
      const gitFiles = indexed(gitRoot);
      const tasks = ['fix cookie parsing', 'add streaming helper', 'jsx render context', 'validator error message', 'router path params'];
      kinds.push(
        { name: 'co_changes (git)', workspace: gitRoot, intent: () => ({ kind: 'co_changes', file: pick(gitFiles) }) },
        { name: 'file_history (git)', workspace: gitRoot, intent: () => ({ kind: 'file_history', file: pick(gitFiles) }) },
        { name: 'related (git)', workspace: gitRoot, intent: () => ({ kind: 'related', text: pick(tasks) }) },
      );
    }
    const queries: LatencyFigures[] = [];
    for (const kind of kinds) {
      const request = () => ({ path: '/v1/query', body: { workspace: kind.workspace, intent: kind.intent() } });
      queries.push(await load(url, kind.name, kind.workspace, request, REQUESTS_PER_KIND, CONCURRENCY));
    }
    const enrich: LatencyFigures[] = [];
    for (const [name, workspace, paths] of [
      [`enrich (${corpus.spec.name})`, code, files],
      ['enrich (history)', historyRoot, historyFiles],
    ] as const) {
      const request = () => ({
        path: '/v1/enrich',
        body: { workspace, goal: `fix the retry handling in ${pick(paths)} and update ${pick(paths)}`, budgetTokens: 2000 },
      });
      enrich.push(await load(url, name, workspace, request, ENRICH_REQUESTS, ENRICH_CONCURRENCY));
    }
    return { queries, enrich, targets: TARGETS };
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatServe(figures: ServeFigures): string {
  const row = (f: LatencyFigures) =>
    `| ${f.name} | ${f.requests} | ${f.concurrency} | ${f.p50Ms.toFixed(2)} | ${f.p95Ms.toFixed(2)} | ${f.p99Ms.toFixed(2)} | ${f.maxMs.toFixed(1)} | ${Math.round(f.perSecond)} | ${f.cacheHitShare === null ? '' : `${Math.round(f.cacheHitShare * 100)} %`} |`;
  const header =
    '| request | requests | concurrency | p50 ms | p95 ms | p99 ms | max ms | req/s | answer-cache hits |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const worstP50 = Math.max(...figures.queries.map((q) => q.p50Ms));
  const worstP99 = Math.max(...figures.queries.map((q) => q.p99Ms));
  const worstEnrich = Math.max(...figures.enrich.map((q) => q.p95Ms));
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    '## query_knowledge and enrich through kg serve (HTTP on 127.0.0.1)',
    '',
    header,
    ...figures.queries.map(row),
    ...figures.enrich.map(row),
    '',
    `query p50 worst kind ${worstP50.toFixed(2)} ms (target < ${figures.targets.queryP50Ms}: ${verdict(worstP50 < figures.targets.queryP50Ms)}); ` +
      `p99 worst kind ${worstP99.toFixed(2)} ms (target < ${figures.targets.queryP99Ms}: ${verdict(worstP99 < figures.targets.queryP99Ms)}); ` +
      `enrich p95 worst ${worstEnrich.toFixed(2)} ms (target < ${figures.targets.enrichP95Ms}: ${verdict(worstEnrich < figures.targets.enrichP95Ms)})`,
  ].join('\n');
}

/** Sends `count` requests (after an untimed warm-up) with `concurrency` in flight; every one must succeed. */
export async function load(
  url: string,
  name: string,
  workspace: string,
  next: () => { path: string; body: unknown },
  count: number,
  concurrency: number,
): Promise<LatencyFigures> {
  const path = next().path;
  const send = async () => {
    const { body } = next();
    const begun = performance.now();
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${name}: ${response.status} ${text.slice(0, 300)}`);
    return performance.now() - begun;
  };
  await pool(Math.min(WARMUP, count), concurrency, send);
  const before = await answerCounters(url);
  const started = performance.now();
  const latencies = await pool(count, concurrency, send);
  const wall = performance.now() - started;
  const after = await answerCounters(url);
  const asked = after.hits + after.misses - before.hits - before.misses;
  return {
    name,
    workspace: relative(tmpdir(), workspace),
    requests: count,
    concurrency,
    p50Ms: median(latencies),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    perSecond: (count / wall) * 1000,
    cacheHitShare: path === '/v1/query' && asked > 0 ? (after.hits - before.hits) / asked : null,
  };
}

async function answerCounters(url: string): Promise<{ hits: number; misses: number }> {
  const health = (await (await fetch(`${url}/v1/health`)).json()) as { answers: { hits: number; misses: number } };
  return health.answers;
}

async function pool(count: number, concurrency: number, task: () => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < count) {
        issued++;
        results.push(await task());
      }
    }),
  );
  return results;
}

/** A `kg serve` on a free port of 127.0.0.1 serving workspaces under `allowRoot`; `env` is added to this process's. */
export function startServe(dataDir: string, allowRoot: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'kg.js'), 'serve', '--port', '0', '--allow-root', allowRoot, '--json'], {
    env: { ...process.env, ...env, WORKRAIL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kg serve exited with ${code}`)));
    let json = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      json += line;
      try {
        resolve({ child, url: (JSON.parse(json) as { url: string }).url });
      } catch {
        // Not the whole object yet.
      }
    });
  });
}

/** Indexes `workspace` through the server; resolves to the files it skipped. */
async function indexThrough(url: string, workspace: string): Promise<string[]> {
  return (await reindexThrough(url, { workspace, full: true })).skipped.map((s) => s.path);
}

/** A reindex job through the server (`body` as POST /v1/reindex takes it), awaited; resolves to its report. */
export async function reindexThrough(url: string, body: { workspace: string } & Record<string, unknown>): Promise<{ skipped: { path: string }[] } & Record<string, unknown>> {
  const submitted = (await (await fetch(`${url}/v1/reindex`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })).json()) as { id: string };
  for (;;) {
    const job = (await (await fetch(`${url}/v1/jobs/${submitted.id}`)).json()) as {
      status: string;
      error: unknown;
      result: { skipped: { path: string }[] } & Record<string, unknown>;
    };
    if (job.status === 'done') return job.result;
    if (job.status === 'failed') throw new Error(`indexing ${body.workspace} failed: ${JSON.stringify(job.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The TypeScript files under `root`, relative, sorted. */
export function sourceFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .map((path) => path.split('\\').join('/'))
    .filter((path) => /\.(ts|tsx|mts|cts)$/.test(path) && !path.includes('node_modules'))
    .sort();
}

/** The names exported (const, function, class, interface, type) by the first 200 of `files`. */
export function exportedNames(root: string, files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files.slice(0, 200)) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(/^export (?:declare )?(?:const|function|class|interface|type) (\w+)/gm)) names.add(match[1]!);
  }
  return [...names];
}

function writeRuleDocuments(root: string): void {
  writeFileSync(
    join(root, 'AGENTS.md'),
    [
      '# Working on this repository',
      '',
      '## Testing',
      'Run the whole suite before you push. Every public function gets a test next to its module.',
      '',
      '## Style',
      'Prefer small modules. Name things for what they are. Keep comments short and say why.',
      '',
      '## Retries',
      'Retry handling lives in the Schedule module; never hand-roll a retry loop with setTimeout.',
      '',
    ].join('\n'),
  );
  mkdirSync(join(root, 'src', 'internal'), { recursive: true });
  writeFileSync(
    join(root, 'src', 'internal', 'CLAUDE.md'),
    ['# Internal modules', '', '## Boundaries', 'Nothing outside src/internal imports these modules directly; go through the public module.', ''].join('\n'),
  );
}
