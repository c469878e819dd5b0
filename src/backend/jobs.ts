// Jobs: index and reindex jobs queued one after another per workspace (the graph has a single writer), coordinator
// runs in a queue of their own (they wait on reindex jobs); looked up by id.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isKgError } from '../../graph/errors.js';
import { jobResultSchema, type JobResult } from '../reports.js';

const jobStatus = z.enum(['queued', 'running', 'done', 'failed']);
const jobKind = z
  .enum(['index', 'reindex', 'review', 'implement'])
  .describe('`index` for a full index (`full: true`), `reindex`, or a coordinator run (`review`, `implement`).');
export type JobStatus = z.infer<typeof jobStatus>;
export type JobKind = z.infer<typeof jobKind>;

/** What a client sees of a job; `result` is the index or reindex report once it is done. */
export const jobViewSchema = z.object({
  id: z.string(),
  kind: jobKind,
  workspace: z.string(),
  status: jobStatus,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  result: jobResultSchema.nullable().describe('The index or reindex report, or the coordinator\'s report, once the job is done, else null.'),
  error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why the job failed, else null.'),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** Whether the job has ended, done or failed: nothing about it changes after that. */
export function jobEnded(job: Pick<JobView, 'status'>): boolean {
  return job.status === 'done' || job.status === 'failed';
}

// Finished jobs are kept for lookups; the oldest go first past this many.
const KEPT_JOBS = 1000;

export class JobQueue {
  private readonly jobs = new Map<string, JobView>();
  private readonly settled = new Map<string, Promise<JobView>>();
  // The tail of each workspace's chain: a job starts when the one before it on the same workspace has ended.
  private readonly tails = new Map<string, Promise<unknown>>();
  private stopped = false;

  /** Jobs that have not started yet end as failed when their turn comes: the queue is shutting down. Returns how many. */
  stop(): number {
    this.stopped = true;
    return [...this.jobs.values()].filter((job) => job.status === 'queued').length;
  }

  submit(kind: JobKind, workspace: string, work: () => Promise<JobResult>): JobView {
    const job: JobView = {
      id: randomUUID(),
      kind,
      workspace,
      status: 'queued',
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.forgetOld();
    const run = (this.tails.get(workspace) ?? Promise.resolve()).then(async () => {
      if (this.stopped) {
        job.error = { code: 'locked', message: 'kg serve shut down before this job started: submit it again' };
        job.status = 'failed';
        job.finishedAt = new Date().toISOString();
        return { ...job };
      }
      job.status = 'running';
      job.startedAt = new Date().toISOString();
      try {
        job.result = await work();
        job.status = 'done';
      } catch (error) {
        job.error = isKgError(error)
          ? { code: error.code, message: error.message }
          : { code: 'internal', message: `internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
        job.status = 'failed';
      }
      job.finishedAt = new Date().toISOString();
      return { ...job };
    });
    this.tails.set(workspace, run);
    this.settled.set(job.id, run);
    void run.then(() => {
      if (this.tails.get(workspace) === run) this.tails.delete(workspace);
    });
    return { ...job };
  }

  get(id: string): JobView | null {
    const job = this.jobs.get(id);
    return job ? { ...job } : null;
  }

  /** The job once it has ended (done or failed). */
  wait(id: string): Promise<JobView> | null {
    return this.settled.get(id) ?? null;
  }

  /** Resolves when every job submitted so far has ended. */
  async drain(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  private forgetOld(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= KEPT_JOBS) break;
      if (jobEnded(job)) {
        this.jobs.delete(id);
        this.settled.delete(id);
      }
    }
  }
}
