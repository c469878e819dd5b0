// kg serve probed as an attacker would: a web page the user opens (cross-site simple requests, DNS rebinding), a
// client asking for folders it was not given, hostile request fields, slow clients at shutdown. Each test is an
// attack that worked before the server checked for it.

import { existsSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDbPath } from '../../graph/location.js';
import { GraphStore } from '../../graph/store.js';
import { LOCAL_SECRET_HEADER } from '../../src/server/access.js';
import { readServerRecord, recordPath } from '../../src/server/discovery.js';
import { secretsEqual } from '../../src/server/guard.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-sec-home-');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = join(home, 'no-data');
// Indexed by the test as a local client; then any client may query it.
const indexed = realpathSync(writeWorkspace(tempDir('kg-sec-ws-'), SMALL_APP));
// Never indexed, under no allowed root.
const stranger = realpathSync(writeWorkspace(tempDir('kg-sec-stranger-'), SMALL_APP));
// Under the server's --allow-root.
const allowedRoot = realpathSync(tempDir('kg-sec-allowed-'));
const allowedWorkspace = writeWorkspace(join(allowedRoot, 'project'), SMALL_APP);
let server: RunningServer;
let localSecret: string;

interface Raw {
  status: number;
  body: Record<string, unknown>;
}

/** A request with exactly these headers (fetch would not let a test set Host), over a real socket. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: { text } });
          }
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const host = () => `127.0.0.1:${server.port}`;
const json = (extra: Record<string, string> = {}) => ({ host: host(), 'content-type': 'application/json', ...extra });
const errorCode = (response: Raw) => (response.body.error as { code?: string } | undefined)?.code;

async function jobEnded(id: string, headers: Record<string, string> = json()): Promise<Record<string, unknown>> {
  for (;;) {
    const { body } = await raw('GET', `/v1/jobs/${id}`, headers);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  server = await startServer({ port: 0, lockTimeoutMs: 500, allowRoots: [allowedRoot] });
  localSecret = readServerRecord()!.localSecret!;
  const submitted = await raw('POST', '/v1/reindex', json({ [LOCAL_SECRET_HEADER]: localSecret }), JSON.stringify({ workspace: indexed, full: true }));
  expect(submitted.status).toBe(202);
  expect(await jobEnded(submitted.body.id as string)).toMatchObject({ status: 'done' });
});
afterAll(() => server.close());

describe('a web page cannot drive kg serve', () => {
  it('refuses a cross-site text/plain or form POST (no preflight is needed for those)', async () => {
    const body = JSON.stringify({ workspace: stranger, full: true });
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const withOrigin = await raw('POST', '/v1/reindex', { host: host(), 'content-type': type, origin: 'http://evil.example' }, body);
      expect(withOrigin.status, type).toBe(403);
      expect(errorCode(withOrigin)).toBe('forbidden_origin');
      // Even from a client that sends no Origin, such a body is never read.
      const without = await raw('POST', '/v1/reindex', { host: host(), 'content-type': type }, body);
      expect(without.status, type).toBe(415);
      expect(errorCode(without)).toBe('unsupported_media_type');
    }
    const none = await raw('POST', '/v1/query', { host: host() }, JSON.stringify({ workspace: indexed, intent: { kind: 'hotspots' } }));
    expect(none.status).toBe(415);
    expect(existsSync(defaultDbPath(stranger))).toBe(false);
  });

  it('refuses a foreign Origin on every route, and takes its own', async () => {
    for (const origin of ['http://evil.example', 'null', `http://localhost:${server.port + 1}`, `https://127.0.0.1:${server.port}`, 'http://127.0.0.1.evil.example']) {
      const response = await raw('POST', '/v1/query', json({ origin }), JSON.stringify({ workspace: indexed, intent: { kind: 'hotspots' } }));
      expect(response.status, origin).toBe(403);
      expect(errorCode(response)).toBe('forbidden_origin');
      expect((await raw('GET', '/v1/health', { host: host(), origin })).status, origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const response = await raw('POST', '/v1/query', json({ origin }), JSON.stringify({ workspace: indexed, intent: { kind: 'hotspots' } }));
      expect(response.status, origin).toBe(200);
    }
  });

  it('answers no route to a Host that is not this server (DNS rebinding), MCP included', async () => {
    for (const name of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      const headers = { ...json(), host: name };
      expect((await raw('GET', '/v1/health', headers)).status, name).toBe(403);
      expect((await raw('GET', `/v1/status?workspace=${encodeURIComponent(indexed)}`, headers)).status, name).toBe(403);
      expect((await raw('GET', '/v1/workspaces', headers)).status, name).toBe(403);
      const query = await raw('POST', '/v1/query', headers, JSON.stringify({ workspace: indexed, intent: { kind: 'hotspots' } }));
      expect(query.status, name).toBe(403);
      expect(errorCode(query)).toBe('forbidden_host');
      const mcp = await raw(
        'POST',
        '/mcp',
        { ...headers, accept: 'application/json, text/event-stream' },
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'evil', version: '1' } } }),
      );
      expect(mcp.status, name).toBe(403);
    }
    // A request with no Host at all (HTTP/1.0) names no server either.
    const bare = connect(server.port, '127.0.0.1');
    let reply = '';
    bare.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    await new Promise<void>((resolve) => bare.once('connect', () => resolve()));
    bare.end('GET /v1/health HTTP/1.0\r\n\r\n');
    await new Promise<void>((resolve) => bare.once('close', () => resolve()));
    expect(reply).toMatch(/^HTTP\/1\.[01] 403/);
    for (const name of [host(), `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      expect((await raw('GET', '/v1/health', { host: name })).status, name).toBe(200);
    }
  });
});

describe('a client gets only the workspaces the server was given', () => {
  it('refuses to index a folder that is neither indexed nor under --allow-root, naming the flag', async () => {
    const response = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: stranger, full: true }));
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('forbidden');
    expect((response.body.error as { message: string }).message).toMatch(/--allow-root/);
    for (const [method, path, body] of [
      ['POST', '/v1/query', { workspace: stranger, intent: { kind: 'hotspots' } }],
      ['POST', '/v1/enrich', { workspace: stranger, goal: 'x', budgetTokens: 100 }],
      ['GET', `/v1/status?workspace=${encodeURIComponent(stranger)}`, undefined],
    ] as const) {
      const refused = await raw(method, path, json(), body === undefined ? undefined : JSON.stringify(body));
      expect(refused.status, path).toBe(403);
    }
    expect(existsSync(defaultDbPath(stranger))).toBe(false);
  });

  it('refuses an embedding model id that would climb out of the model folder, before any work', async () => {
    for (const embedModel of ['../../etc', '/etc/passwd', 'a/b/c', 'Xenova/..', '.hidden/model']) {
      const response = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: indexed, vectors: true, embedModel }));
      expect(response.status, embedModel).toBe(400);
      expect(errorCode(response), embedModel).toBe('bad_input');
    }
  });

  it('never indexes /, not even for a local client', async () => {
    for (const headers of [json(), json({ [LOCAL_SECRET_HEADER]: localSecret })]) {
      for (const workspace of ['/', '/.', '/tmp/..']) {
        const response = await raw('POST', '/v1/reindex', headers, JSON.stringify({ workspace, full: true }));
        expect(response.status, workspace).toBe(403);
        expect((response.body.error as { message: string }).message).toMatch(/never a workspace/);
      }
    }
  });

  it('serves an indexed workspace and one under --allow-root to any client', async () => {
    const query = await raw('POST', '/v1/query', json(), JSON.stringify({ workspace: indexed, intent: { kind: 'importers', file: 'src/store.ts' } }));
    expect(query.status).toBe(200);
    const submitted = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: allowedWorkspace, full: true }));
    expect(submitted.status).toBe(202);
    expect(await jobEnded(submitted.body.id as string)).toMatchObject({ status: 'done' });
  });

  it('lets a local client (the secret of the 0600 serve.json) index a new folder, and no one who guesses', async () => {
    expect(statSync(recordPath()).mode & 0o777).toBe(0o600);
    const fresh = realpathSync(writeWorkspace(tempDir('kg-sec-fresh-'), SMALL_APP));
    const guessed = await raw('POST', '/v1/reindex', json({ [LOCAL_SECRET_HEADER]: localSecret.slice(0, -1) + 'x' }), JSON.stringify({ workspace: fresh, full: true }));
    expect(guessed.status).toBe(403);
    const local = await raw('POST', '/v1/reindex', json({ [LOCAL_SECRET_HEADER]: localSecret }), JSON.stringify({ workspace: fresh, full: true }));
    expect(local.status).toBe(202);
    expect(await jobEnded(local.body.id as string)).toMatchObject({ status: 'done' });
  });

  it('does not follow a link under an allowed root out of it', async () => {
    const outside = realpathSync(writeWorkspace(tempDir('kg-sec-outside-'), SMALL_APP));
    symlinkSync(outside, join(allowedRoot, 'link-out'));
    const response = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: join(allowedRoot, 'link-out'), full: true }));
    expect(response.status).toBe(403);
    expect(existsSync(defaultDbPath(outside))).toBe(false);
  });
});

describe('hostile request fields', () => {
  it('refuses a relative dataDir (it would be read from the server’s working folder) and an unbounded maxFileBytes', async () => {
    const relative = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: indexed, dataDir: '../data' }));
    expect(relative.status).toBe(400);
    expect(relative.body.error).toMatchObject({ field: 'dataDir' });
    const huge = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: indexed, full: true, maxFileBytes: 2 ** 40 }));
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatchObject({ field: 'maxFileBytes' });
  });

  it('does not index a file outside the workspace named through ..', async () => {
    const elsewhere = tempDir('kg-sec-elsewhere-');
    writeFileSync(join(elsewhere, 'x.ts'), "export const secret = 'outside';\n");
    // Both folders are in the temp folder: `src/../../<elsewhere>/x.ts` leaves the workspace by its text.
    const escaping = `src/../../${basename(elsewhere)}/x.ts`;
    const submitted = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace: indexed, files: [escaping, join(elsewhere, 'x.ts')] }));
    expect(submitted.status).toBe(202);
    const job = await jobEnded(submitted.body.id as string);
    const result = job.result as { added?: string[]; modified?: string[] } | null;
    expect([...(result?.added ?? []), ...(result?.modified ?? [])].filter((path) => path.includes('x.ts'))).toEqual([]);
    const symbol = await raw('POST', '/v1/query', json(), JSON.stringify({ workspace: indexed, intent: { kind: 'symbol', name: 'secret' } }));
    expect(symbol.status).toBe(200);
    expect(symbol.body.items).toEqual([]);
  });

  it('compares tokens by digest, so neither a shorter nor a longer guess is told apart', () => {
    expect(secretsEqual('s3cret', 's3cret')).toBe(true);
    for (const guess of ['', 's', 's3cre', 's3creT', 's3crett', 's3cret\u0000']) expect(secretsEqual(guess, 's3cret'), guess).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
  });
});

describe('a graph that no index completed', () => {
  it('is no graph (404) for query, enrich and status, and a full index replaces it', async () => {
    const workspace = writeWorkspace(join(allowedRoot, 'half-written'), SMALL_APP);
    // What a first index killed before its commit leaves: the schema, no index.
    (await GraphStore.open({ path: defaultDbPath(workspace) })).close();
    for (const [method, path, body] of [
      ['POST', '/v1/query', { workspace, intent: { kind: 'hotspots' } }],
      ['POST', '/v1/enrich', { workspace, goal: 'fix src/store.ts', budgetTokens: 200 }],
      ['GET', `/v1/status?workspace=${encodeURIComponent(workspace)}`, undefined],
    ] as const) {
      const response = await raw(method, path, json(), body === undefined ? undefined : JSON.stringify(body));
      expect(response.status, path).toBe(404);
      expect(errorCode(response), path).toBe('no_graph');
    }
    const submitted = await raw('POST', '/v1/reindex', json(), JSON.stringify({ workspace, full: true }));
    expect(await jobEnded(submitted.body.id as string)).toMatchObject({ status: 'done' });
    const query = await raw('POST', '/v1/query', json(), JSON.stringify({ workspace, intent: { kind: 'hotspots' } }));
    expect(query.status).toBe(200);
  });
});

describe('shutdown is bounded', () => {
  it('closes within its grace with a request still being sent, and cancels the jobs that had not started', async () => {
    const own = await startServer({ port: 0, advertise: false, shutdownGraceMs: 300, allowRoots: [allowedRoot] });
    // A client that sends its headers and then a body that never ends.
    const slow: Socket = connect(own.port, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(`POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:${own.port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"workspace":`);
    slow.on('error', () => undefined);
    const jobs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${own.url}/v1/reindex`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: allowedWorkspace, full: true }),
      });
      jobs.push(((await response.json()) as { id: string }).id);
    }
    const ended = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    const report = await own.close();
    // The first job may have run; the others were queued behind it and never started.
    expect(report.cancelledJobs).toBeGreaterThanOrEqual(jobs.length - 1);
    // The slow client was cut off rather than waited for.
    await ended;
  });
});
