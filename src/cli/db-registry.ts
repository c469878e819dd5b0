// The graphs written with `--db` somewhere outside KG_HOME, remembered per workspace in `$KG_HOME/db-graphs.json`
// (0600, in the 0700 KG_HOME), so a command that finds no graph can say where one is instead of "run kg index".

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kgHome, realRoot } from '../../graph/location.js';
import { makePrivateFolder, writeFileDurably } from '../../graph/private-files.js';
import { isInside } from '../../indexers/confine.js';

const FILE = 'db-graphs.json';
// A workspace keeps its latest few: a registry that only grows would be a leak of its own.
const PER_WORKSPACE = 5;

type Registry = Record<string, string[]>;

function read(env: NodeJS.ProcessEnv): Registry {
  try {
    const value = JSON.parse(readFileSync(join(kgHome(env), FILE), 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].every((db) => typeof db === 'string')));
  } catch {
    return {};
  }
}

/** Notes that the graph of `workspace` (a real root) was written to `db`. Best effort: a failure costs only the hint. */
export function rememberDb(workspace: string, db: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const registry = read(env);
    const path = resolve(db);
    registry[workspace] = [path, ...(registry[workspace] ?? []).filter((known) => known !== path)].slice(0, PER_WORKSPACE);
    makePrivateFolder(kgHome(env));
    writeFileDurably(join(kgHome(env), FILE), `${JSON.stringify(registry, null, 2)}\n`);
  } catch {
    // The hint is a convenience; the index it describes is already written.
  }
}

/** Graphs written with --db for `folder` or a folder above it, that still exist, nearest workspace first. */
export function graphsWithDb(folder: string, env: NodeJS.ProcessEnv = process.env): string[] {
  let start: string;
  try {
    start = realRoot(folder);
  } catch {
    return [];
  }
  return Object.entries(read(env))
    .filter(([root]) => isInside(root, start))
    .sort(([a], [b]) => b.length - a.length)
    .flatMap(([, dbs]) => dbs.filter((db) => existsSync(db)));
}
