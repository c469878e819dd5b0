// What `kg status` and `GET /v1/status` say about a workspace's graph.

import { readMeta } from '../graph/store.js';
import { summarizeGraph, type GraphSummary } from '../graph/summary.js';
import { vectorDirOf } from '../graph/vector-store.js';
import { VECTORS_META_KEY } from '../indexers/embeddings/setting.js';
import { readGitHead } from '../indexers/git/head.js';
import type { Graph } from './api.js';

export interface WorkspaceStatus extends GraphSummary {
  workspace: string;
  db: string;
  gitHeadNow: string | null;
  headMovedSinceIndex: boolean;
  vectors: VectorStatus;
}

/** One graph of KG_HOME in `GET /v1/workspaces` and `kg status --all`: its status, or why it has none. */
export interface WorkspaceListing {
  /** The workspace root the graph was indexed from; its folder under KG_HOME when that could not be read. */
  workspace: string;
  db: string;
  status: WorkspaceStatus | null;
  /** Why `status` is null: a kg error code (`locked`, `no_graph`, `not_a_workspace`, `io`, ...) and one line. */
  error: { code: string; message: string } | null;
}

export interface VectorStatus {
  /** off; current: made from this graph; lagging: made from an older one (the next reindex brings them up); unreadable. */
  state: 'off' | 'current' | 'lagging' | 'unreadable';
  dir: string | null;
  model: string | null;
  dimensions: number | null;
  rows: number | null;
  updatedAt: string | null;
  /** What to do about a lagging or unreadable table, in one line. */
  note: string | null;
}

/** What the graph holds; `no_graph` when no index of it completed (a server's writable graph opened before one). */
export async function workspaceStatus(graph: Graph): Promise<WorkspaceStatus> {
  graph.assertIndexed();
  const summary = await summarizeGraph(graph.store);
  const gitHeadNow = readGitHead(graph.workspace);
  const vectors = await vectorStatus(graph, summary.indexedAt);
  return { workspace: graph.workspace, db: graph.db, ...summary, gitHeadNow, headMovedSinceIndex: summary.gitHead !== gitHeadNow, vectors };
}

const NO_VECTORS: VectorStatus = { state: 'off', dir: null, model: null, dimensions: null, rows: null, updatedAt: null, note: null };

/** The vectors beside the graph, when the workspace has them on: LanceDB is loaded only then. */
async function vectorStatus(graph: Graph, indexedAt: string | null): Promise<VectorStatus> {
  if ((await readMeta(graph.store, VECTORS_META_KEY)) !== 'on') return NO_VECTORS;
  const dir = vectorDirOf(graph.db);
  const { openVectorStore } = await import('../graph/vector-store.js');
  const opened = await openVectorStore(dir, { create: false });
  if (!opened.ok) return { ...NO_VECTORS, state: 'unreadable', dir, note: opened.error.message };
  try {
    const state = opened.store.state();
    if (!state) return { ...NO_VECTORS, state: 'lagging', dir, note: 'no completed vector write yet (an index stopped, or had no model: its report says why); kg reindex makes them' };
    const lagging = state.graphStamp !== indexedAt;
    return {
      state: lagging ? 'lagging' : 'current',
      dir,
      model: state.model,
      dimensions: state.dimensions,
      rows: state.rows,
      updatedAt: state.updatedAt,
      note: lagging ? `made from the graph of ${state.graphStamp || 'an earlier index'}, not ${indexedAt}: kg reindex brings them up to date` : null,
    };
  } finally {
    await opened.store.close();
  }
}
