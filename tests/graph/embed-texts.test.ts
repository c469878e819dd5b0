// The texts the vector layer embeds, read from a real graph: a generated workspace (doc comments, a leading comment, a
// test file, JSON, an AGENTS.md) and a data dir with a long session, indexed by kg's own indexers into DuckDB.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capAtWord, chunkText, CHUNK_CHARS, nameWithWords, pathWords, sha256, withIdentifierWords } from '../../graph/embed-text-forms.js';
import { readEmbedTexts, type EmbedText } from '../../graph/embed-texts.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto } from '../../indexers/reindex.js';
import { writeSession } from '../fixtures/datadir/session-writer.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const ROUTER = [
  '// Routes HTTP requests to their handlers, by method and path.',
  '',
  "import { helper } from './helper.js';",
  '',
  '/**',
  ' * Creates a router that dispatches each request to the handler registered for its method and path.',
  ' * Unknown paths answer 404.',
  ' * @param options how to match',
  ' */',
  'export function createRouter(options: RouterOptions): Router {',
  '  return helper(options);',
  '}',
  '',
  'export const defaultTimeoutMs = 1000;',
  '',
  '/** What a router is given. */',
  'export interface RouterOptions {',
  '  strict?: boolean;',
  '}',
  'export type Router = unknown;',
  '',
].join('\n');

// Paragraphs of a long session, each with a word of its own, so a test can tell which ones a chunk holds.
const MARKERS = ['alpaca', 'bison', 'caribou', 'dingo', 'echidna', 'ferret', 'gazelle', 'hyena'];
const paragraph = (marker: string) =>
  `The ${marker} step changed the retry handling of slow webhook endpoints. ${'It measured the delivery latency again and kept the numbers. '.repeat(9)}`;
const RECAP = 'Recap: the router now retries slow handlers twice, and retryDelayMs doubles each time.';

let root: string;
let dataDir: string;
let store: GraphStore;
let texts: EmbedText[];

beforeAll(async () => {
  root = writeWorkspace(tempDir('kg-embed-ws-'), {
    'package.json': JSON.stringify({ name: 'embed-app', type: 'module' }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'tests'] }),
    'src/http/createRouter.ts': ROUTER,
    'src/http/helper.ts': '/** Passes the options on. */\nexport function helper(options: unknown) {\n  return options;\n}\n',
    'src/http/createRouter.test.ts': "/** A test helper with a doc. */\nexport function makeRequest() {}\nimport './createRouter.js';\n",
    'src/config.json': '{ "documented": "no" }\n',
    'AGENTS.md': '# Rules\n\nKeep modules small.\n\n## Testing\n\nEvery bugFix starts with a failing test.\n',
  });
  dataDir = join(tempDir('kg-embed-data-'), 'data');
  writeSession(dataDir, 'sess_embedlong0001', {
    repoRoot: root,
    goal: 'Make the router retry slow handlers',
    notes: [MARKERS.map(paragraph).join('\n\n'), RECAP],
  });
  store = await GraphStore.open({ path: join(tempDir('kg-embed-db-'), 'graph.duckdb') });
  await indexWorkspaceInto(store, root, { dataDir });
  texts = await readEmbedTexts(store);
});

afterAll(() => store.close());

const byKey = (key: string) => texts.find((text) => text.key === key);

describe('the texts of a graph to embed', () => {
  it("writes a file's path, leading comment and exported names as words, with the first sentence of their docs", () => {
    const file = byKey('file:src/http/createRouter.ts')!;
    expect(file).toMatchObject({ node: 'file:src/http/createRouter.ts', kind: 'file', path: 'src/http/createRouter.ts' });
    expect(file.text.split('\n')).toEqual([
      'src http create router (src/http/createRouter.ts)',
      'Routes HTTP requests to their handlers, by method and path.',
      'createRouter (create router): Creates a router that dispatches each request to the handler registered for its method and path.',
      'defaultTimeoutMs (default timeout ms)',
      'RouterOptions (router options): What a router is given.',
      'Router',
    ]);
  });

  it('gives documented exported symbols a text of their own: kind, name and words, first line, doc', () => {
    const symbol = byKey('sym:src/http/createRouter.ts#createRouter')!;
    expect(symbol).toMatchObject({ node: 'sym:src/http/createRouter.ts#createRouter', kind: 'symbol', path: 'src/http/createRouter.ts' });
    expect(symbol.text).toBe(
      [
        'function createRouter (create router)',
        'export function createRouter(options: RouterOptions): Router',
        'Creates a router that dispatches each request to the handler registered for its method and path. Unknown paths answer 404.',
      ].join('\n'),
    );
    // Undocumented names are only in their file's text.
    expect(texts.filter((t) => t.kind === 'symbol').map((t) => t.key)).toEqual([
      'sym:src/http/createRouter.ts#createRouter',
      'sym:src/http/createRouter.ts#RouterOptions',
      'sym:src/http/helper.ts#helper',
    ]);
  });

  it('leaves out test files and JSON', () => {
    expect(texts.filter((t) => t.path?.includes('.test.') || t.path?.endsWith('.json'))).toEqual([]);
    expect(texts.filter((t) => t.kind === 'file').map((t) => t.path)).toEqual(['src/http/createRouter.ts', 'src/http/helper.ts']);
  });

  it('cuts a long session into chunks, each with its title, the recap first, nothing of the notes lost', () => {
    const chunks = texts.filter((t) => t.kind === 'session');
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.key)).toEqual(chunks.map((_, n) => (n === 0 ? 'session:sess_embedlong0001' : `session:sess_embedlong0001#${n}`)));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ node: 'session:sess_embedlong0001', path: null });
      expect(chunk.text.startsWith('Make the router retry slow handlers\n\n')).toBe(true);
      expect(chunk.text.length).toBeLessThanOrEqual(CHUNK_CHARS + 'Make the router retry slow handlers\n\n'.length);
    }
    expect(chunks[0]!.text).toContain('retryDelayMs (retry delay ms) doubles each time');
    const all = chunks.map((c) => c.text).join('\n');
    for (const marker of MARKERS) expect(all).toContain(`The ${marker} step`);
    // The recap is among the notes too, and is embedded once.
    expect(all.split('Recap: the router').length).toBe(2);
  });

  it('gives each convention section its heading path and body, identifiers as words', () => {
    const sections = texts.filter((t) => t.kind === 'convention');
    expect(sections.map((s) => [s.node, s.path, s.text])).toEqual([
      ['conv:AGENTS.md#0', 'AGENTS.md', 'Rules\n\nKeep modules small.'],
      ['conv:AGENTS.md#1', 'AGENTS.md', 'Rules > Testing\n\nEvery bugFix (bug fix) starts with a failing test.'],
    ]);
  });

  it('gives the kinds in order, each text hashed, the same on a second read, and only the kinds asked for', async () => {
    const order = ['file', 'symbol', 'session', 'convention'];
    const kinds = texts.map((t) => order.indexOf(t.kind));
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    for (const text of texts) expect(text.hash).toBe(sha256(text.text));
    expect(new Set(texts.map((t) => t.key)).size).toBe(texts.length);
    expect(await readEmbedTexts(store)).toEqual(texts);
    expect(await readEmbedTexts(store, { kinds: ['session', 'convention'] })).toEqual(texts.filter((t) => t.kind === 'session' || t.kind === 'convention'));
  });

  it("changes the hashes of a file's and a symbol's texts when a doc comment changes, and no other", async () => {
    writeFileSync(join(root, 'src/http/createRouter.ts'), ROUTER.replace('Unknown paths answer 404.', 'Unknown paths answer 405.').replace('Creates a router', 'Makes a router'));
    await reindexWorkspaceInto(store, root, { dataDir });
    const after = await readEmbedTexts(store);
    const changed = after.filter((t) => texts.find((before) => before.key === t.key)?.hash !== t.hash).map((t) => t.key);
    expect(changed).toEqual(['file:src/http/createRouter.ts', 'sym:src/http/createRouter.ts#createRouter']);
    expect(after.map((t) => t.key)).toEqual(texts.map((t) => t.key));
  });
});

describe('the forms of the texts', () => {
  it('writes paths, names and identifiers in prose as words', () => {
    expect(pathWords('src/http/create-router_v2.test.ts')).toBe('src http create router v 2');
    expect(pathWords('lib/.eslintrc')).toBe('lib eslintrc');
    expect(nameWithWords('parseHTTPServer')).toBe('parseHTTPServer (parse http server)');
    expect(nameWithWords('open')).toBe('open');
    expect(withIdentifierWords('see MAX_FILE_BYTES and HTTPServer, not plain words or x.y')).toBe(
      'see MAX_FILE_BYTES (max file bytes) and HTTPServer (http server), not plain words or x.y',
    );
  });

  it('cuts text into chunks at paragraphs, then sentences, then words', () => {
    expect(chunkText('one.\n\ntwo.\n\n\nthree.', 12)).toEqual(['one.\n\ntwo.', 'three.']);
    expect(chunkText('First sentence here. Second one here. Third.', 25)).toEqual(['First sentence here.', 'Second one here. Third.']);
    expect(chunkText('aaaa bbbb cccc dddd', 9)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(chunkText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(chunkText('  \n\n ', 10)).toEqual([]);
    expect(capAtWord('a long sentence', 9)).toBe('a long');
  });
});
