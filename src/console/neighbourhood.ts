// A file's neighbourhood for the File page: its importers and its dependencies out to a depth, as nodes and edges,
// walked with the `importers` and `dependencies` intents one hop at a time (so each edge is known), bounded in nodes.

import type { KgBackend } from '../backend/backend.js';
import { ask } from './ask.js';

export interface NeighbourNode {
  path: string;
  role: 'focus' | 'importer' | 'dependency';
  depth: number;
}

export interface NeighbourEdge {
  /** The importing file. */
  source: string;
  target: string;
  typeOnly: boolean;
}

export interface Neighbourhood {
  nodes: NeighbourNode[];
  edges: NeighbourEdge[];
  /** Some neighbours were left out to keep the drawing readable. */
  cut: boolean;
}

export const MAX_NEIGHBOURHOOD_DEPTH = 3;
// A drawing stays readable (and quick to lay out in the browser) up to about this many files.
const MAX_NODES = 80;
const PER_FILE = 20;

export async function neighbourhood(backend: KgBackend, workspace: string, path: string, depth: number): Promise<Neighbourhood> {
  const nodes = new Map<string, NeighbourNode>([[path, { path, role: 'focus', depth: 0 }]]);
  const edges = new Map<string, NeighbourEdge>();
  let cut = false;
  for (const direction of ['importers', 'dependencies'] as const) {
    let frontier = [path];
    for (let d = 1; d <= depth && frontier.length > 0; d++) {
      const answers = await Promise.all(frontier.map((file) => ask(backend, workspace, { kind: direction, file, limit: PER_FILE })));
      const next: string[] = [];
      answers.forEach((answer, k) => {
        const from = frontier[k]!;
        if (answer.truncated) cut = true;
        for (const item of answer.items) {
          const typeOnly = (item.imports ?? []).length > 0 && (item.imports ?? []).every((i) => i.typeOnly);
          const [source, target] = direction === 'importers' ? [item.path, from] : [from, item.path];
          if (!nodes.has(item.path)) {
            if (nodes.size >= MAX_NODES) {
              cut = true;
              continue;
            }
            nodes.set(item.path, { path: item.path, role: direction === 'importers' ? 'importer' : 'dependency', depth: d });
            next.push(item.path);
          }
          edges.set(`${source}\n${target}`, { source, target, typeOnly });
        }
      });
      frontier = next;
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], cut };
}
