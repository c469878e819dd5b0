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
// in a short kg process. An entry belongs to the file whose stamp it carries; its count is that file's. The work is in
// small functions, each a small compile for the JIT (one function with all of it took it 50 ms to optimise).
interface TermCount {
  readonly term: string;
  stamp: number;
  tf: number;
}

interface WordCount {
  readonly word: string;
  /** The word's terms (none for a keyword or a number literal); PENDING until the file's new words are learnt. */
  terms: readonly TermCount[];
  stamp: number;
  count: number;
}

// An empty array of the same kind as the lists of terms (objects, packed), so the JIT sees one kind of array.
const PENDING: TermCount[] = [{ term: '', stamp: 0, tf: 0 }];
PENDING.pop();

/** Cleared when they grow past this many words, so a huge workspace's distinct words cannot grow them without end. */
const MAX_KEPT_WORDS = 200_000;
/** Longer words (a blob, minified code) are not kept at all. */
const MAX_KEPT_WORD_LENGTH = 200;
const words = new Map<string, WordCount>();
const terms = new Map<string, TermCount>();
// A path's words recur across files (`src`, `internal`, `operators`): their terms are kept too.
const pathWordTerms = new Map<string, readonly TermCount[]>();
let stamp = 0;

/**
 * The term rows of the file at workspace-relative `path` with content `text`: every term of the first
 * MAX_TERM_TEXT_CHARS of the text once per occurrence, every term of the path's folders and base name (without its
 * extension) PATH_WEIGHT times per occurrence; the MAX_TERMS_PER_FILE most frequent terms (ties by term).
 */
export function fileTerms(path: string, text: string): FileTermRow[] {
  if (words.size > MAX_KEPT_WORDS) {
    words.clear();
    terms.clear();
    pathWordTerms.clear();
  }
  const file = ++stamp;
  const fresh: WordCount[] = [];
  const counted = countWords(textWords(text, MAX_TERM_TEXT_CHARS), file, fresh);
  if (fresh.length > 0) learnWords(fresh);
  const seen = tallyTerms(counted, file);
  tallyPath(path, file, seen);
  return termRows(path, seen);
}

/** The counts of the file's distinct words, in the order they first occur; the words never seen before go in `fresh`. */
function countWords(found: readonly string[], file: number, fresh: WordCount[]): WordCount[] {
  const counted: WordCount[] = [];
  // Indexed loops, not for-of: in code the JIT has not optimised yet, each step of an iterator allocates.
  for (let i = 0; i < found.length; i++) {
    let count = words.get(found[i]!);
    if (count === undefined) {
      count = newWord(found[i]!);
      fresh.push(count);
    }
    if (count.stamp !== file) {
      count.stamp = file;
      count.count = 0;
      counted.push(count);
    }
    count.count++;
  }
  return counted;
}

function newWord(found: string): WordCount {
  // A word a regular expression found can be a slice of the file's text, and as a key it would keep the whole text: a
  // long one is kept as a copy, a very long one not at all (each occurrence is then counted on its own).
  if (found.length > MAX_KEPT_WORD_LENGTH) return { word: found, terms: PENDING, stamp: 0, count: 0 };
  // (Prefixing makes a new string; slicing that flattens it into one of the word's own length, a copy, in native code.)
  const word = found.length >= 13 ? ` ${found}`.slice(1) : found;
  const count: WordCount = { word, terms: PENDING, stamp: 0, count: 0 };
  words.set(word, count);
  return count;
}

function learnWords(fresh: readonly WordCount[]): void {
  for (let i = 0; i < fresh.length; i++) {
    const list = wordTerms(fresh[i]!.word, CODE_KEYWORDS);
    if (list.length === 0) continue;
    const counts: TermCount[] = [];
    for (let k = 0; k < list.length; k++) counts.push(termCount(list[k]!));
    fresh[i]!.terms = counts;
  }
}

function termCount(term: string): TermCount {
  let count = terms.get(term);
  if (count === undefined) {
    count = { term, stamp: 0, tf: 0 };
    terms.set(term, count);
  }
  return count;
}

/** The file's terms from its words' counts, in the order they first occur. */
function tallyTerms(counted: readonly WordCount[], file: number): TermCount[] {
  const seen: TermCount[] = [];
  for (let i = 0; i < counted.length; i++) {
    const word = counted[i]!;
    for (let k = 0; k < word.terms.length; k++) tally(seen, file, word.terms[k]!, word.count);
  }
  return seen;
}

function tallyPath(path: string, file: number, seen: TermCount[]): void {
  const list = pathWords(path);
  for (let i = 0; i < list.length; i++) {
    let counts = pathWordTerms.get(list[i]!);
    if (counts === undefined) {
      counts = wordTerms(list[i]!).map(termCount);
      pathWordTerms.set(list[i]!, counts);
    }
    for (let k = 0; k < counts.length; k++) tally(seen, file, counts[k]!, PATH_WEIGHT);
  }
}

/** Adds `occurrences` to the file's count of `term`, the first time (for file `file`) listing it in `seen`. */
function tally(seen: TermCount[], file: number, term: TermCount, occurrences: number): void {
  if (term.stamp !== file) {
    term.stamp = file;
    term.tf = 0;
    seen.push(term);
  }
  term.tf += occurrences;
}

function termRows(path: string, seen: TermCount[]): FileTermRow[] {
  const kept = seen.length > MAX_TERMS_PER_FILE ? seen.sort(byTfThenTerm).slice(0, MAX_TERMS_PER_FILE) : seen;
  const rows: FileTermRow[] = [];
  for (let i = 0; i < kept.length; i++) rows.push({ file: path, term: kept[i]!.term, tf: kept[i]!.tf });
  return rows;
}

function byTfThenTerm(a: TermCount, b: TermCount): number {
  return b.tf - a.tf || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0);
}

/**
 * The words of a path: each folder and the base name without its extension, split at dots (`foo.test.ts` -> foo,
 * test); a dash joins (`index-command` is one word, split as an identifier).
 */
export function pathWords(path: string): string[] {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return (dot > slash + 1 ? path.slice(0, dot) : path).split(/[/.]/).filter((word) => word.length > 0);
}
