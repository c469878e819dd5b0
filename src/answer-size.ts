// Keeps one tool answer small enough for an agent's context: lists cut, text cut at line boundaries, `truncated` set.

import type { Answer } from '../queries/index.js';

/** The largest answer, as JSON bytes, a surface hands an agent. */
export const MAX_ANSWER_BYTES = 64 * 1024;
/** The share of it the rendered text may take. */
const TEXT_SHARE = 0.25;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * `answer` as is when its JSON fits `maxBytes`; else its text cut at a line boundary and its top-level lists
 * (items first, then the largest) cut to the most entries that fit, with `truncated: true`.
 */
export function fitAnswer<A extends Answer>(answer: A, maxBytes = MAX_ANSWER_BYTES): A {
  if (bytes(answer) <= maxBytes) return answer;
  const fitted = { ...answer, truncated: true } as unknown as Record<string, unknown>;
  fitted.text = cutLines(answer.text, Math.floor(maxBytes * TEXT_SHARE), '… (answer cut to fit the size limit; ask with a smaller limit)');
  const lists = Object.keys(fitted)
    .filter((key) => Array.isArray(fitted[key]) && (fitted[key] as unknown[]).length > 0)
    .sort((a, b) => (a === 'items' ? -1 : b === 'items' ? 1 : bytes(fitted[b]) - bytes(fitted[a])));
  for (const key of lists) {
    if (bytes(fitted) <= maxBytes) break;
    const full = fitted[key] as unknown[];
    // The most entries that fit, by bisection: the JSON size grows with the count.
    let low = 0;
    let high = full.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      fitted[key] = full.slice(0, mid);
      if (bytes(fitted) <= maxBytes) low = mid;
      else high = mid - 1;
    }
    fitted[key] = full.slice(0, low);
  }
  // Still too big (one huge item): keep only the text, which already fits.
  if (bytes(fitted) > maxBytes) for (const key of lists) fitted[key] = [];
  return fitted as unknown as A;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes at a line boundary, `note` on the last line. */
export function cutLines(text: string, maxBytes: number, note: string): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(note, 'utf8') - 1;
  const kept: string[] = [];
  let used = 0;
  for (const line of text.split('\n')) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
  }
  return [...kept, note].join('\n');
}
