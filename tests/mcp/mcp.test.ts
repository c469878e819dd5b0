// The MCP server driven by the MCP SDK's own client: over stdio (`kg mcp` as a child process) and over streamable
// HTTP (`kg serve`'s /mcp): list the tools, call query_knowledge with good and bad input, reindex.

import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..');
const home = tempDir('kg-mcp-home-');
const dataDir = join(home, 'no-data');
process.env.KG_HOME = home;
process.env.WORKRAIL_DATA_DIR = dataDir;
const workspace = realpathSync(writeWorkspace(tempDir('kg-mcp-ws-'), SMALL_APP));
const kg = kgRunner(home);

interface ToolText {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

function stdioTransport(): Transport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [join(REPO, 'bin', 'kg.js'), 'mcp'],
    env: { ...(process.env as Record<string, string>), KG_HOME: home, WORKRAIL_DATA_DIR: dataDir },
    stderr: 'pipe',
  });
}

async function connected(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'kg-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  const indexed = await kg(['index', workspace, '--json']);
  expect(indexed.code, indexed.stderr).toBe(0);
});

/** The same assertions over any transport. */
function toolSuite(name: string, open: () => Promise<Client>) {
  describe(name, () => {
    let client: Client;
    beforeAll(async () => {
      client = await open();
    });
    afterAll(() => client.close());

    it('lists query_knowledge and reindex with JSON input schemas and model-facing descriptions', async () => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['query_knowledge', 'reindex']);
      const query = tools.find((t) => t.name === 'query_knowledge')!;
      expect(query.inputSchema.required).toEqual(expect.arrayContaining(['workspace', 'intent']));
      expect(query.description).toContain('importers');
      expect(query.description).toContain('sessions_touching');
      expect(JSON.stringify(query.inputSchema)).toContain('"conventions"');
    });

    it('answers query_knowledge with structured items and the same answer as text', async () => {
      const result = (await client.callTool({
        name: 'query_knowledge',
        arguments: { workspace, intent: { kind: 'importers', file: 'src/store.ts' } },
      })) as ToolText;
      expect(result.isError).toBeFalsy();
      const answer = JSON.parse(result.content[0]!.text) as { items: { path: string }[]; truncated: boolean };
      expect(answer.items.map((i) => i.path)).toEqual(['src/cli.ts', 'src/server.ts', 'tests/store.test.ts']);
      expect(result.structuredContent).toEqual(answer);
    });

    it('answers bad input with a tool error that names the field, and stays usable', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ workspace, intent: { kind: 'importers' } }, 'intent.file'],
        [{ workspace, intent: { kind: 'no_such_kind' } }, 'intent.kind'],
        [{ workspace: 'relative', intent: { kind: 'cycles' } }, 'workspace'],
        [{ workspace, intent: { kind: 'importers', file: 'src/nope.ts' } }, 'src/nope.ts'],
      ];
      for (const [args, mentioned] of cases) {
        const result = (await client.callTool({ name: 'query_knowledge', arguments: args })) as ToolText;
        expect(result.isError, JSON.stringify(args)).toBe(true);
        expect(result.content[0]!.text).toContain(mentioned);
      }
      const unknownTool = (await client.callTool({ name: 'nope', arguments: {} })) as ToolText;
      expect(unknownTool.isError).toBe(true);
      const again = (await client.callTool({ name: 'query_knowledge', arguments: { workspace, intent: { kind: 'cycles' } } })) as ToolText;
      expect(again.isError).toBeFalsy();
    });

    it('reindexes through the reindex tool and reports the finished job', async () => {
      const result = (await client.callTool({ name: 'reindex', arguments: { workspace, files: ['src/schema.ts'] } })) as ToolText;
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 'done', kind: 'reindex', workspace });
    });
  });
}

toolSuite('kg mcp over stdio', () => connected(stdioTransport()));

describe('over streamable HTTP, and kg mcp while kg serve runs', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // Advertised in KG_HOME: the stdio server below must hand its calls to it, as the server holds the graph.
    server = await startServer({ port: 0, allowRoots: [tmpdir()] });
  });
  afterAll(() => server.close());

  toolSuite('kg serve /mcp', () => connected(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`))));
  toolSuite('kg mcp handing its calls to kg serve', () => connected(stdioTransport()));
});
