// The enricher's entry point: a session's context from an open graph, its manifest stored with the graph.

import { writeManifest } from '../../graph/manifest-writer.js';
import type { Graph } from '../api.js';
import { enrichContext } from './enrich.js';
import type { EnrichRequest, EnrichResult } from './schema.js';

export async function enrich(graph: Graph, request: EnrichRequest): Promise<EnrichResult> {
  const { workspace: _workspace, ...rest } = request;
  const result = await enrichContext({ root: graph.workspace, query: (intent) => graph.query(intent) }, rest);
  if (request.record !== false && !graph.store.readOnly) await writeManifest(graph.store, result.manifest);
  return result;
}
