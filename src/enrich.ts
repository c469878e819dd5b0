// The library's `enrich`: a new session's context for a goal, the same object `kg enrich --json` and
// `POST /v1/enrich` return.

import { KgError } from '../graph/errors.js';
import { LocalBackend } from './backend/local.js';
import { enrichRequestSchema, type EnrichResult } from './enricher/schema.js';
import { parseWith } from './tools.js';

/**
 * Validates `request` (`{ workspace, goal, budgetTokens, spawnDepth?, coordinatorSummary?, ... }`), opens the
 * workspace's graph, builds the slots under their deadlines, renders them within the budget and stores the manifest
 * with the graph (unless `record: false`).
 */
export async function enrich(request: unknown): Promise<EnrichResult> {
  const parsed = parseWith(enrichRequestSchema, request);
  if (!parsed.ok) throw new KgError('bad_input', parsed.message);
  const backend = new LocalBackend({ keepOpen: false });
  try {
    return await backend.enrich(parsed.value);
  } finally {
    await backend.close();
  }
}
