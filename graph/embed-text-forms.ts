// The texts the vector layer embeds, formed from graph rows: pure functions, no SQL (./embed-texts.ts reads the rows).
// Texts are made of words: one of the models is a static word-embedding model that knows only English words, so every
// identifier (a path, a symbol's name, `retryDelayMs` in a note) is also written as its words ("retry delay ms"); a
// transformer model reads the split words as well as the identifier.

import { createHash } from 'node:crypto';
import { splitIdentifier } from './text-terms.js';
import { VECTOR_KINDS, type VectorKind } from './vector-store.js';

/** The kinds of texts are the vector store's kinds (in the order readEmbedTexts gives them). */
export type EmbedKind = VectorKind;
export const EMBED_KINDS = VECTOR_KINDS;

/** One text to embed, keyed by its graph node (and its chunk). */
export interface EmbedText {
  /** Unique: the node id for a node's first (or only) text; `${node}#${n}` for its n-th chunk after that (n >= 1). */
  key: string;
  /** The graph node id: `file:PATH`, a symbol's `sym:PATH#NAME`, `session:ID`, a convention section's `conv:SOURCE#N`. */
  node: string;
  kind: EmbedKind;
  /** The file of a file or symbol, the document of a convention section; null for a session. */
  path: string | null;
  text: string;
  /** sha256 hex of `text`: an unchanged text keeps its vector. */
  hash: string;
}

/** A file text's longest length, in characters (cut at a word). */
export const MAX_FILE_TEXT = 2000;
/** How much of each exported symbol's doc a file text holds (its first sentence, at most this long). */
export const MAX_SYMBOL_DOC_IN_FILE = 160;
/** A chunk of a session's or a convention section's text, in characters, before its title is put in front. */
export const CHUNK_CHARS = 1500;
/**
 * The most chunks one session or section gives: a session's notes can hold 128k characters, and on two CPU cores a
 * small transformer embeds a few dozen chunks a second. The recap comes first, so it is what the chunks keep.
 */
export const MAX_CHUNKS = 16;
/** The longest title put in front of every chunk. */
const MAX_CHUNK_TITLE = 200;

export interface FileTextRow {
  path: string;
  doc: string | null;
}

export interface SymbolTextRow {
  id: string;
  file: string;
  name: string;
  kind: string | null;
  signature: string | null;
  doc: string | null;
}

export interface SessionTextRow {
  id: string;
  title: string | null;
  goal: string | null;
  recap: string | null;
  notes: string | null;
}

export interface ConventionTextRow {
  id: string;
  source: string;
  headingPath: string | null;
  body: string | null;
}

/**
 * A file's text: its path as words and as written, its leading comment, then each exported symbol's name (and its
 * words) with the first sentence of its doc, in the file's order; capped at MAX_FILE_TEXT.
 */
export function fileText(file: FileTextRow, symbols: readonly SymbolTextRow[]): string {
  const lines = [`${pathWords(file.path)} (${file.path})`];
  if (file.doc) lines.push(withIdentifierWords(file.doc));
  for (const symbol of symbols) {
    const sentence = symbol.doc ? firstSentence(symbol.doc, MAX_SYMBOL_DOC_IN_FILE) : '';
    lines.push(sentence ? `${nameWithWords(symbol.name)}: ${withIdentifierWords(sentence)}` : nameWithWords(symbol.name));
  }
  return capAtWord(lines.join('\n'), MAX_FILE_TEXT);
}

/** A symbol's text: its kind and name (and its words), its first line as written, its doc comment. */
export function symbolText(symbol: SymbolTextRow): string {
  const lines = [`${symbol.kind ?? 'symbol'} ${nameWithWords(symbol.name)}`];
  if (symbol.signature) lines.push(symbol.signature);
  if (symbol.doc) lines.push(withIdentifierWords(symbol.doc));
  return lines.join('\n');
}

/**
 * A session's chunks: its goal (when the title is not the goal itself), its recap and the notes of its other steps,
 * cut at paragraphs and sentences into chunks of CHUNK_CHARS, each with the title in front; none for a session
 * without text.
 */
export function sessionChunks(session: SessionTextRow): string[] {
  const parts: string[] = [];
  if (session.goal && session.goal !== session.title) parts.push(session.goal);
  if (session.recap) parts.push(session.recap);
  const notes = session.recap && session.notes ? without(session.notes, session.recap) : session.notes;
  if (notes) parts.push(notes);
  return titledChunks(session.title ?? '', parts.join('\n\n'));
}

/** A convention section's chunks: its heading path (or, above the first heading, its document) in front of its body's chunks. */
export function conventionChunks(section: ConventionTextRow): string[] {
  return titledChunks(section.headingPath || section.source, section.body ?? '');
}

/** The EmbedTexts of one node: its first text keyed by the node id, each further chunk by `${node}#${n}`. */
export function embedTexts(node: string, kind: EmbedKind, path: string | null, texts: readonly string[]): EmbedText[] {
  return texts.map((text, n) => ({ key: n === 0 ? node : `${node}#${n}`, node, kind, path, text, hash: sha256(text) }));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `src/http/createRouter.ts` -> "src http create router": the path's words, its extension left out. */
export function pathWords(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.indexOf('.', 1);
  const stem = dot === -1 ? path : path.slice(0, path.length - name.length + dot);
  return splitIdentifier(stem).join(' ');
}

/** `createRouter` -> "createRouter (create router)"; a name of one word is left as it is. */
export function nameWithWords(name: string): string {
  const words = splitIdentifier(name);
  return words.length > 1 ? `${name} (${words.join(' ')})` : name;
}

// A word that is an identifier of several parts: camelCase, an acronym before a word (HTTPServer), snake_case.
const COMPOUND_IDENTIFIER = /\b[A-Za-z][A-Za-z0-9]*(?:[a-z0-9][A-Z]|[A-Z]{2}[a-z]|[A-Za-z0-9]_[A-Za-z0-9])[A-Za-z0-9_]*\b/g;

/** Prose with each compound identifier in it followed by its words: "fixed retryDelayMs" -> "fixed retryDelayMs (retry delay ms)". */
export function withIdentifierWords(text: string): string {
  return text.replace(COMPOUND_IDENTIFIER, (identifier) => `${identifier} (${splitIdentifier(identifier).join(' ')})`);
}

/** The chunks of `body` (see chunkText), each with `title` (capped) in front; the title alone when there is no body. */
function titledChunks(title: string, body: string): string[] {
  const head = withIdentifierWords(capAtWord(title.trim(), MAX_CHUNK_TITLE));
  const chunks = chunkText(withIdentifierWords(body), CHUNK_CHARS).slice(0, MAX_CHUNKS);
  if (chunks.length === 0) return head === '' ? [] : [head];
  return chunks.map((chunk) => (head === '' ? chunk : `${head}\n\n${chunk}`));
}

/**
 * `text` cut into chunks of at most `size` characters: whole paragraphs (blank-line separated) packed together, a
 * longer paragraph cut at sentences, a longer sentence at words (a word longer than `size` is cut where it must be).
 */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') chunks.push(current);
    current = '';
  };
  const add = (piece: string, separator: string) => {
    if (current !== '' && current.length + separator.length + piece.length > size) flush();
    current = current === '' ? piece : current + separator + piece;
  };
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    const trimmed = paragraph.trim();
    if (trimmed === '') continue;
    if (trimmed.length <= size) {
      add(trimmed, '\n\n');
      continue;
    }
    for (const sentence of trimmed.split(/(?<=[.!?])\s+/)) {
      if (sentence.length <= size) {
        add(sentence, ' ');
        continue;
      }
      for (let rest = sentence; rest !== ''; ) {
        const piece = capAtWord(rest, size);
        add(piece, ' ');
        rest = rest.slice(piece.length).trimStart();
      }
    }
  }
  flush();
  return chunks;
}

/** `text` cut to at most `max` characters at a word's end (mid-word only when its first word is longer). */
export function capAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.slice(0, max + 1).search(/\s\S*$/);
  return (space > 0 ? text.slice(0, space) : text.slice(0, max)).trimEnd();
}

/** The first sentence of a doc (to the first `.`, `!` or `?` before a space), capped at `max` at a word. */
function firstSentence(doc: string, max: number): string {
  const end = doc.search(/[.!?](?:\s|$)/);
  return capAtWord(end === -1 ? doc : doc.slice(0, end + 1), max);
}

/** `notes` with the last occurrence of `part` (the recap, also among the notes) taken out. */
function without(notes: string, part: string): string {
  const at = notes.lastIndexOf(part);
  return at === -1 ? notes : (notes.slice(0, at) + notes.slice(at + part.length)).trim();
}
