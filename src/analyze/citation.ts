// When does an assistant turn cite an item it was given? The rules, in the order they are tried:
//
// 1. path: the turn names a workspace path the item names (its `file:` key or a `dir/name.ext` in its text), in
//    full, or by its file name when that name has at least MIN_BASENAME_CHARS characters and no other given path
//    has it.
// 2. identifier: the turn names a code identifier of the item (camelCase, PascalCase or snake_case, at least
//    MIN_IDENTIFIER_CHARS characters) as a whole word.
// 3. ngram: the item's and the turn's normalised word 3-grams (lowercase, punctuation gone, stop words dropped)
//    share at least MIN_SHARED_NGRAMS and at least MIN_NGRAM_SHARE of the item's, or at least ALWAYS_SHARED_NGRAMS.
//
// What the turn says is its text and the arguments of its tool calls (a read_file of a path names it). Anything the
// goal (the first user message) already says is no evidence: a model repeating the goal has not read the slot.

export const MIN_BASENAME_CHARS = 6;
export const MIN_IDENTIFIER_CHARS = 6;
export const MIN_SHARED_NGRAMS = 2;
export const MIN_NGRAM_SHARE = 0.15;
export const ALWAYS_SHARED_NGRAMS = 4;
const EVIDENCE_CONTEXT = 40;

export type CitationRule = 'path' | 'identifier' | 'ngram';

export interface Citation {
  rule: CitationRule;
  /** The cited words with some of the turn around them, on one line. */
  evidence: string;
}

const STOPWORDS = new Set(
  ('a an and are as at be been but by can do does for from has have if in into is it its not of on or so that the their then there these ' +
    'this to was we were what when which will with you your i me my our us they them he she his her than also just should would could ' +
    'all any each more most other some such no nor only own same too very s t don now').split(' '),
);
const PATH_RE = /[A-Za-z0-9_@.-]+(?:\/[A-Za-z0-9_@.-]+)+\.[A-Za-z0-9]{1,8}/g;
const IDENT_RE = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/** What an item offers as evidence, computed once. */
export interface ItemTerms {
  paths: string[];
  identifiers: string[];
  ngrams: Set<string>;
}

/** What a text (a turn, the goal) says, computed once. */
export interface TextTerms {
  text: string;
  paths: Set<string>;
  words: Set<string>;
  ngrams: Set<string>;
}

export function textTerms(text: string): TextTerms {
  return { text, paths: new Set(text.match(PATH_RE) ?? []), words: new Set(text.match(IDENT_RE) ?? []), ngrams: ngramsOf(text) };
}

/** The item's evidence less what the goal says. */
export function itemTerms(key: string, text: string, goal: TextTerms): ItemTerms {
  const paths = new Set(text.match(PATH_RE) ?? []);
  if (key.startsWith('file:')) paths.add(key.slice(5));
  const identifiers = new Set((text.match(IDENT_RE) ?? []).filter(isIdentifier));
  const ngrams = ngramsOf(text);
  for (const gram of goal.ngrams) ngrams.delete(gram);
  return {
    paths: [...paths].filter((path) => !goal.paths.has(path) && !goal.text.includes(path)),
    identifiers: [...identifiers].filter((id) => !goal.words.has(id)),
    ngrams,
  };
}

/** Whether `turn` cites the item; `basenames` counts each file name among all the paths given in the session. */
export function cites(item: ItemTerms, turn: TextTerms, basenames: ReadonlyMap<string, number>, goal: TextTerms): Citation | null {
  for (const path of item.paths) {
    if (turn.text.includes(path)) return { rule: 'path', evidence: span(turn.text, turn.text.indexOf(path), path.length) };
  }
  for (const path of item.paths) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.length < MIN_BASENAME_CHARS || basenames.get(base) !== 1 || goal.text.includes(base)) continue;
    const at = wordIndex(turn.text, base);
    if (at >= 0) return { rule: 'path', evidence: span(turn.text, at, base.length) };
  }
  for (const id of item.identifiers) {
    if (!turn.words.has(id)) continue;
    return { rule: 'identifier', evidence: span(turn.text, wordIndex(turn.text, id), id.length) };
  }
  if (item.ngrams.size === 0) return null;
  const shared = [...item.ngrams].filter((gram) => turn.ngrams.has(gram));
  if (shared.length >= ALWAYS_SHARED_NGRAMS || (shared.length >= MIN_SHARED_NGRAMS && shared.length / item.ngrams.size >= MIN_NGRAM_SHARE)) {
    return { rule: 'ngram', evidence: `shared phrases: ${shared.slice(0, 3).map((gram) => `"${gram}"`).join(', ')}` };
  }
  return null;
}

function isIdentifier(word: string): boolean {
  return word.length >= MIN_IDENTIFIER_CHARS && (/[a-z][A-Z]/.test(word) || /[A-Za-z0-9]_[A-Za-z0-9]/.test(word));
}

export function ngramsOf(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !STOPWORDS.has(word));
  const grams = new Set<string>();
  for (let k = 0; k + 2 < words.length; k++) grams.add(`${words[k]} ${words[k + 1]} ${words[k + 2]}`);
  return grams;
}

/** Where `word` occurs in `text` as a whole word; -1 when it does not. */
function wordIndex(text: string, word: string): number {
  const re = new RegExp(`(?<![A-Za-z0-9_$])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_$])`);
  return re.exec(text)?.index ?? -1;
}

function span(text: string, at: number, length: number): string {
  const from = Math.max(0, at - EVIDENCE_CONTEXT);
  const to = Math.min(text.length, at + length + EVIDENCE_CONTEXT);
  return `${from > 0 ? '...' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? '...' : ''}`;
}
