// The graphs of KG_HOME (`$KG_HOME/<workspace-id>/graph.duckdb`) as `GET /v1/workspaces` and `kg status --all` list
// them: each with its workspace's status, or the error that kept it from one, so one unreadable graph fails no list.

import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isKgError, KgError, oneLine } from '../../graph/errors.js';
import { defaultDbPath, kgHome } from '../../graph/location.js';
import { GraphStore, readMeta } from '../../graph/store.js';
import { Graph } from '../api.js';
import { workspaceStatus, type WorkspaceListing } from '../status.js';
import { MAX_LISTED_WORKSPACES } from './backend.js';

/** Graphs read at once. */
export const LISTING_PARALLEL = 4;
/** The longest a listing waits for another process's lock on one graph before it lists it as `locked`. */
export const LISTING_LOCK_TIMEOUT_MS = 1000;

const GRAPH_FILE = 'graph.duckdb';

/** The graph files of KG_HOME, by folder name, at most MAX_LISTED_WORKSPACES; none when there is no KG_HOME. */
export function graphFiles(home: string = kgHome()): string[] {
  let names: string[];
  try {
    names = readdirSync(home, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    const db = join(home, name, GRAPH_FILE);
    if (isFile(db)) files.push(db);
    if (files.length === MAX_LISTED_WORKSPACES) break;
  }
  return files;
}

/**
 * The listing of a graph this process does not hold: the file opened read-only for as long as it takes to read its
 * workspace root (from its meta) and the workspace's status.
 */
export async function readListing(db: string, lockTimeoutMs: number): Promise<WorkspaceListing> {
  let store: GraphStore;
  try {
    store = await GraphStore.open({ path: db, readOnly: true, lockTimeoutMs });
  } catch (error) {
    return failed(dirname(db), db, error);
  }
  let root: string | null = null;
  try {
    root = await readMeta(store, 'workspace_root');
    if (root === null) throw new KgError('io', `${db} names no workspace_root in its meta: kg index the workspace again`);
    return await listed(root, db, new Graph(root, db, store));
  } catch (error) {
    return failed(root ?? dirname(db), db, error);
  } finally {
    store.close();
  }
}

/** The listing of a graph this process keeps open (a server's), read through that open graph. */
export async function heldListing(root: string, db: string, held: Promise<Graph>): Promise<WorkspaceListing> {
  try {
    return await listed(root, db, await held);
  } catch (error) {
    return failed(root, db, error);
  }
}

/** Sorted by workspace path (code unit order, as the file system names them), then by graph file. */
export function sortListings(listings: WorkspaceListing[]): WorkspaceListing[] {
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return listings.sort((a, b) => compare(a.workspace, b.workspace) || compare(a.db, b.db));
}

/** `work` of each item, at most `limit` at once, the results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The status of the graph's workspace, once the workspace is still where the graph says and reads this graph. */
async function listed(root: string, db: string, graph: Graph): Promise<WorkspaceListing> {
  if (!isDirectory(root)) {
    throw new KgError('not_a_workspace', `${root}, the folder this graph was indexed from, no longer exists: ${dirname(db)} holds its old graph`);
  }
  const expected = defaultDbPath(root);
  if (expected !== db) {
    throw new KgError('not_a_workspace', `${root} is now read from ${expected}, not this graph: the folder was moved or linked since it was indexed`);
  }
  return { workspace: root, db, status: await workspaceStatus(graph), error: null };
}

function failed(workspace: string, db: string, error: unknown): WorkspaceListing {
  return { workspace, db, status: null, error: { code: isKgError(error) ? error.code : 'internal', message: oneLine(error) } };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
