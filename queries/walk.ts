// Breadth-first walks over file import edges, one SQL round per hop, keeping each file's shortest distance.

import { nodeId } from '../graph/records.js';
import type { GraphReader } from '../graph/store.js';

export type Direction = 'importers' | 'dependencies';

/** Files reachable from `seeds` within `maxDepth` hops (seeds excluded), each with its hop count. */
export async function walkImports(
  reader: GraphReader,
  seeds: readonly string[],
  direction: Direction,
  maxDepth: number,
): Promise<Map<string, number>> {
  const from = direction === 'importers' ? 'dst' : 'src';
  const to = direction === 'importers' ? 'src' : 'dst';
  const sql =
    `SELECT DISTINCT ${to} AS node FROM edges ` +
    `WHERE kind = 'imports' AND ${from} IN (SELECT unnest(?::VARCHAR[]))`;
  const seen = new Set(seeds);
  const reached = new Map<string, number>();
  let frontier = seeds.map(nodeId.file);
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const rows = await reader.all<{ node: string }>(sql, [frontier]);
    const next: string[] = [];
    for (const { node } of rows) {
      const path = node.slice('file:'.length);
      if (seen.has(path)) continue;
      seen.add(path);
      reached.set(path, depth);
      next.push(node);
    }
    frontier = next;
  }
  return reached;
}

/** Sorts walk results nearest first, then by path. */
export function byDepthThenPath(reached: Map<string, number>): { path: string; depth: number }[] {
  return [...reached]
    .map(([path, depth]) => ({ path, depth }))
    .sort((a, b) => a.depth - b.depth || compare(a.path, b.path));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
