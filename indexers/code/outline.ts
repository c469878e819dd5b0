// The outline of a TypeScript file: its text with the insides of every brace block the index never reads cut out, so
// the compiler parses a fraction of the file. A cold parser costs about three times its warm speed, and most of a
// file is function, class and object bodies that hold no import, command or route: the outline keeps the top-level
// statements whole and every block that holds one of those words, and cuts comments after the file's leading ones,
// the parameter lists of functions and arrows, and long strings assigned to a name.
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
  Type,
  Declare, // const, let, var: a brace after one is a binding pattern whose names are exported symbols
  Attributes, // with, assert: import attributes (a resolution-mode lives there)
  String,
  Comma,
  Dot,
  Assign, // `=`: a string after it is a value the index never reads
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
  ['type', Keyword.Type, Prev.Type],
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
const CALL_METHODS_BY_LENGTH = byLength([COMMAND_METHOD, ...ROUTE_METHODS].map((name) => [name, true] as const));
const LONG_STRING = 1024;
// A string's body after its opening quote, escapes and line continuations included; the quote must follow.
const SINGLE_QUOTED = /(?:[^'\\\n\r]|\\(?:\r\n|[^]))*'/y;
const DOUBLE_QUOTED = /(?:[^"\\\n\r]|\\(?:\r\n|[^]))*"/y;

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
  const length = text.length;
  const cuts: number[] = [];
  // The open brackets: kind, start, whether a brace stays whole, whether braces inside it stay whole, and how many
  // cut triples there were when it opened (a cut brace replaces every cut inside it).
  const kinds: Context[] = [];
  const starts: number[] = [];
  const keeps: boolean[] = [];
  const keepsInside: boolean[] = [];
  const cutsAtOpen: number[] = [];
  // For parens: whether it is the parameter list of a function (the first paren after `function`).
  const parameters: boolean[] = [];
  let functionHeader = false;
  let depth = 0;
  let keepInsideDepth = 0;
  let prev = Prev.None as Prev;
  let prevBefore = Prev.None as Prev;
  // Whether a `/` here would divide (the token before ends an expression) rather than start a regular expression.
  let divides = false as boolean;
  // Comments before the first token stay: triple-slash references and pragmas live there.
  let started = false;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.charCodeAt(pos) === 35 && text.charCodeAt(pos + 1) === 33) pos = lineEnd(text, pos);

  const open = (kind: Context, keep: boolean, keepInside: boolean): void => {
    kinds[depth] = kind;
    starts[depth] = pos;
    keeps[depth] = keep;
    keepsInside[depth] = keepInside;
    cutsAtOpen[depth] = cuts.length;
    if (keepInside) keepInsideDepth++;
    depth++;
  };
  // Closes the innermost bracket and gives its index.
  const close = (): number => {
    depth--;
    if (keepsInside[depth]) keepInsideDepth--;
    return depth;
  };
  // Cuts what the bracket at `index` holds, in place of every cut made inside it.
  const cutInside = (index: number): void => {
    cuts.length = cutsAtOpen[index]!;
    if (pos > starts[index]! + 1) cuts.push(starts[index]! + 1, pos, 0);
  };
  // A word the index reads: every brace and paren around it stays whole.
  const keepEnclosing = (): void => {
    for (let i = depth - 1; i >= 0; i--) keeps[i] = true;
  };
  // The first `\n` at or after a position, remembered: positions only grow, so a file with many comments on one
  // long line is still scanned once, not once per comment.
  let nextBreak = -2;
  const lineBreakFrom = (at: number): number => {
    if (nextBreak !== -1 && nextBreak < at) nextBreak = text.indexOf('\n', at);
    return nextBreak;
  };
  const setPrev = (next: Prev, nextDivides: boolean): void => {
    prevBefore = prev;
    prev = next;
    divides = nextDivides;
  };

  for (;;) {
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
        if (started) cuts.push(pos, end, 0);
        pos = end;
        continue;
      }
      if (next === 42) {
        const close = text.indexOf('*/', pos + 2);
        if (close === -1) return null;
        if (started) {
          // A comment holding a line break still ends a line (automatic semicolons depend on it).
          const breakAt = lineBreakFrom(pos);
          cuts.push(pos, close + 2, breakAt !== -1 && breakAt < close ? 2 : 1);
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
        if (word === Keyword.Import && next === 46) keepEnclosing(); // import.meta makes the file a module
        else if (next === 40 && opensWithString(text, paren)) {
          keepEnclosing();
          if (word === Keyword.Import) {
            // import('x', { with: ... }): the attributes of an import type are read, so braces in here stay.
            pos = paren;
            open(Context.Paren, true, true);
            pos++;
            setPrev(Prev.Other, false);
            continue;
          }
        }
      } else if (afterDot && wordAt(CALL_METHODS_BY_LENGTH, text, pos, end - pos)) {
        const paren = skipTrivia(text, end);
        const next = text.charCodeAt(paren);
        if ((next === 40 && opensWithString(text, paren)) || next === 60 /* type arguments */) keepEnclosing();
      }
      pos = end;
      if (word === Keyword.Function) functionHeader = true;
      if (word === null) setPrev(Prev.Other, true);
      else setPrev(PREV_OF_KEYWORD[word]!, !regexAfter(word));
      continue;
    }

    if (ch === 39 || ch === 34) {
      const end = stringEnd(text, pos, ch);
      if (end === -1) return null;
      // Megabytes of embedded assets are a value, not a module name: the parser need not scan them.
      if (prev === Prev.Assign && end - pos > LONG_STRING) cuts.push(pos + 1, end - 1, 0);
      pos = end;
      setPrev(Prev.String, true);
      continue;
    }

    if (ch === 96 || (ch === 125 && depth > 0 && kinds[depth - 1] === Context.Template)) {
      // A template from its start, or from the `}` that ends a substitution.
      if (ch === 125) close();
      const end = templatePartEnd(text, pos + 1);
      if (end === -1) return null;
      if (text.charCodeAt(end - 1) === 96) {
        pos = end;
        setPrev(Prev.String, true);
      } else {
        open(Context.Template, true, false);
        pos = end;
        setPrev(Prev.Other, false);
      }
      continue;
    }

    switch (ch) {
      case 123: {
        // {
        const topLevel = depth === 0;
        const pattern = topLevel && (prev === Prev.Declare || prev === Prev.Comma);
        const keep =
          keepInsideDepth > 0 ||
          pattern ||
          prev === Prev.String || // declare module 'x' { ... }
          prev === Prev.Import ||
          prev === Prev.Export ||
          prev === Prev.Attributes ||
          (prev === Prev.Type && (prevBefore === Prev.Import || prevBefore === Prev.Export));
        open(Context.Brace, keep, pattern);
        functionHeader = false;
        pos++;
        setPrev(Prev.Other, false);
        continue;
      }
      case 125: {
        // }
        if (depth === 0 || kinds[depth - 1] !== Context.Brace) return null;
        const brace = close();
        if (!keeps[brace]) cutInside(brace);
        pos++;
        setPrev(Prev.Other, true);
        continue;
      }
      case 40:
      case 91: {
        // ( [   a bracket opened right after `const` at the top level is an array binding pattern
        const pattern = ch === 91 && depth === 0 && (prev === Prev.Declare || prev === Prev.Comma);
        // A paren stays whole unless it turns out to be a parameter list that holds no word the index reads.
        open(ch === 40 ? Context.Paren : Context.Bracket, ch === 91, pattern);
        parameters[depth - 1] = ch === 40 && functionHeader;
        functionHeader = false;
        pos++;
        setPrev(Prev.Other, false);
        continue;
      }
      case 41:
      case 93: {
        // ) ]
        if (depth === 0 || kinds[depth - 1] !== (ch === 41 ? Context.Paren : Context.Bracket)) return null;
        const bracket = close();
        // Parameters (of a function, or before `=>`) are read by nothing the index keeps, and `()` is valid there.
        if (ch === 41 && !keeps[bracket] && keepInsideDepth === 0 && (parameters[bracket] || arrowFollows(text, pos + 1))) cutInside(bracket);
        pos++;
        setPrev(Prev.Other, true);
        continue;
      }
      case 44:
        pos++;
        setPrev(Prev.Comma, false);
        continue;
      case 61: {
        // = (not ==, ===, =>)
        const next = text.charCodeAt(pos + 1);
        if (next === 61 || next === 62) {
          pos += 2;
          setPrev(Prev.Other, false);
        } else {
          pos++;
          setPrev(Prev.Assign, false);
        }
        continue;
      }
      case 46: {
        // .  (or a number like .5)
        const next = text.charCodeAt(pos + 1);
        if (next >= 48 && next <= 57) {
          pos = numberEnd(text, pos + 1);
          setPrev(Prev.Other, true);
        } else {
          pos += next === 46 && text.charCodeAt(pos + 2) === 46 ? 3 : 1;
          setPrev(next === 46 ? Prev.Other : Prev.Dot, false);
        }
        continue;
      }
      case 63: {
        // ?. is a property access unless a digit follows (a ? .5 : b)
        const next = text.charCodeAt(pos + 1);
        const digit = text.charCodeAt(pos + 2);
        if (next === 46 && !(digit >= 48 && digit <= 57)) {
          pos += 2;
          setPrev(Prev.Dot, false);
        } else {
          pos++;
          setPrev(Prev.Other, false);
        }
        continue;
      }
      case 33:
        // A `!` after an expression is a non-null assertion (x! / 2), unless it starts `!=`.
        pos++;
        if (text.charCodeAt(pos) === 61) setPrev(Prev.Other, false);
        else setPrev(Prev.Other, divides);
        continue;
      case 43:
      case 45:
        // ++ and -- keep what the expression before them was; + and - start a new operand.
        if (text.charCodeAt(pos + 1) === ch) {
          pos += 2;
          setPrev(Prev.Other, divides);
        } else {
          pos++;
          setPrev(Prev.Other, false);
        }
        continue;
      case 47: {
        // / (comments were taken above): a division after an expression, else a regular expression
        if (divides) {
          pos++;
          setPrev(Prev.Other, false);
          continue;
        }
        const end = regexEnd(text, pos);
        if (end === -1) return null;
        pos = end;
        setPrev(Prev.Other, true);
        continue;
      }
      default:
        if (ch >= 48 && ch <= 57) {
          pos = numberEnd(text, pos);
          setPrev(Prev.Other, true);
          continue;
        }
        if (ch === 35 || ch === 64 || ch === 92 || ch > 127) {
          // #private, @decorator, an escaped identifier, a non-ASCII character that is not a space: none ends an
          // expression, and none can open or close anything.
          pos++;
          setPrev(Prev.Other, false);
          if (ch === 92 || ch > 127) return null;
          continue;
        }
        pos++;
        setPrev(Prev.Other, false);
    }
  }
  return depth === 0 ? cuts : null;
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
