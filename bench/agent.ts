// The agent runner's own cost: per session start (enrich + record + reindex of the session) and per turn (the loop's
// time not spent waiting on the model), on the effect corpus with `kg serve` running and a scripted Messages API that
// answers at once; and `session analyze --all` over 1,000 generated sessions.

import Anthropic from '@anthropic-ai/sdk';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/agent/limits.js';
import { runAgentSession, type SessionTimings } from '../src/agent/run-session.js';
import { analyzeAllSessions } from '../src/analyze/index.js';
import { RemoteBackend } from '../src/backend/remote.js';
import { readServerRecord } from '../src/server/discovery.js';
import { generateAgentSessions } from '../tests/fixtures/agent-sessions.js';
import { prng } from '../tests/fixtures/edits.js';
import { finish, startScriptedModel, toolUse, type Step } from '../tests/support/scripted-model.js';
import type { Corpus } from './corpora.js';
import { median, percentile } from './measure.js';
import { reindexThrough, sourceFiles, startServe } from './serve.js';

export interface AgentFigures {
  corpus: string;
  sessions: number;
  turnsPerSession: number;
  /** enrich + record + reindex of the session, per session. */
  sessionOverhead: { p50Ms: number; p95Ms: number; maxMs: number };
  parts: { enrichP50Ms: number; startP50Ms: number; finishP50Ms: number; reindexP50Ms: number; reindexP95Ms: number };
  /** The loop's own time per turn (tools, logging, bookkeeping), without the model's. */
  perTurn: { p50Ms: number; p95Ms: number };
  analyze: { sessions: number; medianMs: number; runs: number };
  targets: { sessionOverheadP95Ms: number; analyzeMs: number };
}

const SESSIONS = 40;
const WARMUP = 3;
const ANALYZE_SESSIONS = 1000;
export const TARGETS = { sessionOverheadP95Ms: 300, analyzeMs: 5000 };

export async function benchAgent(corpus: Corpus, runs: number): Promise<AgentFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kg-bench-agent-'));
  let server: ChildProcess | undefined;
  const model = await startScriptedModel((index, request) => script(request.messages.length, index));
  try {
    const root = join(dir, corpus.spec.name);
    cpSync(corpus.root, root, { recursive: true });
    // A git work tree, as a workspace an agent works in is: the runner reads branch, HEAD and what changed.
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: root, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'corpus');
    const dataDir = join(dir, 'data');
    const started = await startServe(dataDir, dir);
    server = started.child;
    const skipped = new Set((await reindexThrough(started.url, { workspace: root, full: true })).skipped.map((s) => s.path));
    files = sourceFiles(root).filter((path) => !skipped.has(path));
    workspace = root;
    // As `kg agent run` reaches a running server: a local client (the serve.json secret), which may name its data dir.
    const record = readServerRecord();
    if (record?.url !== started.url) throw new Error(`serve.json does not describe the server at ${started.url}`);
    const backend = RemoteBackend.forRecord(record);
    const client = new Anthropic({ apiKey: 'bench', baseURL: model.url });

    const timings: SessionTimings[] = [];
    const turns: number[] = [];
    for (let k = 0; k < WARMUP + SESSIONS; k++) {
      const goal = `fix the retry handling in ${pick(files)}`;
      const result = await runAgentSession({
        workspace: root,
        goal,
        model: 'bench-model',
        limits: { ...DEFAULT_LIMITS, maxRetries: 0 },
        allowWrite: false,
        allowBash: false,
        budgetTokens: 2000,
        dataDir,
        backend,
        client,
      });
      if (result.outcome !== 'success' || !result.reindex.ok) throw new Error(`bench session ${result.sessionId} ended ${result.reason}: ${result.message} ${result.reindex.message ?? ''}`);
      if (k < WARMUP) continue;
      timings.push(result.timings);
      turns.push(result.turns);
    }
    const overhead = timings.map((t) => t.startMs + t.finishMs + t.reindexMs);
    const perTurn = timings.map((t, k) => t.loopOverheadMs / turns[k]!);

    const analyzeDir = join(dir, 'analyze');
    generateAgentSessions(analyzeDir, { workspace: root, count: ANALYZE_SESSIONS, seed: 5 });
    const analyzeRuns: number[] = [];
    for (let k = 0; k < Math.max(3, Math.min(runs, 5)); k++) {
      const t0 = performance.now();
      const all = analyzeAllSessions({ dataDir: analyzeDir, workspace: root });
      analyzeRuns.push(performance.now() - t0);
      if (all.sessions !== ANALYZE_SESSIONS) throw new Error(`analyze read ${all.sessions} of ${ANALYZE_SESSIONS} generated sessions`);
    }

    return {
      corpus: corpus.spec.name,
      sessions: SESSIONS,
      turnsPerSession: median(turns),
      sessionOverhead: { p50Ms: median(overhead), p95Ms: percentile(overhead, 95), maxMs: Math.max(...overhead) },
      parts: {
        enrichP50Ms: median(timings.map((t) => t.enrichMs)),
        startP50Ms: median(timings.map((t) => t.startMs)),
        finishP50Ms: median(timings.map((t) => t.finishMs)),
        reindexP50Ms: median(timings.map((t) => t.reindexMs)),
        reindexP95Ms: percentile(timings.map((t) => t.reindexMs), 95),
      },
      perTurn: { p50Ms: median(perTurn), p95Ms: percentile(perTurn, 95) },
      analyze: { sessions: ANALYZE_SESSIONS, medianMs: median(analyzeRuns), runs: analyzeRuns.length },
      targets: TARGETS,
    };
  } finally {
    await model.close();
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

// The scripted model's side of each session: read a file, grep, ask the graph, finish (four turns).
let files: string[] = [];
let workspace = '';
const rng = prng(23);
const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;

function script(messages: number, index: number): Step {
  const turn = (messages - 1) / 2;
  if (turn === 0) return { blocks: [toolUse('read_file', { path: pick(files), limit: 200 })] };
  if (turn === 1) return { blocks: [toolUse('grep', { pattern: 'export function', path: pick(files) })] };
  if (turn === 2) return { blocks: [toolUse('query_knowledge', { workspace, intent: { kind: 'importers', file: pick(files) } })] };
  return finish(`Bench session step ${index}: read, searched and asked; nothing changed.`);
}

export function formatAgent(f: AgentFigures): string {
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `## Agent runner overhead (${f.corpus}, kg serve running, scripted Messages API answering at once)`,
    '',
    '| measure | p50 ms | p95 ms | max ms |',
    '| --- | ---: | ---: | ---: |',
    `| session start overhead: enrich + record + reindex (${f.sessions} sessions) | ${f.sessionOverhead.p50Ms.toFixed(1)} | ${f.sessionOverhead.p95Ms.toFixed(1)} | ${f.sessionOverhead.maxMs.toFixed(1)} |`,
    `| runner's own time per turn (${f.turnsPerSession} turns a session) | ${f.perTurn.p50Ms.toFixed(2)} | ${f.perTurn.p95Ms.toFixed(2)} | |`,
    '',
    `parts (p50): enrich ${f.parts.enrichP50Ms.toFixed(1)} ms, start (enrich, git, record, context.json) ${f.parts.startP50Ms.toFixed(1)} ms, ` +
      `finish (git, record, stats) ${f.parts.finishP50Ms.toFixed(1)} ms, reindex --session ${f.parts.reindexP50Ms.toFixed(1)} ms (p95 ${f.parts.reindexP95Ms.toFixed(1)})`,
    `session analyze --all over ${f.analyze.sessions} generated sessions: ${f.analyze.medianMs.toFixed(0)} ms (median of ${f.analyze.runs})`,
    '',
    `session start overhead p95 ${f.sessionOverhead.p95Ms.toFixed(1)} ms (target < ${f.targets.sessionOverheadP95Ms}: ${verdict(f.sessionOverhead.p95Ms < f.targets.sessionOverheadP95Ms)}); ` +
      `analyze --all ${f.analyze.medianMs.toFixed(0)} ms (target < ${f.targets.analyzeMs}: ${verdict(f.analyze.medianMs < f.targets.analyzeMs)})`,
  ].join('\n');
}
