// A pipeline run (a coordinator's, or the daemon's): its phases with their sessions and results, the files those
// sessions changed, the verdict and the routing trace. "What did run X change, and why", in one answer.

import { KgError } from '../graph/errors.js';
import { nodeId } from '../graph/records.js';
import { z } from 'zod';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import type { IntentOf } from './intents.js';
import { renderList } from './render.js';
import { SESSION_ITEM_COLUMNS, sessionItemSchema, type SessionItem } from './sessions.js';

export const runPhaseItemSchema = z.object({
  phase: z.string().describe('discovery, coding, review, fix-1, ... as the run context names it, in its order.'),
  sessionId: z.string().nullable(),
  result: z.string().nullable().describe('How the phase ended: full (its artifact valid), partial (notes only) or fallback (nothing usable).'),
  completedAt: z.string().nullable(),
  recap: z.string().nullable().describe("The phase's recap as the run context holds it."),
  session: sessionItemSchema.nullable().describe('The session as the graph knows it; null when it is not indexed.'),
  filesChanged: z.array(z.string()).describe('The files the phase session changed (its produced_by edges).'),
});
export type RunPhaseItem = z.infer<typeof runPhaseItemSchema>;

const runSchema = z.object({
  id: z.string(),
  goal: z.string().nullable(),
  mode: z.string().nullable(),
  status: z.string().nullable(),
  startedAt: z.string().nullable(),
  verdict: z.string().nullable().describe('The run\'s final verdict or outcome, as its coordinator wrote it.'),
  active: z.boolean(),
});

export const pipelineRunAnswerSchema = answerSchema('pipeline_run', runPhaseItemSchema).extend({
  run: runSchema.nullable().describe('null when the workspace has no pipeline run (and none was named).'),
  files: z.array(z.object({ path: z.string(), phase: z.string(), change: z.string() })).describe('Every file a phase changed, by phase.'),
  trace: z.array(z.string()).describe('The routing decisions, in order.'),
});
export type PipelineRunAnswer = z.infer<typeof pipelineRunAnswerSchema>;

interface RunRow {
  id: string;
  goal: string | null;
  mode: string | null;
  status: string | null;
  startedAt: string | null;
  verdict: string | null;
  active: boolean;
  phases: unknown;
  trace: unknown;
}

export async function pipelineRun(context: QueryContext, intent: IntentOf<'pipeline_run'>): Promise<PipelineRunAnswer> {
  const columns = `id, goal, mode, status, started_at AS "startedAt", verdict, coalesce(active, false) AS active, phases, trace`;
  const [row] =
    intent.id !== undefined
      ? await context.reader.all<RunRow>(`SELECT ${columns} FROM pipeline_runs WHERE id = ?`, [intent.id])
      : await context.reader.all<RunRow>(`SELECT ${columns} FROM pipeline_runs ORDER BY started_at DESC NULLS LAST, id DESC LIMIT 1`);
  if (row === undefined) {
    if (intent.id !== undefined) throw await unknownRun(context, intent.id);
    return { kind: 'pipeline_run', items: [], total: 0, truncated: false, run: null, files: [], trace: [], text: 'no pipeline run on this workspace', freshness: await freshnessOf(context, []) };
  }
  const runNode = nodeId.pipelineRun(row.id);
  const [sessions, changed] = await Promise.all([
    context.reader.all<SessionItem & { phase: string }>(
      `SELECT ${SESSION_ITEM_COLUMNS}, e.attrs->>'phase' AS phase
       FROM edges e JOIN sessions s ON e.src = 'session:' || s.id
       WHERE e.kind = 'part_of_run' AND e.dst = ?`,
      [runNode],
    ),
    context.reader.all<{ sessionId: string; path: string; change: string }>(
      `SELECT substr(p.src, 9) AS "sessionId", substr(p.dst, 6) AS path, coalesce(p.attrs->>'change', 'unknown') AS change
       FROM edges p JOIN edges r ON r.src = p.src
       WHERE p.kind = 'produced_by' AND r.kind = 'part_of_run' AND r.dst = ?
       ORDER BY path`,
      [runNode],
    ),
  ]);
  const sessionById = new Map(sessions.map(({ phase: _phase, ...session }) => [session.id, session]));
  const items = phasesOf(parsed(row.phases)).map((phase): RunPhaseItem => {
    const session = phase.sessionId !== null ? (sessionById.get(phase.sessionId) ?? null) : null;
    return { ...phase, session, filesChanged: changed.filter((c) => c.sessionId === phase.sessionId).map((c) => c.path) };
  });
  const files = items.flatMap((item) => changed.filter((c) => c.sessionId === item.sessionId).map((c) => ({ path: c.path, phase: item.phase, change: c.change })));
  const trace = stringsOf(parsed(row.trace));
  const { phases: _phases, trace: _trace, ...run } = row;
  const lines = [
    ...items.map((i) => `${i.phase}: ${i.result ?? 'no result'}${i.sessionId ? ` (session ${i.sessionId}${i.session?.outcome ? `, ${i.session.outcome}` : ''})` : ''}${i.filesChanged.length > 0 ? `; changed ${i.filesChanged.join(', ')}` : ''}`),
    ...(trace.length > 0 ? ['trace:', ...trace.map((t) => `  ${t}`)] : []),
  ];
  return {
    kind: 'pipeline_run',
    items,
    total: items.length,
    truncated: false,
    run,
    files,
    trace,
    text: renderList(`pipeline run ${run.id} (${run.mode ?? 'mode unknown'}, ${run.status ?? 'status unknown'}): ${run.goal ?? 'no goal'}; verdict ${run.verdict ?? 'none'}`, lines, false),
    freshness: await freshnessOf(context, files.map((f) => f.path)),
  };
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const strOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The phases of a run context, in the file's order. */
function phasesOf(value: unknown): Omit<RunPhaseItem, 'session' | 'filesChanged'>[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([phase, body]) => {
    if (!isRecord(body)) return [];
    const result = isRecord(body.result) ? body.result : {};
    return [{ phase, sessionId: strOrNull(body.sessionHandle), result: strOrNull(result.kind), completedAt: strOrNull(body.completedAt), recap: strOrNull(result.recapMarkdown) }];
  });
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((line): line is string => typeof line === 'string') : [];
}

async function unknownRun(context: QueryContext, id: string): Promise<KgError> {
  const near = await context.reader.all<{ id: string }>(`SELECT id FROM pipeline_runs ORDER BY started_at DESC NULLS LAST, id DESC LIMIT 3`);
  const hint = near.length > 0 ? ` (the latest: ${near.map((n) => n.id).join(', ')})` : ' (the workspace has none)';
  return new KgError('bad_input', `unknown pipeline run: ${id} is not in the graph${hint}`);
}
