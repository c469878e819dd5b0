// `kg serve`: the HTTP API (and MCP over HTTP) until Ctrl-C or SIGTERM.

import { startServer } from '../server/serve.js';
import { type Io, printJson } from './io.js';

export interface ServeCommandOptions {
  host: string;
  port: number;
  token?: string;
  maxBodyKb: number;
  json?: boolean;
}

export async function serveCommand(io: Io, options: ServeCommandOptions): Promise<void> {
  const token = options.token ?? process.env.KG_TOKEN ?? null;
  const server = await startServer({ host: options.host, port: options.port, token: token || null, maxBodyBytes: options.maxBodyKb * 1024 });
  if (options.json) printJson(io, { url: server.url, pid: process.pid, auth: token ? 'bearer' : 'none' });
  else {
    io.stdout(
      `kg serve listening on ${server.url} (pid ${process.pid})${token ? ', bearer token required' : ''}\n` +
        `  POST ${server.url}/v1/query, /v1/enrich, /v1/reindex; GET /v1/jobs/:id, /v1/status, /v1/health, /v1/openapi.json; MCP at ${server.url}/mcp\n` +
        `  kg index / reindex / query / status / enrich from this KG_HOME now go through it. Ctrl-C stops it.\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Queued index jobs finish and every graph is closed cleanly before the process ends.
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
