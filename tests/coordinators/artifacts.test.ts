// The verdict and handoff readers and the summary renderer, on inputs whose answers are known.

import { describe, expect, it } from 'vitest';
import { approves, classifyPhase, codingHandoffSchema, readVerdict } from '../../src/coordinators/artifacts.js';
import { renderSummary } from '../../src/coordinators/summary.js';

const valid = { verdict: 'minor', confidence: 'medium', findings: [{ severity: 'nit', file: 'src/a.ts', summary: 'naming' }], summary: 'small things' };

describe('the review verdict', () => {
  it('comes from a valid artifact first, and says so', () => {
    expect(readVerdict(valid, 'Verdict: blocking')).toMatchObject({ verdict: 'minor', source: 'artifact', confidence: 'medium', problem: null });
  });

  it('falls back to an explicit verdict line of the notes only', () => {
    expect(readVerdict({ verdict: 'ok' }, 'Looked at it.\n**Verdict: blocking**\n')).toMatchObject({ verdict: 'blocking', source: 'notes' });
    expect(readVerdict(null, 'Verdict: clean')).toMatchObject({ verdict: 'clean', source: 'notes', problem: 'no artifact' });
    // A verdict word in a sentence is no verdict line.
    for (const notes of ['The verdict: clean code overall, but tests fail.', 'I would say this is clean.', 'verdict clean', null]) {
      const reading = readVerdict(undefined, notes);
      expect(reading, String(notes)).toMatchObject({ verdict: 'unknown', source: 'none' });
      expect(approves(reading.verdict)).toBe(false);
    }
  });

  it('rejects artifacts outside the schema: a severity it does not know, a finding with no file, extra verdicts', () => {
    for (const artifact of [
      { ...valid, findings: [{ severity: 'huge', file: 'a', summary: 'x' }] },
      { ...valid, findings: [{ severity: 'nit', summary: 'x' }] },
      { ...valid, verdict: 'approved' },
      { ...valid, confidence: 'sure' },
      'clean',
    ]) {
      expect(readVerdict(artifact, null).source).toBe('none');
    }
    expect(approves('minor')).toBe(false);
    expect(approves('unknown')).toBe(false);
    expect(approves('clean')).toBe(true);
  });

  it('classifies a phase full, partial or fallback', () => {
    const handoff = { kind: 'wr.coding_handoff', version: 1, keyDecisions: [], knownLimitations: [], testsAdded: [], filesChanged: ['src/a.ts'] };
    expect(classifyPhase(codingHandoffSchema, handoff, 'done', true).kind).toBe('full');
    expect(classifyPhase(codingHandoffSchema, { ...handoff, filesChanged: 'src/a.ts' }, 'done', true)).toMatchObject({ kind: 'partial', problem: expect.stringContaining('filesChanged') });
    expect(classifyPhase(codingHandoffSchema, null, '  ', true).kind).toBe('fallback');
    expect(classifyPhase(codingHandoffSchema, handoff, 'done', false)).toMatchObject({ kind: 'fallback', problem: 'the session did not finish' });
  });
});

describe('the coordinator summary', () => {
  const sections = [
    { title: 'Changed files', body: '- src/ä.ts (modified)' },
    { title: 'Impact', body: 'é'.repeat(200) },
    { title: 'Conventions', body: '- AGENTS.md § Testing' },
  ];

  it('keeps whole sections in priority order within the byte budget, dropping one that does not fit whole', () => {
    const all = renderSummary(sections, 10_000);
    expect(all.kept).toEqual(['Changed files', 'Impact', 'Conventions']);
    expect(all.bytes).toBe(Buffer.byteLength(all.text, 'utf8'));
    const first = Buffer.byteLength('### Changed files\n- src/ä.ts (modified)', 'utf8');
    const third = Buffer.byteLength('### Conventions\n- AGENTS.md § Testing', 'utf8') + 2;
    for (const budget of [first, first + third, first + third + 50, first + 300]) {
      const r = renderSummary(sections, budget);
      expect(r.bytes).toBeLessThanOrEqual(budget);
      expect(r.text).not.toContain('\uFFFD');
      // Every section is in whole or not at all.
      for (const s of sections) expect(r.text.includes(`### ${s.title}\n${s.body}`) || !r.text.includes(`### ${s.title}`)).toBe(true);
      expect([...r.kept, ...r.dropped].sort()).toEqual(sections.map((s) => s.title).sort());
    }
    expect(renderSummary(sections, first + third)).toMatchObject({ kept: ['Changed files', 'Conventions'], dropped: ['Impact'] });
    expect(renderSummary(sections, 10)).toMatchObject({ text: '', kept: [], dropped: ['Changed files', 'Impact', 'Conventions'] });
  });
});
