// `POST /v1/analyze` over a real socket on 127.0.0.1: the same report as `kg session analyze --json`, as the OpenAPI
// document describes it, and a data dir only a kg process of the server's user may name.

import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyzeAllSessions, analyzeSessionById } from '../../src/analyze/index.js';
import { LOCAL_SECRET_HEADER } from '../../src/server/access.js';
import { RemoteBackend } from '../../src/backend/remote.js';
import { readServerRecord } from '../../src/server/discovery.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { writeScriptedSession } from '../fixtures/agent-sessions.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-analyze-home-');
const dataDir = realpathSync(tempDir('kg-analyze-data-'));
const otherDataDir = realpathSync(tempDir('kg-analyze-other-'));
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = dataDir;
const workspace = realpathSync(tempDir('kg-analyze-ws-'));
let server: RunningServer;

function session(dir: string, id: string, text: string): void {
  writeScriptedSession(dir, {
    id,
    workspace,
    goal: 'Make the retry delay grow exponentially',
    slots: [
      { slot: 'fileFacts', items: [{ key: 'file:src/retry-policy.ts', text: '- src/retry-policy.ts: imported by 2 file(s) (src/client.ts, src/queue.ts)' }] },
      { slot: 'conventions', items: [{ key: 'convention:c1', text: '### AGENTS.md § Testing\nEvery change to the delivery queue needs a regression test.' }] },
    ],
    turns: [{ text }],
  });
}

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  session(dataDir, 'sess_cites', 'The graph says retry-policy.ts is used by the client; I will change the policy there.');
  session(dataDir, 'sess_ignores', 'I will look at the code and make the change.');
  session(otherDataDir, 'sess_elsewhere', 'Nothing to see.');
  server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
});
afterAll(async () => {
  await server.close();
});

describe('POST /v1/analyze', () => {
  it('answers one session with the report the CLI prints, as the OpenAPI document describes it', async () => {
    const { status, body } = await call('/v1/analyze', { workspace, session: 'sess_cites' });
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(analyzeSessionById({ dataDir, workspace }, 'sess_cites'))));
    expect(body.slots.map((s: { slot: string; verdict: string }) => [s.slot, s.verdict])).toEqual([
      ['fileFacts', 'first_turn'],
      ['conventions', 'ignored'],
    ]);
    const document = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const schema = z.fromJSONSchema(document.paths['/v1/analyze'].post.responses['200'].content['application/json'].schema);
    expect(schema.safeParse(body).error?.issues ?? []).toEqual([]);
  });

  it('answers every session of the workspace without `session`, and the same through the CLI\'s remote backend', async () => {
    const { status, body } = await call('/v1/analyze', { workspace });
    expect(status).toBe(200);
    expect(body).toMatchObject({ workspace, sessions: 2, partial: 0 });
    expect(body.slotKinds.find((k: { slot: string }) => k.slot === 'fileFacts')).toMatchObject({ sessionsGiven: 2, sessionsCited: 1, shareCited: 0.5 });
    expect(body).toEqual(JSON.parse(JSON.stringify(analyzeAllSessions({ dataDir, workspace }))));
    const remote = RemoteBackend.forRecord(readServerRecord()!);
    expect(JSON.parse(JSON.stringify(await remote.analyze({ workspace })))).toEqual(body);
  });

  it('says which input is wrong: an unknown session, an id that is a path, a key it does not take', async () => {
    const unknown = await call('/v1/analyze', { workspace, session: 'sess_nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_session');
    const traversal = await call('/v1/analyze', { workspace, session: '../../etc' });
    expect(traversal.status).toBe(400);
    expect(traversal.body.error.field).toBe('session');
    const typo = await call('/v1/analyze', { workspace, sesion: 'sess_cites' });
    expect(typo.status).toBe(400);
  });

  it('refuses a data dir from a web client and a workspace it does not serve; a kg process of the user may name one', async () => {
    const remote = await call('/v1/analyze', { workspace, dataDir: otherDataDir });
    expect(remote.status).toBe(403);
    expect(remote.body.error.code).toBe('forbidden');
    const reindex = await call('/v1/reindex', { workspace, dataDir: otherDataDir });
    expect(reindex.status).toBe(403);
    const outside = await call('/v1/analyze', { workspace: '/usr' });
    expect(outside.status).toBe(403);

    const secret = readServerRecord()!.localSecret!;
    const local = await call('/v1/analyze', { workspace, dataDir: otherDataDir }, { [LOCAL_SECRET_HEADER]: secret });
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ workspace, sessions: 1 });
  });
});
