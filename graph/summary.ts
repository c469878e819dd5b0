// A summary of what a graph holds: row counts per table, edge counts per kind, and the index's meta.

import type { GraphReader } from './store.js';
import { nodeTables } from './tables.js';

export interface GraphSummary {
  schemaVersion: number;
  indexedAt: string | null;
  gitHead: string | null;
  workspaceRoot: string | null;
  tables: Record<string, number>;
  edges: Record<string, number>;
}

// Every node table of the registry, in its order.
const COUNTED_TABLES = nodeTables().map((spec) => spec.name);

export async function summarizeGraph(reader: GraphReader): Promise<GraphSummary> {
  const meta = new Map(
    (await reader.all<{ key: string; value: string | null }>(`SELECT key, value FROM meta`)).map((r) => [r.key, r.value]),
  );
  const counts = await reader.all<{ name: string; n: number }>(
    COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, count(*) AS n FROM ${table}`).join(' UNION ALL '),
  );
  const edges = await reader.all<{ kind: string; n: number }>(
    `SELECT kind, count(*) AS n FROM edges GROUP BY kind ORDER BY kind`,
  );
  return {
    schemaVersion: Number(meta.get('schema_version') ?? 0),
    indexedAt: meta.get('indexed_at') ?? null,
    gitHead: meta.get('git_head') ?? null,
    workspaceRoot: meta.get('workspace_root') ?? null,
    tables: Object.fromEntries(COUNTED_TABLES.map((t) => [t, counts.find((c) => c.name === t)?.n ?? 0])),
    edges: Object.fromEntries(edges.map((e) => [e.kind, e.n])),
  };
}
