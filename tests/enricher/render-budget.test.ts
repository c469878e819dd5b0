// How renderSlots shares the token budget between the slots, on slots generated from a seed: one large convention
// document no longer starves the other slots (the reported case: a 60-section AGENTS.md under 1,500 tokens left the
// file facts 34), the room a slot does not need goes to the others, and under a tiny budget priority still decides.

import { describe, expect, it } from 'vitest';
import { renderSlots, type Rendered } from '../../src/enricher/render.js';
import { SLOT_NAMES, type WorkflowContextSlots } from '../../src/enricher/schema.js';
import { estimateTokens } from '../../src/enricher/text.js';
import { prng } from '../fixtures/edits.js';

const WORDS = (
  'the a of to in before after every each test tests run commit branch handler schema migration retry webhook ' +
  'delivery import export module config lint type strict error value result session graph index query file path ' +
  'never always only when unless must should keep write read change review document update'
).split(' ');

interface Shape {
  conventions?: number;
  /** Tokens of each convention section's body, about. */
  conventionTokens?: number;
  files?: number;
  /** Importers, tests and sessions per file: a larger number makes larger file facts. */
  factsPerFile?: number;
  likely?: number;
  notes?: number;
  diff?: boolean;
  summaryTokens?: number;
}

/** Slots of realistic shape and length, the same for the same seed. */
function generatedSlots(seed: number, shape: Shape): WorkflowContextSlots {
  const rng = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)]!;
  const sentence = () => {
    const words = Array.from({ length: 6 + Math.floor(rng() * 10) }, () => pick(WORDS)).join(' ');
    return `${words[0]!.toUpperCase()}${words.slice(1)}.`;
  };
  const prose = (tokens: number) => {
    let text = sentence();
    while (estimateTokens(text) < tokens) text += ` ${sentence()}`;
    return text;
  };
  const path = (i: number) => `src/${pick(['api', 'db', 'webhooks', 'billing'])}/${pick(WORDS)}-${i}.ts`;
  const n = shape.factsPerFile ?? 3;
  return {
    coordinatorSummary: shape.summaryTokens ? prose(shape.summaryTokens) : null,
    conventions: Array.from({ length: shape.conventions ?? 0 }, (_, i) => ({
      id: `AGENTS.md#${i}`,
      source: 'AGENTS.md',
      headingPath: `Guidelines > Section ${i + 1}`,
      scope: '',
      body: prose(shape.conventionTokens ?? 95),
    })),
    fileFacts: Array.from({ length: shape.files ?? 0 }, (_, i) => ({
      path: path(i),
      importers: Array.from({ length: n }, (_, j) => path(100 + i * 10 + j)),
      importersTotal: n + 4,
      impactTotal: 20 + n * 3,
      tests: Array.from({ length: n }, (_, j) => `tests/${pick(WORDS)}-${i}-${j}.test.ts`),
      sessions: Array.from({ length: n }, (_, j) => ({ id: `sess_${i}_${j}`, title: sentence(), endedAt: '2026-11-0' + (1 + j) + 'T10:00:00Z', change: 'edit' })),
    })),
    likelyFiles: Array.from({ length: shape.likely ?? 0 }, (_, i) => ({
      path: path(200 + i),
      why: `text #${i + 1}: ${pick(WORDS)}, ${pick(WORDS)}; commits #${i + 2}: fix: ${sentence()}`,
      facts:
        i % 3 === 2
          ? null
          : {
              path: path(200 + i),
              importers: Array.from({ length: n }, (_, j) => path(300 + i * 10 + j)),
              importersTotal: n + 2,
              impactTotal: 10 + n,
              tests: Array.from({ length: n }, (_, j) => `tests/${pick(WORDS)}-likely-${i}-${j}.test.ts`),
              sessions: Array.from({ length: n }, (_, j) => ({ id: `sess_l${i}_${j}`, title: sentence(), endedAt: '2026-11-0' + (1 + j) + 'T10:00:00Z', change: 'edit' })),
            },
    })),
    priorNotes: Array.from({ length: shape.notes ?? 0 }, (_, i) => ({
      id: `sess_prior_${i}`,
      title: sentence(),
      branch: i === 0 ? 'main' : null,
      endedAt: `2026-10-2${i}T09:00:00Z`,
      recap: prose(150),
    })),
    gitDiffStat: shape.diff ? ' src/api/handlers.ts | 12 ++++++++----\n src/db/schema.ts    |  3 ++-\n 2 files changed, 10 insertions(+), 5 deletions(-)' : null,
  };
}

/** What each slot takes when it is rendered alone, with room to spare. */
function alone(slots: WorkflowContextSlots, slot: (typeof SLOT_NAMES)[number]): number {
  const only: WorkflowContextSlots = { coordinatorSummary: null, conventions: [], fileFacts: [], likelyFiles: [], priorNotes: [], gitDiffStat: null };
  (only as Record<string, unknown>)[slot] = slots[slot];
  return renderSlots(only, 1_000_000).slots[slot].tokens;
}

function headings(rendered: Rendered): string[] {
  return rendered.text.split('\n').filter((line) => line.startsWith('## '));
}

describe('the budget shared between the slots', () => {
  it('gives every slot with content room beside a 60-section convention document (the reported case)', () => {
    const slots = generatedSlots(60, { conventions: 60, files: 3, factsPerFile: 2, likely: 5, notes: 3 });
    const budget = 1500;
    expect(alone(slots, 'conventions')).toBeGreaterThan(4 * budget);
    const rendered = renderSlots(slots, budget);
    const { conventions, fileFacts, likelyFiles, priorNotes } = rendered.slots;
    expect(estimateTokens(rendered.text)).toBeLessThanOrEqual(budget);
    for (const stat of [conventions, fileFacts, likelyFiles, priorNotes]) expect(stat.included).toBe(true);
    // At least a fifth of the budget, or all of them when they need less; these need less than their share (a
    // quarter, more with the shares of the empty slots): all of them, whole.
    expect(fileFacts.tokens).toBeGreaterThanOrEqual(Math.min(0.2 * budget, alone(slots, 'fileFacts')));
    expect(alone(slots, 'fileFacts')).toBeLessThan(0.25 * budget);
    expect(fileFacts).toMatchObject({ items: 3, itemsIncluded: 3, shortened: false, reason: null, tokens: alone(slots, 'fileFacts') });
    // The likely files, with their facts, need more than their share: they get it, two or more of them.
    expect(alone(slots, 'likelyFiles')).toBeGreaterThan(0.2 * budget);
    expect(likelyFiles.tokens).toBeGreaterThanOrEqual(0.15 * budget);
    expect(likelyFiles.itemsIncluded).toBeGreaterThanOrEqual(2);
    // The conventions still get the most, and what the others leave.
    expect(conventions.shortened).toBe(true);
    expect(conventions.tokens).toBeGreaterThan(0.35 * budget);
    expect(conventions.tokens).toBeGreaterThan(priorNotes.tokens);
    expect(estimateTokens(rendered.text)).toBeGreaterThan(0.97 * budget);
    expect(headings(rendered)).toEqual([
      '## Workspace conventions that apply',
      '## What the knowledge graph says about the files in the goal',
      '## Files likely involved (from the knowledge graph, not yet read)',
      '## Prior sessions on this workspace (newest first)',
    ]);
  });

  it('gives file facts larger than their share at least that share', () => {
    const slots = generatedSlots(61, { conventions: 60, files: 3, factsPerFile: 10, likely: 5, notes: 3, diff: true });
    for (const budget of [1500, 3000]) {
      expect(alone(slots, 'fileFacts')).toBeGreaterThan(0.25 * budget);
      const rendered = renderSlots(slots, budget);
      expect(estimateTokens(rendered.text)).toBeLessThanOrEqual(budget);
      expect(rendered.slots.fileFacts.tokens).toBeGreaterThanOrEqual(0.2 * budget);
      expect(rendered.slots.fileFacts.shortened).toBe(true);
      for (const slot of SLOT_NAMES.filter((s) => s !== 'coordinatorSummary')) expect(rendered.slots[slot].included, slot).toBe(true);
    }
  });

  it('lets the conventions fill the whole budget when nothing else has content', () => {
    const slots = generatedSlots(62, { conventions: 60 });
    for (const budget of [200, 1500, 4000]) {
      const rendered = renderSlots(slots, budget);
      const tokens = estimateTokens(rendered.text);
      expect(tokens).toBeLessThanOrEqual(budget);
      // Short of the budget by less than a sentence at most.
      expect(tokens).toBeGreaterThanOrEqual(budget - 30);
      expect(rendered.slots.conventions.tokens).toBe(tokens);
    }
  });

  it("keeps each included slot's text and items as they went in: together they are the rendered text", () => {
    const slots = generatedSlots(65, { summaryTokens: 200, conventions: 20, files: 3, factsPerFile: 2, diff: true });
    const rendered = renderSlots(slots, 900);
    const included = SLOT_NAMES.filter((slot) => rendered.slots[slot].included);
    expect(included.length).toBeGreaterThan(2);
    expect(included.map((slot) => rendered.slots[slot].text).join('\n\n')).toBe(rendered.text);
    for (const slot of SLOT_NAMES) {
      const stat = rendered.slots[slot];
      expect(stat.given).toHaveLength(stat.itemsIncluded);
      for (const item of stat.given) expect(stat.text).toContain(item.text);
      if (!stat.included) expect(stat.text).toBeNull();
    }
    expect(rendered.slots.fileFacts.given.every((item) => item.key.startsWith('file:'))).toBe(true);
  });

  it('hands the room small slots leave to the large one', () => {
    const slots = generatedSlots(63, { conventions: 60, files: 1, factsPerFile: 1, diff: true });
    const rendered = renderSlots(slots, 1500);
    expect(rendered.slots.fileFacts).toMatchObject({ included: true, shortened: false });
    expect(rendered.slots.gitDiffStat).toMatchObject({ included: true, shortened: false });
    expect(estimateTokens(rendered.text)).toBeGreaterThan(0.97 * 1500);
    expect(rendered.slots.conventions.tokens).toBeGreaterThan(1500 - rendered.slots.fileFacts.tokens - rendered.slots.gitDiffStat.tokens - 40);
  });

  it("holds the coordinator's summary to about half the budget while other slots have content, not when alone", () => {
    const slots = generatedSlots(64, { summaryTokens: 3000, conventions: 60, files: 3 });
    const shared = renderSlots(slots, 1500);
    expect(estimateTokens(shared.text)).toBeLessThanOrEqual(1500);
    expect(shared.slots.coordinatorSummary.included).toBe(true);
    expect(shared.slots.coordinatorSummary.tokens).toBeLessThanOrEqual(0.5 * 1500 + 1);
    expect(shared.slots.coordinatorSummary.tokens).toBeGreaterThan(0.45 * 1500);
    expect(shared.slots.conventions.included).toBe(true);
    expect(shared.slots.fileFacts.tokens).toBeGreaterThan(0.2 * 1500);
    const summaryOnly = renderSlots({ ...slots, conventions: [], fileFacts: [] }, 1500);
    expect(summaryOnly.slots.coordinatorSummary.tokens).toBeGreaterThan(1500 - 30);
    expect(estimateTokens(summaryOnly.text)).toBeLessThanOrEqual(1500);
  });

  it('still says nothing twice: a convention repeating the summary, or another convention, is left out', () => {
    const slots = generatedSlots(65, { summaryTokens: 60, conventions: 4, files: 1 });
    const [first, second] = slots.conventions;
    slots.conventions.push({ ...first!, id: 'src/api/CLAUDE.md#copy', source: 'src/api/CLAUDE.md' }, { ...second!, id: 'summary-copy', body: slots.coordinatorSummary! });
    const rendered = renderSlots(slots, 1500);
    expect(rendered.slots.conventions).toMatchObject({ items: 6, itemsIncluded: 4, reason: '2 duplicate(s) left out' });
    expect(rendered.text.split(first!.body)).toHaveLength(2);
    expect(rendered.text.split(slots.coordinatorSummary!)).toHaveLength(2);
  });
});

describe('a long item', () => {
  it('is shortened without segmenting all of it (a 400,000-character summary)', () => {
    // Segmenting it all copies it for every sentence: on Node 20 this ran out of memory. A bound on that, not a speed figure.
    const summary = 'The router is done; the handlers 🦀 are next. '.repeat(9000);
    const started = performance.now();
    const rendered = renderSlots({ ...generatedSlots(67, { conventions: 5 }), coordinatorSummary: summary }, 1500);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(rendered.slots.coordinatorSummary).toMatchObject({ included: true, shortened: true });
    expect(rendered.text).toContain('handlers 🦀 are next. …');
    expect(estimateTokens(rendered.text)).toBeLessThanOrEqual(1500);
  });
});

describe('a tiny budget', () => {
  const slots = generatedSlots(66, { conventions: 60, files: 3, likely: 5, notes: 3, diff: true });

  it('goes to the first slot with content', () => {
    const withSummary = renderSlots({ ...slots, coordinatorSummary: 'Phase 2 of 3. The router is done; the handlers are next. Keep the old routes.' }, 30);
    expect(SLOT_NAMES.filter((slot) => withSummary.slots[slot].included)).toEqual(['coordinatorSummary']);
    expect(estimateTokens(withSummary.text)).toBeLessThanOrEqual(30);
    const without = renderSlots(slots, 40);
    expect(SLOT_NAMES.filter((slot) => without.slots[slot].included)).toEqual(['conventions']);
    expect(without.slots.fileFacts.reason).toBe('no room in the token budget');
    expect(estimateTokens(without.text)).toBeLessThanOrEqual(40);
  });

  it('never exceeds, and leaves slots out from the lowest priority up', () => {
    const whole = renderSlots(slots, 1_000_000);
    const withContent = SLOT_NAMES.filter((slot) => whole.slots[slot].items > 0);
    let sawAll = false;
    for (let budget = 1; budget <= 400; budget++) {
      const rendered = renderSlots(slots, budget);
      expect(estimateTokens(rendered.text), `budget ${budget}`).toBeLessThanOrEqual(budget);
      const included = withContent.filter((slot) => rendered.slots[slot].included);
      expect(included, `budget ${budget}`).toEqual(withContent.slice(0, included.length));
      sawAll ||= included.length === withContent.length;
    }
    expect(sawAll).toBe(true);
  });
});
