// The one place a command gets its KgBackend. `--db` names a graph no server serves: the work stays here. Else a
// running `kg serve` of this KG_HOME gets it, since it holds the graphs open and opening one here would wait for its
// lock (KG_NO_SERVER=1: never). Else kg works in this process.

import { isKgError, KgError, type KgErrorCode } from '../../graph/errors.js';
import type { Graph } from '../api.js';
import type { KgBackend } from '../backend/backend.js';
import type { JobView } from '../backend/jobs.js';
import type { RemoteBackend } from '../backend/remote.js';
import { findServer } from '../server/discovery.js';
import type { Io } from './io.js';
import { graphsWithDb } from './db-registry.js';
import { LibraryBackend } from './library-backend.js';
import { terminalProgress } from './progress.js';
import { locateGraph, type ReadTarget } from './read-target.js';

export interface BackendOptions {
  db?: string;
  /** `--json`: no progress and no word of where the work went on stderr. */
  quiet?: boolean;
}

export async function backendFor(io: Io, options: BackendOptions): Promise<KgBackend> {
  const server = await runningServer(options);
  if (server) return announcingJobs(io, server, Boolean(options.quiet));
  return new LibraryBackend({ ...(options.db ? { db: options.db } : {}), indexProgress: terminalProgress(io, !options.quiet) });
}

export interface GraphReader {
  backend: KgBackend;
  /** The workspace to ask about: the root the graph was indexed from. File arguments are relative to it. */
  workspace: string;
}

/**
 * The backend for a read of the graph `target` names, and that graph's workspace; `load` (what the answer will need)
 * runs while a graph opens here.
 */
export async function readerFor(target: ReadTarget, load?: () => Promise<unknown>): Promise<GraphReader> {
  const located = locateGraph(target);
  const server = await runningServer(target);
  if (server) return { backend: server, workspace: located.root };
  const local = new LibraryBackend(target.db ? { db: target.db } : {});
  try {
    return { backend: local, workspace: await local.indexedRoot(located.root, load) };
  } catch (error) {
    await local.close();
    throw withDbHint(error, target, located.root);
  }
}

/** A `no_graph` that says where `kg index --db` wrote a graph of the workspace, when it did. */
function withDbHint(error: unknown, target: ReadTarget, root: string): unknown {
  if (target.db !== undefined || !isKgError(error) || error.code !== 'no_graph') return error;
  const [elsewhere] = graphsWithDb(root);
  return elsewhere ? new KgError('no_graph', `${error.message}; \`kg index --db\` wrote a graph of ${root} to ${elsewhere}: add --db ${elsewhere}`) : error;
}

/** The graph itself, for work no backend offers (an export): a running server may hold it open, which is said at once. */
export async function graphToItself(target: ReadTarget): Promise<Graph> {
  const server = await runningServer(target);
  if (server) {
    // Waiting for its lock would only time out.
    throw new KgError('locked', `kg serve at ${server.url} may hold this graph open: stop it (Ctrl-C) to export, or set KG_NO_SERVER=1 to try anyway`);
  }
  const { openForRead } = await import('./open.js');
  return openForRead(target);
}

/** The job's report once it has ended; a failed job is its error. */
export async function jobReport<R>(backend: KgBackend, job: JobView): Promise<R> {
  const ended = await backend.waitForJob(job.id);
  if (ended.status === 'failed') {
    throw new KgError((ended.error?.code ?? 'io') as KgErrorCode, ended.error?.message ?? 'the server could not finish the job');
  }
  return ended.result as R;
}

async function runningServer(options: { db?: string }): Promise<RemoteBackend | null> {
  if (options.db) return null;
  const record = await findServer();
  if (!record) return null;
  const { RemoteBackend } = await import('../backend/remote.js');
  return RemoteBackend.forRecord(record);
}

/** The server's backend, telling a terminal user where each job went. */
function announcingJobs(io: Io, server: RemoteBackend, quiet: boolean): KgBackend {
  return {
    query: (request) => server.query(request),
    enrich: (request) => server.enrich(request),
    reindex: async (request) => {
      const job = await server.reindex(request);
      if (!quiet && io.stderrIsTTY) io.stderr(`handed to kg serve at ${server.url} (job ${job.id})\n`);
      return job;
    },
    coordinate: (request) => server.coordinate(request),
    job: (id) => server.job(id),
    waitForJob: (id) => server.waitForJob(id),
    status: (workspace) => server.status(workspace),
    workspaces: () => server.workspaces(),
    analyze: (request) => server.analyze(request),
    close: () => server.close(),
  };
}
