// Starts `kg serve`: the HTTP API on a loopback address (or, with a token, any address), one backend that keeps
// graphs open and owns their writes, and the record that lets the CLI hand its work to it.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { KgError } from '../../graph/errors.js';
import { kgHome } from '../../graph/location.js';
import { LocalBackend } from '../backend/local.js';
import { createApp } from './app.js';
import { findServer, removeServerRecord, writeServerRecord } from './discovery.js';

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
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Stops taking requests, waits for queued jobs, closes every graph. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7411;

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
  const app = createApp(backend, { token, ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}) });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new KgError('io', `port ${options.port ?? DEFAULT_PORT} on ${host} is in use: pick another with --port`) : error),
    );
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (advertise) writeServerRecord({ pid: process.pid, url: isAnyAddress(host) ? `http://127.0.0.1:${port}` : url, token, kgHome: kgHome(), startedAt: new Date().toISOString() });
  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    close() {
      closing ??= (async () => {
        if (advertise) removeServerRecord();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await backend.close();
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
