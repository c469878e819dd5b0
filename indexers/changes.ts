// Which files may have changed since the last index: git when the workspace has it, else a stat-then-hash scan.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexedFileState } from '../graph/records.js';
import { discoverFiles } from './code/discover.js';
import { gitChangedSince } from './git/changes.js';
import { findGitDir } from './git/head.js';

export interface ChangedPaths {
  paths: string[];
  /** How the list was found. */
  method: 'git' | 'scan';
  /** Why git was not used, when it was not. */
  note?: string;
}

/**
 * Candidate paths, workspace-relative: what git reports since the indexed HEAD (committed, uncommitted,
 * untracked) plus every indexed file whose size or mtime moved (git misses a file reverted to its committed
 * content after it was indexed); without git, a walk of the workspace against the index state.
 */
export async function changedSinceIndex(
  root: string,
  previous: ReadonlyMap<string, IndexedFileState>,
  gitHeadAtIndex: string | null,
): Promise<ChangedPaths> {
  const statChanged = [...previous.values()].filter((state) => statMoved(root, state)).map((state) => state.path);
  let note: string | undefined;
  if (gitHeadAtIndex !== null && findGitDir(root) !== null) {
    const git = await gitChangedSince(root, gitHeadAtIndex);
    if (git.ok) return { paths: union(git.paths, statChanged), method: 'git' };
    note = `git could not list changes since ${gitHeadAtIndex.slice(0, 12)} (${git.reason}); scanned instead`;
  }
  const added = discoverFiles(root, Number.MAX_SAFE_INTEGER)
    .files.map((file) => file.path)
    .filter((path) => !previous.has(path));
  return { paths: union(added, statChanged), method: 'scan', ...(note ? { note } : {}) };
}

/** True when the file at `state.path` is missing or its size or mtime differs from the index's. */
export function statMoved(root: string, state: IndexedFileState): boolean {
  try {
    const stat = statSync(join(root, state.path));
    return stat.size !== state.size || stat.mtimeMs !== state.mtimeMs;
  } catch {
    return true;
  }
}

const SOURCE_OR_JSON = /\.(?:[cm]?[jt]sx?|json)$/;

/** Whether a path could be indexed or change how others are: sources, JSON, .gitignore. */
export function mayBeIndexed(path: string): boolean {
  return SOURCE_OR_JSON.test(path) || /(?:^|\/)\.gitignore$/.test(path);
}

/** Whether a path may be an asset code imports (a stylesheet, an image, a font): it has an extension, not a source's or JSON's. */
export function mayBeAsset(path: string): boolean {
  return /\.[A-Za-z0-9]+$/.test(path) && !SOURCE_OR_JSON.test(path);
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
