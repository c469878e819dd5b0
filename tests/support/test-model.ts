// The test embedding model of the vector layer: a small static word-embedding model generated from a fixed seed (no
// download, a few milliseconds), in which the words of a topic are close, so similarity is known by construction.

import { writeStaticModel } from '../../indexers/embeddings/static-model.js';

export const TEST_MODEL_ID = 'kg-test/static-32';
export const TEST_MODEL_DIMENSIONS = 32;

/** Words of one topic share a topic vector: a text about routers is closer to one about HTTP than to one about git. */
export const TEST_MODEL_TOPICS = {
  http: ['router', 'routers', 'route', 'routes', 'routing', 'request', 'requests', 'response', 'responses', 'http', 'https', 'server', 'middleware', 'handler', 'handlers', 'endpoint', 'endpoints', 'url', 'api', 'header', 'headers', 'status', 'hono', 'express', 'fetch', 'get', 'post', 'serve'],
  session: ['session', 'sessions', 'agent', 'agents', 'goal', 'goals', 'recap', 'notes', 'note', 'conversation', 'transcript', 'prompt', 'prompts', 'assistant', 'turn', 'turns', 'message', 'messages', 'chat', 'daemon', 'workflow'],
  git: ['commit', 'commits', 'git', 'history', 'branch', 'branches', 'merge', 'rebase', 'diff', 'blame', 'author', 'repository', 'repo', 'tag', 'checkout', 'log', 'sha', 'revision'],
  database: ['database', 'databases', 'query', 'queries', 'table', 'tables', 'sql', 'duckdb', 'row', 'rows', 'column', 'columns', 'schema', 'select', 'join', 'transaction', 'migration', 'migrations', 'store', 'lancedb'],
  parsing: ['parse', 'parser', 'parsing', 'token', 'tokens', 'syntax', 'compiler', 'ast', 'tokenizer', 'grammar', 'lexer', 'typescript', 'expression', 'statement', 'declaration', 'identifier'],
  vectors: ['vector', 'vectors', 'embedding', 'embeddings', 'embed', 'model', 'models', 'similarity', 'semantic', 'nearest', 'cosine', 'dimension', 'dimensions', 'neighbour', 'neighbours'],
  testing: ['test', 'tests', 'testing', 'assert', 'expect', 'fixture', 'fixtures', 'mock', 'vitest', 'spec', 'suite', 'coverage', 'bench', 'benchmark'],
  modules: ['file', 'files', 'import', 'imports', 'export', 'exports', 'module', 'modules', 'package', 'packages', 'path', 'paths', 'folder', 'directory', 'dependency', 'dependencies', 'src', 'lib', 'dist'],
  config: ['config', 'configuration', 'option', 'options', 'setting', 'settings', 'env', 'environment', 'flag', 'flags', 'default', 'defaults', 'tsconfig'],
  errors: ['error', 'errors', 'exception', 'throw', 'throws', 'fail', 'fails', 'failure', 'failed', 'warning', 'warnings', 'bug', 'bugs', 'fix', 'crash', 'stack'],
  cache: ['cache', 'cached', 'caching', 'memo', 'hash', 'hashes', 'stale', 'invalidate', 'fresh', 'incremental'],
  users: ['user', 'users', 'auth', 'login', 'logout', 'password', 'permission', 'permissions', 'account', 'accounts', 'role', 'roles'],
  graph: ['graph', 'graphs', 'edge', 'edges', 'node', 'nodes', 'vertex', 'knowledge', 'link', 'links', 'relation', 'relations', 'index', 'indexer', 'reindex'],
  cli: ['cli', 'command', 'commands', 'argument', 'arguments', 'terminal', 'shell', 'stdout', 'stderr', 'exit', 'kg'],
} as const satisfies Record<string, readonly string[]>;

/** Common words outside any topic: function words get short vectors, as they say little about what a text is about. */
const FUNCTION_WORDS = ['the', 'a', 'an', 'of', 'to', 'in', 'is', 'it', 'and', 'or', 'for', 'with', 'on', 'at', 'by', 'from', 'this', 'that', 'each', 'every', 'when', 'what', 'how', 'which', 'where', 'who', 'why', 'all', 'are', 'was', 'be', 'not', 'no', 'its', 'as', 'into', 'then', 'than'];
const OTHER_WORDS = ['new', 'old', 'one', 'two', 'returns', 'return', 'function', 'class', 'method', 'type', 'types', 'value', 'values', 'name', 'names', 'list', 'string', 'number', 'data', 'text', 'code', 'read', 'write', 'run', 'runs', 'make', 'open', 'close', 'start', 'stop', 'time', 'work', 'change', 'changes', 'add', 'remove', 'update', 'find', 'show', 'use', 'call', 'calls', 'main', 'app', 'utils', 'json', 'readme', 'docs', 'create', 'delete', 'send', 'sends', 'answer', 'answers', 'record', 'records', 'handle'];

/** How far a word's topic pulls it: its vector is a random base plus this times the topic's vector. */
const TOPIC_WEIGHT = 1.5;
const FUNCTION_WORD_LENGTH = 0.25;

/** Writes the test model under `dir`; open it with `openEmbedder({ modelDir, model })`. */
export function writeTestModel(dir: string): { modelDir: string; model: string } {
  const random = gaussian(0x6b67);
  const randomVector = () => Float32Array.from({ length: TEST_MODEL_DIMENSIONS }, random);
  const entries: { word: string; vector: Float32Array }[] = [];
  for (const words of Object.values(TEST_MODEL_TOPICS)) {
    const topic = randomVector();
    for (const word of words) entries.push({ word, vector: unit(randomVector().map((x, i) => x + TOPIC_WEIGHT * topic[i]!)) });
  }
  for (const word of OTHER_WORDS) entries.push({ word, vector: unit(randomVector()) });
  for (const word of FUNCTION_WORDS) entries.push({ word, vector: unit(randomVector()).map((x) => x * FUNCTION_WORD_LENGTH) });

  const vectors = new Float32Array(entries.length * TEST_MODEL_DIMENSIONS);
  entries.forEach(({ vector }, i) => vectors.set(vector, i * TEST_MODEL_DIMENSIONS));
  writeStaticModel(
    dir,
    TEST_MODEL_ID,
    entries.map(({ word }) => word),
    vectors,
    TEST_MODEL_DIMENSIONS,
  );
  return { modelDir: dir, model: TEST_MODEL_ID };
}

function unit(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

/** Standard normal numbers from a seed: mulberry32 for uniforms, Box-Muller for the normal. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
