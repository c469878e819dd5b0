// Breadth-first walks over file import edges: in memory over a snapshot, else one SQL round per hop; each file keeps its shortest distance.

import { nodeId } from '../graph/records.js';
import type { GraphSnapshot } from './snapshot.js';
import type { QueryContext } from './answer.js';

export type Direction = 'importers' | 'dependencies';

/** Files reachable from `seeds` within `maxDepth` hops (seeds excluded), each with its hop count. */
export async function walkImports(
  context: QueryContext,
  seeds: readonly string[],
  direction: Direction,
  maxDepth: number,
): Promise<Map<string, number>> {
  if (context.snapshot) return walkInMemory(context.snapshot, seeds, direction, maxDepth);
  const from = direction === 'importers' ? 'dst' : 'src';
  const to = direction === 'importers' ? 'src' : 'dst';
  const sql =
    `SELECT DISTINCT ${to} AS node FROM edges ` +
    `WHERE kind = 'imports' AND ${from} IN (SELECT unnest(?::VARCHAR[]))`;
  const seen = new Set(seeds);
  const reached = new Map<string, number>();
  let frontier = seeds.map(nodeId.file);
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const rows = await context.reader.all<{ node: string }>(sql, [frontier]);
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

function walkInMemory(snapshot: GraphSnapshot, seeds: readonly string[], direction: Direction, maxDepth: number): Map<string, number> {
  const adjacency = direction === 'importers' ? snapshot.importedBy : snapshot.imports;
  const seen = new Set(seeds);
  const reached = new Map<string, number>();
  let frontier: readonly string[] = seeds;
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const path of frontier) {
      for (const edge of adjacency.get(path) ?? []) {
        if (seen.has(edge.path)) continue;
        seen.add(edge.path);
        reached.set(edge.path, depth);
        next.push(edge.path);
      }
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
