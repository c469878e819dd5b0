// How text becomes lexical search terms, the same for the documents the code indexer stores (file_terms) and for the
// query text a search is given, so both sides meet: words split at camelCase, acronyms, snake_case, kebab-case and
// digits, lowercased, stop words and one-character terms dropped, plurals folded as the SQL of queries/bm25.ts does.

/** Common English words that carry no topic; the query's words are matched without them. */
export const STOP_WORDS: readonly string[] = [
  'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before', 'but', 'by',
  'can', 'could', 'did', 'do', 'does', 'done', 'each', 'for', 'from', 'had', 'has', 'have', 'how', 'if', 'in', 'into',
  'is', 'it', 'its', 'just', 'may', 'more', 'most', 'must', 'no', 'not', 'now', 'of', 'on', 'one', 'only', 'or',
  'other', 'our', 'out', 'over', 'should', 'so', 'some', 'such', 'than', 'that', 'the', 'their', 'them', 'then',
  'there', 'these', 'they', 'this', 'those', 'to', 'too', 'under', 'up', 'use', 'was', 'we', 'were', 'what', 'when',
  'where', 'which', 'while', 'who', 'why', 'will', 'with', 'would', 'you', 'your',
];

const STOP = new Set(STOP_WORDS);

/** Terms longer than this are dropped (hashes, encoded blobs, generated names). */
export const MAX_TERM_LENGTH = 40;

// Character classes: what splits a word and where. ASCII by table; other characters by Unicode property, rarely.
const SEPARATOR = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
/** `_` and `$`: inside a word of text, a split inside an identifier. */
const JOINER = 4;

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_CLASS[c] =
    c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : c === 95 || c === 36 ? JOINER : SEPARATOR;
}

const UNICODE_UPPER = /\p{Lu}/u;
const UNICODE_WORD = /[\p{L}\p{N}]/u;

function classOf(code: number, text: string, i: number): number {
  if (code < 128) return ASCII_CLASS[code]!;
  // Halves of a surrogate pair (letters beyond the BMP, emoji) stay inside the word they are in.
  if (code >= 0xd800 && code <= 0xdfff) return LOWER;
  const ch = text[i]!;
  if (!UNICODE_WORD.test(ch)) return SEPARATOR;
  return UNICODE_UPPER.test(ch) ? UPPER : LOWER;
}

/**
 * The parts of an identifier, lowercased: `parseHTTPServer` -> parse, http, server; `MAX_FILE_BYTES` -> max, file,
 * bytes; `index-command` -> index, command; `utf8Decode` -> utf, 8, decode. Anything but letters and digits splits.
 */
export function splitIdentifier(word: string): string[] {
  const parts: string[] = [];
  let start = -1;
  let previous = SEPARATOR;
  const end = (i: number) => {
    if (start >= 0) parts.push(word.slice(start, i).toLowerCase());
    start = -1;
  };
  for (let i = 0; i < word.length; i++) {
    const cls = classOf(word.charCodeAt(i), word, i);
    if (cls === SEPARATOR || cls === JOINER) {
      end(i);
    } else if (start < 0) {
      start = i;
    } else if ((cls === DIGIT) !== (previous === DIGIT) || (cls === UPPER && previous === LOWER)) {
      end(i);
      start = i;
    } else if (cls === LOWER && previous === UPPER && i - start > 1) {
      // The last capital of an acronym starts the next word: `HTTPServer` -> HTTP | Server.
      end(i - 1);
      start = i - 1;
    }
    previous = cls;
  }
  end(word.length);
  return parts;
}

/** Plural folding, exactly as the SQL `stem` of queries/bm25.ts: `retries` -> `retry`, `webhooks` -> `webhook`. */
export function foldPlural(term: string): string {
  if (term.length > 4 && term.endsWith('ies')) return `${term.slice(0, -3)}y`;
  if (term.length > 3 && term.endsWith('s') && !term.endsWith('ss')) return term.slice(0, -1);
  return term;
}

/** Whether a lowercased part is kept as a term: two to MAX_TERM_LENGTH characters, not a number, not a stop word. */
function kept(term: string, drop: ReadonlySet<string> | undefined): boolean {
  return term.length > 1 && term.length <= MAX_TERM_LENGTH && !STOP.has(term) && !drop?.has(term) && !isNumber(term);
}

function isNumber(term: string): boolean {
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The terms of one word (a run of letters, digits, `_` and `$`, or a path segment's): its parts, and when it has
 * several, the parts joined (`maxFileBytes` and `MAX_FILE_BYTES` both give `maxfilebytes`), each kept only if it is
 * a term (see `kept`; `drop` adds words to leave out) and plural-folded. A word that starts with a digit is a number
 * literal (`0x1f`, `1e3`, `100ms`) and gives none.
 */
export function wordTerms(word: string, drop?: ReadonlySet<string>): string[] {
  const first = word.charCodeAt(0);
  if (first >= 48 && first <= 57) return [];
  const parts = splitIdentifier(word);
  const terms: string[] = [];
  for (const part of parts) if (kept(part, drop)) terms.push(foldPlural(part));
  if (parts.length > 1) {
    const whole = parts.join('');
    if (kept(whole, drop)) terms.push(foldPlural(whole));
  }
  return terms;
}

// A word: a run of letters, digits, `_` and `$`; those of one character give no term and are not matched. The
// regular expression engine finds them in native code, several times faster than a loop over the characters in a
// process that has just started (before the JIT has optimised one).
const WORD = /[\p{L}\p{N}_$]{2,}/gu;

/** Every word of `text` before `limit` (a word the limit cuts ends there) that can give a term, in order, repeats too. */
export function textWords(text: string, limit: number): readonly string[] {
  return (text.length > limit ? text.slice(0, limit) : text).match(WORD) ?? [];
}

/** The distinct terms a query text yields, by the rules the documents' terms follow, in their first order. */
export function queryTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const word of textWords(text, text.length)) for (const term of wordTerms(word)) terms.add(term);
  return [...terms];
}
