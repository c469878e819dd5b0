// The HTTP API over a real socket on 127.0.0.1: routes, validation, status codes, jobs, auth and the lock.

import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerRecord } from '../../src/server/discovery.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { defaultDbPath } from '../../graph/location.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { holdDatabaseLock } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-http-home-');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = join(home, 'no-data');
const workspace = realpathSync(writeWorkspace(tempDir('kg-http-ws-'), SMALL_APP));
let server: RunningServer;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, any> };
}

async function finished(jobId: string) {
  for (;;) {
    const { body } = await call('GET', `/v1/jobs/${jobId}`);
    if (body.status === 'done' || body.status === 'failed') return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
});
afterAll(async () => {
  await server.close();
});

describe('kg serve', () => {
  it('binds loopback and records itself for the CLI', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readServerRecord()).toMatchObject({ pid: process.pid, url: server.url, token: null });
    const { status, body } = await call('GET', '/v1/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, pid: process.pid });
  });

  it('indexes through a job, then answers queries with the CLI contract shape', async () => {
    const submitted = await call('POST', '/v1/reindex', { workspace, full: true });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/v1/jobs/${submitted.body.id}`);
    const job = await finished(submitted.body.id);
    expect(job).toMatchObject({ status: 'done', kind: 'index', workspace, error: null });
    expect(job.result.counts.files).toBe(Object.keys(SMALL_APP).length);
    expect(existsSync(defaultDbPath(workspace))).toBe(true);

    const { status, body } = await call('POST', '/v1/query', { workspace, intent: { kind: 'importers', file: 'src/store.ts' } });
    expect(status).toBe(200);
    expect(body.items.map((i: { path: string }) => i.path)).toEqual(['src/cli.ts', 'src/server.ts', 'tests/store.test.ts']);
    expect(body).toMatchObject({ kind: 'importers', truncated: false, total: 3 });
    expect(typeof body.text).toBe('string');
    expect(body.freshness).toHaveProperty('indexedAt');
  });

  it('runs an incremental reindex job after an index, one after the other', async () => {
    const a = await call('POST', '/v1/reindex', { workspace, files: ['src/schema.ts'] });
    const b = await call('POST', '/v1/reindex', { workspace });
    const [ja, jb] = [await finished(a.body.id), await finished(b.body.id)];
    expect(ja).toMatchObject({ status: 'done', kind: 'reindex' });
    expect(jb.status).toBe('done');
    expect(Date.parse(jb.startedAt)).toBeGreaterThanOrEqual(Date.parse(ja.finishedAt));
  });

  it('holds a job\'s answer back until it ends with waitMs, and says what waitMs takes', async () => {
    const submitted = await call('POST', '/v1/reindex', { workspace, full: true });
    const waited = await call('GET', `/v1/jobs/${submitted.body.id}?waitMs=10000`);
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ id: submitted.body.id, status: 'done' });
    for (const bad of ['abc', '-1', '10001', '1e3']) {
      const refused = await call('GET', `/v1/jobs/${submitted.body.id}?waitMs=${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error).toMatchObject({ field: 'waitMs', message: 'waitMs: milliseconds to wait for the job to end, 0 to 10000' });
    }
    expect((await call('GET', '/v1/jobs/nope?waitMs=100')).status).toBe(404);
  });

  it('enriches a goal: slots, rendered text within the budget, and the manifest', async () => {
    const { status, body } = await call('POST', '/v1/enrich', { workspace, goal: 'fix the schema in src/schema.ts', budgetTokens: 300 });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['manifest', 'rendered', 'sections', 'slots']);
    // Each included slot's exact text, in the order of the rendered prompt: what a session record keeps.
    expect(body.sections.map((s: { slot: string }) => s.slot)).toEqual(body.manifest.slots.filter((s: { included: boolean }) => s.included).map((s: { slot: string }) => s.slot));
    for (const section of body.sections) expect(body.rendered).toContain(section.text);
    expect(body.manifest).toMatchObject({ goalPaths: ['src/schema.ts'], budgetTokens: 300, spawnDepth: 0 });
    expect(body.manifest.renderedTokens).toBeLessThanOrEqual(300);
    expect(body.slots.fileFacts[0]).toMatchObject({ path: 'src/schema.ts', importers: ['src/store.ts'] });
    expect(body.rendered).toContain('src/schema.ts');
    const bad = await call('POST', '/v1/enrich', { workspace, goal: 'x', budgetTokens: 'lots' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('budgetTokens');
  });

  it('answers the status of a workspace', async () => {
    const { status, body } = await call('GET', `/v1/status?workspace=${encodeURIComponent(workspace)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ workspace, db: defaultDbPath(workspace) });
    expect(body.tables.files).toBeGreaterThan(0);
  });

  it('serves an OpenAPI document whose request schemas come from the validation schemas', async () => {
    const { status, body } = await call('GET', '/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const query = body.paths['/v1/query'].post.requestBody.content['application/json'].schema;
    expect(query.required).toEqual(expect.arrayContaining(['workspace', 'intent']));
    expect(JSON.stringify(query)).toContain('"importers"');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/enrich', '/v1/reindex', '/v1/jobs/{id}', '/v1/health', '/mcp']));
  });

  it('names the offending field of a bad request', async () => {
    const cases: [unknown, string][] = [
      [{ workspace, intent: { kind: 'importers' } }, 'intent.file'],
      [{ workspace, intent: { kind: 'importers', file: 7 } }, 'intent.file'],
      [{ workspace, intent: { kind: 'importers', file: 'src/a.ts', limit: 0 } }, 'intent.limit'],
      [{ workspace, intent: { kind: 'no_such_kind' } }, 'intent.kind'],
      [{ workspace: 'relative/path', intent: { kind: 'cycles' } }, 'workspace'],
      [{ intent: { kind: 'cycles' } }, 'workspace'],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/v1/query', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'bad_input', field });
      expect(response.body.error.message).toContain(field);
    }
    const unknownKind = await call('POST', '/v1/query', { workspace, intent: { kind: 'no_such_kind' } });
    expect(unknownKind.body.error.message).toContain('importers');
  });

  it('says 404 for an unknown workspace, a workspace without a graph, an unknown file and an unknown job', async () => {
    const missing = await call('POST', '/v1/query', { workspace: join(workspace, 'nope'), intent: { kind: 'cycles' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_a_workspace');
    const bare = realpathSync(tempDir('kg-http-bare-'));
    const noGraph = await call('POST', '/v1/query', { workspace: bare, intent: { kind: 'cycles' } });
    expect(noGraph.status).toBe(404);
    expect(noGraph.body.error.code).toBe('no_graph');
    const unknownFile = await call('POST', '/v1/query', { workspace, intent: { kind: 'importers', file: 'src/nope.ts' } });
    expect(unknownFile.status).toBe(404);
    expect(unknownFile.body.error.code).toBe('unknown_file');
    const job = await call('GET', '/v1/jobs/not-a-job');
    expect(job.status).toBe(404);
    expect(job.body.error.code).toBe('unknown_job');
  });

  it('rejects bodies that are not JSON objects, wrong methods, unknown routes and large bodies with a JSON 4xx', async () => {
    expect((await call('POST', '/v1/query', '{"workspace":')).status).toBe(400);
    expect((await call('POST', '/v1/query', '')).body.error.field).toBe('body');
    expect((await call('POST', '/v1/query', '[1,2]')).body.error.message).toContain('JSON object');
    const wrongMethod = await call('GET', '/v1/query');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await call('GET', '/v1/nothing')).status).toBe(404);
    const huge = await call('POST', '/v1/query', JSON.stringify({ workspace, intent: { kind: 'cycles' }, pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('too_large');
  });

  it('answers 503 with Retry-After when another process holds the graph', async () => {
    const other = realpathSync(writeWorkspace(tempDir('kg-http-locked-'), SMALL_APP));
    const indexed = await call('POST', '/v1/reindex', { workspace: other, full: true });
    expect((await finished(indexed.body.id)).status).toBe('done');
    // A second server instance of its own (its pool does not hold `other` yet) meets the lock of another process.
    const second = await startServer({ port: 0, lockTimeoutMs: 300, advertise: false, allowRoots: [tmpdir()] });
    try {
      await server.close();
      const lock = await holdDatabaseLock(defaultDbPath(other), 10_000);
      try {
        const response = await fetch(`${second.url}/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workspace: other, intent: { kind: 'cycles' } }),
        });
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('locked');
      } finally {
        await lock.release();
      }
      // Once the lock is gone the same request succeeds: a failed open is not remembered.
      const retried = await fetch(`${second.url}/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workspace: other, intent: { kind: 'cycles' } }),
      });
      expect(retried.status).toBe(200);
    } finally {
      await second.close();
      server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
    }
  });
});

describe('kg serve with a token', () => {
  it('refuses a non-loopback address without a token', async () => {
    await expect(startServer({ host: '0.0.0.0', port: 0, advertise: false })).rejects.toThrow(/without a token/);
  });

  it('requires the bearer token on every route', async () => {
    const guarded = await startServer({ port: 0, token: 's3cret', advertise: false });
    try {
      for (const [method, path] of [['GET', '/v1/health'], ['GET', '/v1/openapi.json'], ['POST', '/v1/query'], ['POST', '/v1/enrich'], ['POST', '/v1/reindex'], ['GET', '/v1/jobs/x'], ['GET', '/v1/workspaces'], ['POST', '/mcp']] as const) {
        for (const authorization of [undefined, 'Bearer wrong', 's3cret', 'Bearer s3cret2']) {
          const response = await fetch(`${guarded.url}${path}`, {
            method,
            headers: authorization ? { authorization } : {},
            ...(method === 'POST' ? { body: '{}' } : {}),
          });
          expect(response.status, `${method} ${path} ${authorization}`).toBe(401);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        }
      }
      const ok = await fetch(`${guarded.url}/v1/health`, { headers: { authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
      const listed = await fetch(`${guarded.url}/v1/workspaces`, { headers: { authorization: 'Bearer s3cret' } });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { workspaces: unknown[] }).workspaces).toEqual(expect.any(Array));
    } finally {
      await guarded.close();
    }
  });
});
