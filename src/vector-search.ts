// The vector probe of an open graph: the workspace's vectors (LanceDB, beside the graph) searched with the query text
// embedded by the model that made them. The store and the model are loaded on the first search that needs them and
// kept for the life of the graph (a `kg serve` answers warm), and never for a workspace with vectors off.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine } from '../graph/errors.js';
import type { GraphReader } from '../graph/store.js';
import { readMetaValues } from '../graph/store.js';
import type { VectorKind, VectorStore } from '../graph/vector-store.js';
import type { Embedder, OpenEmbedder } from '../indexers/embeddings/embedder.js';
import { VECTORS_META_KEY } from '../indexers/embeddings/setting.js';
import type { VectorProbe, VectorSearch } from '../queries/answer.js';

const OFF = 'vectors are off for this workspace (kg index --vectors turns them on)';

// The embedders of this process, by model, shared by every graph it opens (a bench or a library user opening a graph
// per query loads a model once). An idle embedder's worker does not keep the process alive.
const embedders = new Map<string, Promise<OpenEmbedder>>();

async function embedderFor(model: string): Promise<Embedder | string> {
  let opened = embedders.get(model);
  if (!opened) {
    // Never a download on a query's path: the model that made the vectors was found locally, or in the cache, then.
    opened = import('../indexers/embeddings/embedder.js').then(({ openEmbedder }) => openEmbedder({ model, allowDownload: false }));
    embedders.set(model, opened);
  }
  const result = await opened;
  if (result.ok) return result.embedder;
  // A model that could not be loaded is tried again by the next search (it may have been provided meanwhile).
  if (embedders.get(model) === opened) embedders.delete(model);
  return result.error.message;
}

export class VectorSearcher implements VectorProbe {
  private store: { stamp: string; opened: Promise<VectorStore | string> } | null = null;
  private closed = false;

  constructor(
    /** The vectors' folder (graph/vector-store.ts vectorDirOf). */
    private readonly dir: string,
    private readonly reader: GraphReader,
  ) {}

  /** What the vectors' state file says when it was last written: a search after a sync sees the new vectors. */
  stamp(): string {
    try {
      const stat = statSync(join(this.dir, 'state.json'));
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'none';
    }
  }

  async search(text: string, kinds: readonly VectorKind[], limit: number): Promise<VectorSearch> {
    const meta = await readMetaValues(this.reader, [VECTORS_META_KEY, 'indexed_at']);
    if (meta[VECTORS_META_KEY] !== 'on') return { state: 'off', reason: OFF };
    const store = await this.openStore();
    if (typeof store === 'string') return { state: 'unavailable', reason: store };
    const state = store.state();
    if (!state) return { state: 'unavailable', reason: 'the vectors are not made yet (an index stopped, or had no model: its report says why); kg reindex makes them' };
    if (this.closed) return { state: 'unavailable', reason: 'the graph is closed' };
    const embedder = await embedderFor(state.model);
    if (typeof embedder === 'string') return { state: 'unavailable', reason: embedder };
    try {
      const [vector] = await embedder.embed([text]);
      if (!vector || vector.length !== state.dimensions) {
        return { state: 'unavailable', reason: `the model ${state.model} gives ${vector?.length ?? 0}-d vectors, the stored ones are ${state.dimensions}-d: kg reindex --vectors makes them again` };
      }
      const hits = await store.search(vector, { kinds, limit });
      return { state: 'used', hits, model: state.model, lagging: state.graphStamp !== meta.indexed_at };
    } catch (error) {
      // A model that stopped working or a table damaged since it was opened: the answer goes on without vectors.
      return { state: 'unavailable', reason: oneLine(error) };
    }
  }

  /** Closes the vector store; the searcher answers nothing after (the process's embedders stay for other graphs). */
  async close(): Promise<void> {
    this.closed = true;
    const store = this.store;
    this.store = null;
    const opened = await store?.opened;
    if (opened && typeof opened !== 'string') await opened.close();
  }

  // Opened again once the vectors were written since: LanceDB reads the table as it was when opened.
  private async openStore(): Promise<VectorStore | string> {
    const stamp = this.stamp();
    if (this.store?.stamp !== stamp) {
      const previous = this.store?.opened;
      this.store = {
        stamp,
        opened: import('../graph/vector-store.js')
          .then(({ openVectorStore }) => openVectorStore(this.dir, { create: false }))
          .then((opened) => (opened.ok ? opened.store : opened.error.message)),
      };
      void previous?.then((old) => (typeof old === 'string' ? undefined : old.close()));
    }
    return this.store.opened;
  }
}
