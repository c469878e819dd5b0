// The transformers.js embedder: a feature-extraction pipeline (mean pooling, normalised) in a worker thread, fed one
// batch per message, with the worker's failures and crashes turned into EmbedderErrors.

import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { oneLine } from '../../graph/errors.js';
import { EmbedderFailure, type Embedder, type EmbedderError, type OpenEmbedder } from './embedder.js';
import type { ModelLocation } from './model-files.js';
import type { EmbedWorkerData, EmbedWorkerMessage } from './worker-protocol.js';
import { embedWorkerUrl } from './worker-source.js';

/** Characters of a text that are embedded: models see a few hundred tokens, and tokenizing more only costs time. */
export const MAX_TEXT_CHARS = 8000;

const DEFAULT_REMOTE_HOST = 'https://huggingface.co/';

export interface TransformersEmbedderOptions {
  batchSize: number;
  /** HF_ENDPOINT: a Hugging Face mirror to download from; null for huggingface.co. */
  remoteHost: string | null;
}

/** Starts the worker, loads the model in it and embeds a probe text; a one-line error when any of it fails. */
export async function openTransformersEmbedder(model: string, location: ModelLocation, options: TransformersEmbedderOptions): Promise<OpenEmbedder> {
  // transformers.js joins the host and the path by string: the host ends with a slash.
  const remoteHost = options.remoteHost === null ? null : options.remoteHost.replace(/\/*$/, '/');
  const workerData: EmbedWorkerData = {
    transformers: import.meta.resolve('@huggingface/transformers'),
    model,
    location,
    remoteHost,
    probe: 'kg embedding probe',
  };
  let worker: Worker;
  try {
    worker = new Worker(await embedWorkerUrl(), { workerData });
  } catch (error) {
    return { ok: false, error: { code: 'embedder_failed', message: `could not start the embedding worker: ${oneLine(error)}` } };
  }
  const embedder = new WorkerEmbedder(model, worker, options.batchSize);
  const opened = await embedder.opened;
  if (opened !== null) {
    await embedder.close();
    return { ok: false, error: opened.stage === 'model' ? openError(model, location, remoteHost, opened.reason) : opened.error };
  }
  return { ok: true, embedder, source: location.source };
}

/** How a model that did not load is reported: missing when it was to be downloaded, else invalid. */
function openError(model: string, location: ModelLocation, remoteHost: string | null, reason: string): EmbedderError {
  if (location.source === 'download') {
    return { code: 'model_missing', message: `could not download embedding model ${model} from ${remoteHost ?? DEFAULT_REMOTE_HOST}: ${reason}; set KG_MODEL_DIR to a folder holding ${model}/ in the Hugging Face layout, or retry with network access` };
  }
  const where = location.source === 'model_dir' ? join(location.root, model) : `the transformers.js cache (${join(location.root, model)})`;
  return { code: 'model_invalid', message: `could not load embedding model ${model} from ${where}: ${reason}` };
}

/** Why the worker did not become ready: the model did not load (`reason` is the error's line), or anything else. */
type OpenFailure = { stage: 'model'; reason: string } | { stage: 'other'; error: EmbedderError };

class WorkerEmbedder implements Embedder {
  /** Null once the model is loaded and has embedded the probe, else why not. */
  readonly opened: Promise<OpenFailure | null>;
  readonly #worker: Worker;
  readonly #batchSize: number;
  readonly #pending = new Map<number, { resolve: (vectors: Float32Array) => void; reject: (failure: EmbedderFailure) => void }>();
  #nextId = 0;
  /** Set when the worker can no longer embed: it crashed, exited, or the embedder was closed. */
  #broken: EmbedderError | null = null;
  #closing = false;
  #dimensions = 0;
  #settleOpen: (failure: OpenFailure | null) => void = () => {};

  constructor(
    readonly model: string,
    worker: Worker,
    batchSize: number,
  ) {
    this.#worker = worker;
    this.#batchSize = batchSize;
    this.opened = new Promise((resolve) => (this.#settleOpen = resolve));
    worker.on('message', (message: EmbedWorkerMessage) => this.#receive(message));
    worker.on('error', (error) => this.#break(`the embedding worker failed: ${oneLine(error)}`));
    worker.on('exit', (code) => this.#break(`the embedding worker exited (code ${code})`));
  }

  get dimensions(): number {
    return this.#dimensions;
  }

  async embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let at = 0; at < texts.length; at += this.#batchSize) {
      const batch = texts.slice(at, at + this.#batchSize).map(clip);
      const rows = await this.#request(batch);
      for (let i = 0; i < batch.length; i++) vectors.push(rows.slice(i * this.#dimensions, (i + 1) * this.#dimensions));
      onProgress?.(at + batch.length, texts.length);
    }
    return vectors;
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#break('the embedder is closed');
    await this.#worker.terminate();
  }

  #request(texts: string[]): Promise<Float32Array> {
    if (this.#broken) return Promise.reject(new EmbedderFailure(this.#broken));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Held while a batch is out, so the process waits for it; an idle embedder that was not closed does not
      // keep the process alive.
      this.#worker.ref();
      this.#worker.postMessage({ id, texts });
    });
  }

  #receive(message: EmbedWorkerMessage): void {
    if (message.type === 'ready') {
      this.#dimensions = message.dimensions;
      this.#worker.unref();
      this.#settleOpen(null);
      return;
    }
    const reason = message.type === 'failed' ? `${oneLine(message.message)}${message.cause ? ` (${oneLine(message.cause)})` : ''}` : '';
    if (message.type === 'failed' && message.stage === 'model') return this.#settleOpen({ stage: 'model', reason });
    if (message.type === 'failed' && message.stage === 'runtime') {
      return this.#settleOpen({ stage: 'other', error: { code: 'embedder_failed', message: `could not load transformers.js and onnxruntime in the embedding worker: ${reason}` } });
    }
    if (message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (message.type === 'embedded') pending.resolve(message.vectors);
    else pending.reject(new EmbedderFailure({ code: 'embedder_failed', message: `embedding failed: ${reason}` }));
  }

  /** The worker is gone or going: every batch waiting for it, and every later one, fails with this message. */
  #break(message: string): void {
    if (this.#broken) return;
    this.#broken = { code: 'embedder_failed', message: oneLine(message) };
    this.#settleOpen({ stage: 'other', error: this.#broken });
    for (const { reject } of this.#pending.values()) reject(new EmbedderFailure(this.#broken));
    this.#pending.clear();
  }
}

/** A text cut to MAX_TEXT_CHARS, not inside a surrogate pair. */
function clip(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_TEXT_CHARS - 1]!) ? MAX_TEXT_CHARS - 1 : MAX_TEXT_CHARS;
  return text.slice(0, end);
}
