import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDataDir } from '../fixtures/datadir/generate.js';
import { holdDatabaseLock, kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const kg = kgRunner(tempDir('kg-home-'));

describe('kg reindex --session', () => {
  it('lands 8 sessions reindexed at once, each with its record and produced_by edges', async () => {
    const data = generateDataDir({ seed: 8, dir: tempDir('kg-sessions-'), sessions: 40, workspaces: 1, malformed: false, runs: 0 });
    const root = data.workspaces[0]!;
    const sessions = data.sessions.filter((s) => s.workspace === 0 && s.present && s.files !== null && s.files.length > 0).slice(0, 8);
    expect(sessions).toHaveLength(8);
    const db = join(tempDir(), 'graph.duckdb');
    const empty = join(tempDir(), 'no-data');
    mkdirSync(join(empty, 'sessions'), { recursive: true });
    expect((await kg(['index', root, '--db', db, '--data-dir', empty])).code).toBe(0);
    // The sessions changed their files after that index.
    for (const session of sessions) {
      for (const file of session.files!) if (existsSync(join(root, file.path))) appendFileSync(join(root, file.path), `\n// by ${session.id}\n`);
    }

    const results = await Promise.all(
      sessions.map((s) => kg(['reindex', '--workspace', root, '--db', db, '--data-dir', data.dataDir, '--session', s.id, '--json'])),
    );
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }

    for (const session of sessions) {
      const touched = JSON.parse((await kg(['query', 'files-touched', session.id, '--workspace', root, '--db', db, '--json'])).stdout);
      expect(touched.items.map((i: { path: string }) => i.path).sort()).toEqual(session.files!.map((f) => f.path).sort());
    }
    const recent = JSON.parse((await kg(['query', 'recent-sessions', '--limit', '1000', '--workspace', root, '--db', db, '--json'])).stdout);
    const ids = new Set(recent.items.map((i: { id: string }) => i.id));
    for (const session of sessions) expect(ids.has(session.id)).toBe(true);

    // And the graph is the one a full index builds.
    const fresh = join(tempDir(), 'fresh.duckdb');
    expect((await kg(['index', root, '--db', fresh, '--data-dir', data.dataDir])).code).toBe(0);
    expect((await kg(['export', '--db', db])).stdout).toBe((await kg(['export', '--db', fresh])).stdout);
  });

  it('with a deliberately tiny lock bound, each of 8 exits 1 with the documented message while another process holds the database', async () => {
    const data = generateDataDir({ seed: 9, dir: tempDir('kg-sessions-'), sessions: 20, workspaces: 1, malformed: false, runs: 0 });
    const root = data.workspaces[0]!;
    const ids = data.sessions.filter((s) => s.workspace === 0 && s.present).slice(0, 8).map((s) => s.id);
    const db = join(tempDir(), 'graph.duckdb');
    expect((await kg(['index', root, '--db', db, '--data-dir', data.dataDir])).code).toBe(0);
    const lock = await holdDatabaseLock(db, 5000);
    const results = await Promise.all(
      ids.map((id) =>
        kg(['reindex', '--workspace', root, '--db', db, '--data-dir', data.dataDir, '--session', id], { env: { KG_LOCK_TIMEOUT_MS: '100' } }),
      ),
    );
    await lock.release();
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^kg: graph .* is locked by another process \(PID \d+\); gave up after 0\.\d s \(set KG_LOCK_TIMEOUT_MS to wait longer\)\n$/);
    }
  });

  it('fails in one line for a session the data dir does not have', async () => {
    const data = generateDataDir({ seed: 3, dir: tempDir('kg-sessions-'), sessions: 5, workspaces: 1, malformed: false, runs: 0 });
    const db = join(tempDir(), 'graph.duckdb');
    await kg(['index', data.workspaces[0]!, '--db', db, '--data-dir', data.dataDir]);
    const result = await kg(['reindex', '--workspace', data.workspaces[0]!, '--db', db, '--data-dir', data.dataDir, '--session', 'no-such-session']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: unknown session: no-such-session is not a session of .*\n$/);
  });
});
