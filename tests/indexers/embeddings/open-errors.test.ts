// Where openEmbedder finds a model (model folder, cache, download) and the one-line errors when it cannot: each case on
// real folders, and the loading ones through the real worker. No test downloads: a download goes to a closed port.

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbedderFailure, openEmbedder, type EmbedderError, type OpenEmbedder } from '../../../indexers/embeddings/embedder.js';
import { writeOnnxModel } from '../../../indexers/embeddings/onnx-writer.js';
import { writeStaticModel } from '../../../indexers/embeddings/static-model.js';
import { TEST_MODEL_ID, writeTestModel } from '../../support/test-model.js';
import { tempDir } from '../../support/temp.js';

function failure(opened: OpenEmbedder): EmbedderError {
  if (opened.ok) {
    void opened.embedder.close();
    throw new Error(`expected a failure, opened from ${opened.source}`);
  }
  expect(opened.error.message).not.toContain('\n');
  return opened.error;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('openEmbedder', () => {
  it('says which file a model folder without ONNX weights lacks (model_invalid)', async () => {
    const { modelDir, model } = writeTestModel(tempDir());
    rmSync(join(modelDir, model, 'onnx'), { recursive: true });
    const error = failure(await openEmbedder({ env: { KG_MODEL_DIR: modelDir, KG_EMBED_MODEL: model } }));
    expect(error.code).toBe('model_invalid');
    expect(error.message).toContain(`${join(modelDir, model)} has no onnx/model.onnx`);
  });

  it('says where it looked when KG_MODEL_DIR lacks the model (model_missing), and does not fall back to a download', async () => {
    const dir = tempDir();
    const error = failure(await openEmbedder({ env: { KG_MODEL_DIR: dir } }));
    expect(error).toEqual({
      code: 'model_missing',
      message: expect.stringContaining(`no embedding model Xenova/all-MiniLM-L6-v2 in KG_MODEL_DIR=${dir}: expected ${join(dir, 'Xenova/all-MiniLM-L6-v2/onnx/model.onnx')} (a Hugging Face model folder`),
    });
    expect(failure(await openEmbedder({ modelDir: join(dir, 'nowhere'), model: TEST_MODEL_ID, env: {} })).message).toContain('(no such folder)');
  });

  it('is model_missing, naming the way out, when nothing is local and downloads are off', async () => {
    const cacheDir = tempDir();
    const off = failure(await openEmbedder({ model: TEST_MODEL_ID, cacheDir, allowDownload: false, env: {} }));
    expect(off.code).toBe('model_missing');
    expect(off.message).toContain(`embedding model ${TEST_MODEL_ID} is not in the transformers.js cache (${cacheDir}) and downloads are off (allowDownload: false): set KG_MODEL_DIR`);
    for (const env of [{ KG_OFFLINE: '1' }, { HF_HUB_OFFLINE: '1' }]) {
      const error = failure(await openEmbedder({ model: TEST_MODEL_ID, cacheDir, env }));
      expect(error.code).toBe('model_missing');
      expect(error.message).toContain(`downloads are off (${Object.keys(env)[0]}=1)`);
    }
  });

  it('rejects a model id that is not a plain <owner>/<name> before it becomes a path', async () => {
    const dir = tempDir();
    for (const model of ['../x', 'a/../../b', 'a/b/c', '/abs', '.hidden', '']) {
      const error = failure(await openEmbedder({ model, modelDir: dir, env: {} }));
      expect(error.code, model).toBe('model_invalid');
      expect(error.message).toContain('invalid embedding model id');
    }
  });

  it('opens a model from the transformers.js cache folder, with downloads off', async () => {
    const { modelDir: cacheDir, model } = writeTestModel(tempDir());
    const opened = await openEmbedder({ model, cacheDir, env: { KG_OFFLINE: '1' } });
    expect(opened.ok && opened.source).toBe('cache');
    if (opened.ok) await opened.embedder.close();
  });

  it('loads onnx/model_quantized.onnx (dtype q8) when a folder has no onnx/model.onnx', async () => {
    const { modelDir, model } = writeTestModel(tempDir());
    renameSync(join(modelDir, model, 'onnx/model.onnx'), join(modelDir, model, 'onnx/model_quantized.onnx'));
    const opened = await openEmbedder({ model, modelDir, env: {} });
    if (!opened.ok) throw new Error(opened.error.message);
    const [vector] = await opened.embedder.embed(['router']);
    expect(vector).toHaveLength(opened.embedder.dimensions);
    await opened.embedder.close();
  });

  it('is model_invalid, in one line, when the ONNX file does not load', async () => {
    const { modelDir, model } = writeTestModel(tempDir());
    writeFileSync(join(modelDir, model, 'onnx/model.onnx'), 'not a protobuf\n\nat all');
    const error = failure(await openEmbedder({ model, modelDir, env: {} }));
    expect(error.code).toBe('model_invalid');
    expect(error.message).toMatch(new RegExp(`^could not load embedding model ${TEST_MODEL_ID} from ${join(modelDir, model)}: .+`));
  });

  it('is model_missing, in one line, when a download fails', async () => {
    const cacheDir = tempDir();
    const host = `http://127.0.0.1:${await closedPort()}`;
    const error = failure(await openEmbedder({ model: 'kg-test/not-anywhere', cacheDir, env: { HF_ENDPOINT: host } }));
    expect(error.code).toBe('model_missing');
    expect(error.message).toMatch(new RegExp(`^could not download embedding model kg-test/not-anywhere from ${host}/: .*; set KG_MODEL_DIR`));
  });

  it('rejects a batch the model cannot run with embedder_failed, and embeds the next one', async () => {
    // The tokenizer knows three words, the table has rows for the special tokens and two: `gamma` is out of bounds.
    const modelDir = tempDir();
    const model = 'kg-test/short-table';
    writeStaticModel(modelDir, model, ['alpha', 'beta', 'gamma'], new Float32Array([1, 0, 0, 1, 1, 1]), 2);
    writeOnnxModel(join(modelDir, model, 'onnx/model.onnx'), {
      irVersion: 8,
      opsetVersion: 13,
      producerName: 'kg test',
      graph: {
        name: 'short_table',
        nodes: [{ opType: 'Gather', inputs: ['embeddings', 'input_ids'], outputs: ['last_hidden_state'] }],
        initializers: [{ name: 'embeddings', elemType: 'float', dims: [6, 2], rawData: [Buffer.from(new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]).buffer)] }],
        inputs: [{ name: 'input_ids', elemType: 'int64', shape: ['batch', 'sequence'] }],
        outputs: [{ name: 'last_hidden_state', elemType: 'float', shape: ['batch', 'sequence', 2] }],
      },
    });
    const opened = await openEmbedder({ model, modelDir, env: {} });
    if (!opened.ok) throw new Error(opened.error.message);
    try {
      const failed = await opened.embedder.embed(['alpha gamma']).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(EmbedderFailure);
      expect((failed as EmbedderFailure).error.code).toBe('embedder_failed');
      expect((failed as EmbedderFailure).message).toMatch(/^embedding failed: [^\n]+$/);
      const [beta] = await opened.embedder.embed(['beta']);
      expect(Array.from(beta!)).toEqual([0, 1]);
    } finally {
      await opened.embedder.close();
    }
  });
});
