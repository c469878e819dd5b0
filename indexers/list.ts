// The indexers, in the order a full index runs them. A new indexer is one more entry here (and its owner's tables in
// graph/tables.ts). The code indexer is loaded on demand: it carries the compiler, and a reindex with no code to redo
// never loads it.

import { conventionsIndexer } from './conventions/indexer.js';
import { gitIndexer } from './git/indexer.js';
import type { FingerprintedIndexer } from './indexer.js';
import { sessionsIndexer } from './sessions/indexer.js';

/** The indexers that fingerprint their inputs (all but code): a reindex runs one again when its fingerprint moved. */
export const FINGERPRINTED_INDEXERS = [sessionsIndexer, conventionsIndexer, gitIndexer] as const satisfies readonly FingerprintedIndexer<unknown>[];
