// Brings a workspace's graph up to date by redoing only what changed, in one transaction.

import { writeCodeDelta, readIndexState, type WrittenCounts } from '../graph/code-writer.js';
import type { Warning } from '../graph/records.js';
import { readMeta, type GraphStore } from '../graph/store.js';
import { changedSinceIndex, mayBeIndexed, statMoved } from './changes.js';
import type { SkippedFile } from './code/discover.js';
import type { CodeUpdate } from './code/reindex.js';
import { readGitHead } from './git/head.js';
import type { IndexOptions } from './index.js';

export interface ReindexOptions extends IndexOptions {
  /** Exactly these workspace-relative paths changed (added, modified or deleted); default: ask git or scan. */
  files?: string[];
}

export interface ReindexReport {
  workspace: string;
  /** `incremental` when only the changes were redone, `full` when a change called for a full index. */
  mode: 'incremental' | 'full';
  /** Why a full index was done, or how the changes were found. */
  reason: string;
  indexedAt: string;
  gitHead: string | null;
  durationMs: number;
  added: string[];
  modified: string[];
  deleted: string[];
  /** Files whose imports were resolved again because files appeared or disappeared. */
  reResolved: number;
  counts: WrittenCounts | null;
  skipped: SkippedFile[];
  warnings: Warning[];
}

export async function reindexWorkspaceInto(store: GraphStore, root: string, options: ReindexOptions = {}): Promise<ReindexReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const previous = await readIndexState(store);
  const gitHeadAtIndex = await readMeta(store, 'git_head');
  const changes = options.files
    ? { paths: options.files, method: 'files' as const }
    : await changedSinceIndex(root, previous, gitHeadAtIndex);
  const update = await codeUpdate(root, previous, changes.paths, options.maxFileBytes);

  if (update.kind === 'full') {
    const { indexWorkspaceInto } = await import('./index.js');
    const report = await indexWorkspaceInto(store, root, options);
    return {
      workspace: root,
      mode: 'full',
      reason: update.reason,
      indexedAt: report.indexedAt,
      gitHead: report.gitHead,
      durationMs: Math.round(performance.now() - started),
      added: [],
      modified: [],
      deleted: [],
      reResolved: 0,
      counts: report.counts,
      skipped: report.skipped,
      warnings: report.warnings,
    };
  }

  const gitHead = readGitHead(root);
  const { delta } = update;
  // Nothing to redo and HEAD where it was: leave the graph (and the database lock) alone.
  const upToDate = delta.removedFiles.length === 0 && delta.reResolvedFiles.length === 0 && gitHead === gitHeadAtIndex;
  const indexedAt = upToDate ? ((await readMeta(store, 'indexed_at')) ?? now().toISOString()) : now().toISOString();
  const counts = upToDate ? null : await writeCodeDelta(store, { root, indexedAt, gitHead, ...delta });
  return {
    workspace: root,
    mode: 'incremental',
    reason: `changes from ${changes.method}${'note' in changes && changes.note ? `: ${changes.note}` : ''}`,
    indexedAt,
    gitHead,
    durationMs: Math.round(performance.now() - started),
    added: update.added,
    modified: update.modified,
    deleted: update.deleted,
    reResolved: delta.reResolvedFiles.length,
    counts,
    skipped: update.skipped,
    warnings: update.warnings,
  };
}

const NO_CHANGES: CodeUpdate = {
  kind: 'delta',
  delta: { removedFiles: [], reResolvedFiles: [], rows: { files: [], symbols: [], packages: [], cliCommands: [], routes: [], diagnostics: [], edges: [] }, indexState: [] },
  added: [],
  modified: [],
  deleted: [],
  warnings: [],
  skipped: [],
};

// The code indexer carries the compiler: a reindex with nothing to look at never loads it.
async function codeUpdate(
  root: string,
  previous: Awaited<ReturnType<typeof readIndexState>>,
  paths: readonly string[],
  maxFileBytes: number | undefined,
): Promise<CodeUpdate> {
  // Indexed files whose size and mtime did not move are as the index saw them; other files count only if indexable.
  const worthALook = paths.filter((path) => (previous.has(path) ? statMoved(root, previous.get(path)!) : mayBeIndexed(path)));
  if (worthALook.length === 0 && previous.size > 0) return NO_CHANGES;
  const { reindexCode } = await import('./code/reindex.js');
  return reindexCode(root, previous, worthALook, maxFileBytes === undefined ? {} : { maxFileBytes });
}
