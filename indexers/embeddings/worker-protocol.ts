// The messages between an embedder and its worker thread (types only: the worker imports nothing of ours at run time).

import type { ModelLocation } from './model-files.js';

/** What the worker is started with. */
export interface EmbedWorkerData {
  /** The URL of @huggingface/transformers's entry, resolved by the embedder (see embed-worker.ts for why). */
  transformers: string;
  model: string;
  location: ModelLocation;
  /** A Hugging Face mirror to download from (HF_ENDPOINT), ending with `/`; null: transformers.js's default host. */
  remoteHost: string | null;
  /** A short text embedded once the model is loaded: proves it runs and gives the vectors' length. */
  probe: string;
}

/** One batch to embed. */
export interface EmbedRequest {
  id: number;
  texts: string[];
}

export type EmbedWorkerMessage =
  | { type: 'ready'; dimensions: number }
  /** The batch's vectors, row after row; a vector whose text had no known token is zeros. */
  | { type: 'embedded'; id: number; vectors: Float32Array }
  /**
   * What failed: loading transformers.js and onnxruntime (`runtime`), loading the model (`model`), or embedding the
   * batch `id` (`embed`). `cause` is the code or message of the error's cause (`ENOTFOUND`).
   */
  | { type: 'failed'; stage: 'runtime' | 'model' | 'embed'; id: number | null; message: string; cause: string | null };
