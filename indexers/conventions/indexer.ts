// The conventions indexer on the Indexer seam: the sections of the workspace's rule documents. Their applies_to
// edges are derived by the writer from these rows and the files (graph/derived-edges.ts).

import { join } from 'node:path';
import { ownedTable } from '../../graph/owned-rows.js';
import { CONVENTIONS } from '../../graph/tables.js';
import { StatFingerprint } from '../fingerprint.js';
import type { FingerprintedIndexer } from '../indexer.js';
import { indexConventions } from './index.js';

export const conventionsIndexer: FingerprintedIndexer<null> = {
  name: 'conventions',
  owner: 'conventions',

  // Size and mtime of each document; a document that leads out of the workspace is never read, nor stat'ed: only its
  // being there counts.
  fingerprint(inputs) {
    const fingerprint = new StatFingerprint();
    for (const doc of inputs.documents) {
      if (doc.outside === undefined) fingerprint.file(`doc ${doc.path}`, join(inputs.root, doc.path));
      else fingerprint.text(`doc ${doc.path}:outside ${doc.outside}`);
    }
    return fingerprint.digest();
  },

  async index(inputs) {
    const result = indexConventions(inputs.root, inputs.documents);
    return { rows: { owner: 'conventions', tables: [ownedTable(CONVENTIONS, result.conventions)], edges: [] }, warnings: result.warnings, facts: null };
  },
};
