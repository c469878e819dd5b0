// When a `kg serve` of this KG_HOME runs, it holds the workspace graphs open: the CLI hands it the work instead of
// waiting for its database lock. `--db` (a graph the server does not serve) and KG_NO_SERVER=1 keep the work here.

import { KgError } from '../../graph/errors.js';
import type { JobView } from '../backend/jobs.js';
import { RemoteBackend } from '../backend/remote.js';
import { findServer } from '../server/discovery.js';
import type { Io } from './io.js';

export async function runningServer(options: { db?: string }): Promise<RemoteBackend | null> {
  if (options.db) return null;
  const record = await findServer();
  return record ? RemoteBackend.forRecord(record) : null;
}

/** Waits for a job the server runs; tells a terminal user where the work went. Resolves to the job's report. */
export async function awaitServerJob<R>(io: Io, server: RemoteBackend, job: JobView, quiet: boolean): Promise<R> {
  if (!quiet && io.stderrIsTTY) io.stderr(`handed to kg serve at ${server.url} (job ${job.id})\n`);
  const ended = await server.waitForJob(job.id);
  if (ended.status === 'failed') {
    const code = (ended.error?.code ?? 'io') as ConstructorParameters<typeof KgError>[0];
    throw new KgError(code, ended.error?.message ?? 'the server could not finish the job');
  }
  return ended.result as R;
}
