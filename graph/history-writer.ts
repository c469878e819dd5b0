// Writes what the history indexers found (sessions, pipeline runs, convention sections and their edges).

import {
  applyCodeDelta,
  deleteAllSql,
  replaceCodeRows,
  writeWorkspaceMeta,
  type CodeDeltaWrite,
  type CodeIndexWrite,
  type WrittenCounts,
} from './code-writer.js';
import type { ConventionRow, EdgeRow, PipelineRunRow, SessionRow } from './records.js';
import type { GraphStore, WriteTx } from './store.js';
import { appendTo, CONVENTIONS, EDGES, edgeKindsOf, PIPELINE_RUNS, SESSIONS, tablesOf } from './tables.js';

const HISTORY_TABLES = [...tablesOf('sessions'), ...tablesOf('conventions')].map((spec) => spec.name);
const HISTORY_EDGE_KINDS = [...edgeKindsOf('sessions'), ...edgeKindsOf('conventions')];

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
  const sessions = await appendTo(tx, SESSIONS, rows.sessions);
  const pipelineRuns = await appendTo(tx, PIPELINE_RUNS, rows.pipelineRuns);
  const conventions = await appendTo(tx, CONVENTIONS, rows.conventions);
  await appendTo(tx, EDGES, rows.edges);
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
