// `kg mcp`: the MCP server over stdio, for Claude Code, Cursor and any MCP client that starts it as a process.

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AutoBackend } from '../backend/auto.js';
import { createMcpServer } from './server.js';

/** Serves MCP on stdin/stdout until the client closes the stream; resolves then. Nothing else may write to stdout. */
export async function serveMcpOverStdio(): Promise<void> {
  const backend = new AutoBackend();
  const server = createMcpServer(backend);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
  await backend.close();
}
