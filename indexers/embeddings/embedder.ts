// The embedder seam of the vector layer: one small interface, so a local model, a test model and a remote provider
// are interchangeable, and openEmbedder, which finds the configured model and opens it in a worker.

import { resolve } from 'node:path';
import { locateModel, transformersCacheDir } from './model-files.js';
import { openTransformersEmbedder } from './transformers-embedder.js';

export interface Embedder {
  /** The model id, e.g. `Xenova/all-MiniLM-L6-v2`. */
  readonly model: string;
  /** Length of every vector (known once the model is loaded). */
  readonly dimensions: number;
  /**
   * One unit-length vector per text, in order (a zero vector for a text with no known token); batched inside;
   * onProgress after each batch with the texts done so far. Rejects with an EmbedderFailure.
   */
  embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export const DEFAULT_EMBED_MODEL = 'Xenova/all-MiniLM-L6-v2';

/** Why an embedder cannot open or embed. `message` is one line: what is missing and how to provide it. */
export type EmbedderError = { code: 'model_missing' | 'model_invalid' | 'embedder_failed'; message: string };

export type OpenEmbedder = { ok: true; embedder: Embedder; source: 'model_dir' | 'cache' | 'download' } | { ok: false; error: EmbedderError };

export interface EmbedderOptions {
  /** Default: env KG_EMBED_MODEL, else DEFAULT_EMBED_MODEL. */
  model?: string;
  /** A folder holding `<model id>/` in the Hugging Face layout. Default: env KG_MODEL_DIR. */
  modelDir?: string;
  /** Default: true unless env KG_OFFLINE or HF_HUB_OFFLINE is 1. */
  allowDownload?: boolean;
  /** Texts per message to the worker. Default 32. */
  batchSize?: number;
  /** The transformers.js cache, where downloads go. Default: transformers.js's own (`<package>/.cache/`). */
  cacheDir?: string;
  /** Read for the defaults above and HF_ENDPOINT (a Hugging Face mirror to download from). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The rejection of `embed`: an Error carrying the EmbedderError. */
export class EmbedderFailure extends Error {
  constructor(readonly error: EmbedderError) {
    super(error.message);
    this.name = 'EmbedderFailure';
  }
}

export const DEFAULT_BATCH_SIZE = 32;

const YES = /^(1|true|yes|on)$/i;

/** Opens the configured model: from the model folder, the cache, or a download; a one-line error when it cannot. */
export async function openEmbedder(options: EmbedderOptions = {}): Promise<OpenEmbedder> {
  const env = options.env ?? process.env;
  const model = options.model ?? nonEmpty(env.KG_EMBED_MODEL) ?? DEFAULT_EMBED_MODEL;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  const modelDir = options.modelDir ?? nonEmpty(env.KG_MODEL_DIR);
  const offline = ['KG_OFFLINE', 'HF_HUB_OFFLINE'].find((name) => YES.test(env[name]?.trim() ?? ''));
  const allowDownload = options.allowDownload ?? offline === undefined;
  // An explicit model folder is the only place looked in: a typo must not turn into a download.
  const located = locateModel({
    model,
    ...(modelDir !== undefined ? { modelDir: resolve(modelDir), modelDirLabel: options.modelDir === undefined ? `KG_MODEL_DIR=${modelDir}` : `model folder ${modelDir}` } : {}),
    cacheDir: resolve(options.cacheDir ?? transformersCacheDir()),
    allowDownload,
    offlineReason: options.allowDownload === false ? 'allowDownload: false' : offline !== undefined ? `${offline}=${env[offline]}` : '',
  });
  if (!located.ok) return located;
  return openTransformersEmbedder(model, located.location, { batchSize, remoteHost: nonEmpty(env.HF_ENDPOINT) ?? null });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
