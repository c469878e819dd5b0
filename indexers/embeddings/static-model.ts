// Writes a static word-embedding model (one fixed vector per word) in the Hugging Face layout, so the same
// transformers.js feature-extraction pipeline that runs a real model loads it: the test model, and the bench's
// model made from published word vectors.
//
// The model is a whole-word tokenizer and one ONNX Gather: a text's vector is the mean of its known words' vectors
// (mean pooling), normalised. Unknown words, identifiers such as `createRouter` among them, are [UNK], whose zero
// row leaves the direction unchanged; a text of unknown words only has the zero vector.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { checkModelId } from './model-files.js';
import { writeOnnxModel } from './onnx-writer.js';

/** The special tokens, ids 0 to 3; their rows of the table are zeros. */
const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** The longest text in tokens: a static model has no positions to run out of, and kg clips texts to 8,000 characters. */
const MODEL_MAX_LENGTH = 8192;

// The split of BertPreTokenizer in @huggingface/tokenizers: runs of non-space non-punctuation, and each punctuation
// character alone ('_' included, so `snake_case` is two words and a `_`).
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

/**
 * The words a static model's tokenizer makes of a text, in order: lowercased, split on whitespace and punctuation
 * (each punctuation mark is a word of its own). Each is one token: its vector if it is in the model's words, else
 * [UNK]. For checking which words of a text a static model knows.
 */
export function staticModelWords(text: string): string[] {
  return text.toLowerCase().trim().match(PRE_TOKEN) ?? [];
}

/**
 * Writes `<dir>/<modelId>/` (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) for `words` and
 * their `vectors` (words.length × dimensions, row-major). Words are matched lowercased, as the tokenizer lowercases
 * its input; of words equal after that, the first counts. Throws for arguments that do not fit together.
 */
export function writeStaticModel(dir: string, modelId: string, words: readonly string[], vectors: Float32Array, dimensions: number): void {
  const invalidId = checkModelId(modelId);
  if (invalidId) throw new RangeError(invalidId.message);
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`dimensions must be a positive integer, not ${dimensions}`);
  if (vectors.length !== words.length * dimensions) {
    throw new RangeError(`${vectors.length} values for ${words.length} words of ${dimensions} dimensions (expected ${words.length * dimensions})`);
  }
  const folder = join(dir, modelId);
  mkdirSync(join(folder, 'onnx'), { recursive: true });

  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  SPECIAL_TOKENS.forEach((token, id) => (vocab[token] = id));
  words.forEach((word, i) => {
    const key = word.toLowerCase();
    if (key !== '' && !(key in vocab)) vocab[key] = SPECIAL_TOKENS.length + i;
  });
  const rows = SPECIAL_TOKENS.length + words.length;

  writeJson(join(folder, 'config.json'), {
    // BertModel is an encoder whose session is onnx/model.onnx, fed the inputs its graph declares, whose
    // last_hidden_state the pipeline pools: all a Gather needs.
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dimensions,
    vocab_size: rows,
    max_position_embeddings: MODEL_MAX_LENGTH,
  });
  writeJson(join(folder, 'tokenizer_config.json'), {
    tokenizer_class: 'BertTokenizer',
    model_max_length: MODEL_MAX_LENGTH,
    do_lower_case: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    clean_up_tokenization_spaces: true,
  });
  // Compact: the vocabulary of a published word-vector set is hundreds of thousands of entries.
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));

  const table = Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  // ONNX raw data is little-endian.
  const tableLE = endianness() === 'LE' ? table : Buffer.from(table).swap32();
  // Written last, under a temporary name: a folder with onnx/model.onnx is a complete model.
  const onnxPath = join(folder, 'onnx', 'model.onnx');
  writeOnnxModel(`${onnxPath}.partial`, {
    irVersion: 8,
    opsetVersion: 13,
    producerName: 'kg static-model',
    graph: {
      name: 'static_word_embeddings',
      nodes: [{ opType: 'Gather', inputs: ['embeddings', 'input_ids'], outputs: ['last_hidden_state'] }],
      initializers: [{ name: 'embeddings', elemType: 'float', dims: [rows, dimensions], rawData: [Buffer.alloc(SPECIAL_TOKENS.length * dimensions * 4), tableLE] }],
      // attention_mask is declared, unused, as a BERT graph declares it: the pipeline pools with the tokenizer's mask.
      inputs: [
        { name: 'input_ids', elemType: 'int64', shape: ['batch_size', 'sequence_length'] },
        { name: 'attention_mask', elemType: 'int64', shape: ['batch_size', 'sequence_length'] },
      ],
      outputs: [{ name: 'last_hidden_state', elemType: 'float', shape: ['batch_size', 'sequence_length', dimensions] }],
    },
  });
  renameSync(`${onnxPath}.partial`, onnxPath);
}

/**
 * A WordPiece tokenizer used as a whole-word one: no `##` pieces in the vocabulary, so a word is itself or [UNK];
 * lowercased, split on whitespace and punctuation, and framed by [CLS] and [SEP] so no text is zero tokens long.
 */
function tokenizerJson(vocab: Record<string, number>): object {
  const special = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } });
  const sequence = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), sequence('A'), special('[SEP]')],
      pair: [special('[CLS]'), sequence('A'), special('[SEP]'), sequence('B'), special('[SEP]')],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 1)}\n`);
}
