// Coordinators over HTTP, against a real server on 127.0.0.1 whose sessions call a scripted Messages API: a review
// started as a job, its report as the OpenAPI document describes it, the run through the pipeline_run intent; and
// what the server refuses (no model key, a data dir from a web client, a bad ref, a key it does not take).

import { realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reviewReportSchema } from '../../src/coordinators/report-schema.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { GitRepo } from '../support/git-repo.js';
import { finish, startScriptedModel, type ScriptedModel } from '../support/scripted-model.js';
import { tempDir } from '../support/temp.js';

const saved = { ...process.env };
const home = tempDir('kg-coord-http-home-');
let server: RunningServer;
let model: ScriptedModel;
let repo: GitRepo;
const RETRY = 'export function retryDelay(attempt: number): number {\n  return 100 * attempt;\n}\n';
const CLEAN = { kind: 'kg.review_verdict', verdict: 'clean', confidence: 'high', findings: [], summary: 'fine' };

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function ended(id: string) {
  for (;;) {
    const { body } = await call('GET', `/v1/jobs/${id}?waitMs=10000`);
    if (body.status === 'done' || body.status === 'failed') return body;
  }
}

beforeAll(async () => {
  model = await startScriptedModel(() => finish('Fine.\nVerdict: clean', CLEAN));
  process.env.KG_HOME = home;
  process.env.WORKRAIL_DATA_DIR = join(home, 'data');
  process.env.ANTHROPIC_API_KEY = 'test-key';
  process.env.ANTHROPIC_BASE_URL = model.url;
  delete process.env.KG_VECTORS;
  repo = new GitRepo(realpathSync(tempDir('kg-coord-http-ws-')));
  repo.commit({
    subject: 'feat: retries',
    write: { 'package.json': '{"name":"ws","type":"module"}\n', 'src/retry.ts': RETRY, 'src/client.ts': "import { retryDelay } from './retry.js';\nexport const d = retryDelay(1);\n" },
  });
  server = await startServer({ port: 0, lockTimeoutMs: 300, allowRoots: [tmpdir()] });
  const indexed = await call('POST', '/v1/reindex', { workspace: repo.dir, full: true });
  expect((await ended(indexed.body.id)).status).toBe('done');
});

afterAll(async () => {
  await server.close();
  await model.close();
  process.env = saved;
});

describe('POST /v1/coordinate/review', () => {
  it('runs the review as a job whose result is the report, and the run is in the graph', async () => {
    writeFileSync(join(repo.dir, 'src/retry.ts'), RETRY.replace('100 * attempt', '100 * 2 ** attempt'));
    const started = await call('POST', '/v1/coordinate/review', { workspace: repo.dir });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'review', workspace: repo.dir });
    const job = await ended(started.body.id);
    expect(job).toMatchObject({ status: 'done', error: null, result: { coordinator: 'review', approved: true, changed: ['src/retry.ts'], reading: { verdict: 'clean', source: 'artifact' } } });
    expect(reviewReportSchema.parse(job.result)).toEqual(job.result);
    const document = (await call('GET', '/v1/openapi.json')).body;
    const jobSchema = z.fromJSONSchema(document.paths['/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema);
    expect(jobSchema.safeParse(job).error?.issues ?? []).toEqual([]);
    expect(model.requests.at(-1)!.system).toContain('### Changed files (from HEAD to the working tree)');

    const run = await call('POST', '/v1/query', { workspace: repo.dir, intent: { kind: 'pipeline_run' } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ kind: 'pipeline_run', run: { id: job.result.runId, verdict: 'clean', mode: 'REVIEW_ONLY' }, items: [{ phase: 'review', result: 'full' }] });
  });

  it('refuses a data dir from a web client, a bad ref, a key it does not take, and a server without a model key', async () => {
    const dataDir = await call('POST', '/v1/coordinate/review', { workspace: repo.dir, dataDir: join(home, 'elsewhere') });
    expect(dataDir.status).toBe(403);
    const ref = await call('POST', '/v1/coordinate/review', { workspace: repo.dir, base: '--output=/tmp/x' });
    expect(ref.status).toBe(400);
    expect(ref.body.error.field).toBe('base');
    const typo = await call('POST', '/v1/coordinate/implement', { workspace: repo.dir, goal: 'x', gaol: 'y' });
    expect(typo.status).toBe(400);
    const outside = await call('POST', '/v1/coordinate/implement', { workspace: '/usr', goal: 'x' });
    expect(outside.status).toBe(403);
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const noKey = await call('POST', '/v1/coordinate/implement', { workspace: repo.dir, goal: 'make it exponential' });
      expect(noKey.status).toBe(400);
      expect(noKey.body.error.message).toMatch(/^kg serve has no ANTHROPIC_API_KEY: /);
    } finally {
      process.env.ANTHROPIC_API_KEY = 'test-key';
    }
  });
});
