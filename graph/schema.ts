// The schema version and the migrations that bring an older database up to it. The tables themselves are declared
// once, in ./tables.ts: a migration creates the tables and adds the columns whose `since` is its version, then runs its
// own changes.

import { createTableSql, META, newColumnsSql, newTablesSql } from './tables.js';

/** Bump with every migration: a table or column added with `since` = the new version, or an entry in CHANGES. */
export const SCHEMA_VERSION = 6;

/** What a migration does besides creating its new tables (an ALTER, a backfill), by version. */
const CHANGES: Readonly<Record<number, readonly string[]>> = {
  // file_terms starts empty, and only the code index fills it: with no index state, the next reindex is a full index
  // (indexers/code/reindex.ts), which writes every file's terms (and the index state again).
  3: [`DELETE FROM index_state`],
  // files.doc, symbols.signature and symbols.doc start empty in a migrated graph: as for 3, the next reindex is a full
  // index, which extracts them from every file.
  4: [`DELETE FROM index_state`],
  // pipeline_runs.verdict and .trace start empty: forgetting the sessions indexer's fingerprint makes the next reindex
  // read the run context files again, which fills them.
  5: [`DELETE FROM meta WHERE key = 'fingerprint:sessions'`],
  // Re-export edges name what they pass on (attrs.names) from this version: as for 3, a full index writes them.
  6: [`DELETE FROM index_state`],
};

/** The statements that bring a graph at schema version `current` (0: a new file) to SCHEMA_VERSION. */
export function migrationStatements(current: number): string[] {
  const statements = [createTableSql(META)];
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    statements.push(...newTablesSql(version - 1, version), ...newColumnsSql(current, version), ...(CHANGES[version] ?? []));
  }
  return statements;
}
