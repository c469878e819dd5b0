// Reads what the vector layer embeds from the graph: the rows of files, exported symbols, sessions and convention
// sections, formed into texts by ./embed-text-forms.ts, each keyed by its node (and chunk) with its text's hash.

import {
  conventionChunks,
  EMBED_KINDS,
  embedTexts,
  fileText,
  sessionChunks,
  symbolText,
  type ConventionTextRow,
  type EmbedKind,
  type EmbedText,
  type FileTextRow,
  type SessionTextRow,
  type SymbolTextRow,
} from './embed-text-forms.js';
import { nodeId } from './records.js';
import type { GraphReader } from './store.js';

export type { EmbedKind, EmbedText } from './embed-text-forms.js';
export { EMBED_KINDS } from './embed-text-forms.js';

// The source files a file text is made for: not tests (their words are the code's they test), not JSON (data, not
// code). Declaration files are: a package's own API is often written as one, and one generated next to its source is
// only a second text of the same words.
const SOURCE_FILES = `NOT coalesce(f.is_test, false) AND f.language IN ('ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'dts')`;

/**
 * Every text of the graph to embed, in a stable order: files by path, then symbols by file and line, sessions by id,
 * convention sections by document and position; a node's chunks in order. `kinds` (default: all) leaves the others
 * out, unread.
 *
 * - file: every source file (SOURCE_FILES), one text (fileText).
 * - symbol: the exported symbols of those files that have a doc comment. A large repository exports tens of
 *   thousands of names, and embedding each on two CPU cores would take minutes; an undocumented name is still in its
 *   file's text, and a documented one is what a search by meaning finds best.
 * - session: every session with any text, chunked (sessionChunks).
 * - convention: every section, chunked (conventionChunks).
 */
export async function readEmbedTexts(connection: GraphReader, options: { kinds?: readonly EmbedKind[] } = {}): Promise<EmbedText[]> {
  const kinds = new Set(options.kinds ?? EMBED_KINDS);
  const out: EmbedText[] = [];
  if (kinds.has('file') || kinds.has('symbol')) {
    const symbols = await connection.all<SymbolTextRow & { line: number }>(
      `SELECT s.id, s.file, s.name, s.kind, s.signature, s.doc, s.line
       FROM symbols s JOIN files f ON f.path = s.file
       WHERE ${SOURCE_FILES}
       ORDER BY s.file, s.line, s.name`,
    );
    if (kinds.has('file')) {
      const files = await connection.all<FileTextRow>(`SELECT f.path, f.doc FROM files f WHERE ${SOURCE_FILES} ORDER BY f.path`);
      const byFile = new Map<string, SymbolTextRow[]>();
      for (const symbol of symbols) {
        const list = byFile.get(symbol.file);
        if (list) list.push(symbol);
        else byFile.set(symbol.file, [symbol]);
      }
      for (const file of files) out.push(...embedTexts(nodeId.file(file.path), 'file', file.path, [fileText(file, byFile.get(file.path) ?? [])]));
    }
    if (kinds.has('symbol')) {
      for (const symbol of symbols) if (symbol.doc) out.push(...embedTexts(symbol.id, 'symbol', symbol.file, [symbolText(symbol)]));
    }
  }
  if (kinds.has('session')) {
    const sessions = await connection.all<SessionTextRow>(`SELECT id, title, goal, recap, notes FROM sessions ORDER BY id`);
    for (const session of sessions) out.push(...embedTexts(nodeId.session(session.id), 'session', null, sessionChunks(session)));
  }
  if (kinds.has('convention')) {
    const sections = await connection.all<ConventionTextRow>(
      `SELECT id, source, heading_path AS "headingPath", body FROM conventions ORDER BY source, ordinal, id`,
    );
    for (const section of sections) out.push(...embedTexts(section.id, 'convention', section.source, conventionChunks(section)));
  }
  return out;
}
