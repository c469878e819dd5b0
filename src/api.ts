// The library API: open a workspace's graph, index a workspace, ask it query_knowledge questions.

import { KgError } from '../graph/errors.js';
import { readMeta, GraphStore } from '../graph/store.js';
import { vectorDirOf } from '../graph/vector-store.js';
import type * as IndexersModule from '../indexers/index.js';
import type * as QueriesModule from '../queries/index.js';
import type { IndexOptions, IndexReport } from '../indexers/index.js';
import type { ReindexOptions, ReindexReport } from '../indexers/reindex.js';
import type { AnyAnswer, GraphSnapshot, Intent } from '../queries/index.js';
import { AnswerCache } from './answer-cache.js';
import { diskProbe } from './freshness.js';
import { workTreeGit } from './git-changes.js';
import { VectorSearcher } from './vector-search.js';
import { locateForIndex, workspaceFolderToIndex } from './workspace.js';

export interface OpenGraphOptions {
  /** The workspace folder. */
  workspace: string;
  /** The DuckDB file; default `$KG_HOME/<workspace-id>/graph.duckdb`. */
  db?: string;
  /** Open for writing (creating the file if needed); default false. */
  writable?: boolean;
  lockTimeoutMs?: number;
  /**
   * Keep answers until the next write (default false): for a graph that stays open and is asked many questions.
   * Freshness is still checked on disk for every answer.
   */
  cacheAnswers?: boolean;
  /** Connections for concurrent reads (default 1). */
  readers?: number;
}

/** Kinds whose answers can use the vectors: an answer cache keeps them only as long as the vectors stand. */
const VECTOR_KINDS: readonly string[] = ['related', 'sessions_by_goal', 'conventions'];

/** An open workspace graph. Close it when done: an open writable graph holds the database lock. */
export class Graph {
  // Made on the first query that can use vectors; it loads LanceDB and the model only if the workspace has vectors on.
  private searcher: VectorSearcher | null = null;
  // The last snapshot read, with the code generation it was read at: a write that left the code as it was (a session's
  // reindex) needs only its meta read again, not the whole file and import set.
  private lastSnapshot: { codeGeneration: number; snapshot: GraphSnapshot } | null = null;

  constructor(
    /** Absolute workspace root. */
    readonly workspace: string,
    readonly db: string,
    readonly store: GraphStore,
    /** Answers kept until the next write, when the graph was opened with `cacheAnswers`. */
    readonly cache: AnswerCache | null = null,
  ) {}

  /**
   * Throws `no_graph` unless an index of the graph completed. A read-only graph was checked when it opened; a
   * writable one (a server's, kept open) may be opened before its first index, so its readers check each time.
   */
  assertIndexed(): void {
    this.store.assertIndexed();
  }

  /** Answers one intent; the intent is validated first. */
  async query(intent: Intent | unknown): Promise<AnyAnswer> {
    this.assertIndexed();
    const { parseIntent, runQuery, WORK_TREE_KINDS } = await loadQueries();
    const parsed = parseIntent(intent);
    if (!parsed.ok) throw new KgError('bad_input', parsed.message);
    const usesVectors = VECTOR_KINDS.includes(parsed.intent.kind);
    if (usesVectors) this.searcher ??= new VectorSearcher(vectorDirOf(this.db), this.store);
    const context = { reader: this.store, root: this.workspace, git: workTreeGit, ...(usesVectors ? { vectors: this.searcher! } : {}) };
    if (!this.cache) return runQuery({ ...context, probe: diskProbe }, parsed.intent);
    if (WORK_TREE_KINDS.includes(parsed.intent.kind)) {
      return this.cache.uncached(
        this.store.generation,
        (snapshot) => runQuery({ ...context, probe: diskProbe, snapshot }, parsed.intent),
        () => this.snapshot(),
      );
    }
    return this.cache.answer(
      // Vectors written since (a sync after the graph's write) make an answer that used them stale.
      usesVectors ? `${JSON.stringify(parsed.intent)}|vectors:${this.searcher!.stamp()}` : JSON.stringify(parsed.intent),
      this.store.generation,
      this.workspace,
      diskProbe,
      (probe, snapshot) => runQuery({ ...context, probe, snapshot }, parsed.intent),
      () => this.snapshot(),
    );
  }

  /**
   * A snapshot of one generation: its bulk reads run on several connections, so a write between them means again.
   * The code part of the last one is kept while the code generation stands.
   */
  private async snapshot(): Promise<GraphSnapshot> {
    const { loadSnapshot, loadSnapshotMeta } = await loadQueries();
    for (;;) {
      const generation = this.store.generation;
      const codeGeneration = this.store.codeGeneration;
      const last = this.lastSnapshot?.codeGeneration === codeGeneration ? this.lastSnapshot.snapshot : null;
      // A new object even when the code part is kept: what is cached per snapshot (co-change facts) is of one generation.
      const snapshot = last ? { ...last, meta: await loadSnapshotMeta(this.store) } : await loadSnapshot(this.store);
      if (this.store.generation !== generation) continue;
      this.lastSnapshot = { codeGeneration, snapshot };
      return snapshot;
    }
  }

  /** Indexes the workspace into this graph (it must be writable). */
  async index(options: IndexOptions = {}): Promise<IndexReport> {
    const { indexWorkspaceInto } = await loadIndexers();
    return indexWorkspaceInto(this.store, this.workspace, options);
  }

  close(): void {
    // The model's worker would keep the process alive.
    void this.searcher?.close();
    this.store.close();
  }
}

export async function openGraph(options: OpenGraphOptions): Promise<Graph> {
  const located = locateForIndex(options.workspace, options.db);
  const store = await GraphStore.open({
    path: located.db,
    readOnly: !options.writable,
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
    ...(options.readers !== undefined ? { readers: options.readers } : {}),
  });
  // A graph opened by --db may belong to another folder: trust the root it was indexed from.
  const indexedRoot = options.db ? await readMeta(store, 'workspace_root') : null;
  return new Graph(indexedRoot ?? located.root, located.db, store, options.cacheAnswers ? new AnswerCache() : null);
}

export interface IndexWorkspaceOptions extends IndexOptions {
  db?: string;
  lockTimeoutMs?: number;
}

/** Indexes `workspace` into its graph (created if missing) and closes it; a folder that does not exist is `not_a_workspace`. */
export async function indexWorkspace(
  workspace: string,
  options: IndexWorkspaceOptions = {},
): Promise<IndexReport & { db: string }> {
  const { db, lockTimeoutMs, ...indexOptions } = options;
  const located = locateForIndex(workspaceFolderToIndex(workspace), db);
  // The workspace is read while DuckDB opens its file on a thread of its own; only the write waits for the store.
  const opening = GraphStore.open({ path: located.db, ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}) });
  opening.catch(() => undefined); // awaited later: a failure to open is not unhandled meanwhile
  try {
    const { indexWorkspaceInto } = await loadIndexers();
    const report = await indexWorkspaceInto(opening, located.root, indexOptions);
    return { ...report, db: located.db };
  } finally {
    await closeWhenOpen(opening);
  }
}

/** Closes a store once it has opened; one that failed to open has nothing to close (its error reaches the caller). */
async function closeWhenOpen(opening: Promise<GraphStore>): Promise<void> {
  try {
    (await opening).close();
  } catch {
    // Reported where the store was needed; a failure before that has its own error.
  }
}

export interface ReindexWorkspaceOptions extends ReindexOptions {
  db?: string;
  lockTimeoutMs?: number;
}

/**
 * Brings `workspace`'s graph up to date with the workspace, redoing only what changed (or exactly
 * `files`), and closes it. A workspace never indexed gets a full index.
 */
export async function reindexWorkspace(
  workspace: string,
  options: ReindexWorkspaceOptions = {},
): Promise<ReindexReport & { db: string }> {
  const { db, lockTimeoutMs, ...reindexOptions } = options;
  const located = locateForIndex(workspaceFolderToIndex(workspace), db);
  const [store, { reindexWorkspaceInto }] = await openWhileLoading(
    GraphStore.open({ path: located.db, ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}) }),
    () => import('../indexers/reindex.js'),
  );
  try {
    return { ...(await reindexWorkspaceInto(store, located.root, reindexOptions)), db: located.db };
  } finally {
    store.close();
  }
}

export interface QueryKnowledgeRequest {
  workspace: string;
  intent: Intent | unknown;
  db?: string;
}

/** `query_knowledge({ workspace, intent })`: opens the workspace's graph read-only, answers, closes. */
export async function queryKnowledge(request: QueryKnowledgeRequest): Promise<AnyAnswer> {
  const graph = await openGraph({ workspace: request.workspace, ...(request.db ? { db: request.db } : {}) });
  try {
    return await graph.query(request.intent);
  } finally {
    graph.close();
  }
}


/**
 * Opens the database while the indexers (and the compiler they carry, a synchronous load of tens of ms) load: DuckDB
 * opens its file on a thread of its own meanwhile. Whichever fails, nothing is left open.
 */
async function openWhileLoading<M>(opening: Promise<GraphStore>, load: () => Promise<M>): Promise<[GraphStore, M]> {
  const [store, loaded] = await Promise.allSettled([opening, load()]);
  if (store.status === 'rejected') throw store.reason;
  if (loaded.status === 'rejected') {
    store.value.close();
    throw loaded.reason;
  }
  return [store.value, loaded.value];
}

// The intent schema (zod) costs ~40 ms to load: commands that do not query skip it.
function loadQueries(): Promise<typeof QueriesModule> {
  return import('../queries/index.js');
}

// The indexers carry the TypeScript compiler (a quarter second to load): only commands that index pay for it.
function loadIndexers(): Promise<typeof IndexersModule> {
  return import('../indexers/index.js');
}
