// The enricher: deadlines (a source that never answers), the token budget (a property test over random budgets and
// contents), precedence (coordinator summary, child sessions), every applicable rule document, and the manifest
// stored with the graph.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifests } from '../../graph/manifest-writer.js';
import { enrichContext, type EnrichEnvironment } from '../../src/enricher/enrich.js';
import { renderSlots } from '../../src/enricher/render.js';
import type { EnrichManifest, WorkflowContextSlots } from '../../src/enricher/schema.js';
import type { SlotSource } from '../../src/enricher/sources.js';
import { estimateTokens } from '../../src/enricher/text.js';
import { enrich } from '../../src/enrich.js';
import { enrich as enrichGraph, MANIFEST_WAIT_MS } from '../../src/enricher/index.js';
import { openGraph, indexWorkspace } from '../../src/api.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { CONVENTION_DOCS } from '../fixtures/datadir/workspace.js';
import { prng } from '../fixtures/edits.js';
import { tempDir } from '../support/temp.js';

const noGraph: EnrichEnvironment['query'] = () => Promise.reject(new Error('no graph in this test'));
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

function env(sources: SlotSource[]): EnrichEnvironment {
  return { root: '/ws', query: noGraph, sources, hasKind: () => true };
}

describe('deadlines', () => {
  it('returns within the deadline when a source never answers, and the manifest says so', async () => {
    const started = performance.now();
    const result = await enrichContext(
      env([
        { slot: 'priorNotes', needs: [], run: () => never() },
        { slot: 'gitDiffStat', needs: [], run: async () => ' 1 file changed, 2 insertions(+)' },
      ] as SlotSource[]),
      { goal: 'fix it', budgetTokens: 500, deadlineMs: 150 },
    );
    // A bound on a hang, not a speed figure: deadline plus a generous margin.
    expect(performance.now() - started).toBeLessThan(150 + 500);
    const slot = (name: string) => result.manifest.slots.find((s) => s.slot === name)!;
    expect(slot('priorNotes')).toMatchObject({ source: 'timeout', included: false, items: 0 });
    expect(slot('priorNotes').reason).toMatch(/150 ms deadline/);
    expect(slot('gitDiffStat')).toMatchObject({ source: 'ok', included: true });
    expect(result.rendered).toContain('1 file changed');
  });

  it('keeps what a slow source handed over before its deadline', async () => {
    const result = await enrichContext(
      env([
        {
          slot: 'priorNotes',
          needs: [],
          run: async (input) => {
            input.partial([{ id: 'sess_1', title: 'Retry webhooks', branch: null, endedAt: '2026-11-20T10:00:00Z', recap: null }]);
            return never();
          },
        },
      ] as SlotSource[]),
      { goal: 'x', budgetTokens: 500, deadlineMs: 100 },
    );
    expect(result.manifest.slots.find((s) => s.slot === 'priorNotes')).toMatchObject({ source: 'partial', included: true, items: 1 });
    expect(result.slots.priorNotes.map((n) => n.id)).toEqual(['sess_1']);
  });

  it('reports a failing source without failing the call', async () => {
    const result = await enrichContext(env([{ slot: 'gitDiffStat', needs: [], run: () => Promise.reject(new Error('git exploded')) }] as SlotSource[]), {
      goal: 'x',
      budgetTokens: 100,
    });
    expect(result.manifest.slots.find((s) => s.slot === 'gitDiffStat')).toMatchObject({ source: 'error', reason: 'git exploded' });
  });
});

describe('precedence', () => {
  const notes: SlotSource = {
    slot: 'priorNotes',
    needs: [],
    run: async () => [{ id: 'sess_a', title: 'Earlier work', branch: 'main', endedAt: '2026-11-01T00:00:00Z', recap: 'Did things.' }],
  } as SlotSource;

  it('a coordinator summary suppresses prior session notes', async () => {
    const result = await enrichContext(env([notes]), { goal: 'x', budgetTokens: 1000, coordinatorSummary: 'Phase 2 of 3: the router is done.' });
    expect(result.slots.priorNotes).toEqual([]);
    expect(result.manifest.slots.find((s) => s.slot === 'priorNotes')).toMatchObject({ source: 'suppressed', included: false });
    expect(result.manifest.slots.find((s) => s.slot === 'coordinatorSummary')).toMatchObject({ source: 'given', included: true });
    expect(result.rendered).toContain('Phase 2 of 3');
    expect(result.rendered).not.toContain('Earlier work');
  });

  it('a child session gets nothing unless asked, a root session gets everything', async () => {
    const child = await enrichContext(env([notes]), { goal: 'x', budgetTokens: 1000, spawnDepth: 1 });
    expect(child.manifest.slots.find((s) => s.slot === 'priorNotes')).toMatchObject({ source: 'skipped' });
    expect(child.rendered).toBe('');
    const asked = await enrichContext(env([notes]), { goal: 'x', budgetTokens: 1000, spawnDepth: 2, includeChildSessions: true });
    expect(asked.rendered).toContain('Earlier work');
    const root = await enrichContext(env([notes]), { goal: 'x', budgetTokens: 1000 });
    expect(root.rendered).toContain('Earlier work');
  });
});

describe('rendering within the budget (property)', () => {
  const PIECES = ['Run the tests first.', 'Ünïcödé wörds and CJK 漢字かな混じり文。', 'Emoji 🦀🚀 in text.', 'a'.repeat(900), 'Line one\nline two\nline three.', 'lone \ud800 surrogate', 'Tabs\tand  spaces.', ''];

  function randomSlots(rng: () => number): WorkflowContextSlots {
    const pick = () => PIECES[Math.floor(rng() * PIECES.length)]!;
    const text = (n: number) => Array.from({ length: n }, pick).join(' ');
    const shared = text(3);
    const count = (max: number) => Math.floor(rng() * max);
    return {
      coordinatorSummary: rng() < 0.3 ? text(1 + count(6)) : null,
      conventions: Array.from({ length: count(8) }, (_, i) => ({
        id: `c${i}`,
        source: i % 2 === 0 ? 'AGENTS.md' : 'src/api/CLAUDE.md',
        headingPath: `Section ${i}`,
        scope: i % 2 === 0 ? '' : 'src/api',
        // Some documents repeat another's text word for word.
        body: rng() < 0.3 ? shared : text(1 + count(5)),
      })),
      fileFacts: Array.from({ length: count(4) }, (_, i) => ({
        path: `src/f${i}.ts`,
        importers: ['src/a.ts', 'src/b.ts'].slice(0, count(3)),
        importersTotal: count(30),
        impactTotal: rng() < 0.5 ? null : count(100),
        tests: rng() < 0.5 ? [] : ['tests/f.test.ts'],
        sessions: [],
      })),
      likelyFiles: Array.from({ length: count(5) }, (_, i) => ({
        path: `src/likely${i}.ts`,
        why: text(1 + count(3)),
        facts:
          rng() < 0.4
            ? null
            : {
                path: `src/likely${i}.ts`,
                importers: ['src/a.ts'].slice(0, count(2)),
                importersTotal: count(9),
                impactTotal: count(20),
                tests: [],
                sessions: rng() < 0.5 ? [] : [{ id: 's1', title: pick() || null, endedAt: null, change: 'edit' }],
              },
      })),
      priorNotes: Array.from({ length: count(5) }, (_, i) => ({ id: `sess_${i}`, title: pick() || null, branch: null, endedAt: null, recap: rng() < 0.5 ? text(4) : null })),
      gitDiffStat: rng() < 0.5 ? ' src/a.ts | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)' : null,
    };
  }

  it('never exceeds the budget, stays valid UTF-8, and says nothing twice', () => {
    const rng = prng(424242);
    let rendered = 0;
    for (let run = 0; run < 400; run++) {
      const slots = randomSlots(rng);
      const budget = 1 + Math.floor(rng() * 5000);
      const { text, slots: stats } = renderSlots(slots, budget);
      expect(estimateTokens(text), `budget ${budget}`).toBeLessThanOrEqual(budget);
      // Valid UTF-8: encoding and decoding gives the same string back (a lone surrogate would not survive).
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      const headings = text.split('\n').filter((line) => line.startsWith('## '));
      expect(new Set(headings).size).toBe(headings.length);
      const items = text.split('\n\n').filter((block) => block.startsWith('### '));
      expect(new Set(items.map((block) => block.split('\n').slice(1).join('\n'))).size).toBe(items.length);
      // Priority: a slot is only dropped for room when every slot after it is dropped too.
      const order = ['coordinatorSummary', 'conventions', 'fileFacts', 'likelyFiles', 'priorNotes', 'gitDiffStat'] as const;
      const droppedForRoom = order.findIndex((slot) => stats[slot].items > 0 && !stats[slot].included && stats[slot].reason === 'no room in the token budget');
      if (droppedForRoom >= 0) for (const later of order.slice(droppedForRoom + 1)) expect(stats[later].included, `${later} after a dropped slot`).toBe(false);
      if (text !== '') rendered++;
    }
    expect(rendered).toBeGreaterThan(200);
  });

  it('shortens at a sentence boundary, never inside a character', () => {
    const slots: WorkflowContextSlots = {
      coordinatorSummary: 'First sentence here. Second sentence 🦀 with emoji. Third sentence is long '.repeat(20),
      conventions: [],
      fileFacts: [],
      likelyFiles: [],
      priorNotes: [],
      gitDiffStat: null,
    };
    const { text, slots: stats } = renderSlots(slots, 60);
    expect(estimateTokens(text)).toBeLessThanOrEqual(60);
    expect(stats.coordinatorSummary.shortened).toBe(true);
    expect(text).toMatch(/\. …$/);
  });
});

describe('against a real graph', () => {
  let data: GeneratedDataDir;
  let workspace: string;

  beforeAll(async () => {
    const dir = tempDir();
    process.env.KG_HOME = join(dir, 'kg-home');
    data = generateDataDir({ seed: 31, dir: join(dir, 'fixture') });
    workspace = data.workspaces[0]!;
    await indexWorkspace(workspace, { dataDir: data.dataDir });
  });
  afterAll(() => {
    delete process.env.KG_HOME;
  });

  it('gives every section of every rule document that applies to the goal paths, root and nested', async () => {
    const result = await enrich({ workspace, goal: 'fix retry handling in src/api/handlers.ts', budgetTokens: 4000 });
    expect(result.manifest.goalPaths).toEqual(['src/api/handlers.ts']);
    const expected = CONVENTION_DOCS.filter((doc) => doc.scope === '' || 'src/api/handlers.ts'.startsWith(`${doc.scope}/`)).flatMap((doc) =>
      doc.sections.map((section) => `${doc.path}#${section.headingPath}`),
    );
    const given = result.slots.conventions.map((c) => `${c.source}#${c.headingPath}`);
    expect(new Set(given)).toEqual(new Set(expected));
    // The nested document's sections and the root ones, all rendered within a generous budget.
    for (const doc of CONVENTION_DOCS.filter((d) => d.scope === 'src/api' || d.path === 'AGENTS.md')) {
      for (const section of doc.sections) expect(result.rendered).toContain(section.body.split('\n')[0]!);
    }
    expect(given).not.toContain('src/db/CLAUDE.md#Database');
    // The sections about the goal's words come first, in the order the ranking gives them.
    const graph = await openGraph({ workspace });
    try {
      const ranked = (await graph.query({ kind: 'conventions', text: result.manifest.goal, limit: 200 })).items as { source: string; headingPath: string }[];
      const applicable = new Set(expected);
      const aboutGoal = ranked.map((c) => `${c.source}#${c.headingPath}`).filter((key) => applicable.has(key));
      expect(aboutGoal.length).toBeGreaterThan(1);
      expect(given.slice(0, aboutGoal.length)).toEqual(aboutGoal);
    } finally {
      graph.close();
    }
  });

  it('describes the goal file from the graph and lists prior root sessions', async () => {
    const result = await enrich({ workspace, goal: 'fix retry handling in src/api/handlers.ts', budgetTokens: 4000 });
    const [fact] = result.slots.fileFacts;
    expect(fact).toMatchObject({
      path: 'src/api/handlers.ts',
      importers: ['src/trigger/trigger-router.ts', 'tests/handlers.test.ts'],
      importersTotal: 2,
      tests: ['tests/handlers.test.ts'],
    });
    expect(result.rendered).toContain('imported by 2 file(s)');
    expect(result.slots.priorNotes.length).toBeGreaterThan(0);
    const statuses = Object.fromEntries(result.manifest.slots.map((s) => [s.slot, s.source]));
    expect(statuses).toMatchObject({ conventions: 'ok', fileFacts: 'ok', priorNotes: 'ok', coordinatorSummary: 'absent' });
  });

  it('stores each manifest with the graph, readable later by session', async () => {
    const result = await enrich({ workspace, goal: 'document src/db/client.ts', budgetTokens: 300, sessionId: 'sess_new_one' });
    const graph = await openGraph({ workspace });
    try {
      const stored = await readManifests<EnrichManifest>(graph.store, { sessionId: 'sess_new_one' });
      expect(stored).toEqual([result.manifest]);
    } finally {
      graph.close();
    }
    for (const slot of result.manifest.slots) {
      expect(slot.tokens).toBeLessThanOrEqual(300);
      if (!slot.included) expect(slot.bytes).toBe(0);
    }
    expect(result.manifest.renderedTokens).toBe(estimateTokens(result.rendered));
    expect(result.manifest.renderedTokens).toBeLessThanOrEqual(300);
  });

  it('answers without waiting for a writer held by a long transaction, and stores the manifest once it is free', async () => {
    const graph = await openGraph({ workspace, writable: true });
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      // A reindex holding the single writer, as kg serve would be running one.
      const busy = graph.store.write(() => gate);
      const pending: Promise<void>[] = [];
      const started = performance.now();
      const result = await enrichGraph(graph, { workspace, goal: 'touch src/db/schema.ts', budgetTokens: 200, deadlineMs: 300, sessionId: 'sess_busy' }, {
        onPendingWrite: (write) => pending.push(write),
      });
      // A bound on a hang (the writer is held indefinitely), not a speed figure.
      expect(performance.now() - started).toBeLessThan(300 + MANIFEST_WAIT_MS + 1000);
      expect(pending).toHaveLength(1);
      expect(await readManifests(graph.store, { sessionId: 'sess_busy' })).toEqual([]);
      release();
      await busy;
      await pending[0];
      expect(await readManifests<EnrichManifest>(graph.store, { sessionId: 'sess_busy' })).toEqual([result.manifest]);
    } finally {
      graph.close();
    }
  });

  it('rejects a bad request naming the field', async () => {
    await expect(enrich({ workspace, goal: '', budgetTokens: 10 })).rejects.toThrow(/goal/);
    await expect(enrich({ workspace, goal: 'x', budgetTokens: 0 })).rejects.toThrow(/budgetTokens/);
    await expect(enrich({ workspace: 'relative', goal: 'x', budgetTokens: 10 })).rejects.toThrow(/workspace/);
  });
});
