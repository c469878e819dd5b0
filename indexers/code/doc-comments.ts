// The comments kg keeps of a source file: its leading comment, and each exported declaration's JSDoc comment and first
// line. They are read from the file's own text, not from the parse: an outline (./outline.ts) has the comments after
// its leading ones cut, and TypeScript is parsed with JSDoc parsing off (the compiler's getJSDocCommentsAndTags would
// find nothing). The comments before a statement are the trivia between it and the statement before, scanned only for
// the statements that export something.

import type { ts } from 'ts-morph';
import type { Lines } from './extract.js';
import { tsc } from './ts.js';

/** The longest signature kept, in characters. */
export const MAX_SIGNATURE = 200;
/** The longest doc comment or leading comment kept, in characters (cut at a word's end). */
export const MAX_DOC = 500;

interface Comment {
  start: number;
  end: number;
  /** A `/* ... *\/` comment rather than a `//` one. */
  block: boolean;
}

/** The leading comment of a file and the signature and doc comment of its statements, by statement index. */
export class DeclarationComments {
  /** The file's leading comment as text (see leadingFileComment), or null. */
  readonly fileDoc: string | null;
  // The comment the file's doc came from: the first declaration does not take it as its own too.
  private readonly fileDocStart: number = -1;
  // Where the file's text starts after a byte order mark and a shebang line.
  private readonly textStart: number;

  constructor(
    private readonly file: ts.SourceFile,
    /** The file's own text (the origin's, when `file` is an outline). */
    private readonly text: string,
    private readonly lines: Lines,
  ) {
    let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (text.charCodeAt(start) === 35 && text.charCodeAt(start + 1) === 33) {
      const end = text.indexOf('\n', start);
      start = end === -1 ? text.length : end;
    }
    this.textStart = start;
    const leading = leadingFileComment(text, start, file.statements[0], lines);
    this.fileDoc = leading?.text ?? null;
    if (leading) this.fileDocStart = leading.start;
  }

  /** The first line of statement `index` as written (decorators left out), trimmed, without a trailing `{`, capped. */
  signature(index: number): string | null {
    const statement = this.file.statements[index]!;
    const text = this.text;
    let start = this.lines.startOffset(statement);
    // `@decorator export class X`: the line that says what it is starts at the first modifier.
    if (text.charCodeAt(start) === 64) {
      const modifiers = (statement as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers ?? [];
      const first = modifiers.find((modifier) => text.charCodeAt(this.lines.startOffset(modifier)) !== 64);
      if (first) start = this.lines.startOffset(first);
    }
    let end = text.indexOf('\n', start);
    if (end === -1 || end > start + 2 * MAX_SIGNATURE) end = Math.min(text.length, start + 2 * MAX_SIGNATURE);
    let line = text.slice(start, end);
    const cr = line.indexOf('\r');
    if (cr !== -1) line = line.slice(0, cr);
    line = line.trim();
    if (line.endsWith('{')) line = line.slice(0, -1).trimEnd();
    if (line.length > MAX_SIGNATURE) line = line.slice(0, MAX_SIGNATURE).trimEnd();
    return line === '' ? null : copy(line);
  }

  /** The text of the last JSDoc comment (`/** ... *\/`) before statement `index`, or null. */
  doc(index: number): string | null {
    const statements = this.file.statements;
    const from = index === 0 ? this.textStart : this.lines.endOffset(statements[index - 1]!);
    const comments = commentsIn(this.text, from, this.lines.startOffset(statements[index]!));
    for (let i = comments.length - 1; i >= 0; i--) {
      const comment = comments[i]!;
      if (!isJsDoc(this.text, comment)) continue;
      return comment.start === this.fileDocStart ? null : commentText(this.text.slice(comment.start, comment.end));
    }
    return null;
  }
}

/**
 * The file's leading comment: the first comment block (a run of `//` lines, or one `/* *\/` comment) before its first
 * statement that says something about the file. Skipped: pragmas and triple-slash directives (`eslint-disable`,
 * `@ts-check`, `/// <reference>`) and license headers (a block that starts with "Copyright" or names a License), which
 * are the same in every file of a project; and a block directly above a first statement that declares something (no
 * blank line between), which is that declaration's comment.
 */
function leadingFileComment(
  text: string,
  from: number,
  first: ts.Statement | undefined,
  lines: Lines,
): { start: number; text: string } | null {
  const to = first ? lines.startOffset(first) : text.length;
  const comments = commentsIn(text, from, to);
  if (comments.length === 0) return null;
  // The blocks: `//` comments on consecutive lines join (triple-slash directives stay apart, to be skipped).
  const blocks: { start: number; end: number }[] = [];
  const joins = (comment: Comment) => !comment.block && !text.startsWith('///', comment.start);
  for (let i = 0; i < comments.length; i++) {
    const comment = comments[i]!;
    const last = blocks.at(-1);
    if (last && joins(comment) && joins(comments[i - 1]!) && lineBreaks(text, last.end, comment.start) <= 1) last.end = comment.end;
    else blocks.push({ start: comment.start, end: comment.end });
  }
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const raw = text.slice(block.start, block.end);
    if (PRAGMA.test(strippedStart(raw)) || isLicense(raw)) continue;
    if (i === blocks.length - 1 && first && declares(first) && lineBreaks(text, block.end, to) <= 1) return null;
    const words = commentText(raw);
    if (words !== null) return { start: block.start, text: words };
  }
  return null;
}

// Comments for the tools, not the reader: linters, formatters, coverage, the compiler's directives, editor regions.
const PRAGMA = /^(?:eslint|tslint|jshint|jscs:|prettier|istanbul |c8 |v8 |<reference|<amd-|#region|#endregion|global |@ts-|@jsx|@flow|@format|@prettier)/;

function isLicense(raw: string): boolean {
  return /^copyright\b/i.test(strippedStart(raw)) || /\bLicen[cs]e|@license|SPDX-/.test(raw);
}

/** The start of a comment with its markers and white space removed. */
function strippedStart(raw: string): string {
  return raw.slice(0, 200).replace(/^(?:\s*(?:\/\/+|\/\*+|\*+))+\s*/, '');
}

/** Whether a statement declares something (a function, class, interface, type, enum, namespace, variable, default). */
function declares(statement: ts.Statement): boolean {
  return (
    tsc.isFunctionDeclaration(statement) ||
    tsc.isClassDeclaration(statement) ||
    tsc.isInterfaceDeclaration(statement) ||
    tsc.isTypeAliasDeclaration(statement) ||
    tsc.isEnumDeclaration(statement) ||
    tsc.isModuleDeclaration(statement) ||
    tsc.isVariableStatement(statement) ||
    tsc.isExportAssignment(statement)
  );
}

/** How many `\n` there are between `from` and `to`. */
function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function isJsDoc(text: string, comment: Comment): boolean {
  // `/**` and not the empty `/**/`.
  return comment.block && text.charCodeAt(comment.start + 2) === 42 && comment.end - comment.start > 4;
}

/** The comments in the trivia of `text` from `from` up to `to` (or the first character that is not trivia). */
function commentsIn(text: string, from: number, to: number): Comment[] {
  const out: Comment[] = [];
  let pos = from;
  while (pos < to) {
    const ch = text.charCodeAt(pos);
    if (ch === 47) {
      const next = text.charCodeAt(pos + 1);
      if (next === 47) {
        let end = text.indexOf('\n', pos);
        if (end === -1 || end > to) end = to;
        out.push({ start: pos, end, block: false });
        pos = end;
        continue;
      }
      if (next === 42) {
        const close = text.indexOf('*/', pos + 2);
        const end = close === -1 || close + 2 > to ? to : close + 2;
        out.push({ start: pos, end, block: true });
        pos = end;
        continue;
      }
      break;
    }
    if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 11 || ch === 12 || (ch > 127 && /\s/.test(text[pos]!))) {
      pos++;
      continue;
    }
    break;
  }
  return out;
}

// Tags whose words describe the whole declaration or module: the words are kept, the tag dropped.
const DESCRIBING_TAGS = new Set(['description', 'desc', 'summary', 'remarks', 'packageDocumentation', 'module', 'file', 'fileoverview', 'overview']);
// A line that starts with a tag, in a block comment (after its `*`) and in `//` lines; the tag's name is the group.
const TAG_LINE_IN_BLOCK = /(?:^|\n)[ \t]*(?:\*+[ \t]*)?@([A-Za-z]+)/g;
const TAG_LINE_IN_LINES = /(?:^|\n)[ \t]*\/\/+[ \t]*@([A-Za-z]+)/g;
// White space, with what starts a line of the comment after it: a block comment's `*`, or `//`.
const SPACE_IN_BLOCK = /(?:\s*(?:^|\n)[ \t]*\*+)+\s*|\s+/g;
const SPACE_IN_LINES = /(?:\s*(?:^|\n)[ \t]*\/\/+)+\s*|\s+/g;
const FENCED_CODE = /```[^]*?(?:```|$)/g;
const INLINE_LINK = /\{@(?:link|linkcode|linkplain)\s+([^}|\s]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g;
// Markup that is not words: HTML tags and Markdown images.
const MARKUP = /<\/?[A-Za-z][^<>]*>|!\[[^\]]*\]\([^)]*\)/g;

/**
 * The words of a comment (`/* *\/`, `/** *\/` or a run of `//` lines): its markers and each line's leading `*` removed,
 * tag sections (`@param`, `@example`, `@since`, ...) and fenced code dropped, but the words of a describing tag such as
 * `@remarks` kept, `{@link X}` written as X (or as its text), HTML tags and Markdown images removed, white space
 * collapsed, capped at `max` characters at a word's end; null when nothing is left. What is kept is what says, in
 * words, what the code is for: the text a search by meaning matches.
 */
export function commentText(raw: string, max = MAX_DOC): string | null {
  const block = raw.startsWith('/*');
  const body = block ? raw.slice(2, raw.endsWith('*/') ? -2 : raw.length) : raw;
  // Each step is one native search or replace over a bounded part of the comment: a loop over its lines costs several
  // times as much (an operator's doc in rxjs, an effect module's, is mostly examples), on every exported symbol.
  // Text beyond the bound is not read: after fenced code and markup are removed, what is left of it is mostly enough.
  const bound = 3 * max;
  const tagLine = block ? TAG_LINE_IN_BLOCK : TAG_LINE_IN_LINES;
  let kept = '';
  let keeping = true;
  let from = 0;
  tagLine.lastIndex = 0;
  while (kept.length < bound) {
    const tag = tagLine.exec(body);
    const to = tag === null ? body.length : tag.index;
    if (keeping && to > from) kept += (kept === '' ? '' : '\n') + body.slice(from, Math.min(to, from + bound - kept.length));
    if (tag === null) break;
    keeping = DESCRIBING_TAGS.has(tag[1]!);
    from = tag.index + tag[0].length;
  }
  let text = kept;
  if (text.includes('```')) text = text.replace(FENCED_CODE, ' ');
  text = text.replace(block ? SPACE_IN_BLOCK : SPACE_IN_LINES, ' ');
  if (text.includes('{@')) text = text.replace(INLINE_LINK, (_link, target: string, label: string) => (label.trim() === '' ? target : label.trim()));
  // A tag removed leaves a space, which goes again, as does one before the punctuation after it.
  if (text.includes('<') || text.includes('![')) text = text.replace(MARKUP, ' ').replace(/ {2,}/g, ' ').replace(/ (?=[.,;:!?](?: |$))/g, '');
  text = text.trim();
  if (text.length > max) {
    const cut = text.lastIndexOf(' ', max);
    text = text.slice(0, cut > max / 2 ? cut : max);
  }
  return text === '' ? null : copy(text);
}

/** A copy of a string sliced from the file text, so the row does not keep the whole text alive (see extract.ts `own`). */
function copy(text: string): string {
  return (' ' + text).slice(1);
}
