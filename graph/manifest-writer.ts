// Stores and reads the enricher's manifests: what context each session was given.

import type { GraphReader, GraphStore } from './store.js';
import { createTableSql, ENRICHMENTS, insertRow, type EnrichmentRow } from './tables.js';

/** The fields of a manifest the enrichments table keeps in columns; the whole manifest goes in its JSON column. */
export type StoredManifest = Omit<EnrichmentRow, 'manifest'>;

/** Appends one manifest (a JSON-serializable object with the fields of StoredManifest) in its own transaction. */
export function writeManifest(store: GraphStore, manifest: StoredManifest): Promise<void> {
  // No query reads manifests: cached answers stay valid.
  return store.write(async (tx) => {
    // A manifest records what a session got from a graph: there is none until an index of it completed.
    store.assertIndexed();
    // Graphs created before the table joined the schema get it here.
    await tx.run(createTableSql(ENRICHMENTS));
    const { sql, params } = insertRow(ENRICHMENTS, { ...manifest, manifest });
    await tx.run(sql, params);
  }, { changesAnswers: false });
}

/** The stored manifests, newest first; only those of `sessionId` when given. */
export async function readManifests<M = unknown>(
  reader: GraphReader,
  options: { sessionId?: string; limit?: number } = {},
): Promise<M[]> {
  const exists = await reader.all(
    `SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'enrichments'`,
  );
  if (exists.length === 0) return [];
  const rows = await reader.all<{ manifest: string }>(
    `SELECT manifest::VARCHAR AS manifest FROM enrichments WHERE ? IS NULL OR session_id = ?
     ORDER BY created_at DESC, id LIMIT ?`,
    [options.sessionId ?? null, options.sessionId ?? null, options.limit ?? 100],
  );
  return rows.map((row) => JSON.parse(row.manifest) as M);
}
