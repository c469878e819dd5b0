// Writes what the history indexers found (sessions, pipeline runs, convention sections and their edges).

import {
  applyCodeDelta,
  deleteAllSql,
  EDGE_COLUMNS,
  replaceCodeRows,
  writeWorkspaceMeta,
  type CodeDeltaWrite,
  type CodeIndexWrite,
  type WrittenCounts,
} from './code-writer.js';
import type { ConventionRow, EdgeRow, PipelineRunRow, SessionRow } from './records.js';
import { HISTORY_EDGE_KINDS, HISTORY_TABLES } from './schema.js';
import type { Columns, GraphStore, WriteTx } from './store.js';

// Timestamps are appended as ISO strings: the appender casts them to TIMESTAMPTZ.
const SESSION_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['workflow_id', 'varchar'],
  ['title', 'varchar'],
  ['goal', 'varchar'],
  ['status', 'varchar'],
  ['outcome', 'varchar'],
  ['branch', 'varchar'],
  ['start_head', 'varchar'],
  ['end_head', 'varchar'],
  ['started_at', 'varchar'],
  ['ended_at', 'varchar'],
  ['updated_at', 'varchar'],
  ['trigger_source', 'varchar'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['recap', 'varchar'],
  ['notes', 'varchar'],
  ['parent_id', 'varchar'],
  ['changes_known', 'boolean'],
  ['changes_source', 'varchar'],
  ['repo_root', 'varchar'],
  ['pr_url', 'varchar'],
  ['duration_ms', 'bigint'],
];
const RUN_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['goal', 'varchar'],
  ['mode', 'varchar'],
  ['status', 'varchar'],
  ['started_at', 'varchar'],
  ['phases', 'json'],
  ['workspace', 'varchar'],
  ['worktree_path', 'varchar'],
  ['active', 'boolean'],
];
const CONVENTION_COLUMNS: Columns = [
  ['id', 'varchar'],
  ['source', 'varchar'],
  ['heading_path', 'varchar'],
  ['body', 'varchar'],
  ['scope', 'varchar'],
  ['ordinal', 'integer'],
  ['priority', 'integer'],
];

/** Everything the history indexers derive; `applies_to` edges are not listed, they are derived from the files. */
export interface HistoryRows {
  sessions: SessionRow[];
  pipelineRuns: PipelineRunRow[];
  conventions: ConventionRow[];
  /** produced_by, child_of and part_of_run edges. */
  edges: EdgeRow[];
}

export interface HistoryCounts {
  sessions: number;
  pipelineRuns: number;
  conventions: number;
  producedBy: number;
  appliesTo: number;
}

/** Deletes every history-owned row and appends `rows` in their place; call after the code rows, inside one `write`. */
export async function replaceHistoryRows(tx: WriteTx, rows: HistoryRows): Promise<HistoryCounts> {
  if (!tx.empty) await tx.run(deleteAllSql(HISTORY_TABLES, HISTORY_EDGE_KINDS));
  const sessions = await tx.append(
    'sessions',
    SESSION_COLUMNS,
    rows.sessions.map((s) => [
      s.id,
      s.workflowId,
      s.title,
      s.goal,
      s.status,
      s.outcome,
      s.branch,
      s.startHead,
      s.endHead,
      s.startedAt,
      s.endedAt,
      s.updatedAt,
      s.triggerSource,
      s.inputTokens,
      s.outputTokens,
      s.recap,
      s.notes,
      s.parentId,
      s.changesKnown,
      s.changesSource,
      s.repoRoot,
      s.prUrl,
      s.durationMs,
    ]),
  );
  const pipelineRuns = await tx.append(
    'pipeline_runs',
    RUN_COLUMNS,
    rows.pipelineRuns.map((r) => [r.id, r.goal, r.mode, r.status, r.startedAt, r.phases, r.workspace, r.worktreePath, r.active]),
  );
  const conventions = await tx.append(
    'conventions',
    CONVENTION_COLUMNS,
    rows.conventions.map((c) => [c.id, c.source, c.headingPath, c.body, c.scope, c.ordinal, c.priority]),
  );
  await tx.append(
    'edges',
    EDGE_COLUMNS,
    rows.edges.map((e) => [e.src, e.dst, e.kind, e.attrs]),
  );
  const producedBy = rows.edges.filter((e) => e.kind === 'produced_by').length;
  // With no conventions there is nothing to derive (three statements a fresh index without rule documents skips).
  const appliesTo = conventions > 0 || !tx.empty ? await refreshAppliesTo(tx) : 0;
  return { sessions, pipelineRuns, conventions, producedBy, appliesTo };
}

/**
 * Derives `applies_to` edges (convention section -> file) from the conventions' scopes and the indexed files:
 * a section applies to every file under its folder. Call again whenever the files change (e.g. after a code delta).
 */
export async function refreshAppliesTo(tx: WriteTx): Promise<number> {
  await tx.run(`DELETE FROM edges WHERE kind = 'applies_to'`);
  await tx.run(
    `INSERT INTO edges
     SELECT c.id, 'file:' || f.path, 'applies_to', NULL
     FROM conventions c JOIN files f ON c.scope = '' OR starts_with(f.path, c.scope || '/')
     ORDER BY c.id, f.path`,
  );
  const [row] = await tx.all<{ n: number }>(`SELECT count(*) AS n FROM edges WHERE kind = 'applies_to'`);
  return row?.n ?? 0;
}

/** The one transaction of a full index: code rows, history rows, the workspace row and the index's meta together. */
export function writeFullIndex(
  store: GraphStore,
  code: CodeIndexWrite,
  history: HistoryRows,
): Promise<{ code: WrittenCounts; history: HistoryCounts }> {
  return store.write(async (tx) => {
    const codeCounts = await replaceCodeRows(tx, code.rows, code.indexState);
    const historyCounts = await replaceHistoryRows(tx, history);
    await writeWorkspaceMeta(tx, code);
    return { code: codeCounts, history: historyCounts };
  });
}

/**
 * The one transaction of a reindex: the code delta, then either the whole history again (when its inputs
 * changed) or only the `applies_to` edges (when files appeared or disappeared).
 */
export function writeReindex(
  store: GraphStore,
  code: CodeDeltaWrite,
  history: HistoryRows | null,
): Promise<{ code: WrittenCounts; history: HistoryCounts | null }> {
  return store.write(async (tx) => {
    const codeCounts = await applyCodeDelta(tx, code);
    if (history) return { code: codeCounts, history: await replaceHistoryRows(tx, history) };
    if (code.fileSetChanged) await refreshAppliesTo(tx);
    return { code: codeCounts, history: null };
  });
}
