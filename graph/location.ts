// Where a workspace's graph lives: one DuckDB file per workspace under KG_HOME.

import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { KgError } from './errors.js';

/** The data directory: `$KG_HOME`, else `~/.workrail/kg`. */
export function kgHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KG_HOME && env.KG_HOME.length > 0 ? resolve(env.KG_HOME) : join(homedir(), '.workrail', 'kg');
}

/** A stable id for a workspace folder: its name plus a hash of its real path, so moves and links agree. */
export function workspaceId(root: string): string {
  const real = realRoot(root);
  const name = basename(real).replace(/[^A-Za-z0-9._-]/g, '_') || 'root';
  const digest = createHash('sha256').update(real).digest('hex').slice(0, 12);
  return `${name}-${digest}`;
}

/** The default database path of a workspace. */
export function defaultDbPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(kgHome(env), workspaceId(root), 'graph.duckdb');
}

export function realRoot(root: string): string {
  try {
    return realpathSync(resolve(root));
  } catch {
    return resolve(root);
  }
}

/** Throws `not_a_workspace` unless `root` is an existing folder. */
export function assertWorkspaceFolder(root: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new KgError('not_a_workspace', `not a workspace: ${root} does not exist`);
  }
  if (!isDirectory) throw new KgError('not_a_workspace', `not a workspace: ${root} is not a directory`);
}
