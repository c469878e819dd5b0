// Fuzz-style: malformed JSON, wrong types, huge bodies and unknown kinds to every endpoint. Each gets a 4xx with a
// JSON error, and the server keeps answering.

import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { prng } from '../fixtures/edits.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-fuzz-home-');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = join(home, 'no-data');
const workspace = realpathSync(writeWorkspace(tempDir('kg-fuzz-ws-'), SMALL_APP));
let server: RunningServer;
const JSON_BODY = { 'content-type': 'application/json' };

beforeAll(async () => {
  server = await startServer({ port: 0, maxBodyBytes: 64 * 1024, advertise: false, allowRoots: [tmpdir()] });
  const response = await fetch(`${server.url}/v1/reindex`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ workspace, full: true }) });
  const { id } = (await response.json()) as { id: string };
  for (;;) {
    const job = (await (await fetch(`${server.url}/v1/jobs/${id}`)).json()) as { status: string };
    if (job.status === 'done') break;
    if (job.status === 'failed') throw new Error('fixture index failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
afterAll(() => server.close());

const POST_ENDPOINTS = ['/v1/query', '/v1/enrich', '/v1/reindex', '/mcp'];

/** A random JSON value, up to `depth` levels, biased towards the types the endpoints do not expect. */
function randomValue(rng: () => number, depth: number): unknown {
  const pick = Math.floor(rng() * (depth > 0 ? 9 : 6));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return [0, -1, 1.5, 1e308, -0, 2 ** 53 + 1][Math.floor(rng() * 6)];
    case 3:
      return ['', 'src/store.ts', '../../etc/passwd', '\u0000', '\ud800', '🦀'.repeat(50), 'a'.repeat(5000)][Math.floor(rng() * 7)];
    case 4:
      return workspace;
    case 5:
      return ['importers', 'impact', 'no_such_kind', '__proto__', 'constructor'][Math.floor(rng() * 5)];
    case 6:
      return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth - 1));
    default: {
      const keys = ['workspace', 'intent', 'kind', 'file', 'files', 'goal', 'budgetTokens', 'limit', 'depth', 'session', 'full', '__proto__', 'jsonrpc', 'method', 'params'];
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(rng() * 5); i > 0; i--) object[keys[Math.floor(rng() * keys.length)]!] = randomValue(rng, depth - 1);
      return object;
    }
  }
}

function malformedBodies(rng: () => number): (string | Uint8Array)[] {
  const fixed: (string | Uint8Array)[] = [
    '',
    '{',
    '{"workspace":',
    'null',
    '[]',
    '"just a string"',
    '42',
    'true',
    '{"workspace": "' + workspace + '", "intent": {"kind": "importers", "file": "src/store.ts"}',
    '{"workspace": NaN}',
    "{'single': 'quotes'}",
    '\ufeff{}',
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    JSON.stringify({ workspace, intent: { kind: 'no_such_kind' } }),
    JSON.stringify({ workspace, intent: { kind: 'importers', file: 12 } }),
    JSON.stringify({ workspace, intent: { kind: 'impact', files: 'src/store.ts' } }),
    JSON.stringify({ workspace, intent: { kind: 'importers', file: 'src/store.ts', depth: 1e9 } }),
    JSON.stringify({ workspace, goal: 5, budgetTokens: 'many' }),
    JSON.stringify({ workspace, goal: 'x', budgetTokens: -3 }),
    JSON.stringify({ workspace, files: ['a'], session: 'b' }),
    JSON.stringify({ workspace: 'not/absolute', intent: { kind: 'cycles' } }),
    JSON.stringify({ workspace: '/definitely/not/here', intent: { kind: 'cycles' } }),
    '[' .repeat(5000) + ']'.repeat(5000),
    JSON.stringify({ workspace, intent: { kind: 'cycles' }, pad: 'x'.repeat(200 * 1024) }),
  ];
  const random = Array.from({ length: 60 }, () => JSON.stringify(randomValue(rng, 4)) ?? 'null');
  return [...fixed, ...random];
}

describe('every endpoint under malformed input', () => {
  it('answers 4xx with a JSON error and stays up', async () => {
    const rng = prng(20261125);
    const bodies = malformedBodies(rng);
    let sent = 0;
    for (const path of POST_ENDPOINTS) {
      for (const body of bodies) {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body,
        });
        const text = await response.text();
        const label = `${path} ${typeof body === 'string' ? body.slice(0, 120) : '<bytes>'}`;
        // A random body can be valid by chance (e.g. an MCP ping); then it must be a success, never a 5xx.
        expect(response.status, label).toBeLessThan(500);
        let parsed: unknown;
        expect(() => (parsed = JSON.parse(text)), `${label}: ${text.slice(0, 200)}`).not.toThrow();
        if (response.status >= 400) {
          const error = (parsed as { error?: { message?: unknown } }).error;
          expect(error, label).toBeDefined();
          // MCP's own errors are JSON-RPC objects ({ code, message }); kg's carry a string code.
          expect(typeof (error as { message?: unknown }).message, label).toBe('string');
        }
        sent++;
      }
    }
    for (const path of ['/v1/jobs/%00', '/v1/jobs/' + 'x'.repeat(5000), '/v1/status', '/v1/status?workspace=relative', '/v1/status?workspace=%2Fnope']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBeTypeOf('string');
    }
    expect(sent).toBe(POST_ENDPOINTS.length * bodies.length);
    const health = await fetch(`${server.url}/v1/health`);
    expect(health.status).toBe(200);
    const query = await fetch(`${server.url}/v1/query`, {
      method: 'POST',
      headers: JSON_BODY,
      body: JSON.stringify({ workspace, intent: { kind: 'importers', file: 'src/store.ts' } }),
    });
    expect(query.status).toBe(200);
  });
});
