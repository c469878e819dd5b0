// The baselines kg's `related` is measured against: Okapi BM25 (k1 1.2, b 0.75) over each source file's full text,
// in memory, with plain tokens (lowercase alphanumeric runs) or with identifiers split at camelCase and snake_case.

import { FileCache, listSourceFiles, type Ranker } from './ranker.js';

export const K1 = 1.2;
export const B = 0.75;

/** Splits a text into terms; the same function reads documents and queries. */
export type Tokenizer = (text: string) => string[];

/** Lowercase alphanumeric runs: `getCookie(name_2)` -> `getcookie`, `name`, `2`. */
export const plainTokens: Tokenizer = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

/**
 * Identifiers split at camelCase and snake_case, the whole identifier kept beside its parts:
 * `parseHTTPHeader` -> `parsehttpheader`, `parse`, `http`, `header`; `max_age` -> `maxage`, `max`, `age`.
 */
export const identifierTokens: Tokenizer = (text) => {
  const terms: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9_]+/g)) {
    const parts = run.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [];
    if (parts.length > 1) terms.push(parts.join('').toLowerCase());
    for (const part of parts) terms.push(part.toLowerCase());
  }
  return terms;
};

interface Document {
  length: number;
  tf: Map<string, number>;
}

/** BM25 over the workspace's source files; each prepare reads again only the files a checkout rewrote. */
export class Bm25Ranker implements Ranker {
  private readonly cache: FileCache<Document>;
  private postings = new Map<string, { path: string; tf: number; length: number }[]>();
  private documents = 0;
  private averageLength = 0;

  constructor(
    readonly name: string,
    private readonly tokenize: Tokenizer,
    /** The query's terms; by default the documents' tokenizer, distinct. */
    private readonly queryTerms: Tokenizer = tokenize,
  ) {
    this.cache = new FileCache((text) => termCounts(this.tokenize(text)));
  }

  async prepare(workspace: string): Promise<void> {
    const documents = this.cache.read(workspace, listSourceFiles(workspace));
    const postings = new Map<string, { path: string; tf: number; length: number }[]>();
    let total = 0;
    for (const [path, document] of documents) {
      total += document.length;
      for (const [term, tf] of document.tf) {
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push({ path, tf, length: document.length });
      }
    }
    this.postings = postings;
    this.documents = documents.size;
    this.averageLength = documents.size > 0 ? total / documents.size : 0;
  }

  async rank(_workspace: string, query: string, k: number): Promise<string[]> {
    const scores = new Map<string, number>();
    for (const term of new Set(this.queryTerms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (this.documents - list.length + 0.5) / (list.length + 0.5));
      for (const { path, tf, length } of list) {
        const norm = tf + K1 * (1 - B + (B * length) / this.averageLength);
        scores.set(path, (scores.get(path) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, k)
      .map(([path]) => path);
  }
}

function termCounts(terms: readonly string[]): Document {
  const tf = new Map<string, number>();
  for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
  return { length: terms.length, tf };
}

/**
 * The split-identifier tokenizers: kg's own (`splitIdentifier` and `queryTerms` of graph/text-terms.ts) when this
 * build has that module, else `identifierTokens` for both. The module is looked up at run time, as it may not exist.
 */
export async function splitTokenizers(): Promise<{ source: 'graph/text-terms' | 'bench'; document: Tokenizer; query: Tokenizer }> {
  const specifier = '../graph/text-terms.js';
  try {
    const module = (await import(specifier)) as Record<string, unknown>;
    const split = module.splitIdentifier;
    const queryTerms = module.queryTerms;
    if (typeof split === 'function' && typeof queryTerms === 'function') {
      const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : []);
      return {
        source: 'graph/text-terms',
        document: (text) => [...text.matchAll(/[A-Za-z0-9_$]+/g)].flatMap(([run]) => strings(split(run))),
        query: (text) => strings(queryTerms(text)),
      };
    }
  } catch {
    // Not in this build: the bench's own splitting below.
  }
  return { source: 'bench', document: identifierTokens, query: identifierTokens };
}
