// Finds the workspace a command is about and the graph file that belongs to it.

import { existsSync, statSync } from 'node:fs';
import { KgError } from '../graph/errors.js';
import { dirname, resolve } from 'node:path';
import { assertWorkspaceFolder, defaultDbPath, realRoot } from '../graph/location.js';

export interface Located {
  /** Absolute, real path of the workspace root. */
  root: string;
  /** The DuckDB file. */
  db: string;
}

/**
 * The real path of the folder an index is about, checked before its graph is opened, so that a folder that does not
 * exist leaves no graph behind.
 */
export function workspaceFolderToIndex(dir: string): string {
  const root = realRoot(dir);
  assertWorkspaceFolder(root);
  return root;
}

/** For writes: the workspace is `dir` itself. */
export function locateForIndex(dir: string, db?: string): Located {
  const root = realRoot(dir);
  return { root, db: db ? resolve(db) : defaultDbPath(root) };
}

/**
 * For reads: `workspace` if given, else the nearest folder from `cwd` upwards that has a graph,
 * so `kg query` works from any subfolder of an indexed workspace.
 */
export function locateForRead(options: { workspace?: string; db?: string; cwd?: string }): Located | null {
  if (options.workspace) return locateForIndex(options.workspace, options.db);
  const start = realRoot(options.cwd ?? process.cwd());
  if (options.db) return { root: start, db: resolve(options.db) };
  for (let dir = start; ; dir = dirname(dir)) {
    const db = defaultDbPath(dir);
    if (existsSync(db)) return { root: dir, db };
    if (dirname(dir) === dir) return null;
  }
}

/** The real path of an existing workspace folder; `not_a_workspace` (a 404 over HTTP) otherwise. */
export function workspaceRoot(workspace: string): string {
  const { root } = locateForIndex(workspace);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // Missing: reported below.
  }
  if (!isDir) throw new KgError('not_a_workspace', `not a workspace folder: ${workspace}`);
  return root;
}

/** Throws `forbidden` for a file system root (`/`): an index of it would read the whole machine. */
export function refuseFilesystemRoot(root: string): void {
  if (dirname(root) === root) throw new KgError('forbidden', `${root} is never a workspace: name the project folder`);
}
