// Exports a graph as JSON lines (nodes, then edges, in a stable order) or as one Parquet file per table.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { filePathOf } from './records.js';
import type { GraphReader, GraphStore } from './store.js';
import { nodeTables, TABLES } from './tables.js';

/** Node tables in export order, with the column that identifies a row: the registry's node tables. */
const NODE_TABLES: readonly (readonly [table: string, idColumn: string])[] = nodeTables().map((spec) => [spec.name, spec.nodeId!] as const);

export interface NodeLine {
  type: 'node';
  table: string;
  id: string;
  [column: string]: unknown;
}

export interface EdgeLine {
  type: 'edge';
  kind: string;
  /** Workspace-relative path for file nodes, the node id otherwise. */
  from: string;
  to: string;
  attrs: Record<string, unknown> | null;
}

/** Every node and edge of the graph, nodes first; the order depends only on the graph's content. */
export async function* exportLines(reader: GraphReader): AsyncGenerator<NodeLine | EdgeLine> {
  for (const [table, idColumn] of NODE_TABLES) {
    const rows = await reader.all(`SELECT * FROM ${table} ORDER BY ALL`);
    for (const row of rows) {
      const { [idColumn]: id, ...rest } = row;
      yield { type: 'node', table, id: String(id), ...parseJsonColumns(rest) };
    }
  }
  const edges = await reader.all<{ src: string; dst: string; kind: string; attrs: string | null }>(
    `SELECT src, dst, kind, attrs::VARCHAR AS attrs FROM edges ORDER BY kind, src, dst, attrs::VARCHAR`,
  );
  for (const edge of edges) {
    yield {
      type: 'edge',
      kind: edge.kind,
      from: filePathOf(edge.src) ?? edge.src,
      to: filePathOf(edge.dst) ?? edge.dst,
      attrs: edge.attrs === null ? null : (JSON.parse(edge.attrs) as Record<string, unknown>),
    };
  }
}

/** Writes `<table>.parquet` for every table into `dir`; returns the files written. */
export async function exportParquet(store: GraphStore, dir: string): Promise<string[]> {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const tables = [...NODE_TABLES.map(([table]) => table), ...TABLES.filter((spec) => spec.parquet).map((spec) => spec.name)];
  const written: string[] = [];
  for (const table of tables) {
    const file = join(target, `${table}.parquet`);
    // COPY cannot take its target as a parameter; the path is ours, quoted, never a user's SQL.
    await store.all(`COPY ${table} TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
    written.push(file);
  }
  return written;
}

// JSON columns of node tables are exported as the values they hold, not as text.
const JSON_NODE_COLUMNS = new Set(nodeTables().flatMap((spec) => spec.columns.filter((c) => c.type === 'JSON').map((c) => c.name)));

function parseJsonColumns(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = JSON_NODE_COLUMNS.has(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out;
}
