// GET /v1/workspaces over a real socket on 127.0.0.1: every graph of KG_HOME with its status, those the server keeps
// open and those it reads for a moment, and each graph it cannot read listed with its error instead of failing the list.

import { cpSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDbPath } from '../../graph/location.js';
import { indexWorkspace } from '../../src/api.js';
import { workspacesSchema } from '../../src/server/openapi.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import type { WorkspaceListing } from '../../src/status.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { GitRepo } from '../support/git-repo.js';
import { holdDatabaseLock } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-list-home-');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = join(home, 'no-data');
// Indexed through the server, so held open by it; `alpha` is a git repository with a commit after its index.
const repo = new GitRepo(tempDir('kg-list-alpha-'));
const indexedHead = repo.commit({ subject: 'the app', write: SMALL_APP });
const alpha = realpathSync(repo.dir);
const beta = realpathSync(writeWorkspace(tempDir('kg-list-beta-'), { 'src/only.ts': 'export const only = 1;\n' }));
// Indexed in this process and closed again: the server reads them read-only for the listing.
const locked = realpathSync(writeWorkspace(tempDir('kg-list-locked-'), SMALL_APP));
const gone = realpathSync(writeWorkspace(tempDir('kg-list-gone-'), SMALL_APP));
const garbageDb = join(home, 'garbage-000000000000', 'graph.duckdb');
const copiedDb = join(home, 'copied-000000000000', 'graph.duckdb');
let server: RunningServer;

async function call(method: string, path: string) {
  const response = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function indexThroughServer(workspace: string): Promise<void> {
  const response = await fetch(`${server.url}/v1/reindex`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace, full: true }) });
  const job = (await response.json()) as { id: string };
  const ended = await call('GET', `/v1/jobs/${job.id}?waitMs=10000`);
  expect(ended.body).toMatchObject({ status: 'done' });
}

beforeAll(async () => {
  server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
  await indexThroughServer(alpha);
  repo.commit({ subject: 'after the index', write: { 'src/later.ts': null } });
  await indexThroughServer(beta);
  await indexWorkspace(locked);
  await indexWorkspace(gone);
  rmSync(gone, { recursive: true, force: true });
  // A graph file of the folder of another: what a copied (or moved) KG_HOME folder leaves.
  cpSync(dirname(defaultDbPath(locked)), dirname(copiedDb), { recursive: true });
  mkdirSync(dirname(garbageDb));
  writeFileSync(garbageDb, 'this is not a DuckDB file\n'.repeat(400));
});
afterAll(async () => {
  await server.close();
});

describe('GET /v1/workspaces', () => {
  it('lists every graph of KG_HOME sorted by workspace, each with its status or its error, a locked one too', async () => {
    const lock = await holdDatabaseLock(defaultDbPath(locked), 20_000);
    let listed: WorkspaceListing[];
    try {
      const response = await call('GET', '/v1/workspaces');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(['workspaces']);
      // Errors included, it is what the OpenAPI document says.
      expect(workspacesSchema.strict().safeParse(response.body).error?.issues ?? []).toEqual([]);
      listed = response.body.workspaces as WorkspaceListing[];
    } finally {
      await lock.release();
    }
    const workspaces = listed.map((entry) => entry.workspace);
    expect(workspaces).toEqual([...workspaces].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(listed).toHaveLength(6);
    const entry = (workspace: string, db = defaultDbPath(workspace)) => listed.find((e) => e.workspace === workspace && e.db === db);

    // The two the server holds: what GET /v1/status answers for each.
    for (const workspace of [alpha, beta]) {
      const status = await call('GET', `/v1/status?workspace=${encodeURIComponent(workspace)}`);
      expect(entry(workspace)).toEqual({ workspace, db: defaultDbPath(workspace), status: status.body, error: null });
    }
    expect(entry(alpha)!.status).toMatchObject({
      workspaceRoot: alpha,
      tables: { files: Object.keys(SMALL_APP).length },
      gitHead: indexedHead,
      gitHeadNow: repo.head(),
      headMovedSinceIndex: true,
      vectors: { state: 'off' },
    });
    expect(entry(beta)!.status).toMatchObject({ tables: { files: 1 }, gitHead: null });

    // Its meta cannot be read while another process holds it: listed by its folder.
    const lockedDb = defaultDbPath(locked);
    expect(entry(dirname(lockedDb), lockedDb)).toMatchObject({ status: null, error: { code: 'locked', message: expect.stringContaining('locked by another process') } });
    expect(entry(gone)).toMatchObject({ status: null, error: { code: 'not_a_workspace', message: expect.stringContaining('no longer exists') } });
    expect(entry(locked, copiedDb)).toMatchObject({ status: null, error: { code: 'not_a_workspace', message: expect.stringContaining(defaultDbPath(locked)) } });
    // Nothing in it names a workspace: listed by its folder.
    expect(entry(dirname(garbageDb), garbageDb)).toMatchObject({ status: null, error: { code: 'io', message: expect.stringContaining(garbageDb) } });
  });

  it('keeps no graph it only read: another process can take their locks at once, and the pool opens them as before', async () => {
    await call('GET', '/v1/workspaces');
    for (const db of [defaultDbPath(locked), copiedDb]) await (await holdDatabaseLock(db, 20_000)).release();
    // A query that opens the graph into the pool while a listing reads it: the pool's open waits for the listing's.
    const [during, query] = await Promise.all([
      call('GET', '/v1/workspaces'),
      fetch(`${server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace: locked, intent: { kind: 'cycles' } }) }),
    ]);
    expect(query.status).toBe(200);
    expect((during.body.workspaces as WorkspaceListing[]).find((e) => e.db === defaultDbPath(locked))).toMatchObject({ workspace: locked, error: null });
    // Now held by the server, it is listed with its status.
    const listed = (await call('GET', '/v1/workspaces')).body.workspaces as WorkspaceListing[];
    expect(listed.find((e) => e.db === defaultDbPath(locked))).toMatchObject({ workspace: locked, error: null, status: { workspace: locked } });
  });

  it('takes GET only', async () => {
    const response = await call('POST', '/v1/workspaces');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('lists nothing, without failing, for a KG_HOME with no graph', async () => {
    const empty = tempDir('kg-list-empty-');
    process.env.KG_HOME = empty;
    try {
      const other = await startServer({ port: 0, advertise: false });
      try {
        const response = await fetch(`${other.url}/v1/workspaces`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ workspaces: [] });
      } finally {
        await other.close();
      }
    } finally {
      process.env.KG_HOME = home;
    }
  });
});
