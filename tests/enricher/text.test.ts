// Shortening under a token budget: the windowed segmentation gives what segmenting the whole text gives, and
// shortenToTokens gives what it gave when it segmented the whole text (a copy of that version is kept here), in time
// linear in the length (it used to grow with the square: 400,000 characters ran out of memory on Node 20).

import { describe, expect, it } from 'vitest';
import { ELLIPSIS, estimateTokens, segmentsOf, shortenToTokens, tokenWeight } from '../../src/enricher/text.js';
import { prng } from '../fixtures/edits.js';

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

/** shortenToTokens as it was before it segmented a window at a time (commit f62615c). */
function oldShortenToTokens(text: string, maxTokens: number): string | null {
  if (estimateTokens(text) <= maxTokens) return text;
  const room = maxTokens - tokenWeight(` ${ELLIPSIS}`);
  if (room <= 0) return null;
  const bySentence = oldLongestPrefix([...sentences.segment(text)].map((s) => s.segment), room);
  if (bySentence !== '') return `${bySentence.trimEnd()} ${ELLIPSIS}`;
  const first = [...sentences.segment(text)][0]?.segment ?? text;
  const byWord = oldLongestPrefix([...words.segment(first)].map((s) => s.segment), room);
  return byWord.trim() === '' ? null : `${byWord.trimEnd()} ${ELLIPSIS}`;
}

function oldLongestPrefix(units: readonly string[], room: number): string {
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

// Pieces that exercise the boundary rules: abbreviations and numbers after a period (rule SB8 looks past digits and
// spaces for a lowercase letter), quotes and brackets after a terminator, CJK and Thai (split by dictionary), emoji
// sequences, flags (regional indicator pairs), combining marks, lone surrogates, line breaks, long words.
const PIECES = [
  'Run the tests first.',
  'e.g. this one',
  'etc. 12 34,',
  ' 5 6 7 8 9 0 1 2 3 4 5 6 ',
  ' lower',
  'Mr. Smith went.',
  '3.14',
  '"Quoted." ',
  '(Bracketed.) ',
  '?!',
  'Ünïcödé wörds.',
  '漢字かな混じり文。',
  '日本語で書きます',
  '東京都に住んでいます、',
  'ภาษาไทยง่ายนิดเดียว',
  'Emoji 🦀🚀 in text.',
  '👨‍👩‍👧',
  '🇫🇷🇩🇪🇯',
  'e\u0301\u0302',
  'lone \ud800 high',
  '\udc00',
  'Line one\nline two',
  '\n\n',
  '\u2029',
  'Tabs\tand  spaces.',
  'a'.repeat(300),
  'word '.repeat(40),
];

function randomText(rng: () => number, pieces: number): string {
  let text = '';
  for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(rng() * PIECES.length)]! + (rng() < 0.5 ? ' ' : '');
  return text;
}

describe('segmentsOf', () => {
  it('gives the segments of the whole text, with small windows over many random texts', () => {
    const rng = prng(20261120);
    for (let run = 0; run < 300; run++) {
      const text = randomText(rng, 1 + Math.floor(rng() * 120));
      const windows = { window: 16 + Math.floor(rng() * 112), lookahead: 32 };
      for (const segmenter of [sentences, words]) {
        const whole = [...segmenter.segment(text)].map((s) => s.segment);
        expect([...segmentsOf(segmenter, text, windows)], `run ${run}, ${segmenter.resolvedOptions().granularity}`).toEqual(whole);
      }
    }
  });

  it('gives the segments of the whole text with the default windows, over texts several windows long', () => {
    const rng = prng(20261121);
    for (let run = 0; run < 8; run++) {
      const text = randomText(rng, 1200 + Math.floor(rng() * 600));
      expect(text.length).toBeGreaterThan(3 * 4096);
      // The words of a whole text are slow to find (the quadratic cost): two of the texts, cut to 2.5 windows.
      const cases: [Intl.Segmenter, string][] = [[sentences, text]];
      if (run < 2) cases.push([words, text.slice(0, 10_240)]);
      for (const [segmenter, part] of cases) {
        const whole = [...segmenter.segment(part)].map((s) => s.segment);
        expect([...segmentsOf(segmenter, part)], `run ${run}, ${segmenter.resolvedOptions().granularity}`).toEqual(whole);
      }
    }
  });

  it('does not split where rule SB8 looks further ahead than the window: "etc." and digits before a lowercase word', () => {
    const text = `Stop etc. ${'1 '.repeat(3000)}lower case. Next one. ${'Again. '.repeat(800)}`;
    const whole = [...sentences.segment(text)].map((s) => s.segment);
    expect(whole[0]).toMatch(/^Stop etc\. 1 1 .* lower case\. $/);
    expect([...segmentsOf(sentences, text)]).toEqual(whole);
    expect([...segmentsOf(sentences, text, { window: 64, lookahead: 16 })]).toEqual(whole);
  });

  it('finds a sentence longer than the window, and stops where the reader stops', () => {
    const text = `${'no stop here '.repeat(2000)}end. Then more. `.repeat(3);
    expect([...segmentsOf(sentences, text, { window: 100, lookahead: 20 })]).toEqual([...sentences.segment(text)].map((s) => s.segment));
    const reader = segmentsOf(sentences, 'One. Two. Three.');
    expect(reader.next().value).toBe('One. ');
  });
});

describe('shortenToTokens', () => {
  it('gives what segmenting the whole text gave, on many random texts and budgets', () => {
    const rng = prng(424243);
    let shortened = 0;
    let byWord = 0;
    for (let run = 0; run < 400; run++) {
      // Up to about 15,000 characters: several of the 4,096-character windows.
      const text = randomText(rng, 1 + Math.floor(rng() * (rng() < 0.2 ? 1500 : 150)));
      const weight = tokenWeight(text);
      const maxTokens = Math.floor(rng() * rng() * (weight + 20)) - 2;
      const expected = oldShortenToTokens(text, maxTokens);
      expect(shortenToTokens(text, maxTokens), `run ${run}, ${text.length} characters, ${maxTokens} tokens`).toBe(expected);
      if (expected !== null && expected !== text) shortened++;
      if (expected !== null && expected !== text && !/[.!?。\n\u2029]\s* …$/.test(expected)) byWord++;
    }
    // The runs cover both ways of shortening.
    expect(shortened).toBeGreaterThan(200);
    expect(byWord).toBeGreaterThan(10);
  });

  it('never leaves a fenced code block open: a cut inside one goes back before its fence', () => {
    const text = 'Return error values; throw only for programmer errors.\n\n```sh\n# not a heading: inside a code block\nnpm test\n```\n\nAnd more text after it.';
    for (let maxTokens = 1; maxTokens < tokenWeight(text); maxTokens++) {
      const shortened = shortenToTokens(text, maxTokens);
      if (shortened === null) continue;
      expect([...shortened.matchAll(/^```/gm)].length % 2, `${maxTokens} tokens: ${shortened}`).toBe(0);
    }
    expect(shortenToTokens(text, 20)).toBe('Return error values; throw only for programmer errors. …');
  });

  it('a first sentence too long for the room is cut at a word, as before', () => {
    const text = `${'The handler retries the delivery and waits '.repeat(300)}then stops. Next.`;
    for (const maxTokens of [3, 10, 57, 1000]) expect(shortenToTokens(text, maxTokens)).toBe(oldShortenToTokens(text, maxTokens));
  });

  it('takes time linear in the length: 400,000 characters, by sentence and by word, with a large room', () => {
    // Each of these segmented whole took minutes or ran out of memory. A bound on that, not a speed figure.
    const prose = 'The router is done; the handlers 🦀 are next. '.repeat(9000);
    const oneSentence = 'the router is done and the handlers 🦀 are next '.repeat(8500);
    const started = performance.now();
    const bySentence = shortenToTokens(prose, 80_000)!;
    const byWord = shortenToTokens(oneSentence, 80_000)!;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(bySentence).toMatch(/are next\. …$/);
    expect(byWord).toMatch(/ …$/);
    for (const shortened of [bySentence, byWord]) {
      expect(estimateTokens(shortened)).toBeLessThanOrEqual(80_000);
      expect(estimateTokens(shortened)).toBeGreaterThan(79_900);
    }
  });
});
