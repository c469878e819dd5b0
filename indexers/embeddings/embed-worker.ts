// The worker thread that runs a transformers.js feature-extraction pipeline, so a long embedding does not block the
// event loop of `kg serve`: it loads the model once, embeds one batch per message, and reports failures as messages.
//
// It imports nothing of ours at run time (types only) and loads transformers.js from the URL the embedder resolved:
// under vitest this file runs as transpiled source from a data: URL (worker-source.ts), where neither relative nor
// package imports resolve.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type * as Transformers from '@huggingface/transformers';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbedRequest, EmbedWorkerData, EmbedWorkerMessage } from './worker-protocol.js';

async function main(port: MessagePort, data: EmbedWorkerData): Promise<void> {
  const post = (message: EmbedWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let transformers: typeof Transformers;
  let extractor: FeatureExtractionPipeline;
  try {
    transformers = (await import(data.transformers)) as typeof Transformers;
  } catch (error) {
    post(failure('runtime', null, error));
    port.close();
    return;
  }
  try {
    extractor = await loadExtractor(transformers, data);
    const { dimensions } = await embedBatch(extractor, [data.probe]);
    post({ type: 'ready', dimensions });
  } catch (error) {
    post(failure('model', null, error));
    port.close();
    return;
  }
  // One batch at a time: a message that arrives while a batch runs waits for it.
  let queue = Promise.resolve();
  port.on('message', (request: EmbedRequest) => {
    queue = queue.then(async () => {
      try {
        const { vectors } = await embedBatch(extractor, request.texts);
        post({ type: 'embedded', id: request.id, vectors }, [vectors.buffer as ArrayBuffer]);
      } catch (error) {
        post(failure('embed', request.id, error));
      }
    });
  });
}

async function loadExtractor({ env, pipeline }: typeof Transformers, data: EmbedWorkerData): Promise<FeatureExtractionPipeline> {
  const { location } = data;
  env.localModelPath = location.root;
  env.allowLocalModels = true;
  env.allowRemoteModels = location.source === 'download';
  // transformers.js looks in its cache before the local folder: a cached copy of the same model id must not win over
  // the folder KG_MODEL_DIR names.
  env.useFSCache = location.source !== 'model_dir';
  if (location.source !== 'model_dir') env.cacheDir = location.root;
  if (data.remoteHost !== null) env.remoteHost = data.remoteHost;
  return pipeline('feature-extraction', data.model, { dtype: location.dtype, local_files_only: location.source !== 'download' });
}

/** The pooled, normalised vectors of a batch, row after row; zeros for a text with no known token. */
async function embedBatch(extractor: FeatureExtractionPipeline, texts: string[]): Promise<{ vectors: Float32Array; dimensions: number }> {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  const dimensions = output.dims[output.dims.length - 1] ?? 0;
  const vectors = Float32Array.from(output.data as ArrayLike<number>);
  output.dispose();
  // A text whose tokens all have zero vectors (only unknown words, in a static model) pools to zeros, which
  // normalising divides by a zero norm: NaN. Such a vector has no direction, so it is zeros.
  for (let row = 0; row < vectors.length; row += dimensions) {
    if (!vectors.subarray(row, row + dimensions).every(Number.isFinite)) vectors.fill(0, row, row + dimensions);
  }
  return { vectors, dimensions };
}

function failure(stage: 'runtime' | 'model' | 'embed', id: number | null, error: unknown): EmbedWorkerMessage {
  const cause = error instanceof Error ? error.cause : undefined;
  return {
    type: 'failed',
    stage,
    id,
    message: error instanceof Error ? error.message : String(error),
    cause: cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : null,
  };
}

if (parentPort === null) throw new Error('embed-worker runs as a worker thread only');
await main(parentPort, workerData as EmbedWorkerData);
