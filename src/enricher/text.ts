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
 */
export function shortenToTokens(text: string, maxTokens: number): string | null {
  if (estimateTokens(text) <= maxTokens) return text;
  const room = maxTokens - tokenWeight(` ${ELLIPSIS}`);
  if (room <= 0) return null;
  const bySentence = longestPrefix([...sentences.segment(text)].map((s) => s.segment), room);
  if (bySentence !== '') return `${bySentence.trimEnd()} ${ELLIPSIS}`;
  const first = [...sentences.segment(text)][0]?.segment ?? text;
  const byWord = longestPrefix([...words.segment(first)].map((s) => s.segment), room);
  return byWord.trim() === '' ? null : `${byWord.trimEnd()} ${ELLIPSIS}`;
}

function longestPrefix(units: readonly string[], room: number): string {
  let used = 0;
  let end = 0;
  for (const unit of units) {
    const cost = tokenWeight(unit);
    if (used + cost > room) break;
    used += cost;
    end++;
  }
  return units.slice(0, end).join('');
}
