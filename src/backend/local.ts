// kg in this process: graphs opened per call (the CLI, `kg mcp`), or kept open for the life of a `kg serve`.

import { existsSync } from 'node:fs';
import { KgError } from '../../graph/errors.js';
import type { AnyAnswer } from '../../queries/index.js';
import { openGraph, type Graph } from '../api.js';
import type { EnrichRequest, EnrichResult } from '../enricher/schema.js';
import { workspaceStatus, type WorkspaceListing, type WorkspaceStatus } from '../status.js';
import type { AnalyzeRequest, CoordinateRequest, QueryKnowledgeInput, ReindexRequest } from '../tools.js';
import type { AnalyzeReport } from '../analyze/schema.js';
import { locateForIndex, refuseFilesystemRoot, workspaceRoot } from '../workspace.js';
import type { KgBackend } from './backend.js';
import { JobQueue, type JobView } from './jobs.js';
import { graphFiles, heldListing, LISTING_LOCK_TIMEOUT_MS, LISTING_PARALLEL, mapBounded, readListing, sortListings } from './listing.js';

export interface LocalBackendOptions {
  /**
   * Keep each workspace's graph open (writable) once used: queries skip the open and share a warm cache, and every
   * write goes through this process. It holds the database lock meanwhile, so only a server should keep graphs open.
   */
  keepOpen: boolean;
  lockTimeoutMs?: number;
}

type Access = 'read' | 'write';

// Read connections of a kept-open graph: concurrent queries that miss the answer cache run in parallel.
const SERVER_READERS = 3;

export class LocalBackend implements KgBackend {
  private readonly jobs = new JobQueue();
  // Coordinator runs wait on reindex jobs of their workspace: a queue of their own, one run per workspace at a time.
  private readonly coordinations = new JobQueue();
  private readonly open = new Map<string, Promise<Graph>>();
  // The graph file of each kept-open graph, to the root it is kept under: a listing reads those through the pool.
  private readonly openDbs = new Map<string, string>();
  // Graph files a listing holds open read-only for a moment: the pool opens one of them only after, since DuckDB's
  // file lock keeps out other processes, not a second instance of the file in this one.
  private readonly peeking = new Map<string, Promise<unknown>>();
  // Work under way on kept-open graphs (requests, manifest writes left behind by enrich): a graph is closed only when
  // none is left.
  private readonly busy = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: LocalBackendOptions) {}

  query(request: QueryKnowledgeInput): Promise<AnyAnswer> {
    return this.withGraph(request.workspace, 'read', (graph) => graph.query(request.intent));
  }

  enrich(request: EnrichRequest): Promise<EnrichResult> {
    // Recording the manifest is a write; without it a read-only graph will do.
    return this.withGraph(request.workspace, request.record === false ? 'read' : 'write', async (graph) => {
      const { enrich } = await import('../enricher/index.js');
      // A kept-open graph outlives the call: a manifest write stuck behind a reindex finishes in the background.
      if (!this.options.keepOpen) return enrich(graph, request);
      return enrich(graph, request, {
        onPendingWrite: (write) => void this.track(write),
      });
    });
  }

  async reindex(request: ReindexRequest): Promise<JobView> {
    const root = workspaceRoot(request.workspace);
    refuseFilesystemRoot(root);
    const { workspace: _given, full, ...options } = request;
    return this.jobs.submit(full ? 'index' : 'reindex', root, () =>
      this.withGraph(root, 'create', async (graph) => {
        if (full) {
          const { indexWorkspaceInto } = await import('../../indexers/index.js');
          return { ...(await indexWorkspaceInto(graph.store, graph.workspace, options)), db: graph.db };
        }
        const { reindexWorkspaceInto } = await import('../../indexers/reindex.js');
        return { ...(await reindexWorkspaceInto(graph.store, graph.workspace, options)), db: graph.db };
      }),
    );
  }

  async coordinate(request: CoordinateRequest): Promise<JobView> {
    const root = workspaceRoot(request.workspace);
    refuseFilesystemRoot(root);
    const { assertModelKey, runCoordinator } = await import('../coordinators/request.js');
    assertModelKey(process.env, this.options.keepOpen);
    return this.coordinations.submit(request.coordinator, root, () => runCoordinator(request, { backend: this, workspace: root }));
  }

  async job(id: string): Promise<JobView | null> {
    return this.jobs.get(id) ?? this.coordinations.get(id);
  }

  async waitForJob(id: string): Promise<JobView> {
    const waiting = this.jobs.wait(id) ?? this.coordinations.wait(id);
    if (!waiting) throw new KgError('bad_input', `no job ${id}`);
    return waiting;
  }

  status(workspace: string): Promise<WorkspaceStatus> {
    return this.withGraph(workspace, 'read', (graph) => workspaceStatus(graph));
  }

  /**
   * Every graph of KG_HOME with its status: a kept-open graph read through the pool, any other opened read-only for
   * the moment it takes (so a listing keeps no graph open, and takes no lock a reindex would wait for).
   */
  async workspaces(): Promise<WorkspaceListing[]> {
    if (this.closed) throw new KgError('locked', 'kg is shutting down');
    return sortListings(await this.track(mapBounded(graphFiles(), LISTING_PARALLEL, (db) => this.listing(db))));
  }

  private listing(db: string): Promise<WorkspaceListing> {
    const root = this.openDbs.get(db);
    const held = root === undefined ? undefined : this.open.get(root);
    if (root !== undefined && held) return heldListing(root, db, held);
    // Another process's lock is waited for briefly: a graph it keeps is listed as locked.
    const reading = readListing(db, Math.min(this.options.lockTimeoutMs ?? LISTING_LOCK_TIMEOUT_MS, LISTING_LOCK_TIMEOUT_MS));
    this.peeking.set(db, reading);
    void reading.then(() => {
      if (this.peeking.get(db) === reading) this.peeking.delete(db);
    });
    return reading;
  }

  /** Reads the data dir, not the graph: no graph is opened and no lock taken. */
  async analyze(request: AnalyzeRequest): Promise<AnalyzeReport> {
    const { analyzeRequest } = await import('../analyze/index.js');
    return analyzeRequest(request);
  }

  /** Answers served from the kept-open graphs' caches, and computed. */
  async cacheCounters(): Promise<{ hits: number; misses: number }> {
    const totals = { hits: 0, misses: 0 };
    for (const graph of await Promise.allSettled([...this.open.values()])) {
      if (graph.status !== 'fulfilled' || !graph.value.cache) continue;
      totals.hits += graph.value.cache.counters.hits;
      totals.misses += graph.value.cache.counters.misses;
    }
    return totals;
  }

  /** Waits for queued jobs and requests under way, then closes every open graph. */
  async close(): Promise<void> {
    await this.finish();
  }

  /**
   * Takes no more work and cancels the jobs that have not started; waits for the running ones and for requests under
   * way (at most `graceMs`), then closes every open graph. Says `idle: false`, leaving the graphs open,
   * when work was still running at the deadline: closing a database under a running query is not safe, and the
   * last committed graph is on disk whatever happens to the process.
   */
  async shutdown(graceMs: number): Promise<{ idle: boolean; cancelledJobs: number }> {
    const cancelledJobs = this.jobs.stop() + this.coordinations.stop();
    return { idle: await this.finish(graceMs), cancelledJobs };
  }

  private async finish(graceMs?: number): Promise<boolean> {
    this.closed = true;
    const settled = (async () => {
      await Promise.all([this.jobs.drain(), this.coordinations.drain()]);
      while (this.busy.size > 0) await Promise.allSettled([...this.busy]);
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const idle =
      graceMs === undefined
        ? await settled
        : await Promise.race([settled, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(timer);
    if (!idle) return false;
    const graphs = await Promise.allSettled([...this.open.values()]);
    for (const graph of graphs) if (graph.status === 'fulfilled') graph.value.close();
    this.open.clear();
    this.openDbs.clear();
    return true;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.busy.add(work);
    void work.then(
      () => this.busy.delete(work),
      () => this.busy.delete(work),
    );
    return work;
  }

  private async withGraph<T>(workspace: string, access: Access | 'create', work: (graph: Graph) => Promise<T>): Promise<T> {
    if (this.closed) throw new KgError('locked', 'kg is shutting down');
    const root = workspaceRoot(workspace);
    const { db } = locateForIndex(root);
    if (access !== 'create' && !existsSync(db)) {
      throw new KgError('no_graph', `no graph for ${root}: index it first (kg index, or POST /v1/reindex with "full": true)`);
    }
    // A graph that no index completed is no graph: said before any work runs on it (enrich would run every slot).
    const checked = (graph: Graph) => {
      if (access !== 'create') graph.assertIndexed();
      return work(graph);
    };
    if (this.options.keepOpen) return this.track(this.pooled(root, db).then(checked));
    const graph = await openGraph({
      workspace: root,
      writable: access !== 'read',
      ...(this.options.lockTimeoutMs !== undefined ? { lockTimeoutMs: this.options.lockTimeoutMs } : {}),
    });
    try {
      return await checked(graph);
    } finally {
      graph.close();
    }
  }

  private pooled(root: string, db: string): Promise<Graph> {
    let graph = this.open.get(root);
    if (!graph) {
      const open = () =>
        openGraph({
          workspace: root,
          writable: true,
          cacheAnswers: true,
          readers: SERVER_READERS,
          ...(this.options.lockTimeoutMs !== undefined ? { lockTimeoutMs: this.options.lockTimeoutMs } : {}),
        });
      const peek = this.peeking.get(db);
      graph = peek ? peek.then(open) : open();
      this.open.set(root, graph);
      this.openDbs.set(db, root);
      // A failed open (locked by another process) is not remembered: the next request tries again.
      graph.catch(() => {
        this.open.delete(root);
        this.openDbs.delete(db);
      });
    }
    return graph;
  }
}
