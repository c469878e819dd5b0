// Runs the indexers over a workspace and writes what they found to its graph in one transaction.

import { statSync } from 'node:fs';
import { indexCode, type CodeIndexOptions, type SkippedFile } from './code/index.js';
import { readGitHead } from './git/head.js';
import { KgError } from '../graph/errors.js';
import type { Warning } from '../graph/records.js';
import type { GraphStore } from '../graph/store.js';
import { writeCodeIndex, type WrittenCounts } from '../graph/code-writer.js';

export interface IndexOptions {
  onProgress?: CodeIndexOptions['onProgress'];
  maxFileBytes?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface IndexReport {
  workspace: string;
  indexedAt: string;
  gitHead: string | null;
  durationMs: number;
  counts: WrittenCounts;
  tsconfigs: string[];
  skipped: SkippedFile[];
  warnings: Warning[];
}

/** Indexes the workspace at `root` (absolute) into `store`, replacing what a previous index wrote. */
export async function indexWorkspaceInto(store: GraphStore, root: string, options: IndexOptions = {}): Promise<IndexReport> {
  assertDirectory(root);
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const code = await indexCode(root, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  const indexedAt = now().toISOString();
  const gitHead = readGitHead(root);
  options.onProgress?.('write', 0, 1);
  const counts = await writeCodeIndex(store, { root, indexedAt, gitHead, rows: code.rows, indexState: code.indexState });
  options.onProgress?.('write', 1, 1);
  return {
    workspace: root,
    indexedAt,
    gitHead,
    durationMs: Math.round(performance.now() - started),
    counts,
    tsconfigs: code.tsconfigs,
    skipped: code.skipped,
    warnings: code.warnings,
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
