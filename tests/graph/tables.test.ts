// The table registry is the schema: a new graph has exactly its tables and columns, in its order and types; a graph
// made by an older schema is brought to the same tables; and an index writes only edge kinds the registry names.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCodeIndex } from '../../graph/code-writer.js';
import { GraphStore } from '../../graph/store.js';
import { appendColumns, EDGE_KINDS, edgeKindsOf, tablesOf, TABLES } from '../../graph/tables.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { codeRows } from '../support/code-graph.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('kg-tables-');

interface ColumnInfo {
  table: string;
  column: string;
  type: string;
  nullable: string;
}

async function columnsOf(store: GraphStore): Promise<ColumnInfo[]> {
  return store.all<ColumnInfo>(
    `SELECT table_name AS "table", column_name AS "column", data_type AS type, is_nullable AS nullable
     FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
}

function registryColumns(): ColumnInfo[] {
  return TABLES.flatMap((spec) =>
    spec.columns.map((c) => ({
      table: spec.name,
      column: c.name,
      type: c.type === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : c.type,
      nullable: c.notNull ? 'NO' : 'YES',
    })),
  ).sort((a, b) => (a.table === b.table ? 0 : a.table < b.table ? -1 : 1));
}

describe('the table registry', () => {
  it('is the schema of a new graph: every table and column, in order, with its type and NOT NULL', async () => {
    const store = await GraphStore.open({ path: join(dir, 'new', 'graph.duckdb') });
    try {
      expect(await columnsOf(store)).toEqual(registryColumns());
    } finally {
      store.close();
    }
  });

  it('gives every table one appender column per column, in the table order', () => {
    for (const spec of TABLES) expect(appendColumns(spec).map(([name]) => name), spec.name).toEqual(spec.columns.map((c) => c.name));
  });

  it('brings a graph of schema 1 (no enrichments table) to the same tables', async () => {
    const path = join(dir, 'old', 'graph.duckdb');
    const store = await GraphStore.open({ path });
    await writeCodeIndex(store, { root: '/ws', indexedAt: '2026-01-01T00:00:00.000Z', gitHead: null, ...codeRows({ 'src/a.ts': {} }) });
    await store.write(async (tx) => {
      await tx.run(`DROP TABLE enrichments`);
      await tx.run(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
    });
    store.close();
    const migrated = await GraphStore.open({ path });
    try {
      expect(await columnsOf(migrated)).toEqual(registryColumns());
    } finally {
      migrated.close();
    }
  });

  it('brings a graph of schema 3 (no doc comments or signatures) to the same columns, filled by its next reindex', async () => {
    const workspace = writeWorkspace(tempDir('kg-tables-migrate-ws-'), {
      ...SMALL_APP,
      'src/doc.ts': '// What this file is for.\n\n/** Opens it. */\nexport function open(path: string) {\n  return path;\n}\n',
    });
    const options = { dataDir: join(dir, 'no-data') };
    const path = join(dir, 'schema-3', 'graph.duckdb');
    const old = await GraphStore.open({ path });
    await indexWorkspaceInto(old, workspace, options);
    await old.write(async (tx) => {
      await tx.run(`ALTER TABLE files DROP COLUMN doc; ALTER TABLE symbols DROP COLUMN signature; ALTER TABLE symbols DROP COLUMN doc`);
      await tx.run(`UPDATE meta SET value = '3' WHERE key = 'schema_version'`);
    });
    old.close();
    const migrated = await GraphStore.open({ path });
    try {
      expect(await columnsOf(migrated)).toEqual(registryColumns());
      expect(await migrated.all(`SELECT count(*)::INTEGER AS n FROM index_state`)).toEqual([{ n: 0 }]);
      // No index state: the reindex is a full one, which extracts the new columns from every file.
      expect((await reindexWorkspaceInto(migrated, workspace, options)).mode).toBe('full');
      expect(await migrated.all(`SELECT doc FROM files WHERE path = 'src/doc.ts'`)).toEqual([{ doc: 'What this file is for.' }]);
      expect(await migrated.all(`SELECT name, signature, doc FROM symbols WHERE file = 'src/doc.ts'`)).toEqual([
        { name: 'open', signature: 'export function open(path: string)', doc: 'Opens it.' },
      ]);
    } finally {
      migrated.close();
    }
  });

  it('names an owner for every edge kind an index writes, and no kind twice', async () => {
    const workspace = writeWorkspace(tempDir('kg-tables-ws-'), {
      ...SMALL_APP,
      'AGENTS.md': '# Rules\nKeep it small.\n',
    });
    const store = await GraphStore.open({ path: join(dir, 'index', 'graph.duckdb') });
    try {
      await indexWorkspaceInto(store, workspace, { dataDir: join(dir, 'no-data') });
      const kinds = (await store.all<{ kind: string }>(`SELECT DISTINCT kind FROM edges ORDER BY kind`)).map((r) => r.kind);
      const known = EDGE_KINDS.map((spec) => spec.kind);
      expect(kinds.filter((kind) => !known.includes(kind))).toEqual([]);
      expect(kinds).toEqual(expect.arrayContaining(['imports', 'defines', 'applies_to']));
      expect(new Set(known).size).toBe(known.length);
      expect(tablesOf('code').map((t) => t.name)).toEqual(['files', 'symbols', 'packages', 'cli_commands', 'routes', 'diagnostics', 'index_state', 'file_terms']);
      expect(tablesOf('git').map((t) => t.name)).toEqual(['commits', 'commit_files']);
      expect(edgeKindsOf('conventions')).toEqual(['applies_to']);
    } finally {
      store.close();
    }
  });
});
