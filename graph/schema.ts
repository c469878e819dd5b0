// The graph's tables and the migrations that bring an older database up to the current schema.

/** Bump with every migration appended below. */
export const SCHEMA_VERSION = 2;

export interface Migration {
  version: number;
  statements: string[];
}

/** What the enricher gave each session: one row per render, its manifest as JSON (see src/enricher/schema.ts). */
export const ENRICHMENTS_TABLE = `CREATE TABLE IF NOT EXISTS enrichments (id VARCHAR NOT NULL, created_at TIMESTAMPTZ,
  session_id VARCHAR, goal VARCHAR, budget_tokens INTEGER, rendered_tokens INTEGER, manifest JSON)`;

// No PRIMARY KEY or index on the bulk tables: DuckDB scans columns fast, appends stay cheap,
// and uniqueness is the indexer's job (each run replaces what it owns in one transaction).
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE workspaces (id VARCHAR, root VARCHAR NOT NULL, indexed_at TIMESTAMPTZ, git_head VARCHAR)`,
      `CREATE TABLE files (path VARCHAR NOT NULL, language VARCHAR, size BIGINT, hash VARCHAR, lines INTEGER,
         is_test BOOLEAN, mtime_ms DOUBLE, tsconfig VARCHAR, parse_errors INTEGER)`,
      `CREATE TABLE symbols (id VARCHAR NOT NULL, file VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR, line INTEGER)`,
      `CREATE TABLE packages (id VARCHAR NOT NULL, name VARCHAR NOT NULL)`,
      `CREATE TABLE cli_commands (id VARCHAR NOT NULL, file VARCHAR NOT NULL, name VARCHAR NOT NULL, spec VARCHAR,
         description VARCHAR, line INTEGER)`,
      `CREATE TABLE routes (id VARCHAR NOT NULL, file VARCHAR NOT NULL, method VARCHAR, path VARCHAR, line INTEGER)`,
      `CREATE TABLE diagnostics (file VARCHAR NOT NULL, line INTEGER, message VARCHAR, kind VARCHAR)`,
      `CREATE TABLE sessions (id VARCHAR NOT NULL, workflow_id VARCHAR, title VARCHAR, goal VARCHAR, status VARCHAR,
         outcome VARCHAR, branch VARCHAR, start_head VARCHAR, end_head VARCHAR, started_at TIMESTAMPTZ,
         ended_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, trigger_source VARCHAR, input_tokens BIGINT, output_tokens BIGINT,
         recap VARCHAR, notes VARCHAR, parent_id VARCHAR, changes_known BOOLEAN, changes_source VARCHAR,
         repo_root VARCHAR, pr_url VARCHAR, duration_ms BIGINT)`,
      `CREATE TABLE pipeline_runs (id VARCHAR NOT NULL, goal VARCHAR, mode VARCHAR, status VARCHAR,
         started_at TIMESTAMPTZ, phases JSON, workspace VARCHAR, worktree_path VARCHAR, active BOOLEAN)`,
      `CREATE TABLE conventions (id VARCHAR NOT NULL, source VARCHAR NOT NULL, heading_path VARCHAR, body VARCHAR,
         scope VARCHAR, ordinal INTEGER, priority INTEGER)`,
      `CREATE TABLE edges (src VARCHAR NOT NULL, dst VARCHAR NOT NULL, kind VARCHAR NOT NULL, attrs JSON)`,
      `CREATE TABLE index_state (path VARCHAR NOT NULL, hash VARCHAR, size BIGINT, mtime_ms DOUBLE, tsconfig VARCHAR,
         imports JSON)`,
    ],
  },
  { version: 2, statements: [ENRICHMENTS_TABLE] },
];

/** Edge kinds the code indexer owns: a code index replaces exactly these. */
export const CODE_EDGE_KINDS = ['imports', 'imports_package', 'imports_unresolved', 'defines', 'tests'] as const;

/** Node tables the code indexer owns. */
export const CODE_TABLES = ['files', 'symbols', 'packages', 'cli_commands', 'routes', 'diagnostics', 'index_state'] as const;

/**
 * Edge kinds the history indexers (sessions, pipeline runs, conventions) own: a full index replaces exactly these.
 * Directions: produced_by session -> file (attrs: change, source), child_of child session -> parent session,
 * part_of_run session -> run (attrs: phase), applies_to convention section -> file.
 */
export const HISTORY_EDGE_KINDS = ['produced_by', 'child_of', 'part_of_run', 'applies_to'] as const;

/** Node tables the history indexers own. */
export const HISTORY_TABLES = ['sessions', 'pipeline_runs', 'conventions'] as const;
