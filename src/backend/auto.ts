// The backend for processes that come and go (`kg mcp`, the CLI): a running `kg serve` of this KG_HOME when there is
// one (it holds the graphs open, so opening them here would wait for its lock), else kg in this process.

import type { AnyAnswer } from '../../queries/index.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import { findServer } from '../server/discovery.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import type { KgBackend } from './backend.js';
import type { JobView } from './jobs.js';
import { LocalBackend } from './local.js';
import { RemoteBackend } from './remote.js';

// A server that starts or stops is noticed within this long.
const RECHECK_MS = 2000;

export class AutoBackend implements KgBackend {
  private readonly local = new LocalBackend({ keepOpen: false });
  private remote: RemoteBackend | null = null;
  private checkedAt = -Infinity;
  private readonly remoteJobs = new Map<string, RemoteBackend>();

  /** The backend the next call goes to: the server's or this process's. */
  async current(): Promise<KgBackend> {
    if (performance.now() - this.checkedAt > RECHECK_MS) {
      const record = await findServer();
      this.remote = record ? RemoteBackend.forRecord(record) : null;
      this.checkedAt = performance.now();
    }
    return this.remote ?? this.local;
  }

  async query(request: QueryKnowledgeInput): Promise<AnyAnswer> {
    return (await this.current()).query(request);
  }

  async enrich(request: EnrichRequest): Promise<EnrichResult> {
    return (await this.current()).enrich(request);
  }

  async reindex(request: ReindexRequest): Promise<JobView> {
    const backend = await this.current();
    const job = await backend.reindex(request);
    if (backend instanceof RemoteBackend) this.remoteJobs.set(job.id, backend);
    return job;
  }

  async coordinate(request: CoordinateRequest): Promise<JobView> {
    const backend = await this.current();
    const job = await backend.coordinate(request);
    if (backend instanceof RemoteBackend) this.remoteJobs.set(job.id, backend);
    return job;
  }

  async job(id: string): Promise<JobView | null> {
    return (await this.remoteJobs.get(id)?.job(id)) ?? this.local.job(id);
  }

  waitForJob(id: string): Promise<JobView> {
    return (this.remoteJobs.get(id) ?? this.local).waitForJob(id);
  }

  async status(workspace: string): Promise<WorkspaceStatus> {
    return (await this.current()).status(workspace);
  }

  async workspaces(): Promise<WorkspaceListing[]> {
    return (await this.current()).workspaces();
  }

  async analyze(request: AnalyzeRequest): Promise<AnalyzeReport> {
    return (await this.current()).analyze(request);
  }

  close(): Promise<void> {
    return this.local.close();
  }
}
