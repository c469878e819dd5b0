// The outline of a TypeScript file: its text with the insides of every brace block the index never reads cut out, so
// the compiler parses a fraction of the file. A cold parser costs about three times its warm speed, and most of a
// file is function, class and object bodies that hold no import, command or route: the outline keeps the top-level
// statements whole and every block that holds one of those words, and cuts comments after the file's leading ones,
// the parameter lists of functions and arrows, the names an import lists (only its module is read), and
// long strings assigned to a name.
//
// `{` ... `}` with nothing inside is valid wherever a brace block is (a block, an object or type literal, a class,
// interface, enum or namespace body, a binding pattern), and `()` wherever a parameter list is, so the outline parses
// as the file does. The lexer here only has to find where blocks start and end: it tracks strings, templates,
// comments and regular expressions, and gives up (returns null, and the caller parses the whole file) on anything it
// cannot place.

import { COMMAND_METHOD, ROUTE_METHODS } from './recorded-calls.js';

/** The outline text and the way back from its positions to the file's. */
export interface Outline {
  text: string;
  /** The file position of an outline position (any position outside the cuts maps exactly). */
  toOriginal(pos: number): number;
}

// What the lexer remembers of the token before the current one: enough to tell a regex from a division and to know
// which braces must stay whole.
const enum Prev {
  None,
  Import,
  Export,
  TypeList, // `type` after `import`: a brace after it lists names
  ExportTypeList, // `type` after `export`: a brace after it lists names the file exports (or re-exports)
  Declare, // const, let, var: a brace after one is a binding pattern whose names are exported symbols
  Attributes, // with, assert: import attributes (a resolution-mode lives there)
  String,
  Comma,
  Dot,
  Other,
}

const enum Context {
  Brace,
  Paren,
  Bracket,
  Template,
}

// The words the lexer tells apart: the ones that decide which braces stay whole, and the ones after which a `/`
// starts a regular expression though they are identifiers to the lexer.
const enum Keyword {
  Import,
  Require,
  Export,
  Type,
  Const,
  Let,
  Var,
  With,
  Assert,
  Function,
  Return,
  Typeof,
  Instanceof,
  In,
  Of,
  New,
  Delete,
  Void,
  Throw,
  Case,
  Do,
  Else,
  Yield,
  Await,
  Default,
}
// Each keyword with what the lexer remembers after it (anything not named here is Prev.Other).
const KEYWORDS: readonly (readonly [string, Keyword, Prev?])[] = [
  ['import', Keyword.Import, Prev.Import],
  ['require', Keyword.Require],
  ['export', Keyword.Export, Prev.Export],
  ['type', Keyword.Type],
  ['const', Keyword.Const, Prev.Declare],
  ['let', Keyword.Let, Prev.Declare],
  ['var', Keyword.Var, Prev.Declare],
  ['with', Keyword.With, Prev.Attributes],
  ['assert', Keyword.Assert, Prev.Attributes],
  ['function', Keyword.Function],
  ['return', Keyword.Return],
  ['typeof', Keyword.Typeof],
  ['instanceof', Keyword.Instanceof],
  ['in', Keyword.In],
  ['of', Keyword.Of],
  ['new', Keyword.New],
  ['delete', Keyword.Delete],
  ['void', Keyword.Void],
  ['throw', Keyword.Throw],
  ['case', Keyword.Case],
  ['do', Keyword.Do],
  ['else', Keyword.Else],
  ['yield', Keyword.Yield],
  ['await', Keyword.Await],
  ['default', Keyword.Default],
];
const PREV_OF_KEYWORD: Prev[] = [];
for (const [, keyword, prev] of KEYWORDS) PREV_OF_KEYWORD[keyword] = prev ?? Prev.Other;
// From `return` on, the words after which an operand (so a regular expression) comes.
const regexAfter = (keyword: Keyword): boolean => keyword >= Keyword.Return;
// Candidates by length, so a word is compared only with the few of its length, without copying it out of the text.
const KEYWORDS_BY_LENGTH = byLength(KEYWORDS.map(([word, keyword]) => [word, keyword] as const));
const CALL_METHODS = [COMMAND_METHOD, ...ROUTE_METHODS];
const CALL_METHODS_BY_LENGTH = byLength(CALL_METHODS.map((name) => [name, true] as const));
// Runs of tokens that change nothing the lexer tracks but whether a `/` after them divides: white space, words that
// are not keywords (numbers among them), a `.` with the name after it (unless the name is a command or route method),
// and punctuation that opens and closes nothing. A regular expression skips each run in native code, where a loop over
// characters runs slowly until it is compiled, so the lexer stops only at tokens it reads. Inside a bracket, `,` and
// `const`, `let`, `var` are plain too: only at the top level do they start a binding pattern.
const plainRun = (keywords: readonly Keyword[], punctuation: string): RegExp => {
  const words = KEYWORDS.filter(([, keyword]) => keywords.includes(keyword)).map(([word]) => word);
  const notWord = (names: readonly string[]) => `(?!(?:${names.join('|')})(?![\\w$]))`;
  return new RegExp(`(?:[\\t\\n\\v\\f\\r ${punctuation}]+|\\.${notWord(CALL_METHODS)}[\\w$]+|${notWord(words)}[\\w$]+)*`, 'y');
};
const ALL_KEYWORDS = KEYWORDS.map(([, keyword]) => keyword);
const DECLARES: readonly Keyword[] = [Keyword.Const, Keyword.Let, Keyword.Var];
const PLAIN_AT_TOP = plainRun(ALL_KEYWORDS, ';:<>&|*%^~#@=?');
const PLAIN_NESTED = plainRun(
  ALL_KEYWORDS.filter((keyword) => !DECLARES.includes(keyword)),
  ';:<>&|*%^~#@=?,',
);
const LONG_STRING = 1024;
// A string's body after its opening quote, escapes and line continuations included; the quote must follow.
const SINGLE_QUOTED = /(?:[^'\\\n\r]|\\(?:\r\n|[^]))*'/y;
const DOUBLE_QUOTED = /(?:[^"\\\n\r]|\\(?:\r\n|[^]))*"/y;

// The open brackets, innermost last, shared by every call (a file is lexed at once): each one's kind, flags, start, and
// how many cut numbers there were when it opened (a cut bracket replaces every cut made inside it).
const KEEP = 1; // the bracket stays whole
const KEEP_INSIDE = 2; // every brace inside it stays whole (a binding pattern)
const PARAMETERS = 4; // a paren that is a function's parameter list
const NAMES = 8; // the names of an import or export clause: cut when `from` follows (only the module name is read)
let bracketKinds = new Uint8Array(64);
let bracketFlags = new Uint8Array(64);
let bracketStarts = new Int32Array(64);
let bracketCuts = new Int32Array(64);

/**
 * The outline of `text`, or null when the lexer cannot be sure of it (the caller then parses the whole file). Only for
 * TypeScript without JSX whose line breaks are all `\n`, as the caller checks.
 */
export function outline(text: string): Outline | null {
  const cuts = cutRanges(text);
  return cuts === null ? null : applyCuts(text, cuts);
}

/**
 * The ranges to cut, as flat triples (start, end, replacement: 0 nothing, 1 a space, 2 a line break), in order and
 * not overlapping; null when the text is not lexed with certainty.
 */
function cutRanges(text: string): number[] | null {
  // Every piece of state is a local variable: this loop runs cold over megabytes, and locals are what the
  // interpreter and the optimizing compiler handle fastest.
  const length = text.length;
  const cuts: number[] = [];
  let cutCount = 0;
  let depth = 0;
  let keepInsideDepth = 0;
  // After `function`, until its parameter list opens.
  let functionHeader = false;
  let prev = Prev.None as Prev;
  // Whether a `/` here would divide (the token before ends an expression) rather than start a regular expression.
  let divides = false as boolean;
  // Comments before the first token stay: triple-slash references and pragmas live there.
  let started = false;
  // The first `\n` at or after the last block comment, remembered: positions only grow, so a file with many comments
  // on one long line is still scanned once, not once per comment.
  let nextBreak = -2;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.charCodeAt(pos) === 35 && text.charCodeAt(pos + 1) === 33) pos = lineEnd(text, pos);

  for (;;) {
    // After a `.`, the next word is read (a command or route method); anywhere else a plain run is skipped at once.
    if (prev !== Prev.Dot) {
      const plain = depth === 0 ? PLAIN_AT_TOP : PLAIN_NESTED;
      plain.lastIndex = pos;
      plain.test(text);
      const end = plain.lastIndex;
      if (end > pos) {
        let last = end - 1;
        while (last >= pos && isAsciiSpace(text.charCodeAt(last))) last--;
        if (last >= pos) {
          // A word or number last divides (x / 2); punctuation last starts an operand (x < /re/).
          started = true;
          prev = Prev.Other;
          divides = isIdentifierPart(text.charCodeAt(last));
        }
        pos = end;
      }
    }
    // Trivia.
    const ch = text.charCodeAt(pos);
    if (isAsciiSpace(ch)) {
      pos++;
      continue;
    }
    if (ch === 47) {
      const next = text.charCodeAt(pos + 1);
      if (next === 47) {
        const end = lineEnd(text, pos);
        if (started) cutCount = addCut(cuts, cutCount, pos, end, 0);
        pos = end;
        continue;
      }
      if (next === 42) {
        const close = text.indexOf('*/', pos + 2);
        if (close === -1) return null;
        if (started) {
          // A comment holding a line break still ends a line (automatic semicolons depend on it).
          if (nextBreak !== -1 && nextBreak < pos) nextBreak = text.indexOf('\n', pos);
          cutCount = addCut(cuts, cutCount, pos, close + 2, nextBreak !== -1 && nextBreak < close ? 2 : 1);
        }
        pos = close + 2;
        continue;
      }
    }
    if (pos >= length) break;
    if (ch > 127 && isUnicodeSpace(ch)) {
      pos++;
      continue;
    }
    started = true;

    if (isIdentifierStart(ch)) {
      let end = pos + 1;
      while (end < length && isIdentifierPart(text.charCodeAt(end))) end++;
      const afterDot = prev === Prev.Dot;
      const word = afterDot ? null : wordAt(KEYWORDS_BY_LENGTH, text, pos, end - pos);
      if (word === Keyword.Import || word === Keyword.Require) {
        const paren = skipTrivia(text, end);
        const next = text.charCodeAt(paren);
        if (word === Keyword.Import && next === 46) keepEnclosing(depth); // import.meta makes the file a module
        else if (next === 40 && opensWithString(text, paren)) {
          keepEnclosing(depth);
          if (word === Keyword.Import) {
            // import('x', { with: ... }): the attributes of an import type are read, so braces in here stay.
            depth = openBracket(depth, Context.Paren, KEEP | KEEP_INSIDE, paren, cutCount);
            keepInsideDepth++;
            pos = paren + 1;
            prev = Prev.Other;
            divides = false;
            continue;
          }
        }
      } else if (afterDot && wordAt(CALL_METHODS_BY_LENGTH, text, pos, end - pos)) {
        const paren = skipTrivia(text, end);
        const next = text.charCodeAt(paren);
        if ((next === 40 && opensWithString(text, paren)) || next === 60 /* type arguments */) keepEnclosing(depth);
      }
      pos = end;
      if (word === null) {
        prev = Prev.Other;
        divides = true;
      } else {
        if (word === Keyword.Function) functionHeader = true;
        // `import type {` and `export type {` list names; any other `type` is plain.
        prev = word === Keyword.Type ? (prev === Prev.Import ? Prev.TypeList : prev === Prev.Export ? Prev.ExportTypeList : Prev.Other) : PREV_OF_KEYWORD[word]!;
        divides = !regexAfter(word);
      }
      continue;
    }

    if (ch === 39 || ch === 34) {
      const end = stringEnd(text, pos, ch);
      if (end === -1) return null;
      // Megabytes of embedded assets are a value, not a module name: the parser need not scan them.
      if (end - pos > LONG_STRING && assigned(text, pos)) cutCount = addCut(cuts, cutCount, pos + 1, end - 1, 0);
      pos = end;
      prev = Prev.String;
      divides = true;
      continue;
    }

    if (ch === 96 || (ch === 125 && depth > 0 && bracketKinds[depth - 1] === Context.Template)) {
      // A template from its start, or from the `}` that ends a substitution.
      if (ch === 125) depth--;
      const end = templatePartEnd(text, pos + 1);
      if (end === -1) return null;
      if (text.charCodeAt(end - 1) === 96) {
        prev = Prev.String;
        divides = true;
      } else {
        depth = openBracket(depth, Context.Template, KEEP, pos, cutCount);
        prev = Prev.Other;
        divides = false;
      }
      pos = end;
      continue;
    }

    switch (ch) {
      case 123: {
        // {
        const pattern = depth === 0 && (prev === Prev.Declare || prev === Prev.Comma);
        const names = prev === Prev.Import || prev === Prev.TypeList;
        const keep =
          keepInsideDepth > 0 ||
          pattern ||
          // An export clause is read whole: alone it declares the file's symbols, with `from` it says what a barrel passes on.
          prev === Prev.Export ||
          prev === Prev.ExportTypeList ||
          prev === Prev.String || // declare module 'x' { ... }
          prev === Prev.Attributes;
        depth = openBracket(depth, Context.Brace, (keep ? KEEP : names ? NAMES : 0) | (pattern ? KEEP_INSIDE : 0), pos, cutCount);
        if (pattern) keepInsideDepth++;
        functionHeader = false;
        pos++;
        prev = Prev.Other;
        divides = false;
        continue;
      }
      case 125: {
        // }
        if (depth === 0 || bracketKinds[depth - 1] !== Context.Brace) return null;
        const flags = bracketFlags[--depth]!;
        if (flags & KEEP_INSIDE) keepInsideDepth--;
        // `import { a, b } from` names a module (its names are not read); an export clause is kept (see above).
        if (!(flags & KEEP) && (!(flags & NAMES) || wordFollows(text, pos + 1, 'from'))) cutCount = cutInside(cuts, depth, pos);
        pos++;
        prev = Prev.Other;
        divides = true;
        continue;
      }
      case 40:
      case 91: {
        // ( [   a bracket opened right after `const` at the top level is an array binding pattern
        const pattern = ch === 91 && depth === 0 && (prev === Prev.Declare || prev === Prev.Comma);
        // A paren stays whole unless it turns out to be a parameter list that holds no word the index reads.
        const flags = ch === 40 ? (functionHeader ? PARAMETERS : 0) : KEEP | (pattern ? KEEP_INSIDE : 0);
        depth = openBracket(depth, ch === 40 ? Context.Paren : Context.Bracket, flags, pos, cutCount);
        if (pattern) keepInsideDepth++;
        functionHeader = false;
        pos++;
        prev = Prev.Other;
        divides = false;
        continue;
      }
      case 41:
      case 93: {
        // ) ]
        if (depth === 0 || bracketKinds[depth - 1] !== (ch === 41 ? Context.Paren : Context.Bracket)) return null;
        const flags = bracketFlags[--depth]!;
        if (flags & KEEP_INSIDE) keepInsideDepth--;
        // Parameters (of a function, or before `=>`) are read by nothing the index keeps, and `()` is valid there.
        if (ch === 41 && !(flags & KEEP) && keepInsideDepth === 0 && (flags & PARAMETERS || arrowFollows(text, pos + 1))) {
          cutCount = cutInside(cuts, depth, pos);
        }
        pos++;
        prev = Prev.Other;
        divides = true;
        continue;
      }
      case 44:
        pos++;
        prev = Prev.Comma;
        divides = false;
        continue;
      case 46: {
        // .  (or a number like .5)
        const next = text.charCodeAt(pos + 1);
        if (next >= 48 && next <= 57) {
          pos = numberEnd(text, pos + 1);
          prev = Prev.Other;
          divides = true;
        } else {
          pos += next === 46 && text.charCodeAt(pos + 2) === 46 ? 3 : 1;
          prev = next === 46 ? Prev.Other : Prev.Dot;
          divides = false;
        }
        continue;
      }
      case 63: {
        // ?. is a property access unless a digit follows (a ? .5 : b)
        const next = text.charCodeAt(pos + 1);
        const digit = text.charCodeAt(pos + 2);
        const access = next === 46 && !(digit >= 48 && digit <= 57);
        pos += access ? 2 : 1;
        prev = access ? Prev.Dot : Prev.Other;
        divides = false;
        continue;
      }
      case 33:
        // A `!` after an expression is a non-null assertion (x! / 2), unless it starts `!=`.
        pos++;
        prev = Prev.Other;
        if (text.charCodeAt(pos) === 61) divides = false;
        continue;
      case 43:
      case 45:
        // ++ and -- keep what the expression before them was; + and - start a new operand.
        prev = Prev.Other;
        if (text.charCodeAt(pos + 1) === ch) {
          pos += 2;
        } else {
          pos++;
          divides = false;
        }
        continue;
      case 47: {
        // / (comments were taken above): a division after an expression, else a regular expression
        if (divides) {
          pos++;
          prev = Prev.Other;
          divides = false;
          continue;
        }
        const end = regexEnd(text, pos);
        if (end === -1) return null;
        pos = end;
        prev = Prev.Other;
        divides = true;
        continue;
      }
      default:
        if (ch >= 48 && ch <= 57) {
          pos = numberEnd(text, pos);
          prev = Prev.Other;
          divides = true;
          continue;
        }
        // An escaped identifier or a non-ASCII character that is not a space: not lexed here.
        if (ch === 92 || ch > 127) return null;
        // Any other punctuation (#private, @decorator, `=` after a `.`, ...) ends no expression and opens nothing.
        pos++;
        prev = Prev.Other;
        divides = false;
    }
  }
  if (depth !== 0) return null;
  cuts.length = cutCount;
  return cuts;
}

/** Opens a bracket at `depth` and gives the new depth. */
function openBracket(depth: number, kind: Context, flags: number, start: number, cutCount: number): number {
  if (depth === bracketKinds.length) {
    bracketKinds = grown(bracketKinds, new Uint8Array(depth * 2));
    bracketFlags = grown(bracketFlags, new Uint8Array(depth * 2));
    bracketStarts = grown(bracketStarts, new Int32Array(depth * 2));
    bracketCuts = grown(bracketCuts, new Int32Array(depth * 2));
  }
  bracketKinds[depth] = kind;
  bracketFlags[depth] = flags;
  bracketStarts[depth] = start;
  bracketCuts[depth] = cutCount;
  return depth + 1;
}

function grown<T extends Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** A word the index reads: every bracket around it stays whole. */
function keepEnclosing(depth: number): void {
  for (let i = 0; i < depth; i++) bracketFlags[i]! |= KEEP;
}

/** Cuts what the bracket at `index`, closing at `pos`, holds, in place of every cut made inside it; the new cut count. */
function cutInside(cuts: number[], index: number, pos: number): number {
  const start = bracketStarts[index]! + 1;
  const count = bracketCuts[index]!;
  return pos > start ? addCut(cuts, count, start, pos, 0) : count;
}

/** Writes a cut triple at `count` (over any cuts dropped there) and gives the new count. */
function addCut(cuts: number[], count: number, start: number, end: number, replacement: number): number {
  cuts[count] = start;
  cuts[count + 1] = end;
  cuts[count + 2] = replacement;
  return count + 3;
}

/** Whether the string at `pos` is assigned (`x = '...'`, not `x == '...'` or `=> '...'`). */
function assigned(text: string, pos: number): boolean {
  let before = pos - 1;
  while (before >= 0 && isAsciiSpace(text.charCodeAt(before))) before--;
  return text.charCodeAt(before) === 61 && text.charCodeAt(before - 1) !== 61;
}

function byLength<T>(words: readonly (readonly [string, T])[]): (readonly [string, T])[][] {
  const table: (readonly [string, T])[][] = [];
  for (const entry of words) (table[entry[0].length] ??= []).push(entry);
  return table;
}

/** What `table` holds for the word spelled by the `length` characters at `pos`, or null. */
function wordAt<T>(table: readonly (readonly (readonly [string, T])[])[], text: string, pos: number, length: number): T | null {
  const candidates = table[length];
  if (!candidates) return null;
  const first = text.charCodeAt(pos);
  for (const [word, value] of candidates) if (word.charCodeAt(0) === first && text.startsWith(word, pos)) return value;
  return null;
}

function applyCuts(text: string, cuts: readonly number[]): Outline {
  if (cuts.length === 0) return { text, toOriginal: (pos) => pos };
  const parts: string[] = [];
  // Where, in the outline, each cut's replacement ends, and how far the file runs ahead of the outline from there.
  const at = new Int32Array(cuts.length / 3);
  const shift = new Int32Array(cuts.length / 3);
  let from = 0;
  let outlineLength = 0;
  for (let i = 0, k = 0; i < cuts.length; i += 3, k++) {
    const start = cuts[i]!;
    const end = cuts[i + 1]!;
    const replacement = cuts[i + 2]!;
    parts.push(text.slice(from, start));
    outlineLength += start - from;
    if (replacement === 1) parts.push(' ');
    else if (replacement === 2) parts.push('\n');
    outlineLength += replacement === 0 ? 0 : 1;
    at[k] = outlineLength;
    shift[k] = end - outlineLength;
    from = end;
  }
  parts.push(text.slice(from));
  return {
    text: parts.join(''),
    toOriginal(pos: number): number {
      let low = 0;
      let high = at.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (at[mid]! <= pos) low = mid + 1;
        else high = mid;
      }
      return low === 0 ? pos : pos + shift[low - 1]!;
    },
  };
}

function lineEnd(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end === -1 ? text.length : end;
}

/** The position after trivia from `pos`. */
function skipTrivia(text: string, pos: number): number {
  for (;;) {
    const ch = text.charCodeAt(pos);
    if (isAsciiSpace(ch) || (ch > 127 && isUnicodeSpace(ch))) pos++;
    else if (ch === 47 && text.charCodeAt(pos + 1) === 47) pos = lineEnd(text, pos);
    else if (ch === 47 && text.charCodeAt(pos + 1) === 42) {
      const close = text.indexOf('*/', pos + 2);
      if (close === -1) return text.length;
      pos = close + 2;
    } else return pos;
  }
}

/** Whether the next token from `pos` is the word `word`. */
function wordFollows(text: string, pos: number, word: string): boolean {
  const at = skipTrivia(text, pos);
  return text.startsWith(word, at) && !isIdentifierPart(text.charCodeAt(at + word.length));
}

/** Whether `=>` is the next token from `pos`. */
function arrowFollows(text: string, pos: number): boolean {
  const at = skipTrivia(text, pos);
  return text.charCodeAt(at) === 61 && text.charCodeAt(at + 1) === 62;
}

/** Whether the call whose `(` is at `paren` has a string literal first: the only calls the index records. */
function opensWithString(text: string, paren: number): boolean {
  const ch = text.charCodeAt(skipTrivia(text, paren + 1));
  return ch === 39 || ch === 34 || ch === 96;
}

/** After the closing quote of the string at `pos`; -1 if a line ends first. */
function stringEnd(text: string, pos: number, quote: number): number {
  const body = quote === 39 ? SINGLE_QUOTED : DOUBLE_QUOTED;
  body.lastIndex = pos + 1;
  return body.test(text) ? body.lastIndex : -1;
}

/** After the template part starting at `pos`: past its closing backtick, or past the `${` of a substitution. */
function templatePartEnd(text: string, pos: number): number {
  for (let i = pos; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 96) return i + 1;
    if (ch === 92) i++;
    else if (ch === 36 && text.charCodeAt(i + 1) === 123) return i + 2;
  }
  return -1;
}

/** After the regular expression at `pos` and its flags; -1 if a line ends first. */
function regexEnd(text: string, pos: number): number {
  let inClass = false;
  for (let i = pos + 1; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92) i++;
    else if (ch === 10 || ch === 13) return -1;
    else if (ch === 91) inClass = true;
    else if (ch === 93) inClass = false;
    else if (ch === 47 && !inClass) {
      let end = i + 1;
      while (end < text.length && isIdentifierPart(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return -1;
}

function numberEnd(text: string, pos: number): number {
  let end = pos;
  for (;;) {
    const ch = text.charCodeAt(end);
    // 1_000, 0x1f, 1e-5, 1.5, 10n
    if (isIdentifierPart(ch) || ch === 46) end++;
    else if ((ch === 43 || ch === 45) && (text.charCodeAt(end - 1) | 32) === 101 && !/^0[xX]/.test(text.slice(pos, pos + 2))) end++;
    else return end;
  }
}

function isIdentifierStart(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95 || ch === 36;
}

function isIdentifierPart(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95 || ch === 36;
}

// Space, tab, line feed, carriage return, vertical tab, form feed.
function isAsciiSpace(ch: number): boolean {
  return ch === 32 || ch === 10 || ch === 9 || ch === 13 || ch === 11 || ch === 12;
}

// The non-ASCII characters the compiler skips as white space (line separators never reach here: the caller checks).
function isUnicodeSpace(ch: number): boolean {
  return ch === 0xa0 || ch === 0x1680 || (ch >= 0x2000 && ch <= 0x200b) || ch === 0x202f || ch === 0x205f || ch === 0x3000 || ch === 0xfeff || ch === 0x85;
}
