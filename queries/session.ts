// One session in full: its record, the files it changed, its parent and children, and the pipeline runs it was a
// phase of. What an operator console shows when a session is opened.

import { nodeId } from '../graph/records.js';
import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import type { IntentOf } from './intents.js';
import { MAX_LIMIT } from './kinds.js';
import { renderList } from './render.js';
import {
  describeSession,
  NEWEST_FIRST,
  SESSION_ITEM_COLUMNS,
  sessionItemSchema,
  touchedFileItemSchema,
  unknownSession,
  type SessionItem,
  type TouchedFileItem,
} from './sessions.js';

export const sessionDetailSchema = sessionItemSchema.extend({
  goal: z.string().nullable(),
  recap: z.string().nullable(),
  notes: z.string().nullable(),
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  durationMs: z.number().nullable(),
  prUrl: z.string().nullable(),
  startHead: z.string().nullable().describe('The git HEAD when the session started.'),
  endHead: z.string().nullable().describe('The git HEAD when it ended.'),
  triggerSource: z.string().nullable().describe('What started it: daemon, mcp, ...'),
  changesSource: z.string().nullable().describe('Which source said which files it changed: git_metrics, coding_handoff or git.'),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

export const sessionRunSchema = z.object({
  runId: z.string(),
  phase: z.string().describe('The phase of the run the session was (discovery, coding, review, ...).'),
});
export type SessionRun = z.infer<typeof sessionRunSchema>;

/** The most child sessions one answer lists (`childrenTotal` counts them all). */
export const MAX_CHILDREN = 100;

export const sessionAnswerSchema = answerSchema('session', touchedFileItemSchema).extend({
  session: sessionDetailSchema,
  parent: sessionItemSchema.nullable().describe('null when the session has no parent, or its parent is not in the graph.'),
  children: z.array(sessionItemSchema).describe(`The sessions whose parent it is, newest first, at most ${MAX_CHILDREN}.`),
  childrenTotal: z.number().int(),
  runs: z.array(sessionRunSchema).describe('The pipeline runs whose phases name this session, newest run first.'),
});
export type SessionAnswer = z.infer<typeof sessionAnswerSchema>;

const DETAIL_COLUMNS = `${SESSION_ITEM_COLUMNS}, s.goal, s.recap, s.notes, s.input_tokens AS "inputTokens",
  s.output_tokens AS "outputTokens", s.duration_ms AS "durationMs", s.pr_url AS "prUrl", s.start_head AS "startHead",
  s.end_head AS "endHead", s.trigger_source AS "triggerSource", s.changes_source AS "changesSource"`;

export async function session(context: QueryContext, intent: IntentOf<'session'>): Promise<SessionAnswer> {
  const { id } = intent;
  // All at once: with several read connections they run in parallel.
  const [[detail], files, [parent], children, runs] = await Promise.all([
    context.reader.all<SessionDetail>(`SELECT ${DETAIL_COLUMNS} FROM sessions s WHERE s.id = ?`, [id]),
    context.reader.all<TouchedFileItem>(
      `SELECT substr(dst, 6) AS path, attrs->>'change' AS change, attrs->>'source' AS source
       FROM edges WHERE kind = 'produced_by' AND src = ? ORDER BY path`,
      [nodeId.session(id)],
    ),
    context.reader.all<SessionItem>(`SELECT ${SESSION_ITEM_COLUMNS} FROM sessions s WHERE s.id = (SELECT parent_id FROM sessions WHERE id = ?)`, [id]),
    context.reader.all<SessionItem & { total: number }>(
      `SELECT ${SESSION_ITEM_COLUMNS}, count(*) OVER () AS total FROM sessions s WHERE s.parent_id = ? ORDER BY ${NEWEST_FIRST} LIMIT ?`,
      [id, MAX_CHILDREN],
    ),
    // A run context's phases are an object of phase name to { sessionHandle, result, ... } (see pipeline-run.ts).
    context.reader.all<SessionRun>(
      `SELECT r.id AS "runId", p.key AS phase
       FROM pipeline_runs r, json_each(r.phases) p
       WHERE json_type(r.phases) = 'OBJECT' AND json_extract_string(p.value, '$.sessionHandle') = ?
       ORDER BY r.started_at DESC NULLS LAST, r.id, p.key`,
      [id],
    ),
  ]);
  if (detail === undefined) throw await unknownSession(context, id);
  const cut = limitItems(files, MAX_LIMIT);
  const childrenTotal = children[0]?.total ?? 0;
  const lines = [
    ...(detail.goal !== null && detail.goal !== detail.title ? [`goal: ${detail.goal}`] : []),
    ...(detail.recap !== null ? [`recap: ${firstLine(detail.recap)}`] : []),
    `tokens: ${tokensOf(detail)}; duration: ${detail.durationMs !== null ? `${Math.round(detail.durationMs / 1000)} s` : 'unknown'}${detail.prUrl ? `; PR ${detail.prUrl}` : ''}`,
    ...(parent !== undefined ? [`parent: ${describeSession(parent)}`] : detail.parentId !== null ? [`parent: ${detail.parentId} (not in the graph)`] : []),
    ...(childrenTotal > 0 ? [`children (${childrenTotal}): ${children.map((c) => c.id).join(', ')}${childrenTotal > children.length ? ', …' : ''}`] : []),
    ...runs.map((r) => `run ${r.runId}: ${r.phase}`),
    detail.changesKnown ? `changed ${cut.total} file(s), per ${detail.changesSource}:` : 'which files it changed is unknown',
    ...cut.items.map((f) => `  ${f.path}${f.change !== 'unknown' ? ` (${f.change})` : ''}`),
    ...(cut.truncated ? [`  … (${cut.total - cut.items.length} more)`] : []),
  ];
  return {
    kind: 'session',
    ...cut,
    session: detail,
    parent: parent ?? null,
    children: children.map(({ total: _total, ...child }) => child),
    childrenTotal,
    runs,
    text: renderList(describeSession(detail), lines, false),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}

function tokensOf(s: SessionDetail): string {
  if (s.inputTokens === null && s.outputTokens === null) return 'unknown';
  return `${(s.inputTokens ?? 0) + (s.outputTokens ?? 0)} (${s.inputTokens ?? '?'} in, ${s.outputTokens ?? '?'} out)`;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
