// Starts `kg serve`: the HTTP API on a loopback address (or, with a token, any address), one backend that keeps
// graphs open and owns their writes, and the record that lets the CLI hand its work to it.

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { KgError } from '../../graph/errors.js';
import { kgHome } from '../../graph/location.js';
import { LocalBackend } from '../backend/local.js';
import { WorkspaceAccess } from './access.js';
import { createApp } from './app.js';
import { findServer, removeServerRecord, writeServerRecord } from './discovery.js';
import { allowedHostNames, type HostRules } from './guard.js';

export interface ServeOptions {
  /** Default 127.0.0.1. Anything but a loopback address needs `token`. */
  host?: string;
  /** Default 7411; 0 picks a free port. */
  port?: number;
  /** Required as a bearer token on every request when set. */
  token?: string | null;
  maxBodyBytes?: number;
  lockTimeoutMs?: number;
  /** Leave a record in $KG_HOME/serve.json so the CLI hands its writes here (default true). */
  advertise?: boolean;
  /** Host names (besides loopback names and the bound address) that requests may name in `Host`. */
  allowHosts?: readonly string[];
  /** Folders whose workspaces any client may use; the workspaces indexed in KG_HOME are always served. */
  allowRoots?: readonly string[];
  /** How long `close()` lets running work and open requests finish before it cuts them off (default 5 s). */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /**
   * Stops taking requests, cancels the jobs that have not started, lets running work finish within the shutdown grace,
   * closes every graph. `idle: false` says work was still running at the end of the grace (its graphs were left open).
   */
  close(): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  idle: boolean;
  /** Jobs that were queued and never started. */
  cancelledJobs: number;
}

export const DEFAULT_PORT = 7411;
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;
// Slow clients are cut off: the headers within this long, the whole request within REQUEST_TIMEOUT_MS.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  if (!isLoopback(host) && !token) {
    throw new KgError('bad_input', `refusing to listen on ${host} without a token: set --token (or KG_TOKEN), or bind 127.0.0.1`);
  }
  const advertise = options.advertise ?? true;
  if (advertise) {
    // Two servers of one KG_HOME would fight over every graph's lock.
    const running = await findServer();
    if (running) throw new KgError('io', `a kg serve of ${kgHome()} is already running at ${running.url} (pid ${running.pid})`);
  }
  const backend = new LocalBackend({ keepOpen: true, ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}) });
  const rules: HostRules = { port: null, names: allowedHostNames(host, options.allowHosts) };
  // Only a kg process that can read serve.json (0600, this user's) knows it.
  const localSecret = advertise ? randomBytes(32).toString('base64url') : null;
  const app = createApp(backend, {
    token,
    hostRules: () => rules,
    access: new WorkspaceAccess(options.allowRoots),
    localSecret,
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new KgError('io', `port ${options.port ?? DEFAULT_PORT} on ${host} is in use: pick another with --port`) : error),
    );
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  rules.port = port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (advertise) {
    writeServerRecord({ pid: process.pid, url: isAnyAddress(host) ? `http://127.0.0.1:${port}` : url, token, localSecret, kgHome: kgHome(), startedAt: new Date().toISOString() });
  }
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  let closing: Promise<ShutdownReport> | undefined;
  return {
    url,
    host,
    port,
    close() {
      closing ??= (async () => {
        if (advertise) removeServerRecord();
        const deadline = Date.now() + graceMs;
        const stopped = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        const report = await backend.shutdown(graceMs);
        // Requests still open at the deadline (a slow query, a client that keeps its connection) are cut off.
        const left = Math.max(0, deadline - Date.now());
        const timer = setTimeout(() => server.closeAllConnections(), left);
        await stopped;
        clearTimeout(timer);
        return report;
      })();
      return closing;
    },
  };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isAnyAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
