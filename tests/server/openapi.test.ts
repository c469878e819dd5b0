// The OpenAPI document's response schemas against a real server on 127.0.0.1: each route's real response must validate
// with the JSON Schema the document gives for it (read back into zod, objects closed as the document says), and the
// reports of real index and reindex runs must match their zod schemas without losing a key.

import { writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobViewSchema } from '../../src/backend/jobs.js';
import { indexReportSchema, reindexReportSchema } from '../../src/reports.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-openapi-home-');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = join(home, 'no-data');
const workspace = realpathSync(writeWorkspace(tempDir('kg-openapi-ws-'), SMALL_APP));
let server: RunningServer;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked by path below
let document: Record<string, any>;

interface Sent {
  status: number;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown): Promise<Sent> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

async function finished(id: string): Promise<Sent> {
  for (;;) {
    const sent = await call('GET', `/v1/jobs/${id}`);
    const status = (sent.body as { status: string }).status;
    if (status === 'done' || status === 'failed') return sent;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The JSON Schema the document gives for `path`'s `method` response with `status`. */
function documented(path: string, method: string, status: string): Record<string, unknown> {
  const schema = document.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
  expect(schema, `${method.toUpperCase()} ${path} ${status}`).toBeTypeOf('object');
  return schema as Record<string, unknown>;
}

/** Fails naming the first mismatch when `sent` is not the documented response. */
function expectDocumented(sent: Sent, path: string, method: string): void {
  const schema = z.fromJSONSchema(documented(path, method, String(sent.status)));
  const result = schema.safeParse(sent.body);
  expect(result.error?.issues ?? [], `${method.toUpperCase()} ${path}`).toEqual([]);
}

const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

beforeAll(async () => {
  server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
  document = (await call('GET', '/v1/openapi.json')).body as Record<string, unknown>;
});
afterAll(async () => {
  await server.close();
});

describe('the OpenAPI document', () => {
  it('gives a JSON Schema for every JSON response of the v1 routes, with no $ref to resolve elsewhere', () => {
    for (const [path, method, status] of [
      ['/v1/query', 'post', '200'],
      ['/v1/enrich', 'post', '200'],
      ['/v1/analyze', 'post', '200'],
      ['/v1/reindex', 'post', '202'],
      ['/v1/jobs/{id}', 'get', '200'],
      ['/v1/status', 'get', '200'],
      ['/v1/workspaces', 'get', '200'],
      ['/v1/health', 'get', '200'],
    ] as const) {
      const schema = documented(path, method, status);
      expect(schema.$schema).toBeUndefined();
      expect(JSON.stringify(schema)).not.toContain('$ref');
    }
    // Closed objects: a response with a key the schema does not name fails, so the schemas cannot silently fall behind.
    expect(documented('/v1/health', 'get', '200')).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('describes the real index job, its report, and the reindex after it', async () => {
    const submitted = await call('POST', '/v1/reindex', { workspace, full: true });
    expect(submitted.status).toBe(202);
    expectDocumented(submitted, '/v1/reindex', 'post');
    const indexed = await finished((submitted.body as { id: string }).id);
    expect(indexed.body).toMatchObject({ status: 'done', kind: 'index' });
    expectDocumented(indexed, '/v1/jobs/{id}', 'get');
    const { db: _db, ...indexReport } = (indexed.body as { result: Record<string, unknown> }).result;
    expect(asJson(indexReportSchema.parse(indexReport))).toEqual(indexReport);

    writeFileSync(join(workspace, 'src/added.ts'), "import { openStore } from './store.js';\nexport const added = openStore;\n");
    const again = await call('POST', '/v1/reindex', { workspace, files: ['src/added.ts'] });
    const reindexed = await finished((again.body as { id: string }).id);
    expect(reindexed.body).toMatchObject({ status: 'done', kind: 'reindex', result: { mode: 'incremental', added: ['src/added.ts'] } });
    expectDocumented(reindexed, '/v1/jobs/{id}', 'get');
    const { db: _db2, ...reindexReport } = (reindexed.body as { result: Record<string, unknown> }).result;
    expect(asJson(reindexReportSchema.parse(reindexReport))).toEqual(reindexReport);
    expect(asJson(jobViewSchema.parse(reindexed.body))).toEqual(reindexed.body);
  });

  it('describes real answers of several kinds', async () => {
    for (const intent of [
      { kind: 'importers', file: 'src/store.ts' },
      { kind: 'dependencies', file: 'src/cli.ts' },
      { kind: 'impact', files: ['src/store.ts'] },
      { kind: 'routes' },
      { kind: 'cycles' },
      { kind: 'recent_sessions' },
    ]) {
      const sent = await call('POST', '/v1/query', { workspace, intent });
      expect(sent.status, intent.kind).toBe(200);
      expect(sent.body).toMatchObject({ kind: intent.kind });
      expectDocumented(sent, '/v1/query', 'post');
    }
  });

  it('describes the real enrich result, status, list of workspaces and health', async () => {
    const enriched = await call('POST', '/v1/enrich', { workspace, goal: 'Fix src/store.ts', budgetTokens: 2000, record: false });
    expect(enriched.status).toBe(200);
    expectDocumented(enriched, '/v1/enrich', 'post');
    const status = await call('GET', `/v1/status?workspace=${encodeURIComponent(workspace)}`);
    expect(status.status).toBe(200);
    expectDocumented(status, '/v1/status', 'get');
    const listed = await call('GET', '/v1/workspaces');
    expect(listed.body).toMatchObject({ workspaces: [{ workspace, status: { workspace }, error: null }] });
    expectDocumented(listed, '/v1/workspaces', 'get');
    const health = await call('GET', '/v1/health');
    expectDocumented(health, '/v1/health', 'get');
  });

  it('rejects responses that are not what it documents', () => {
    const job = z.fromJSONSchema(documented('/v1/jobs/{id}', 'get', '200'));
    const queued = { id: 'j', kind: 'index', workspace, status: 'queued', createdAt: 'now', startedAt: null, finishedAt: null, result: null, error: null };
    expect(job.safeParse(queued).success).toBe(true);
    expect(job.safeParse({ ...queued, status: 'paused' }).success).toBe(false);
    expect(job.safeParse({ ...queued, result: { counts: {} } }).success).toBe(false);
    expect(job.safeParse({ ...queued, extra: true }).success).toBe(false);
    const answer = z.fromJSONSchema(documented('/v1/query', 'post', '200'));
    expect(answer.safeParse({ kind: 'importers', items: [], text: '', truncated: false, total: 0 }).success).toBe(false);
  });
});
