// The file terms: how a file's text and path become terms, what `kg index` stores in file_terms, that a reindex
// leaves the table as a full index writes it, and that a graph migrated from schema 2 gets it filled.

import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../../graph/store.js';
import { foldPlural, queryTerms, splitIdentifier, STOP_WORDS } from '../../../graph/text-terms.js';
import { fileTerms, MAX_TERMS_PER_FILE, pathWords } from '../../../indexers/code/terms.js';
import { indexWorkspaceInto } from '../../../indexers/index.js';
import { reindexWorkspaceInto } from '../../../indexers/reindex.js';
import { foldPluralSql, STOP_WORDS as BM25_STOP_WORDS } from '../../../queries/bm25.js';
import { EditableWorkspace, prng } from '../../fixtures/edits.js';
import { SMALL_APP, writeWorkspace } from '../../fixtures/workspace.js';
import { tempDir } from '../../support/temp.js';

type TermRow = { file: string; term: string; tf: number };

/** A file's terms as term -> tf. */
function termsOf(path: string, text: string): Record<string, number> {
  return Object.fromEntries(fileTerms(path, text).map((row) => [row.term, row.tf]));
}

async function storedTerms(store: GraphStore): Promise<TermRow[]> {
  return store.all<TermRow>(`SELECT file, term, tf FROM file_terms ORDER BY ALL`);
}

describe('splitIdentifier', () => {
  it('splits camelCase, acronyms, snake_case, kebab-case and at digits, lowercased', () => {
    expect(splitIdentifier('parseHTTPServer')).toEqual(['parse', 'http', 'server']);
    expect(splitIdentifier('XMLHttpRequest')).toEqual(['xml', 'http', 'request']);
    expect(splitIdentifier('IOError')).toEqual(['io', 'error']);
    expect(splitIdentifier('getX')).toEqual(['get', 'x']);
    expect(splitIdentifier('userID')).toEqual(['user', 'id']);
    expect(splitIdentifier('ABc')).toEqual(['a', 'bc']);
    expect(splitIdentifier('aBBc')).toEqual(['a', 'b', 'bc']);
    expect(splitIdentifier('V8Engine')).toEqual(['v', '8', 'engine']);
    expect(splitIdentifier('MAX_FILE_BYTES')).toEqual(['max', 'file', 'bytes']);
    expect(splitIdentifier('__proto__')).toEqual(['proto']);
    expect(splitIdentifier('index-command')).toEqual(['index', 'command']);
    expect(splitIdentifier('utf8Decode')).toEqual(['utf', '8', 'decode']);
    expect(splitIdentifier('base64')).toEqual(['base', '64']);
    expect(splitIdentifier('8bit')).toEqual(['8', 'bit']);
    expect(splitIdentifier('$scope')).toEqual(['scope']);
    expect(splitIdentifier('jQuery$ajax')).toEqual(['j', 'query', 'ajax']);
    expect(splitIdentifier('naïveCafé')).toEqual(['naïve', 'café']);
    expect(splitIdentifier('')).toEqual([]);
  });
});

// The rules of splitIdentifier as a loop over the characters, to check the regular expressions against.
function referenceSplit(word: string): string[] {
  const kind = (ch: string) => (/[0-9]/.test(ch) ? 'digit' : /\p{Lu}/u.test(ch) ? 'upper' : /[\p{L}\p{N}]/u.test(ch) ? 'lower' : 'separator');
  const parts: string[] = [];
  let part = '';
  let previous = 'separator';
  for (const ch of word) {
    const k = kind(ch);
    if (k === 'separator') {
      if (part) parts.push(part);
      part = '';
    } else if (part && ((k === 'digit') !== (previous === 'digit') || (k === 'upper' && previous === 'lower'))) {
      parts.push(part);
      part = ch;
    } else if (k === 'lower' && previous === 'upper' && part.length > 1) {
      parts.push(part.slice(0, -1));
      part = part.slice(-1) + ch;
    } else {
      part += ch;
    }
    previous = k;
  }
  if (part) parts.push(part);
  return parts.map((p) => p.toLowerCase());
}

describe('splitIdentifier against its rules', () => {
  it('splits random identifiers as the character loop does, ASCII and not', () => {
    const random = prng(5);
    const alphabet = ['a', 'b', 'z', 'A', 'B', 'Z', '0', '7', '_', '$', '-', 'é', 'É', 'ß', '中', '٣'];
    for (let n = 0; n < 2000; n++) {
      const length = 1 + Math.floor(random() * 12);
      const word = Array.from({ length }, () => alphabet[Math.floor(random() * (n % 2 === 0 ? 9 : alphabet.length))]).join('');
      expect(splitIdentifier(word), word).toEqual(referenceSplit(word));
    }
  });
});

describe('foldPlural', () => {
  it('folds exactly as the SQL of queries/bm25.ts does', async () => {
    const words = ['retries', 'webhooks', 'class', 'bus', 'dies', 'ies', 'series', 'status', 'news', 'ss', 's', 'address', 'files', 'queries', 'ids'];
    expect(words.map(foldPlural)).toEqual(
      ['retry', 'webhook', 'class', 'bus', 'die', 'ies', 'sery', 'statu', 'new', 'ss', 's', 'address', 'file', 'query', 'ids'],
    );
    const store = await GraphStore.open({ path: join(tempDir('kg-terms-sql-'), 'graph.duckdb') });
    try {
      const rows = await store.all<{ folded: string }>(
        `SELECT ${foldPluralSql('w')} AS folded FROM (SELECT unnest(?::VARCHAR[]) AS w, generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i`,
        [words, words],
      );
      expect(rows.map((row) => row.folded)).toEqual(words.map(foldPlural));
    } finally {
      store.close();
    }
  });
});

describe('queryTerms', () => {
  it('gives the distinct terms of a query by the documents’ rules, keeping keywords', () => {
    expect(queryTerms('Fix the HTTPServer retries in parse_http_server')).toEqual(['fix', 'http', 'server', 'httpserver', 'retry', 'parse', 'parsehttpserver']);
    // A keyword is no document body's term, but a path's: `export` finds src/cli/export.ts.
    expect(queryTerms('the export command')).toEqual(['export', 'command']);
    expect(queryTerms('a 42 x')).toEqual([]);
  });

  it('shares its stop words with the BM25 SQL', () => {
    expect(BM25_STOP_WORDS).toBe(STOP_WORDS);
  });
});

describe('fileTerms', () => {
  it('counts the split identifiers and whole ones, drops keywords, stop words and numbers, folds plurals, weights the path', () => {
    const text = [
      "import { readFileSync } from 'node:fs';",
      'export function parseHTTPServer(retries: number) { const webhooks = 1; return retries; }',
      '// The server retries 3 times.',
      '',
    ].join('\n');
    expect(termsOf('src/net/http-server.ts', text)).toEqual({
      read: 1,
      file: 1,
      sync: 1,
      readfilesync: 1,
      node: 1,
      fs: 1,
      parse: 1,
      http: 1 + 5,
      server: 2 + 5,
      parsehttpserver: 1,
      retry: 3,
      webhook: 1,
      time: 1,
      src: 5,
      net: 5,
      httpserver: 5,
    });
  });

  it('keeps keywords in the path, and each term row names the file', () => {
    expect(fileTerms('src/cli/export.ts', 'export const x = 1;\n')).toEqual([
      { file: 'src/cli/export.ts', term: 'src', tf: 5 },
      { file: 'src/cli/export.ts', term: 'cli', tf: 5 },
      { file: 'src/cli/export.ts', term: 'export', tf: 5 },
    ]);
    expect(pathWords('src/types/foo.test.ts')).toEqual(['src', 'types', 'foo', 'test']);
    expect(pathWords('lib/index.d.ts')).toEqual(['lib', 'index', 'd']);
    expect(termsOf('tests/types/foo.test.ts', '')).toEqual({ test: 10, type: 5, foo: 5 });
  });

  it('drops one-character terms, terms over 40 characters and number literals', () => {
    const long = 'aVeryLongIdentifierNameThatGoesOnAndOnForever';
    expect(termsOf('a.ts', `x = 12345 + 0x1f + 1e3; utf8; ${'z'.repeat(41)}; ${long};`)).toEqual({
      utf: 1,
      utf8: 1,
      very: 1,
      long: 1,
      identifier: 1,
      name: 1,
      goe: 1,
      forever: 1,
    });
  });

  it('reads only the first 256 KiB of the text', () => {
    const filler = 'filler '.repeat(Math.ceil((256 * 1024) / 7));
    const terms = termsOf('a.ts', `${filler} beyond`);
    expect(terms.filler).toBe(Math.floor((256 * 1024) / 7));
    expect(terms.beyond).toBeUndefined();
  });

  it(`keeps the ${MAX_TERMS_PER_FILE} most frequent terms, ties by term`, () => {
    const words = Array.from({ length: 2500 }, (_, i) => `w${String(i).padStart(4, '0')}x`);
    const rows = fileTerms('src/big.ts', `${words.join(' ')} common common common`);
    expect(rows).toHaveLength(MAX_TERMS_PER_FILE);
    expect(rows.slice(0, 3)).toEqual([
      { file: 'src/big.ts', term: 'big', tf: 5 },
      { file: 'src/big.ts', term: 'src', tf: 5 },
      { file: 'src/big.ts', term: 'common', tf: 3 },
    ]);
    expect(rows.slice(3).map((row) => row.term)).toEqual(words.slice(0, MAX_TERMS_PER_FILE - 3));
  });
});

describe('file_terms in the graph', () => {
  it('holds the terms of every source file a `kg index` indexed, none for JSON', async () => {
    const root = writeWorkspace(tempDir('kg-terms-ws-'), SMALL_APP);
    const store = await GraphStore.open({ path: join(tempDir('kg-terms-db-'), 'graph.duckdb') });
    try {
      await indexWorkspaceInto(store, root, { dataDir: join(root, 'no-data') });
      const files = await store.all<{ file: string }>(`SELECT DISTINCT file FROM file_terms ORDER BY file`);
      expect(files.map((row) => row.file)).toEqual(Object.keys(SMALL_APP).filter((path) => path.endsWith('.ts')).sort());
      const store_ = await store.all<{ term: string; tf: number }>(`SELECT term, tf FROM file_terms WHERE file = 'src/store.ts' ORDER BY term`);
      expect(store_).toEqual([
        { term: 'js', tf: 1 },
        { term: 'open', tf: 1 },
        { term: 'openstore', tf: 1 },
        { term: 'schema', tf: 3 },
        { term: 'src', tf: 5 },
        { term: 'store', tf: 3 + 5 },
        { term: 'version', tf: 2 },
      ]);
      const all = await storedTerms(store);
      expect(all).toEqual(
        Object.entries(SMALL_APP)
          .filter(([path]) => path.endsWith('.ts'))
          .flatMap(([path, text]) => fileTerms(path, text))
          .sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.term < b.term ? -1 : a.term > b.term ? 1 : a.tf - b.tf)),
      );
    } finally {
      store.close();
    }
  });

  it('after edits, additions, deletions and renames, a reindex leaves the terms a full index writes', async () => {
    const root = writeWorkspace(tempDir('kg-terms-edit-'), SMALL_APP);
    const options = { dataDir: join(root, 'no-data') };
    const dbDir = tempDir('kg-terms-edit-db-');
    const store = await GraphStore.open({ path: join(dbDir, 'incremental.duckdb') });
    let clock = Date.UTC(2026, 0, 1) / 1000;
    // Each write moves the mtime past the last, so the scan sees every change.
    const touch = (path: string) => utimesSync(join(root, path), ++clock, clock);
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
      touch(path);
    };
    const steps: [string, () => void][] = [
      ['modify', () => write('src/store.ts', "import { SCHEMA } from './schema.js';\nexport function openDatabase(retries: number) { return SCHEMA + retries; }\n")],
      ['add', () => write('src/webhooks/deliver-webhook.ts', "import { openDatabase } from '../store.js';\nexport const deliverWebhooks = () => openDatabase(3);\n")],
      ['delete', () => rmSync(join(root, 'src/pong.ts'))],
      ['rename', () => {
        renameSync(join(root, 'src/schema.ts'), join(root, 'src/schema-version.ts'));
        touch('src/schema-version.ts');
      }],
    ];
    try {
      await indexWorkspaceInto(store, root, options);
      for (const [i, [kind, apply]] of steps.entries()) {
        apply();
        const report = await reindexWorkspaceInto(store, root, options);
        expect(report.mode, kind).toBe('incremental');
        const full = await GraphStore.open({ path: join(dbDir, `full-${i}.duckdb`) });
        try {
          await indexWorkspaceInto(full, root, options);
          expect(await storedTerms(store), kind).toEqual(await storedTerms(full));
        } finally {
          full.close();
        }
      }
      const terms = await storedTerms(store);
      const of = (file: string) => Object.fromEntries(terms.filter((row) => row.file === file).map((row) => [row.term, row.tf]));
      expect(of('src/store.ts')).toMatchObject({ opendatabase: 1, retry: 2 });
      expect(of('src/store.ts').openstore).toBeUndefined();
      expect(of('src/webhooks/deliver-webhook.ts')).toMatchObject({ webhook: 1 + 5 + 5, deliverwebhook: 1 + 5, deliver: 1 + 5 });
      expect(of('src/pong.ts')).toEqual({});
      expect(of('src/schema.ts')).toEqual({});
      expect(of('src/schema-version.ts')).toMatchObject({ schema: 1 + 5, version: 5, schemaversion: 5 });
    } finally {
      store.close();
    }
  });

  it('after each of 25 random edits, a reindex leaves the terms a full index writes', async () => {
    const root = join(tempDir('kg-terms-random-'), 'ws');
    mkdirSync(root, { recursive: true });
    const workspace = new EditableWorkspace(root, prng(31));
    workspace.seed();
    const options = { dataDir: join(root, 'no-data') };
    const dbDir = tempDir('kg-terms-random-db-');
    const incremental = await GraphStore.open({ path: join(dbDir, 'incremental.duckdb') });
    const full = await GraphStore.open({ path: join(dbDir, 'full.duckdb') });
    const modes = { incremental: 0, full: 0 };
    try {
      await indexWorkspaceInto(incremental, root, options);
      for (let step = 1; step <= 25; step++) {
        const edit = workspace.apply();
        const report = await reindexWorkspaceInto(incremental, root, options);
        modes[report.mode]++;
        await indexWorkspaceInto(full, root, options);
        const want = await storedTerms(full);
        expect(want.length).toBeGreaterThan(0);
        expect(await storedTerms(incremental), `step ${step}: ${edit.kind} ${edit.paths.join(', ')}`).toEqual(want);
      }
    } finally {
      incremental.close();
      full.close();
    }
    expect(modes.incremental).toBeGreaterThan(12);
  }, 120_000);

  it('a graph migrated from schema 2 gets its terms at the first reindex', async () => {
    const root = writeWorkspace(tempDir('kg-terms-migrate-'), SMALL_APP);
    const options = { dataDir: join(root, 'no-data') };
    const dbDir = tempDir('kg-terms-migrate-db-');
    const path = join(dbDir, 'graph.duckdb');
    const old = await GraphStore.open({ path });
    await indexWorkspaceInto(old, root, options);
    // What schema 2 had: no file_terms, no git history tables.
    await old.write(async (tx) => {
      await tx.run(`DROP TABLE file_terms; DROP TABLE commits; DROP TABLE commit_files`);
      await tx.run(`UPDATE meta SET value = '2' WHERE key = 'schema_version'`);
    });
    old.close();

    const migrated = await GraphStore.open({ path });
    const full = await GraphStore.open({ path: join(dbDir, 'full.duckdb') });
    try {
      expect(await storedTerms(migrated)).toEqual([]);
      const report = await reindexWorkspaceInto(migrated, root, options);
      expect(report.mode).toBe('full');
      await indexWorkspaceInto(full, root, options);
      const want = await storedTerms(full);
      expect(want.length).toBeGreaterThan(20);
      expect(await storedTerms(migrated)).toEqual(want);
      // The index state is back: the next reindex has nothing to do.
      expect(await reindexWorkspaceInto(migrated, root, options)).toMatchObject({ mode: 'incremental', counts: null });
    } finally {
      migrated.close();
      full.close();
    }
  });
});
