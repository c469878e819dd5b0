// A sync of more texts than one write holds: chunks are embedded and written in turn (a chunk written while the next
// is embedded), every text lands once, and the state is written with the last chunk only.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../../graph/store.js';
import { openVectorStore, vectorDirOf } from '../../../graph/vector-store.js';
import type { Embedder } from '../../../indexers/embeddings/embedder.js';
import { indexWorkspaceInto } from '../../../indexers/index.js';
import { writeWorkspace } from '../../fixtures/workspace.js';
import { tempDir } from '../../support/temp.js';

const FILES = 2500;

/** Each text's vector from its length and first letters: unit length, deterministic; records each batch it is given. */
function countingEmbedder(batches: number[]): Embedder {
  return {
    model: 'kg-test/counting-8',
    dimensions: 8,
    embed: async (texts) => {
      batches.push(texts.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return texts.map((text) => {
        const v = Float32Array.from({ length: 8 }, (_, i) => (text.charCodeAt(i % text.length) % 7) + 1);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
    },
    close: () => Promise.resolve(),
  };
}

describe('a sync in several chunks', () => {
  it('embeds and stores every text once, and leaves a state that matches the graph', async () => {
    const dir = tempDir('kg-sync-chunks-');
    const files: Record<string, string> = { 'package.json': '{"name":"many","type":"module"}\n' };
    for (let i = 0; i < FILES; i++) files[`src/m${i}.ts`] = `/** Module number ${i}. */\nexport const value${i} = ${i};\n`;
    const root = writeWorkspace(join(dir, 'ws'), files);
    const store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
    try {
      const batches: number[] = [];
      const report = await indexWorkspaceInto(store, root, { dataDir: join(dir, 'no-data'), vectors: true, embedder: countingEmbedder(batches) });
      expect(report.vectors).toMatchObject({ state: 'synced', embedded: report.vectors.state === 'synced' ? report.vectors.texts : -1 });
      const texts = (report.vectors as { texts: number }).texts;
      expect(texts).toBeGreaterThan(2 * 1024); // files and their documented symbols: three chunks at least
      expect(batches.reduce((a, b) => a + b, 0)).toBe(texts);
      const opened = await openVectorStore(vectorDirOf(store.path));
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      try {
        expect((await opened.store.hashes()).size).toBe(texts);
        expect(opened.store.state()).toMatchObject({ model: 'kg-test/counting-8', dimensions: 8, rows: texts });
      } finally {
        await opened.store.close();
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
