// Text under a token budget: a conservative token estimate, and shortening at sentence, line or word boundaries.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with lone surrogates (which have no UTF-8 encoding) replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Estimated tokens: a quarter per ASCII character and one per other code point. Conservative for English prose
 * and code (about four characters a token) and for CJK and emoji (about one a character or more).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(tokenWeight(text));
}

/** Tokens before rounding up: additive, so the weight of a concatenation is the sum of its parts. */
export function tokenWeight(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii++;
    // A surrogate pair is one code point: count its high half only.
    else if (code < 0xdc00 || code > 0xdfff) other++;
  }
  return ascii / 4 + other;
}

export const ELLIPSIS = '…';

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * The longest start of `text` that ends at a sentence or line boundary (else a word boundary) and, with an ellipsis,
 * fits `maxTokens`; `text` itself when it fits; null when not even one word does. Never cuts inside a character.
 * Segments only as far as the room reaches (and the first sentence, for its words), a window at a time: linear.
 */
export function shortenToTokens(text: string, maxTokens: number): string | null {
  if (estimateTokens(text) <= maxTokens) return text;
  const room = maxTokens - tokenWeight(` ${ELLIPSIS}`);
  if (room <= 0) return null;
  const bySentence = closedFences(longestPrefix(segmentsOf(sentences, text), room));
  if (bySentence !== '') return `${bySentence.trimEnd()} ${ELLIPSIS}`;
  const first = segmentsOf(sentences, text).next().value ?? text;
  const byWord = closedFences(longestPrefix(segmentsOf(words, first), room));
  return byWord.trim() === '' ? null : `${byWord.trimEnd()} ${ELLIPSIS}`;
}

const FENCE = /^[ \t]*(```|~~~)/gm;

/**
 * A prefix cut inside a fenced code block would leave the fence open, and turn the rest of a prompt into code: it is
 * cut again before the fence that opened the block.
 */
function closedFences(prefix: string): string {
  const fences = [...prefix.matchAll(FENCE)];
  if (fences.length % 2 === 0) return prefix;
  return prefix.slice(0, fences[fences.length - 1]!.index);
}

/** The start of `units` that fits `room`: units are taken in order until the first that does not fit. */
function longestPrefix(units: Iterable<string>, room: number): string {
  let used = 0;
  let prefix = '';
  for (const unit of units) {
    const cost = tokenWeight(unit);
    if (used + cost > room) break;
    used += cost;
    prefix += unit;
  }
  return prefix;
}

// Characters segmented at a time, and how far past a boundary a window must reach for the boundary to be taken.
const WINDOW = 4096;
const LOOKAHEAD = 1024;

// Where UAX #29's sentence rule SB8 stops looking ahead: a letter (not an extending one), a sentence terminator, or a
// line or paragraph separator. A subset of the rule's own set, so a boundary this vouches for is sound. Only sentences
// need it: a sentence boundary follows a terminator or a separator, so a window where this finds nothing to take holds
// one boundary at most, and doubling it stays cheap.
const LOOKAHEAD_STOP = /(?!\p{Grapheme_Extend})[\p{L}\p{Sentence_Terminal}\u2024\uFE52\n\r\u0085\u2028\u2029]/u;

export interface Windows {
  /** Characters segmented at a time (default 4096). */
  window?: number;
  /** How far past a boundary the window must reach for it to be taken (default 1024). */
  lookahead?: number;
}

/**
 * The segments `segmenter.segment(text)` gives, lazily, found a window at a time. On Node 20 every step of a segment
 * iterator copies its whole input, so segmenting a long text in one go costs the square of its length (400,000
 * characters ran out of memory); a window costs the square of its own, and no more of the text is segmented than
 * the caller reads and a window. A boundary is taken from a window only when the window reaches `lookahead`
 * characters past it and, for rule SB8, whose look-ahead has no bound (after "etc. ", digits, spaces and symbols up to
 * a lowercase letter), past a character that ends that rule's look-ahead; the next window starts at the last boundary
 * taken, as segmentation restarts at a boundary. A window with none to take is doubled. The same segments, unless a
 * CJK or Thai run longer than `lookahead` without a space or punctuation is split differently by the dictionary.
 */
export function* segmentsOf(segmenter: Intl.Segmenter, text: string, windows: Windows = {}): Generator<string, void, undefined> {
  const { window = WINDOW, lookahead = LOOKAHEAD } = windows;
  const bySentence = segmenter.resolvedOptions().granularity === 'sentence';
  let start = 0;
  let size = window;
  while (start < text.length) {
    if (start + size + lookahead >= text.length) {
      for (const { segment } of segmenter.segment(start === 0 ? text : text.slice(start))) yield segment;
      return;
    }
    const part = text.slice(start, start + size + lookahead);
    const limit = bySentence ? Math.min(size, lastStop(part)) : size;
    let taken = 0;
    for (const { segment, index } of segmenter.segment(part)) {
      if (index + segment.length > limit) break;
      yield segment;
      taken = index + segment.length;
    }
    if (taken === 0) {
      size *= 2;
    } else {
      start += taken;
      size = window;
    }
  }
}

/** The index of the last LOOKAHEAD_STOP in `part`, or -1 (a boundary at or before it is one SB8 cannot move). */
function lastStop(part: string): number {
  for (let i = part.length - 1; i >= 0; i--) if (LOOKAHEAD_STOP.test(part[i]!)) return i;
  return -1;
}
