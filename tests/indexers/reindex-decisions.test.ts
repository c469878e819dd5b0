// The reindex decides centrally which indexers run again: an edited rule document runs the conventions indexer
// alone, a new session the sessions indexer alone, and either way the graph is the one a full index builds.

import { appendFileSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLines } from '../../graph/export.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { generateDataDir } from '../fixtures/datadir/generate.js';
import { tempDir } from '../support/temp.js';

async function exported(store: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportLines(store)) lines.push(JSON.stringify(line));
  return lines;
}

// Warnings only the sessions indexer gives (the fixture's malformed sessions give several of them).
const SESSION_WARNINGS = /^(manifest_|segment_|event_|session_|stats_|run_)/;

describe('what a reindex runs again', () => {
  it('runs only the indexer whose inputs moved, and leaves the graph a full index would build', async () => {
    const data = generateDataDir({ seed: 11, dir: join(tempDir('kg-decide-'), 'fixture'), sessions: 120, workspaces: 1, malformed: true, git: false });
    const root = data.workspaces[0]!;
    const options = { dataDir: data.dataDir, git: null };
    const dbDir = tempDir('kg-decide-db-');
    const store = await GraphStore.open({ path: join(dbDir, 'incremental.duckdb') });
    const full = await GraphStore.open({ path: join(dbDir, 'full.duckdb') });
    try {
      const indexed = await indexWorkspaceInto(store, root, options);
      expect(indexed.warnings.some((w) => SESSION_WARNINGS.test(w.code))).toBe(true);

      // Nothing moved: nothing runs, nothing is written.
      const idle = await reindexWorkspaceInto(store, root, options);
      expect(idle).toMatchObject({ historyRefreshed: false, history: null, counts: null });

      // A rule document edited: the conventions run again, the sessions are not read (none of their warnings).
      appendFileSync(join(root, 'AGENTS.md'), '\n## Releases\nTag every release.\n');
      const conventions = await reindexWorkspaceInto(store, root, options);
      expect(conventions.historyRefreshed).toBe(true);
      expect(conventions.warnings.filter((w) => SESSION_WARNINGS.test(w.code))).toEqual([]);
      const afterEdit = await indexWorkspaceInto(full, root, options);
      expect(conventions.history).toEqual({
        sessions: afterEdit.history.sessions,
        pipelineRuns: afterEdit.history.pipelineRuns,
        conventions: afterEdit.history.conventions,
        producedBy: afterEdit.history.producedBy,
        appliesTo: afterEdit.history.appliesTo,
      });
      expect(await exported(store)).toEqual(await exported(full));

      // A session's manifest grew: the sessions run again (their warnings come back), the graph is a full index's.
      const sessionDir = join(data.dataDir, 'sessions');
      const someSession = readdirSync(sessionDir).sort()[0]!;
      const copy = join(sessionDir, `${someSession}x`);
      cpSync(join(sessionDir, someSession), copy, { recursive: true });
      const sessions = await reindexWorkspaceInto(store, root, options);
      expect(sessions.historyRefreshed).toBe(true);
      expect(sessions.warnings.some((w) => SESSION_WARNINGS.test(w.code))).toBe(true);
      await indexWorkspaceInto(full, root, options);
      expect(await exported(store)).toEqual(await exported(full));
    } finally {
      store.close();
      full.close();
    }
  });
});
