// Replaces everything one index owns (its tables and edge kinds, as graph/tables.ts assigns them) with new rows.

import type { EdgeRow } from './records.js';
import { sqlStringList, type WriteTx } from './store.js';
import { appendTo, EDGES, edgeKindsOf, tablesOf, type Owner, type TableSpec } from './tables.js';

/** The rows of one of an owner's tables. */
export interface TableRows<Row = never> {
  table: TableSpec<Row>;
  rows: readonly Row[];
}

/** Everything an index produced for what it owns: rows for (some of) its tables, and its edges. */
export interface OwnedRows {
  owner: Owner;
  // Row types vary by table; each entry is built with ownedTable, which checks rows against their table.
  tables: readonly TableRows<never>[];
  edges: readonly EdgeRow[];
}

/** An entry of OwnedRows.tables, its rows checked against the table's row type. */
export function ownedTable<Row>(table: TableSpec<Row>, rows: readonly Row[]): TableRows<never> {
  return { table, rows } as unknown as TableRows<never>;
}

/** Deletes all the owner had (unless the graph is new) and appends `owned`; returns the rows appended per table. */
export async function replaceOwned(tx: WriteTx, owned: OwnedRows): Promise<Record<string, number>> {
  for (const { table } of owned.tables) {
    if (table.owner !== owned.owner) throw new Error(`${owned.owner} does not own table ${table.name}`);
  }
  const kinds = edgeKindsOf(owned.owner);
  for (const edge of owned.edges) if (!kinds.includes(edge.kind)) throw new Error(`${owned.owner} does not own edge kind ${edge.kind}`);
  if (!tx.empty) await tx.run(deleteAllSql(tablesOf(owned.owner).map((spec) => spec.name), kinds));
  const counts: Record<string, number> = {};
  for (const { table, rows } of owned.tables) counts[table.name] = await appendTo(tx, table as TableSpec<unknown>, rows as readonly unknown[]);
  if (owned.edges.length > 0) await appendTo(tx, EDGES, owned.edges);
  return counts;
}

/** Rows of one of an owner's tables removed by a delta: those whose `column` is below `below`. */
export interface RemovedRows {
  table: TableSpec<never>;
  /** An INTEGER column of the table. */
  column: string;
  below: number;
}

/**
 * An owner's changes without redoing everything it owns: rows removed, then rows appended (an indexer that can
 * continue from its last run, like the git history's new commits on top and the oldest ones past the depth).
 */
export interface OwnedDelta {
  owner: Owner;
  removed: readonly RemovedRows[];
  added: readonly TableRows<never>[];
}

/** Applies `delta` inside a write; returns the rows appended per table. */
export async function applyOwnedDelta(tx: WriteTx, delta: OwnedDelta): Promise<Record<string, number>> {
  for (const { table } of [...delta.removed, ...delta.added]) {
    if (table.owner !== delta.owner) throw new Error(`${delta.owner} does not own table ${table.name}`);
  }
  const deletes = delta.removed.map(({ table, column, below }) => {
    if (!table.columns.some((c) => c.name === column && c.type === 'INTEGER')) throw new Error(`${table.name}.${column} is not an INTEGER column`);
    return `DELETE FROM ${table.name} WHERE ${column} < ${Math.floor(below)}`;
  });
  if (deletes.length > 0 && !tx.empty) await tx.run(deletes.join(';\n'));
  const counts: Record<string, number> = {};
  for (const { table, rows } of delta.added) counts[table.name] = await appendTo(tx, table as TableSpec<unknown>, rows as readonly unknown[]);
  return counts;
}

/** One batch (one round trip to DuckDB) that empties `tables` (names from the registry) and deletes the edges of `edgeKinds`. */
function deleteAllSql(tables: readonly string[], edgeKinds: readonly string[]): string {
  for (const table of tables) if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const edges = edgeKinds.length > 0 ? [`DELETE FROM edges WHERE kind IN (${sqlStringList(edgeKinds)})`] : [];
  return [...tables.map((table) => `DELETE FROM ${table}`), ...edges].join(';\n');
}
