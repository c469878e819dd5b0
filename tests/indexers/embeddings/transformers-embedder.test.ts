// The transformers.js embedder through its real worker thread, on the generated test model (KG_MODEL_DIR): the
// vectors' shape and meaning, batching and progress, texts without known words, and closing.

import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedderFailure, openEmbedder, type Embedder } from '../../../indexers/embeddings/embedder.js';
import { MAX_TEXT_CHARS } from '../../../indexers/embeddings/transformers-embedder.js';
import { TEST_MODEL_DIMENSIONS, TEST_MODEL_ID, writeTestModel } from '../../support/test-model.js';
import { tempDir } from '../../support/temp.js';

const ROUTER = 'the router sends each request to its handler';
const HTTP = 'an http server answers a request with a response';
const GIT = 'a git commit records history on a branch';

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * b[i]!, 0);
}

function norm(vector: Float32Array): number {
  return Math.hypot(...vector);
}

async function openTestEmbedder(env: NodeJS.ProcessEnv, batchSize?: number): Promise<Embedder> {
  const opened = await openEmbedder({ env, ...(batchSize ? { batchSize } : {}) });
  if (!opened.ok) throw new Error(opened.error.message);
  expect(opened.source).toBe('model_dir');
  return opened.embedder;
}

describe('the transformers.js embedder on the test model', () => {
  const env: NodeJS.ProcessEnv = {};
  let embedder: Embedder;
  beforeAll(async () => {
    const { modelDir, model } = writeTestModel(tempDir('kg-embedder-'));
    Object.assign(env, { KG_MODEL_DIR: modelDir, KG_EMBED_MODEL: model, KG_OFFLINE: '1' });
    embedder = await openTestEmbedder(env);
  });
  afterAll(() => embedder.close());

  it('gives one unit-length vector of the model dimensions per text, in order', async () => {
    expect(embedder.model).toBe(TEST_MODEL_ID);
    expect(embedder.dimensions).toBe(TEST_MODEL_DIMENSIONS);
    const vectors = await embedder.embed([ROUTER, HTTP, GIT]);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(TEST_MODEL_DIMENSIONS);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    const [again] = await embedder.embed([GIT]);
    expect(Array.from(again!)).toEqual(Array.from(vectors[2]!));
  });

  it('puts a text about routers closer to one about HTTP requests than to one about git commits', async () => {
    const [router, http, git] = await embedder.embed([ROUTER, HTTP, GIT]);
    expect(cosine(router!, http!)).toBeGreaterThan(cosine(router!, git!) + 0.2);
  });

  it('gives the same vectors across several batches as one by one, reporting progress after each batch', async () => {
    const texts = [ROUTER, HTTP, GIT, 'parse the syntax tree', 'a duckdb sql query', 'the agent session goal', 'vitest fixtures'];
    const batched = await openTestEmbedder(env, 3);
    try {
      const progress: [number, number][] = [];
      const together = await batched.embed(texts, (done, total) => progress.push([done, total]));
      expect(progress).toEqual([[3, 7], [6, 7], [7, 7]]);
      const alone: Float32Array[] = [];
      for (const text of texts) alone.push(...(await embedder.embed([text])));
      together.forEach((vector, i) => {
        expect(cosine(vector, alone[i]!)).toBeCloseTo(1, 5);
      });
    } finally {
      await batched.close();
    }
  });

  it('gives a finite zero vector for a text without known words, and unknown words do not move a text', async () => {
    const [unknown, empty, mixed, known] = await embedder.embed(['createRouter zxqv handleRequest()', '', 'createRouter: the router sends each request to its handler', ROUTER]);
    for (const vector of [unknown!, empty!]) {
      expect(vector).toHaveLength(TEST_MODEL_DIMENSIONS);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(norm(vector)).toBe(0);
    }
    expect(cosine(mixed!, known!)).toBeCloseTo(1, 5);
  });

  it('embeds a text longer than it reads (cut to MAX_TEXT_CHARS) and nothing for no texts', async () => {
    const long = `${'router '.repeat(MAX_TEXT_CHARS / 7)}${'git '.repeat(2000)}`;
    const [cut] = await embedder.embed([long]);
    const [router] = await embedder.embed(['router']);
    expect(cosine(cut!, router!)).toBeCloseTo(1, 5);
    const progress: number[] = [];
    expect(await embedder.embed([], (done) => progress.push(done))).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('closes: batches still out and later ones fail with embedder_failed, and the worker thread is gone', async () => {
    const threads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const hasThreads = existsSync('/proc/self/status');
    const before = hasThreads ? threads() : 0;
    const closing = await openTestEmbedder(env);
    if (hasThreads) expect(threads()).toBeGreaterThan(before);
    const pending = closing.embed([ROUTER]).catch((error: unknown) => error);
    await closing.close();
    const later = await closing.embed([ROUTER]).catch((error: unknown) => error);
    for (const failure of [await pending, later]) {
      expect(failure).toBeInstanceOf(EmbedderFailure);
      expect((failure as EmbedderFailure).error).toEqual({ code: 'embedder_failed', message: 'the embedder is closed' });
    }
    if (hasThreads) expect(threads()).toBeLessThanOrEqual(before);
    await closing.close();
  });
});
