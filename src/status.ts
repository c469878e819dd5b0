// What `kg status` and `GET /v1/status` say about a workspace's graph.

import { summarizeGraph, type GraphSummary } from '../graph/summary.js';
import { readGitHead } from '../indexers/git/head.js';
import type { Graph } from './api.js';

export interface WorkspaceStatus extends GraphSummary {
  workspace: string;
  db: string;
  gitHeadNow: string | null;
  headMovedSinceIndex: boolean;
}

/** What the graph holds; `no_graph` when no index of it completed (a server's writable graph opened before one). */
export async function workspaceStatus(graph: Graph): Promise<WorkspaceStatus> {
  graph.assertIndexed();
  const summary = await summarizeGraph(graph.store);
  const gitHeadNow = readGitHead(graph.workspace);
  return { workspace: graph.workspace, db: graph.db, ...summary, gitHeadNow, headMovedSinceIndex: summary.gitHead !== gitHeadNow };
}
