// Sessions and pipeline runs on one timeline, newest first, a page at a time, with the values each filter can take:
// what an operator console lists, fast at 10,000 sessions (one SQL for the page, one for the facets).

import { z } from 'zod';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { TIMELINE_TYPES } from './kinds.js';
import { renderList } from './render.js';

export const timelineItemSchema = z.object({
  type: z.enum(TIMELINE_TYPES),
  id: z.string(),
  title: z.string().nullable().describe("A session's title, a run's goal."),
  at: z.string().nullable().describe('ISO 8601: a session by its end, else its last event, else its start; a run by its start.'),
  status: z.string().nullable(),
  outcome: z.string().nullable().describe("A session's outcome as the daemon recorded it; null for runs."),
  branch: z.string().nullable().describe('null for runs.'),
  workflowId: z.string().nullable().describe("A session's workflow id, a run's mode."),
  tokens: z.number().nullable().describe('Input plus output tokens of a session; null when neither is known, and for runs.'),
  parentId: z.string().nullable().describe('null for runs.'),
  verdict: z.string().nullable().describe("A run's verdict; null for sessions."),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;

/** The most branches `facets.branch` lists. */
export const FACET_BRANCHES = 50;

export const timelineFacetsSchema = z
  .object({
    status: z.array(z.string()),
    outcome: z.array(z.string()),
    branch: z.array(z.string()).describe(`At most ${FACET_BRANCHES}, most used first.`),
    workflow: z.array(z.string()).describe("Sessions' workflow ids and runs' modes."),
  })
  .describe('The distinct values over all sessions and runs (not only the matching ones), for filter choices.');
export type TimelineFacets = z.infer<typeof timelineFacetsSchema>;

export const timelineAnswerSchema = answerSchema('timeline', timelineItemSchema).extend({
  offset: z.number().int().describe('How many matching items come before this page.'),
  facets: timelineFacetsSchema,
});
export type TimelineAnswer = z.infer<typeof timelineAnswerSchema>;

// Both kinds of item in the item's columns, plus the goal (a session's; a run's is its title) for the text filter.
const TIMELINE_ROWS = `
  SELECT 'session' AS type, s.id, s.title, coalesce(s.ended_at, s.updated_at, s.started_at) AS at, s.status, s.outcome,
    s.branch, s.workflow_id AS "workflowId",
    CASE WHEN s.input_tokens IS NULL AND s.output_tokens IS NULL THEN NULL
      ELSE coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0) END AS tokens,
    s.parent_id AS "parentId", NULL::VARCHAR AS verdict, s.goal
  FROM sessions s
  UNION ALL
  SELECT 'run', r.id, r.goal, r.started_at, r.status, NULL, NULL, r.mode, NULL, NULL, r.verdict, r.goal
  FROM pipeline_runs r`;

// Every filter is a parameter of one row (NULL: no filter); the text is lowered once here.
const FILTERS = `SELECT ?::VARCHAR AS type, ?::VARCHAR AS status, ?::VARCHAR AS outcome, ?::VARCHAR AS branch,
  ?::VARCHAR AS workflow, lower(?::VARCHAR) AS text`;

const MATCHES = `(f.type IS NULL OR t.type = f.type)
  AND (f.status IS NULL OR t.status = f.status)
  AND (f.outcome IS NULL OR t.outcome = f.outcome)
  AND (f.branch IS NULL OR t.branch = f.branch)
  AND (f.workflow IS NULL OR t."workflowId" = f.workflow)
  AND (f.text IS NULL OR contains(lower(coalesce(t.title, '')), f.text) OR contains(lower(coalesce(t.goal, '')), f.text)
    OR contains(lower(t.id), f.text))`;

/** Newest first; an id (then the type, should a session and a run share one) keeps pages stable. */
const ORDER = `t.at DESC NULLS LAST, t.id, t.type`;

export async function timeline(context: QueryContext, intent: IntentOf<'timeline'>): Promise<TimelineAnswer> {
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const offset = intent.offset ?? 0;
  const filters = [intent.type, intent.status, intent.outcome, intent.branch, intent.workflow, intent.text].map((value) => value ?? null);
  const pageSql = `WITH t AS (${TIMELINE_ROWS}), f AS (${FILTERS})
    SELECT t.type, t.id, t.title, t.at, t.status, t.outcome, t.branch, t."workflowId", t.tokens, t."parentId", t.verdict,
      count(*) OVER () AS total
    FROM t, f WHERE ${MATCHES}
    ORDER BY ${ORDER} LIMIT ? OFFSET ?`;
  const [rows, facets] = await Promise.all([
    context.reader.all<TimelineItem & { total: number }>(pageSql, [...filters, limit, offset]),
    timelineFacets(context),
  ]);
  // Past the last match the page has no row to carry the count: only then is it asked on its own.
  const total = rows[0]?.total ?? (offset > 0 ? await countMatches(context, filters) : 0);
  const items = rows.map(({ total: _total, ...item }) => item);
  const shown = items.length > 0 ? `${offset + 1}-${offset + items.length}` : 'none';
  const more = offset + items.length < total;
  const lines = items.map(describeTimelineItem);
  if (more) lines.push(`… (more: offset ${offset + items.length})`);
  return {
    kind: 'timeline',
    items,
    total,
    truncated: more,
    offset,
    facets,
    text: renderList(`timeline: ${shown} of ${total} item(s)${filterNote(intent)}, newest first`, lines, false),
    freshness: await freshnessOf(context, []),
  };
}

async function countMatches(context: QueryContext, filters: readonly (string | null)[]): Promise<number> {
  const [row] = await context.reader.all<{ n: number }>(`WITH t AS (${TIMELINE_ROWS}), f AS (${FILTERS}) SELECT count(*) AS n FROM t, f WHERE ${MATCHES}`, filters);
  return row?.n ?? 0;
}

/**
 * The values of each filter over all rows, in one statement of four small aggregates (a pass of the table each, which
 * DuckDB runs several times faster than one unpivot of all four): by value; branches by use, the most used first.
 */
async function timelineFacets(context: QueryContext): Promise<TimelineFacets> {
  const rows = await context.reader.all<{ facet: keyof TimelineFacets; value: string }>(
    `SELECT facet, value FROM (
       SELECT 'status' AS facet, value, 0 AS rank FROM (SELECT status AS value FROM sessions UNION ALL SELECT status FROM pipeline_runs)
       WHERE value IS NOT NULL GROUP BY value
       UNION ALL SELECT 'outcome', outcome, 0 FROM sessions WHERE outcome IS NOT NULL GROUP BY outcome
       UNION ALL SELECT 'workflow', value, 0 FROM (SELECT workflow_id AS value FROM sessions UNION ALL SELECT mode FROM pipeline_runs)
       WHERE value IS NOT NULL GROUP BY value
       UNION ALL (SELECT 'branch', branch, row_number() OVER (ORDER BY count(*) DESC, branch) AS rank FROM sessions
         WHERE branch IS NOT NULL GROUP BY branch ORDER BY rank LIMIT ?)
     ) ORDER BY facet, rank, value`,
    [FACET_BRANCHES],
  );
  const facets: TimelineFacets = { status: [], outcome: [], branch: [], workflow: [] };
  for (const row of rows) facets[row.facet].push(row.value);
  return facets;
}

function filterNote(intent: IntentOf<'timeline'>): string {
  const set = (['type', 'status', 'outcome', 'branch', 'workflow', 'text'] as const)
    .filter((key) => intent[key] !== undefined)
    .map((key) => `${key} ${JSON.stringify(intent[key])}`);
  return set.length > 0 ? ` matching ${set.join(', ')}` : '';
}

/** One line per item: what, id, when, title, then its state. */
function describeTimelineItem(item: TimelineItem): string {
  const when = item.at?.slice(0, 16).replace('T', ' ') ?? 'unknown time';
  const state = [item.status, item.outcome, item.verdict !== null ? `verdict ${item.verdict}` : null].filter((s) => s !== null).join(', ');
  const where = [item.branch, item.workflowId].filter((s) => s !== null).join(', ');
  return `${item.type === 'run' ? 'run    ' : 'session'} ${item.id}  ${when}  ${item.title ?? '(untitled)'}${where ? ` (${where})` : ''}${state ? ` [${state}]` : ''}`;
}
