// `kg serve`: the HTTP API (and MCP over HTTP) until Ctrl-C or SIGTERM.

import { DEFAULT_SHUTDOWN_GRACE_MS, startServer } from '../server/serve.js';
import { type Io, printJson } from './io.js';

export interface ServeCommandOptions {
  host: string;
  port: number;
  token?: string;
  maxBodyKb: number;
  allowRoot: string[];
  allowHost: string[];
  json?: boolean;
}

// After the grace, the process ends even if a request is still running: every write is one transaction, so the graph
// on disk is the last committed one.
const EXIT_AFTER_MS = DEFAULT_SHUTDOWN_GRACE_MS + 2000;

export async function serveCommand(io: Io, options: ServeCommandOptions): Promise<void> {
  const token = options.token ?? process.env.KG_TOKEN ?? null;
  const server = await startServer({
    host: options.host,
    port: options.port,
    token: token || null,
    maxBodyBytes: options.maxBodyKb * 1024,
    allowRoots: options.allowRoot,
    allowHosts: options.allowHost,
  });
  const served = options.allowRoot.length > 0 ? `the workspaces indexed in KG_HOME and any under ${options.allowRoot.join(', ')}` : 'the workspaces indexed in KG_HOME (--allow-root DIR for more)';
  const consoleUrl = `${server.url}/console${token ? '?token=<token>' : ''}`;
  if (options.json) printJson(io, { url: server.url, console: `${server.url}/console`, pid: process.pid, auth: token ? 'bearer' : 'none', allowRoots: options.allowRoot });
  else {
    io.stdout(
      `kg serve listening on ${server.url} (pid ${process.pid})${token ? ', bearer token required' : ''}\n` +
        `  POST ${server.url}/v1/query, /v1/enrich, /v1/reindex; GET /v1/jobs/:id, /v1/status, /v1/workspaces, /v1/health, /v1/openapi.json; MCP at ${server.url}/mcp\n` +
        `  the operator console at ${consoleUrl}\n` +
        `  serves ${served}\n` +
        `  kg index / reindex / query / status / enrich from this KG_HOME now go through it. Ctrl-C stops it.\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // The running job and requests get the grace to finish; jobs not started are cancelled; idle graphs are closed.
      const hardStop = setTimeout(() => {
        io.stderr('kg: work still running after the shutdown grace; exiting (the graph keeps its last committed state)\n');
        process.exit(0);
      }, EXIT_AFTER_MS);
      hardStop.unref();
      void server.close().then(({ idle, cancelledJobs }) => {
        if (cancelledJobs > 0) io.stderr(`kg: ${cancelledJobs} queued job(s) cancelled at shutdown\n`);
        if (!idle) io.stderr('kg: work still running after the shutdown grace was cut off (the graph keeps its last committed state)\n');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
