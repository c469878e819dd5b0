// The MCP server: the query_knowledge and reindex tools over any transport (stdio for `kg mcp`, streamable HTTP
// inside `kg serve`), answering through a KgBackend.

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isKgError } from '../../graph/errors.js';
import { fitAnswer } from '../answer-size.js';
import type { KgBackend } from '../backend/backend.js';
import { parseQueryKnowledge, parseWith, QUERY_TOOL_NAME, REINDEX_TOOL_NAME, reindexRequestSchema, toolDefinitions } from '../tools.js';
import { KG_VERSION } from '../version.js';

/** How long the reindex tool waits for its job before answering with the job to poll instead. */
const REINDEX_WAIT_MS = 60_000;

export function createMcpServer(backend: KgBackend): Server {
  const server = new Server({ name: 'kg', version: KG_VERSION }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolDefinitions() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name, arguments: args } = request.params;
    try {
      if (name === QUERY_TOOL_NAME) {
        const parsed = parseQueryKnowledge(args ?? {});
        if (!parsed.ok) return toolError(`invalid arguments: ${parsed.message}`);
        const answer = fitAnswer(await backend.query(parsed.value));
        return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: answer as unknown as Record<string, unknown> };
      }
      if (name === REINDEX_TOOL_NAME) {
        const parsed = parseWith(reindexRequestSchema, args ?? {});
        if (!parsed.ok) return toolError(`invalid arguments: ${parsed.message}`);
        const job = await backend.reindex(parsed.value);
        const ended = await Promise.race([backend.waitForJob(job.id), delay(REINDEX_WAIT_MS).then(() => null)]);
        const view = ended ?? (await backend.job(job.id)) ?? job;
        if (view.status === 'failed') return toolError(view.error?.message ?? 'the reindex failed');
        return { content: [{ type: 'text', text: JSON.stringify(view) }], structuredContent: view as unknown as Record<string, unknown> };
      }
      return toolError(`unknown tool "${name}"; kg offers ${QUERY_TOOL_NAME} and ${REINDEX_TOOL_NAME}`);
    } catch (error) {
      // Expected failures (unknown file, no graph, locked) are answers the agent can act on, not protocol errors.
      if (isKgError(error)) return toolError(error.message);
      throw error;
    }
  });
  return server;
}

function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
