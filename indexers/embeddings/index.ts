// The embedder seam of the vector layer, for the rest of kg: the interface, its options and errors, and how to open one.

export { DEFAULT_BATCH_SIZE, DEFAULT_EMBED_MODEL, EmbedderFailure, openEmbedder } from './embedder.js';
export type { Embedder, EmbedderError, EmbedderOptions, OpenEmbedder } from './embedder.js';
export { checkModelId, locateModel, transformersCacheDir } from './model-files.js';
export type { ModelDtype, ModelLocation, ModelSearch } from './model-files.js';
export { MAX_TEXT_CHARS } from './transformers-embedder.js';
export { staticModelWords, writeStaticModel } from './static-model.js';
