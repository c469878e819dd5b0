// Brings a workspace's vectors up to date with its graph after an index or reindex: the graph's texts to embed are
// compared by content hash with the vectors stored, and only new or changed texts are embedded; vectors of nodes the
// graph no longer has are removed. The vectors are derived data: the graph is written first, and a run that stops
// before its end leaves them lagging (their state still names the older graph), which the next run repairs.

import { rmSync } from 'node:fs';
import { readEmbedTexts, type EmbedText } from '../../graph/embed-texts.js';
import { oneLine } from '../../graph/errors.js';
import type { Warning } from '../../graph/records.js';
import { metaStatements, readMeta, type GraphStore } from '../../graph/store.js';
import { openVectorStore, vectorDirOf, vectorStoreExists, type VectorRow } from '../../graph/vector-store.js';
import { DEFAULT_EMBED_MODEL, openEmbedder, type Embedder, type OpenEmbedder } from './embedder.js';

type ModelSource = Extract<OpenEmbedder, { ok: true }>['source'];
import { VECTORS_META_KEY, type VectorSetting } from './setting.js';

export interface VectorSyncOptions {
  /** --vectors (true) or --no-vectors (false); default: the environment, else what the graph remembers. */
  vectors?: boolean;
  /** The embedding model; default $KG_EMBED_MODEL, else the model of the stored vectors, else the default model. */
  model?: string;
  /** An embedder to use instead of opening one (the bench's, a test's). */
  embedder?: Embedder;
  onProgress?: (phase: string, done: number, total: number) => void;
  env?: NodeJS.ProcessEnv;
}

export type VectorReport =
  | { state: 'off'; forgotten: boolean }
  | {
      state: 'synced';
      model: string;
      dimensions: number;
      /** Where the model came from; null when nothing needed embedding (no model was loaded). */
      modelSource: ModelSource | 'given' | null;
      /** Texts of the graph that have a vector. */
      texts: number;
      /** Embedded by this run (new or changed texts). */
      embedded: number;
      /** Kept from before: their text's hash had not changed. */
      kept: number;
      removed: number;
      /** All vectors were made again: the model changed, or the table was unreadable and was rebuilt. */
      rebuilt: boolean;
      repaired: boolean;
      embedMs: number;
      /** Texts embedded per second, when any were. */
      textsPerSecond: number | null;
      durationMs: number;
      dir: string;
    }
  /** Vectors are on but could not be brought up to date (no model, say); the graph is unaffected, the vectors lag. */
  | { state: 'unavailable'; reason: string; dir: string };

/** How many vectors are written at a time: a run that stops keeps what it wrote, and the next embeds only the rest. */
const WRITE_CHUNK = 1024;

/** Syncs by `setting` (./setting.ts), which was worked out from `remembered`, the graph's meta value. */
export async function syncVectors(
  store: GraphStore,
  setting: VectorSetting,
  remembered: string | null,
  options: VectorSyncOptions = {},
): Promise<{ report: VectorReport; warnings: Warning[] }> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const dir = vectorDirOf(store.path);
  if (setting.remember !== null && setting.remember !== remembered) {
    await store.write((tx) => tx.run(metaStatements({ [VECTORS_META_KEY]: setting.remember }).join(';\n')));
  }
  if (!setting.on) {
    // --no-vectors forgets them: derived data, made again by the next --vectors.
    const forgotten = setting.remember === 'off' && vectorStoreExists(dir);
    if (forgotten) rmSync(dir, { recursive: true, force: true });
    return { report: { state: 'off', forgotten }, warnings: [] };
  }

  const opened = await openVectorStore(dir, { create: true });
  if (!opened.ok) return unavailable(opened.error.message, dir);
  const vectors = opened.store;
  try {
    const before = vectors.state();
    const model = options.embedder?.model ?? options.model ?? nonEmpty(env.KG_EMBED_MODEL) ?? before?.model ?? DEFAULT_EMBED_MODEL;
    const graphStamp = (await readMeta(store, 'indexed_at')) ?? '';
    const done = (facts: Omit<Extract<VectorReport, { state: 'synced' }>, 'state' | 'durationMs' | 'dir'>) => ({
      report: { state: 'synced' as const, ...facts, durationMs: Math.round(performance.now() - started), dir },
      warnings: [],
    });
    // The vectors already match this graph with this model: nothing to read.
    if (before && before.graphStamp === graphStamp && before.model === model && !opened.repaired) {
      return done({ model, dimensions: before.dimensions, modelSource: null, texts: before.rows, embedded: 0, kept: before.rows, removed: 0, rebuilt: false, repaired: false, embedMs: 0, textsPerSecond: null });
    }
    const rebuilt = opened.repaired || (before !== null && before.model !== model);
    if (before !== null && before.model !== model) await vectors.clear();
    const texts = await readEmbedTexts(store);
    const stored = rebuilt ? new Map<string, string>() : await vectors.hashes();
    const wanted = new Set(texts.map((text) => text.key));
    const toEmbed = texts.filter((text) => stored.get(text.key) !== text.hash);
    const remove = [...stored.keys()].filter((key) => !wanted.has(key));

    let embedder = options.embedder ?? null;
    let modelSource: ModelSource | 'given' | null = options.embedder ? 'given' : null;
    // The table's own width when nothing is embedded (a state lost to a crash still leaves the rows).
    let dimensions = vectors.dimensions() ?? 0;
    let embedMs = 0;
    let writing: Promise<void> = Promise.resolve();
    try {
      // Only removals (or nothing): no model is loaded.
      if (toEmbed.length > 0 && !embedder) {
        options.onProgress?.('model', 0, 1);
        const open = await openEmbedder({ model, env });
        if (!open.ok) return unavailable(open.error.message, dir);
        embedder = open.embedder;
        modelSource = open.source;
        options.onProgress?.('model', 1, 1);
      }
      if (embedder) dimensions = embedder.dimensions;
      const state = { model, dimensions, graphStamp };
      // A chunk is written while the worker embeds the next one, so the writes hide behind the embedding.
      for (let at = 0; at < toEmbed.length; at += WRITE_CHUNK) {
        const chunk = toEmbed.slice(at, at + WRITE_CHUNK);
        const t0 = performance.now();
        const embedding = embedder!
          .embed(
            chunk.map((text) => text.text),
            (n) => options.onProgress?.('embed', at + n, toEmbed.length),
          )
          .then((vectors) => {
            embedMs += performance.now() - t0;
            return vectors;
          });
        const [embedded] = await Promise.all([embedding, writing]);
        const last = at + WRITE_CHUNK >= toEmbed.length;
        // The state goes with the last chunk only: until then the vectors say they lag.
        writing = vectors.write({ upsert: rows(chunk, embedded), remove: last ? remove : [], ...(last ? { state } : {}) });
        writing.catch(() => undefined); // awaited with the next chunk or below
      }
      await writing;
      if (toEmbed.length === 0) await vectors.write({ upsert: [], remove, state });
    } catch (error) {
      // A model that failed mid-run, a table that could not be written: the graph stands, the vectors lag.
      await writing.catch(() => undefined); // the store is closed below, never under a write
      return unavailable(oneLine(error), dir);
    } finally {
      if (embedder && !options.embedder) await embedder.close();
    }
    return done({
      model,
      dimensions,
      modelSource,
      texts: texts.length,
      embedded: toEmbed.length,
      kept: texts.length - toEmbed.length,
      removed: remove.length,
      rebuilt,
      repaired: opened.repaired,
      embedMs: Math.round(embedMs),
      textsPerSecond: toEmbed.length > 0 && embedMs > 0 ? Math.round((toEmbed.length / embedMs) * 1000) : null,
    });
  } finally {
    await vectors.close();
  }
}

function rows(texts: readonly EmbedText[], vectors: readonly Float32Array[]): VectorRow[] {
  return texts.map((text, i) => ({ key: text.key, node: text.node, kind: text.kind, path: text.path, hash: text.hash, vector: vectors[i]! }));
}

function unavailable(reason: string, dir: string): { report: VectorReport; warnings: Warning[] } {
  return { report: { state: 'unavailable', reason, dir }, warnings: [{ code: 'vectors_unavailable', message: `vectors not updated: ${reason}` }] };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
