// The lexical terms of one source file, for file_terms: its words split as graph/text-terms.ts splits them, counted,
// with the words of its path counting more, so a later BM25 over the table can tell which files a task is about.

import type { FileTermRow } from '../../graph/records.js';
import { textWords, wordTerms } from '../../graph/text-terms.js';

/** Only this much of a file's text is read for terms (generated and vendored files can be larger). */
export const MAX_TERM_TEXT_CHARS = 256 * 1024;
/** A file keeps at most this many distinct terms, the most frequent. */
export const MAX_TERMS_PER_FILE = 2000;
/** One occurrence of a term in the file's path counts as this many in its text. */
export const PATH_WEIGHT = 5;

/**
 * TypeScript and JavaScript keywords, dropped from a file's text (every file has them; they say nothing about its
 * topic). A file's path keeps them: `export.ts` or `type-check/` says what the file is about.
 */
export const CODE_KEYWORDS: ReadonlySet<string> = new Set([
  'abstract', 'any', 'as', 'assert', 'asserts', 'async', 'await', 'bigint', 'boolean', 'break', 'case', 'catch', 'class',
  'const', 'continue', 'debugger', 'declare', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false',
  'finally', 'for', 'from', 'function', 'if', 'implements', 'import', 'in', 'infer', 'instanceof', 'interface', 'is',
  'keyof', 'let', 'namespace', 'never', 'new', 'null', 'number', 'object', 'of', 'override', 'private', 'protected',
  'public', 'readonly', 'return', 'satisfies', 'static', 'string', 'super', 'switch', 'symbol', 'this', 'throw', 'true',
  'try', 'type', 'typeof', 'undefined', 'unique', 'unknown', 'var', 'void', 'while', 'with', 'yield',
]);

// A file's words are counted on objects kept between files instead of in maps made per file: most words recur across
// files (and within one), so an occurrence costs one lookup and no allocation, which is what keeps file terms cheap
// in a short kg process. An entry belongs to the file whose stamp it carries; its count is that file's.
interface TermCount {
  readonly term: string;
  stamp: number;
  tf: number;
}

interface WordCount {
  /** The word's terms, never none (see `barren`). */
  readonly terms: readonly TermCount[];
  stamp: number;
  count: number;
}

/** Cleared when they grow past this many words, so a huge workspace's distinct words cannot grow them without end. */
const MAX_KEPT_WORDS = 200_000;
const MAX_KEPT_WORD_LENGTH = 200;
const words = new Map<string, WordCount>();
// The words without terms (keywords, number literals) apart: entries of one shape keep the JIT's code for the loop.
const barren = new Set<string>();
const terms = new Map<string, TermCount>();
let stamp = 0;

function termCount(term: string): TermCount {
  let count = terms.get(term);
  if (count === undefined) {
    count = { term, stamp: 0, tf: 0 };
    terms.set(term, count);
  }
  return count;
}

/** The count of a word not seen before; null when it has no terms. */
function wordCount(found: string): WordCount | null {
  if (barren.has(found)) return null;
  // A word a regular expression found can be a slice of the file's text, and as a key it would keep the whole text: a
  // long word is kept as a copy, and a very long one (a blob, minified code) not at all.
  const keep = found.length <= MAX_KEPT_WORD_LENGTH;
  const word = keep && found.length >= 13 ? found.split('').join('') : found;
  const wordTermList = wordTerms(word, CODE_KEYWORDS);
  if (wordTermList.length === 0) {
    if (keep) barren.add(word);
    return null;
  }
  const count: WordCount = { terms: wordTermList.map(termCount), stamp: 0, count: 0 };
  if (keep) words.set(word, count);
  return count;
}

/**
 * The term rows of the file at workspace-relative `path` with content `text`: every term of the first
 * MAX_TERM_TEXT_CHARS of the text once per occurrence, every term of the path's folders and base name (without its
 * extension) PATH_WEIGHT times per occurrence; the MAX_TERMS_PER_FILE most frequent terms (ties by term), in the
 * order they first occur.
 */
export function fileTerms(path: string, text: string): FileTermRow[] {
  if (words.size + barren.size > MAX_KEPT_WORDS) {
    words.clear();
    barren.clear();
    terms.clear();
  }
  const file = ++stamp;
  // Indexed loops, not for-of: in code the JIT has not optimised yet, each step of an iterator allocates.
  const found = textWords(text, MAX_TERM_TEXT_CHARS);
  const seenWords: WordCount[] = [];
  for (let i = 0; i < found.length; i++) {
    const word = found[i]!;
    const count = words.get(word) ?? wordCount(word);
    if (count === null) continue;
    if (count.stamp !== file) {
      count.stamp = file;
      count.count = 0;
      seenWords.push(count);
    }
    count.count++;
  }
  const seen: TermCount[] = [];
  const add = (term: TermCount, occurrences: number) => {
    if (term.stamp !== file) {
      term.stamp = file;
      term.tf = 0;
      seen.push(term);
    }
    term.tf += occurrences;
  };
  for (let i = 0; i < seenWords.length; i++) {
    const word = seenWords[i]!;
    for (let k = 0; k < word.terms.length; k++) add(word.terms[k]!, word.count);
  }
  for (const word of pathWords(path)) for (const term of wordTerms(word)) add(termCount(term), PATH_WEIGHT);
  const kept =
    seen.length > MAX_TERMS_PER_FILE
      ? seen.sort((a, b) => b.tf - a.tf || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0)).slice(0, MAX_TERMS_PER_FILE)
      : seen;
  const rows: FileTermRow[] = new Array<FileTermRow>(kept.length);
  for (let i = 0; i < kept.length; i++) rows[i] = { file: path, term: kept[i]!.term, tf: kept[i]!.tf };
  return rows;
}

/**
 * The words of a path: each folder and the base name without its extension, split at dots (`foo.test.ts` -> foo,
 * test); a dash joins (`index-command` is one word, split as an identifier).
 */
export function pathWords(path: string): string[] {
  const segments = path.split('/');
  const base = segments.pop() ?? '';
  const dot = base.lastIndexOf('.');
  segments.push(dot > 0 ? base.slice(0, dot) : base);
  return segments.flatMap((segment) => segment.split('.')).filter((word) => word.length > 0);
}
