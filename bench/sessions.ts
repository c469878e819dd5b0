// The sessions benchmark: how fast a data dir of 10,000 sessions is indexed, and how fast the history queries answer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ownedTable, replaceOwned } from '../graph/owned-rows.js';
import { PIPELINE_RUNS, SESSIONS as SESSIONS_TABLE } from '../graph/tables.js';
import { GraphStore } from '../graph/store.js';
import { indexSessions } from '../indexers/sessions/index.js';
import { runQuery, type QueryContext } from '../queries/index.js';
import { generateDataDir } from '../tests/fixtures/datadir/generate.js';
import { median, percentile } from './measure.js';

export interface SessionsBenchFigures {
  /** Sessions in the generated data dir. */
  sessions: number;
  /** Sessions of the indexed workspace (the rest belong to none). */
  indexed: number;
  /** Reading, checksumming, folding and projecting the data dir. */
  readMs: number;
  /** Writing the rows and edges in one transaction. */
  writeMs: number;
  sessionsPerSecond: number;
  queries: { kind: string; runs: number; medianMs: number; p95Ms: number }[];
}

const SESSIONS = 10_000;
const QUERY_RUNS = 200;

/** Generates 10,000 sessions, indexes them, then times the history queries (timeline and session among them) on the warm database. */
export async function runSessionsBench(options: { sessions?: number; runs?: number } = {}): Promise<SessionsBenchFigures> {
  const total = options.sessions ?? SESSIONS;
  const runs = options.runs ?? QUERY_RUNS;
  const dir = mkdtempSync(join(tmpdir(), 'kg-bench-sessions-'));
  try {
    const data = generateDataDir({ seed: 2026, dir: join(dir, 'fixture'), sessions: total, workspaces: 1, malformed: false, git: false });
    const root = data.workspaces[0]!;
    const store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
    try {
      const readStarted = performance.now();
      const result = await indexSessions(root, { dataDir: data.dataDir, git: null });
      const readMs = performance.now() - readStarted;
      const writeStarted = performance.now();
      await store.write((tx) =>
        replaceOwned(tx, { owner: 'sessions', tables: [ownedTable(SESSIONS_TABLE, result.sessions), ownedTable(PIPELINE_RUNS, result.pipelineRuns)], edges: result.edges }),
      );
      const writeMs = performance.now() - writeStarted;

      const context: QueryContext = { reader: store, root, probe: { gitHead: () => null, changedFiles: () => [] } };
      const queries = [
        await timeQuery(context, 'recent_sessions', { kind: 'recent_sessions', limit: 10 }, runs),
        await timeQuery(context, 'sessions_touching', { kind: 'sessions_touching', file: 'src/api/handlers.ts', limit: 10 }, runs),
        await timeQuery(context, 'sessions_by_goal', { kind: 'sessions_by_goal', text: 'retry webhook delivery', limit: 10 }, Math.max(5, runs / 10)),
        await timeQuery(context, 'timeline', { kind: 'timeline', limit: 50, offset: 5000 }, runs),
        await timeQuery(context, 'timeline, filtered', { kind: 'timeline', limit: 50, status: 'completed', text: 'webhook' }, runs),
        await timeQuery(context, 'session', { kind: 'session', id: result.sessions[Math.floor(result.sessions.length / 2)]!.id }, runs),
      ];
      const figures: SessionsBenchFigures = {
        sessions: total,
        indexed: result.sessions.length,
        readMs: Math.round(readMs),
        writeMs: Math.round(writeMs),
        sessionsPerSecond: Math.round(total / ((readMs + writeMs) / 1000)),
        queries,
      };
      console.log(formatSessionsBench(figures));
      return figures;
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeQuery(
  context: QueryContext,
  kind: string,
  intent: Parameters<typeof runQuery>[1],
  runs: number,
): Promise<{ kind: string; runs: number; medianMs: number; p95Ms: number }> {
  for (let i = 0; i < 5; i++) await runQuery(context, intent); // warm the database and the code paths
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await runQuery(context, intent);
    times.push(performance.now() - started);
  }
  return { kind, runs, medianMs: round(median(times)), p95Ms: round(percentile(times, 95)) };
}

export function formatSessionsBench(f: SessionsBenchFigures): string {
  return [
    `sessions: ${f.sessions} in the data dir, ${f.indexed} of the workspace`,
    `  index: ${f.sessionsPerSecond} sessions/s (read+project ${f.readMs} ms, write ${f.writeMs} ms)`,
    ...f.queries.map((q) => `  ${q.kind}: median ${q.medianMs} ms, p95 ${q.p95Ms} ms over ${q.runs} runs (warm)`),
  ].join('\n');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

// `node dist/bench/sessions.js` runs this section alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runSessionsBench();
