// writeStaticModel's output, loaded by the real transformers.js pipeline in the real worker: a text's vector is the
// normalised mean of its known words' vectors, the tokenizer sees the words staticModelWords says, and a table of
// published-word-vector size (scaled down here) loads quickly.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbedder, type Embedder } from '../../../indexers/embeddings/embedder.js';
import { staticModelWords, writeStaticModel } from '../../../indexers/embeddings/static-model.js';
import { tempDir } from '../../support/temp.js';

const WORDS = 5000;
const DIMENSIONS = 100;

/** Word i is `w<i>`; its vector is seeded by i, so a test can compute any text's expected vector. */
function table(): { words: string[]; vectors: Float32Array } {
  const words = Array.from({ length: WORDS }, (_, i) => `w${i}`);
  const vectors = Float32Array.from({ length: WORDS * DIMENSIONS }, (_, k) => Math.sin(k * 12.9898 + 78.233));
  return { words, vectors };
}

function expected(vectors: Float32Array, ids: number[]): number[] {
  const sum = new Array<number>(DIMENSIONS).fill(0);
  for (const id of ids) for (let d = 0; d < DIMENSIONS; d++) sum[d]! += vectors[id * DIMENSIONS + d]!;
  const norm = Math.hypot(...sum);
  return sum.map((x) => x / norm);
}

async function open(modelDir: string, model: string): Promise<Embedder> {
  const opened = await openEmbedder({ model, modelDir, env: {} });
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.embedder;
}

describe('writeStaticModel', () => {
  it(`writes a ${WORDS} × ${DIMENSIONS} model that loads quickly and embeds a text as the mean of its known words`, async () => {
    const dir = tempDir();
    const { words, vectors } = table();
    const started = performance.now();
    writeStaticModel(dir, 'kg-test/static-100', words, vectors, DIMENSIONS);
    const embedder = await open(dir, 'kg-test/static-100');
    const elapsed = performance.now() - started;
    try {
      expect(statSync(join(dir, 'kg-test/static-100/onnx/model.onnx')).size).toBeGreaterThan((WORDS + 4) * DIMENSIONS * 4);
      expect(embedder.dimensions).toBe(DIMENSIONS);
      expect(elapsed).toBeLessThan(10_000);
      const [one, three, unknown] = await embedder.embed(['w42', 'W7, w4999 and w7', 'createRouter']);
      expect(Array.from(one!).map((x, d) => x - expected(vectors, [42])[d]!).every((x) => Math.abs(x) < 1e-5)).toBe(true);
      // `and` is not a word of this model: [UNK], a zero row. `W7` is lowercased to `w7`, which counts twice.
      expect(Array.from(three!).map((x, d) => x - expected(vectors, [7, 4999, 7])[d]!).every((x) => Math.abs(x) < 1e-5)).toBe(true);
      expect(Array.from(unknown!).every((x) => x === 0)).toBe(true);
    } finally {
      await embedder.close();
    }
  });

  it('tokenizes a text into the words staticModelWords gives: lowercased, split on whitespace and punctuation', async () => {
    const text = 'createRouter(app): Serve_HTTP requests—fast, 2x';
    expect(staticModelWords(text)).toEqual(['createrouter', '(', 'app', ')', ':', 'serve', '_', 'http', 'requests', '—', 'fast', ',', '2x']);
    // A model knowing each of those words alone: the text's vector is the mean of all of them, so each is one token.
    const dir = tempDir();
    const words = [...new Set(staticModelWords(text))];
    const vectors = Float32Array.from({ length: words.length * 4 }, (_, k) => Math.cos(k * 1.7 + 0.3));
    writeStaticModel(dir, 'kg-test/words', words, vectors, 4);
    const embedder = await open(dir, 'kg-test/words');
    try {
      const tokens = staticModelWords(text);
      const [whole, ...alone] = await embedder.embed([text, ...tokens]);
      const sum = [0, 0, 0, 0];
      tokens.forEach((token, i) => {
        expect(Math.hypot(...alone[i]!), token).toBeCloseTo(1, 5);
        const row = words.indexOf(token);
        for (let d = 0; d < 4; d++) sum[d]! += vectors[row * 4 + d]!;
      });
      const norm = Math.hypot(...sum);
      expect(Array.from(whole!).map((x, d) => x - sum[d]! / norm).every((x) => Math.abs(x) < 1e-5)).toBe(true);
    } finally {
      await embedder.close();
    }
  });

  it('throws for arguments that do not fit together', () => {
    const dir = tempDir();
    expect(() => writeStaticModel(dir, '../escape', ['a'], new Float32Array(2), 2)).toThrow(/invalid embedding model id/);
    expect(() => writeStaticModel(dir, 'kg-test/x', ['a', 'b'], new Float32Array(3), 2)).toThrow('3 values for 2 words of 2 dimensions (expected 4)');
    expect(() => writeStaticModel(dir, 'kg-test/x', [], new Float32Array(0), 0)).toThrow(/dimensions must be a positive integer/);
  });
});
