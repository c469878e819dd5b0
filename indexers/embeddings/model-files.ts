// Finds an embedding model's files before any model code runs: in a model folder (KG_MODEL_DIR), in the transformers.js
// cache, or else as a download to come, so that a missing or broken model is a one-line error and not a stack trace.

import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbedderError } from './embedder.js';
import { isModelId } from './model-id.js';

/** How the ONNX weights are stored: transformers.js's dtype, which picks `onnx/model.onnx` or `onnx/model_quantized.onnx`. */
export type ModelDtype = 'fp32' | 'q8';

/**
 * Where a model's files are. `root` is the folder holding `<model id>/`: the model folder, or the transformers.js
 * cache, which uses the same layout for the main revision (FileCache keys are `<model id>/<file>`).
 */
export interface ModelLocation {
  source: 'model_dir' | 'cache' | 'download';
  root: string;
  dtype: ModelDtype;
}

export interface ModelSearch {
  model: string;
  /** A model folder in the Hugging Face layout; when given, the model must be there (no fallback to a download). */
  modelDir?: string;
  /** How to name the model folder in messages: `KG_MODEL_DIR=/x` when it came from the environment. */
  modelDirLabel?: string;
  cacheDir: string;
  allowDownload: boolean;
  /** Why downloads are off, for the message (`KG_OFFLINE=1`). */
  offlineReason?: string;
}

/** The files the feature-extraction pipeline reads, besides the ONNX weights. */
const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const ONNX_FILES: readonly { file: string; dtype: ModelDtype }[] = [
  { file: 'onnx/model.onnx', dtype: 'fp32' },
  { file: 'onnx/model_quantized.onnx', dtype: 'q8' },
];

/** Null for a usable model id, else why it is not one. */
export function checkModelId(model: string): EmbedderError | null {
  // It becomes a path under the model folder: the pattern keeps it from climbing out.
  if (isModelId(model)) return null;
  return { code: 'model_invalid', message: `invalid embedding model id ${JSON.stringify(model)}: expected <name> or <owner>/<name> of letters, digits, '.', '_' and '-' (e.g. Xenova/all-MiniLM-L6-v2)` };
}

/**
 * The transformers.js default cache folder, `<package>/.cache/`, computed as transformers.node.mjs computes its
 * DEFAULT_CACHE_DIR (two folders up from its entry file) without loading the library and onnxruntime in this thread.
 * The worker sets `env.cacheDir` to the folder checked here, so the two cannot disagree.
 */
export function transformersCacheDir(): string {
  return join(dirname(dirname(fileURLToPath(import.meta.resolve('@huggingface/transformers')))), '.cache');
}

/** Where the model is, or why it cannot be loaded. Reads the file system only. */
export function locateModel(search: ModelSearch): { ok: true; location: ModelLocation } | { ok: false; error: EmbedderError } {
  const { model } = search;
  const invalidId = checkModelId(model);
  if (invalidId) return { ok: false, error: invalidId };

  if (search.modelDir !== undefined) {
    const label = search.modelDirLabel ?? `model folder ${search.modelDir}`;
    const folder = join(search.modelDir, model);
    if (!isDirectory(folder)) {
      const why = isDirectory(search.modelDir) ? '' : ' (no such folder)';
      return missing(`no embedding model ${model} in ${label}${why}: expected ${join(folder, 'onnx', 'model.onnx')} (a Hugging Face model folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx); put the model there or point KG_MODEL_DIR elsewhere`);
    }
    const files = modelFiles(folder);
    if (files.missing !== null) {
      return { ok: false, error: { code: 'model_invalid', message: `embedding model folder ${folder} has no ${files.missing}: expected a Hugging Face model folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx` } };
    }
    return { ok: true, location: { source: 'model_dir', root: search.modelDir, dtype: files.dtype } };
  }

  const cached = modelFiles(join(search.cacheDir, model));
  if (cached.missing === null) return { ok: true, location: { source: 'cache', root: search.cacheDir, dtype: cached.dtype } };
  // A partial cache (an interrupted download) is completed by the download, which keeps the files it finds.
  if (search.allowDownload) return { ok: true, location: { source: 'download', root: search.cacheDir, dtype: 'fp32' } };
  const off = search.offlineReason ? ` (${search.offlineReason})` : '';
  return missing(`embedding model ${model} is not in the transformers.js cache (${search.cacheDir}) and downloads are off${off}: set KG_MODEL_DIR to a folder holding ${model}/ in the Hugging Face layout, or allow a download`);
}

/** The first required file a model folder lacks (null when complete), and the dtype its ONNX file implies. */
function modelFiles(folder: string): { missing: string | null; dtype: ModelDtype } {
  const onnx = ONNX_FILES.find(({ file }) => isFile(join(folder, file)));
  if (!onnx) return { missing: 'onnx/model.onnx (nor onnx/model_quantized.onnx)', dtype: 'fp32' };
  const lacking = MODEL_FILES.find((file) => !isFile(join(folder, file)));
  return { missing: lacking ?? null, dtype: onnx.dtype };
}

function missing(message: string): { ok: false; error: EmbedderError } {
  return { ok: false, error: { code: 'model_missing', message } };
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
