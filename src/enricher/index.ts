// The enricher's entry point: a session's context from an open graph, its manifest stored with the graph.

import { writeManifest } from '../../graph/manifest-writer.js';
import type { Graph } from '../api.js';
import { enrichContext } from './enrich.js';
import type { EnrichRequest, EnrichResult } from './schema.js';

/** How long the call waits for its manifest to be stored before it answers anyway. */
export const MANIFEST_WAIT_MS = 100;

export interface EnrichOptions {
  /**
   * Gets the manifest write when it did not finish within MANIFEST_WAIT_MS (the graph's writer was busy, e.g. with a
   * reindex): it completes after the call returns, and the promise never rejects. Without this, the call waits for it.
   */
  onPendingWrite?: (write: Promise<void>) => void;
}

export async function enrich(graph: Graph, request: EnrichRequest, options: EnrichOptions = {}): Promise<EnrichResult> {
  const { workspace: _workspace, ...rest } = request;
  const result = await enrichContext({ root: graph.workspace, query: (intent) => graph.query(intent) }, rest);
  if (request.record === false || graph.store.readOnly) return result;
  const writing = writeManifest(graph.store, result.manifest);
  if (!options.onPendingWrite) {
    await writing;
    return result;
  }
  // A write queued behind a long reindex must not hold the session's start past its deadline.
  const stored = await Promise.race([writing.then(() => true), delay(MANIFEST_WAIT_MS).then(() => false)]);
  if (!stored) {
    options.onPendingWrite(
      writing.catch((error: unknown) => {
        process.stderr.write(`kg: could not store the enrich manifest ${result.manifest.id}: ${error instanceof Error ? error.message : String(error)}\n`);
      }),
    );
  }
  return result;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
