// The MCP surfaces probed as an attacker would: /mcp driven from a web page (foreign Origin or Host, a body that is not
// JSON), tool calls from a model that name folders kg was not given (or /), and `kg mcp` as the local client it is.

import { existsSync, realpathSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDbPath } from '../../graph/location.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..');
const home = tempDir('kg-mcpsec-home-');
const dataDir = join(home, 'no-data');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = dataDir;
const indexed = realpathSync(writeWorkspace(tempDir('kg-mcpsec-ws-'), SMALL_APP));
const stranger = realpathSync(writeWorkspace(tempDir('kg-mcpsec-stranger-'), SMALL_APP));
const kg = kgRunner(home);
let server: RunningServer;

interface ToolText {
  isError?: boolean;
  content: { type: string; text: string }[];
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
});

function post(headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/mcp', headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function httpClient(headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'probe', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }));
  return client;
}

function stdioClient(): Promise<Client> {
  const client = new Client({ name: 'probe', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(REPO, 'bin', 'kg.js'), 'mcp'],
    env: { ...(process.env as Record<string, string>), KG_HOME: home, WORKRAIL_DATA_DIR: dataDir },
    stderr: 'pipe',
  });
  return client.connect(transport).then(() => client);
}

beforeAll(async () => {
  const result = await kg(['index', indexed, '--json']);
  expect(result.code, result.stderr).toBe(0);
  server = await startServer({ port: 0 });
});
afterAll(() => server.close());

describe('/mcp from a web page', () => {
  it('refuses a foreign Origin, a foreign Host and a body that is not application/json', async () => {
    const accept = 'application/json, text/event-stream';
    const base = { host: `127.0.0.1:${server.port}`, accept };
    expect(await post({ ...base, 'content-type': 'application/json' }, INITIALIZE)).toBe(200);
    expect(await post({ ...base, 'content-type': 'application/json', origin: 'http://evil.example' }, INITIALIZE)).toBe(403);
    expect(await post({ ...base, 'content-type': 'application/json', host: `evil.example:${server.port}` }, INITIALIZE)).toBe(403);
    expect(await post({ ...base, 'content-type': 'text/plain' }, INITIALIZE)).toBe(415);
    expect(await post({ ...base, 'content-type': 'application/x-www-form-urlencoded' }, INITIALIZE)).toBe(415);
  });

  it('will not even start a session for the official client when it sends a foreign Origin', async () => {
    await expect(httpClient({ origin: 'http://evil.example' })).rejects.toThrow(/403|forbidden|origin/i);
  });
});

describe('tool calls that name folders kg was not given', () => {
  it('answers a tool error naming --allow-root for a workspace neither indexed nor allowed, and indexes nothing', async () => {
    const client = await httpClient();
    try {
      const query = (await client.callTool({ name: 'query_knowledge', arguments: { workspace: stranger, intent: { kind: 'hotspots' } } })) as ToolText;
      expect(query.isError).toBe(true);
      expect(query.content[0]!.text).toMatch(/--allow-root/);
      const reindex = (await client.callTool({ name: 'reindex', arguments: { workspace: stranger, full: true } })) as ToolText;
      expect(reindex.isError).toBe(true);
      expect(existsSync(defaultDbPath(stranger))).toBe(false);
      // The indexed workspace still answers.
      const ok = (await client.callTool({ name: 'query_knowledge', arguments: { workspace: indexed, intent: { kind: 'hotspots' } } })) as ToolText;
      expect(ok.isError, ok.content[0]?.text).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('never indexes /, over HTTP or from kg mcp', async () => {
    for (const open of [() => httpClient(), stdioClient]) {
      const client = await open();
      try {
        const result = (await client.callTool({ name: 'reindex', arguments: { workspace: '/', full: true } })) as ToolText;
        expect(result.isError).toBe(true);
        expect(result.content[0]!.text).toMatch(/never a workspace/);
      } finally {
        await client.close();
      }
    }
  });

  it('lets kg mcp, a local client, index a new folder through the running server', async () => {
    const fresh = realpathSync(writeWorkspace(tempDir('kg-mcpsec-fresh-'), SMALL_APP));
    const client = await stdioClient();
    try {
      const result = (await client.callTool({ name: 'reindex', arguments: { workspace: fresh, full: true } })) as ToolText;
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect(JSON.parse(result.content[0]!.text)).toMatchObject({ status: 'done', kind: 'index', workspace: fresh });
    } finally {
      await client.close();
    }
  });
});
