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
  const known = context.snapshot
    ? context.snapshot.files
    : new Set(
        (
          await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE path IN (SELECT unnest(?::VARCHAR[]))`, [normalized])
        ).map((row) => row.path),
      );
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

async function nearestNames(reader: GraphReader, path: string): Promise<string[]> {
  const base = path.split('/').pop() ?? path;
  const rows = await reader.all<{ path: string }>(
    `SELECT path FROM files WHERE path LIKE '%' || ? ORDER BY length(path), path LIMIT 3`,
    [base],
  );
  return rows.map((row) => row.path);
}
