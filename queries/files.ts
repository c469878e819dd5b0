// Turns the file names a caller gives into graph paths, failing clearly on files the graph does not know.

import { isAbsolute, relative } from 'node:path';
import { KgError } from '../graph/errors.js';
import type { GraphReader } from '../graph/store.js';
import type { QueryContext } from './answer.js';

/** Normalizes a caller's path to workspace-relative with forward slashes. */
export function normalizePath(root: string, path: string): string {
  let rel = isAbsolute(path) ? relative(root, path) : path;
  rel = rel.replaceAll('\\', '/');
  while (rel.startsWith('./')) rel = rel.slice(2);
  return rel.replace(/\/+/g, '/').replace(/\/$/, '');
}

/** The graph paths of `paths`, or a KgError naming the first one the graph does not hold. */
export async function knownFiles(context: QueryContext, paths: readonly string[]): Promise<string[]> {
  const normalized = paths.map((path) => normalizePath(context.root, path));
  const known = await indexedAmong(context, normalized);
  const missing = normalized.find((path) => !known.has(path));
  if (missing !== undefined) {
    const hint = await nearestNames(context.reader, missing);
    throw new KgError(
      'unknown_file',
      `unknown file: ${missing} is not in the graph` + (hint.length > 0 ? ` (did you mean ${hint.join(', ')}?)` : ''),
    );
  }
  return normalized;
}

/**
 * The graph files `paths` name: a file as itself, a folder as every indexed file under it (sorted), so "importers of
 * packages/server/src" means any file there. A path that is neither is `unknown_file`, as for knownFiles.
 */
export async function filesOrFolders(context: QueryContext, paths: readonly string[]): Promise<{ files: string[]; folders: string[] }> {
  const normalized = paths.map((path) => normalizePath(context.root, path));
  const files = new Set<string>();
  const folders: string[] = [];
  const unknown: string[] = [];
  const known = await indexedAmong(context, normalized);
  for (const path of normalized) {
    if (known.has(path)) files.add(path);
    else unknown.push(path);
  }
  for (const folder of unknown) {
    const prefix = folder === '' || folder === '.' ? '' : `${folder}/`;
    const under = context.snapshot
      ? [...context.snapshot.files.keys()].filter((path) => path.startsWith(prefix))
      : (await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE starts_with(path, ?)`, [prefix])).map((row) => row.path);
    if (under.length === 0) await knownFiles(context, [folder]);
    for (const path of under) files.add(path);
    folders.push(folder === '' ? '.' : folder);
  }
  return { files: [...files].sort(), folders };
}

/** Which of `paths` the graph holds as files: the snapshot's file set, else one query. */
async function indexedAmong(context: QueryContext, paths: readonly string[]): Promise<{ has(path: string): boolean }> {
  if (context.snapshot) return context.snapshot.files;
  const rows = await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE path IN (SELECT unnest(?::VARCHAR[]))`, [paths]);
  return new Set(rows.map((row) => row.path));
}

async function nearestNames(reader: GraphReader, path: string): Promise<string[]> {
  const base = path.split('/').pop() ?? path;
  const rows = await reader.all<{ path: string }>(
    `SELECT path FROM files WHERE path LIKE '%' || ? ORDER BY length(path), path LIMIT 3`,
    [base],
  );
  return rows.map((row) => row.path);
}
