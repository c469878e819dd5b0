// The code indexer on the Indexer seam: files, symbols, packages, CLI commands, routes, diagnostics, their edges and
// the index state a reindex compares against. It has no fingerprint: a reindex finds the changed files and hands
// them to reindexCode (./reindex.ts), which gives a delta or asks for a full index.

import { codeOwnedRows } from '../../graph/code-writer.js';
import type { Indexer } from '../indexer.js';
import type { SkippedFile } from './discover.js';
import { indexCode } from './index.js';
import type { ResolutionSummary } from './resolution-summary.js';

export interface CodeFacts {
  /** Workspace-relative paths of the tsconfigs used. */
  tsconfigs: string[];
  skipped: SkippedFile[];
  resolution: ResolutionSummary;
}

export const codeIndexer: Indexer<CodeFacts> = {
  name: 'code',
  owner: 'code',
  fingerprint: () => null,
  async index(inputs) {
    const { onProgress, maxFileBytes } = inputs.options;
    const result = await indexCode(inputs.root, {
      ...(onProgress ? { onProgress } : {}),
      ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    });
    return { rows: codeOwnedRows(result.rows, result.indexState), warnings: result.warnings, facts: { tsconfigs: result.tsconfigs, skipped: result.skipped, resolution: result.resolution } };
  },
};
