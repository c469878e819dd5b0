// Runs the indexers over a workspace and writes what they found to its graph in one transaction.

import { statSync } from 'node:fs';
import { indexCode, type CodeIndexOptions, type SkippedFile } from './code/index.js';
import { readGitHead } from './git/head.js';
import { indexHistory } from './history.js';
import type { GitHistory } from './sessions/index.js';
import { KgError } from '../graph/errors.js';
import type { Warning } from '../graph/records.js';
import type { GraphStore } from '../graph/store.js';
import type { WrittenCounts } from '../graph/code-writer.js';
import { writeFullIndex, type HistoryCounts } from '../graph/history-writer.js';

export interface IndexOptions {
  onProgress?: CodeIndexOptions['onProgress'];
  maxFileBytes?: number;
  /** The agent data dir to read sessions from; default `$WORKRAIL_DATA_DIR`, else `~/.workrail/data`. */
  dataDir?: string;
  /** git for sessions whose changed files only git can tell; default git in the workspace. For tests. */
  git?: GitHistory | null;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface HistoryReport extends HistoryCounts {
  /** The agent data dir read (absolute), whether or not it exists. */
  dataDir: string;
  /** Sessions in the data dir, of every workspace; `sessions` counts this workspace's. */
  sessionsInDataDir: number;
}

export interface IndexReport {
  workspace: string;
  indexedAt: string;
  gitHead: string | null;
  durationMs: number;
  counts: WrittenCounts;
  history: HistoryReport;
  tsconfigs: string[];
  skipped: SkippedFile[];
  warnings: Warning[];
}

/**
 * Indexes the workspace at `root` (absolute) into `store`, replacing what a previous index wrote. The store may still
 * be opening: the workspace is read meanwhile, and only the write waits for it.
 */
export async function indexWorkspaceInto(
  store: GraphStore | Promise<GraphStore>,
  root: string,
  options: IndexOptions = {},
): Promise<IndexReport> {
  assertDirectory(root);
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const code = await indexCode(root, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  options.onProgress?.('sessions', 0, 1);
  const history = await indexHistory(root, {
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.git !== undefined ? { git: options.git } : {}),
  });
  options.onProgress?.('sessions', 1, 1);
  const indexedAt = now().toISOString();
  const gitHead = readGitHead(root);
  options.onProgress?.('write', 0, 1);
  const written = await writeFullIndex(
    await store,
    { root, indexedAt, gitHead, historyFingerprint: history.fingerprint, rows: code.rows, indexState: code.indexState },
    history.rows,
  );
  options.onProgress?.('write', 1, 1);
  return {
    workspace: root,
    indexedAt,
    gitHead,
    durationMs: Math.round(performance.now() - started),
    counts: written.code,
    history: { ...written.history, dataDir: history.dataDir, sessionsInDataDir: history.sessionsInDataDir },
    tsconfigs: code.tsconfigs,
    skipped: code.skipped,
    warnings: [...code.warnings, ...history.warnings],
  };
}

function assertDirectory(root: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new KgError('not_a_workspace', `not a workspace: ${root} does not exist`);
  }
  if (!isDirectory) throw new KgError('not_a_workspace', `not a workspace: ${root} is not a directory`);
}
