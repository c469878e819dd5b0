// `kg export`: the whole graph as JSON lines, one JSON document, or Parquet files.

import { KgError } from '../../graph/errors.js';
import { exportLines, exportParquet, type EdgeLine, type NodeLine } from '../../graph/export.js';
import { graphToItself } from './backend.js';
import type { Io } from './io.js';
import type { ReadTarget } from './read-target.js';

export interface ExportCommandOptions extends ReadTarget {
  format: 'jsonl' | 'json' | 'parquet';
  out?: string;
}

export async function exportCommand(io: Io, options: ExportCommandOptions): Promise<void> {
  if (options.format === 'parquet' && !options.out) throw new KgError('bad_input', '--format parquet needs --out DIR');
  const graph = await graphToItself(options);
  try {
    if (options.format === 'parquet') {
      const files = await exportParquet(graph.store, options.out!);
      io.stdout(`${files.join('\n')}\n`);
      return;
    }
    if (options.format === 'jsonl') {
      for await (const line of exportLines(graph.store)) io.stdout(`${JSON.stringify(line)}\n`);
      return;
    }
    const nodes: NodeLine[] = [];
    const edges: EdgeLine[] = [];
    for await (const line of exportLines(graph.store)) {
      if (line.type === 'node') nodes.push(line);
      else edges.push(line);
    }
    io.stdout(`${JSON.stringify({ workspace: graph.workspace, nodes, edges })}\n`);
  } finally {
    graph.close();
  }
}
