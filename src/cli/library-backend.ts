// kg in this process for one command, through the library API (src/api.ts): the graph `--db` names or the workspace's
// own, a terminal's progress for an index, and every failure thrown as the library throws it.

import { randomUUID } from 'node:crypto';
import { KgError } from '../../graph/errors.js';
import type { AnyAnswer } from '../../queries/index.js';
import type { Graph } from '../api.js';
import type { KgBackend } from '../backend/backend.js';
import type { JobView } from '../backend/jobs.js';
import type { LocalBackend } from '../backend/local.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import type { WorkspaceListing, WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import type { Progress } from './progress.js';

export interface LibraryBackendOptions {
  /** `--db`: the graph file every call reads or writes, whatever workspace it names. */
  db?: string;
  /** Shown while a full index runs. */
  indexProgress?: Progress;
}

export class LibraryBackend implements KgBackend {
  // Graphs opened for reading, by the root asked for and by the root they were indexed from: a command reads one graph
  // and opens it once.
  private readonly reading = new Map<string, Promise<Graph>>();
  private readonly jobs = new Map<string, JobView>();
  private local: LocalBackend | null = null;

  constructor(private readonly options: LibraryBackendOptions = {}) {}

  /**
   * Opens `workspace`'s graph for reading and resolves to the root it was indexed from (a `--db` graph may be of
   * another folder); `load` runs meanwhile, since DuckDB opens its file on a thread of its own.
   */
  async indexedRoot(workspace: string, load?: () => Promise<unknown>): Promise<string> {
    const loading = load?.();
    loading?.catch(() => undefined); // a failure to load surfaces where the module is used
    const opening = this.readGraph(workspace);
    const { workspace: root } = await opening;
    this.reading.set(root, opening);
    return root;
  }

  async query(request: QueryKnowledgeInput): Promise<AnyAnswer> {
    return (await this.readGraph(request.workspace)).query(request.intent);
  }

  async status(workspace: string): Promise<WorkspaceStatus> {
    const [graph, { workspaceStatus }] = await Promise.all([this.readGraph(workspace), import('../status.js')]);
    return workspaceStatus(graph);
  }

  async enrich(request: EnrichRequest): Promise<EnrichResult> {
    if (this.options.db) throw new Error('enrich works on the workspace graph: it takes no --db');
    return (await this.localBackend()).enrich(request);
  }

  /** The graphs of KG_HOME, each opened read-only for a moment. */
  async workspaces(): Promise<WorkspaceListing[]> {
    if (this.options.db) throw new KgError('bad_input', 'the list of workspaces is of the graphs in KG_HOME: it takes no --db');
    return (await this.localBackend()).workspaces();
  }

  async analyze(request: AnalyzeRequest): Promise<AnalyzeReport> {
    const { analyzeRequest } = await import('../analyze/index.js');
    return analyzeRequest(request);
  }

  /**
   * Runs the index or reindex in this call (the command has nothing else to do meanwhile) and resolves to the job,
   * ended; a failure rejects with the error itself, so the command reports it as the library threw it.
   */
  async reindex(request: ReindexRequest): Promise<JobView> {
    const createdAt = new Date().toISOString();
    const { workspace, full, files, session, ...options } = request;
    const api = await import('../api.js');
    const db = this.options.db ? { db: this.options.db } : {};
    let result: JobView['result'];
    if (full) {
      const progress = this.options.indexProgress;
      try {
        result = await api.indexWorkspace(workspace, { ...db, ...options, ...(progress ? { onProgress: progress.update } : {}) });
      } finally {
        progress?.done();
      }
    } else {
      // A reindex shows progress too: embedding what changed can take a while.
      const progress = this.options.indexProgress;
      try {
        result = await api.reindexWorkspace(workspace, { ...db, ...options, ...(files ? { files } : {}), ...(session ? { session } : {}), ...(progress ? { onProgress: progress.update } : {}) });
      } finally {
        progress?.done();
      }
    }
    const job: JobView = {
      id: randomUUID(),
      kind: full ? 'index' : 'reindex',
      workspace,
      status: 'done',
      createdAt,
      startedAt: createdAt,
      finishedAt: new Date().toISOString(),
      result,
      error: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Runs the coordinator in this call, asking the graph through this backend, and resolves to the job, ended. */
  async coordinate(request: CoordinateRequest): Promise<JobView> {
    const createdAt = new Date().toISOString();
    const { assertModelKey, runCoordinator } = await import('../coordinators/request.js');
    const { workspaceRoot } = await import('../workspace.js');
    assertModelKey();
    const workspace = workspaceRoot(request.workspace);
    const result = await runCoordinator(request, { backend: this, workspace });
    const job: JobView = { id: randomUUID(), kind: request.coordinator, workspace, status: 'done', createdAt, startedAt: createdAt, finishedAt: new Date().toISOString(), result, error: null };
    this.jobs.set(job.id, job);
    return job;
  }

  async job(id: string): Promise<JobView | null> {
    return this.jobs.get(id) ?? null;
  }

  async waitForJob(id: string): Promise<JobView> {
    const job = this.jobs.get(id);
    if (!job) throw new KgError('bad_input', `no job ${id}`);
    return job;
  }

  async close(): Promise<void> {
    const graphs = await Promise.allSettled(new Set(this.reading.values()));
    for (const graph of graphs) if (graph.status === 'fulfilled') graph.value.close();
    this.reading.clear();
    await this.local?.close();
  }

  private async localBackend(): Promise<LocalBackend> {
    if (!this.local) {
      const { LocalBackend } = await import('../backend/local.js');
      this.local = new LocalBackend({ keepOpen: false });
    }
    return this.local;
  }

  private readGraph(workspace: string): Promise<Graph> {
    let graph = this.reading.get(workspace);
    if (!graph) {
      graph = import('./open.js').then(({ openForRead }) => openForRead({ workspace, ...(this.options.db ? { db: this.options.db } : {}) }));
      this.reading.set(workspace, graph);
    }
    return graph;
  }
}
