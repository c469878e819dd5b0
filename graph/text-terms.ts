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

// The parts of an identifier, as one regular expression (the engine runs it in native code, which in a short kg process
// costs a fraction of a loop over the characters in JavaScript the JIT has yet to compile). Classes: upper-case letters
// (\p{Lu}), ASCII digits, and the other letters and digits ("lower"); anything else separates.
//   an upper-case run that ends where the last capital starts a word: `HTTP` of `HTTPServer`
//   a word: an optional capital and lower-case letters: `Server`, `parse`
//   an upper-case run: `ID` of `userID`
//   a run of digits
// The same over ASCII alone for the words that are (nearly all): a Unicode property class costs a compile of its own.
const ASCII_PART = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g;
const NON_ASCII = /[^\0-\x7f]/;
let unicodePart: RegExp | undefined;

function unicodePartPattern(): RegExp {
  const lower = '[[\\p{L}\\p{N}]--[\\p{Lu}0-9]]';
  return (unicodePart ??= new RegExp(`\\p{Lu}+(?=\\p{Lu}${lower})|\\p{Lu}?${lower}+|\\p{Lu}+|[0-9]+`, 'gv'));
}

/**
 * The parts of an identifier, lowercased: `parseHTTPServer` -> parse, http, server; `MAX_FILE_BYTES` -> max, file,
 * bytes; `index-command` -> index, command; `utf8Decode` -> utf, 8, decode. Anything but letters and digits splits.
 */
export function splitIdentifier(word: string): string[] {
  const parts = word.match(NON_ASCII.test(word) ? unicodePartPattern() : ASCII_PART);
  if (parts === null) return [];
  for (let i = 0; i < parts.length; i++) parts[i] = parts[i]!.toLowerCase();
  return parts;
}

/** Plural folding, exactly as the SQL `stem` of queries/bm25.ts: `retries` -> `retry`, `webhooks` -> `webhook`. */
export function foldPlural(term: string): string {
  if (term.length > 4 && term.endsWith('ies')) return `${term.slice(0, -3)}y`;
  if (term.length > 3 && term.endsWith('s') && !term.endsWith('ss')) return term.slice(0, -1);
  return term;
}

/**
 * Whether a lowercased part is kept as a term: two to MAX_TERM_LENGTH characters, not a number, not a stop word. A part
 * that starts with a digit is a run of digits (see PART).
 */
function kept(term: string, drop: ReadonlySet<string> | undefined): boolean {
  const first = term.charCodeAt(0);
  return term.length > 1 && term.length <= MAX_TERM_LENGTH && (first < 48 || first > 57) && !STOP.has(term) && !drop?.has(term);
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
  for (let i = 0; i < parts.length; i++) if (kept(parts[i]!, drop)) terms.push(foldPlural(parts[i]!));
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
