// The timeline intent over a generated data dir (sessions and pipeline runs) indexed into a real DuckDB graph, plus a
// few sessions written on shared branches (the generator gives every session a branch of its own) and one whose title
// has a quote. Expectations come from the generator's ground truth, the pages and filters are checked against it.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { parseIntent, runQuery, type FreshnessProbe, type IntentOf, type QueryContext, type TimelineItem } from '../../queries/index.js';
import { sessionsOf } from '../fixtures/datadir/expected.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let data: GeneratedDataDir;
let store: GraphStore;
let context: QueryContext;

interface Expected {
  type: 'session' | 'run';
  id: string;
  title: string | null;
  at: string;
  status: string | null;
  outcome: string | null;
  branch: string | null;
  workflowId: string | null;
}

// Sessions the test writes itself: branches used several times, and a title with a quote.
const EXTRA = [
  { id: 'sess_extra_main_1', title: "Fix O'Brien's quote handling", branch: 'main', at: '2027-01-01T10:00:00.000Z', inputTokens: 10, outputTokens: null },
  { id: 'sess_extra_main_2', title: 'Tidy the main loop', branch: 'main', at: '2027-01-01T10:00:00.000Z', inputTokens: null, outputTokens: null },
  { id: 'sess_extra_main_3', title: 'Bump dependencies', branch: 'main', at: '2027-01-02T10:00:00.000Z', inputTokens: 5, outputTokens: 7 },
  { id: 'sess_extra_rel_1', title: 'Cut the release', branch: 'release', at: '2027-01-03T10:00:00.000Z', inputTokens: null, outputTokens: 3 },
  { id: 'sess_extra_rel_2', title: 'Release notes', branch: 'release', at: '2027-01-03T10:00:00.000Z', inputTokens: 1, outputTokens: 1 },
];

let expected: Expected[];

beforeAll(async () => {
  const dir = tempDir();
  data = generateDataDir({ seed: 42, dir: join(dir, 'fixture') });
  store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
  await indexWorkspaceInto(store, data.workspaces[0]!, { dataDir: data.dataDir });
  await store.write(async (tx) => {
    for (const s of EXTRA) {
      await tx.run(
        `INSERT INTO sessions (id, title, goal, status, outcome, branch, workflow_id, started_at, ended_at, updated_at, input_tokens, output_tokens, changes_known)
         VALUES (?, ?, ?, 'completed', 'success', ?, 'extra-workflow', ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, false)`,
        [s.id, s.title, s.title, s.branch, s.at, s.at, s.at, s.inputTokens, s.outputTokens],
      );
    }
  });
  context = { reader: store, root: data.workspaces[0]!, probe: unchangedDisk };

  const runStarts = new Map(
    (await store.all<{ id: string; startedAt: string }>(`SELECT id, started_at AS "startedAt" FROM pipeline_runs`)).map((r) => [r.id, r.startedAt]),
  );
  const sessions: Expected[] = sessionsOf(data, 0).map((s) => ({
    type: 'session',
    id: s.id,
    title: s.title,
    at: s.endedAt ?? s.updatedAt,
    status: s.status,
    outcome: s.outcome,
    branch: s.branch,
    workflowId: null, // not in the generator's ground truth; checked apart
  }));
  const extra: Expected[] = EXTRA.map((s) => ({ type: 'session', id: s.id, title: s.title, at: s.at, status: 'completed', outcome: 'success', branch: s.branch, workflowId: 'extra-workflow' }));
  const runs: Expected[] = data.runs
    .filter((r) => r.workspace === 0)
    .map((r) => ({ type: 'run', id: r.id, title: r.goal, at: runStarts.get(r.id)!, status: r.sessions.length === 4 ? 'completed' : 'in_progress', outcome: null, branch: null, workflowId: 'FULL' }));
  expected = [...sessions, ...extra, ...runs].sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
});
afterAll(() => store.close());

type TimelineIntent = Omit<IntentOf<'timeline'>, 'kind'>;
const ask = (intent: TimelineIntent = {}) => runQuery(context, { kind: 'timeline', ...intent });
const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);

/** Every item matching the filters, page by page at the largest limit. */
async function all(intent: TimelineIntent = {}): Promise<TimelineItem[]> {
  const items: TimelineItem[] = [];
  for (;;) {
    const page = await ask({ ...intent, limit: 200, offset: items.length });
    items.push(...page.items);
    if (!page.truncated) return items;
  }
}

describe('timeline', () => {
  it('lists every session and run of the workspace, newest first, ids breaking ties', async () => {
    const items = await all();
    expect(items.length).toBe(expected.length);
    expect(ids(items)).toEqual(ids(expected));
    for (const [i, item] of items.entries()) expect(item, item.id).toMatchObject({ ...expected[i], workflowId: expected[i]!.workflowId ?? expect.any(String) });
  });

  it('pages without overlap or gaps, in order, with the total on every page', async () => {
    const everything = ids(await all());
    const seen: string[] = [];
    for (let offset = 0; offset < everything.length + 7; offset += 7) {
      const page = await ask({ limit: 7, offset });
      expect(page).toMatchObject({ total: everything.length, offset, truncated: offset + 7 < everything.length });
      expect(page.items.length).toBe(Math.max(0, Math.min(7, everything.length - offset)));
      seen.push(...ids(page.items));
    }
    expect(seen).toEqual(everything);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('says the total past the last page too', async () => {
    const page = await ask({ offset: 100_000 });
    expect(page).toMatchObject({ items: [], total: expected.length, truncated: false, offset: 100_000 });
    const filtered = await ask({ branch: 'main', offset: 50 });
    expect(filtered).toMatchObject({ items: [], total: 3 });
  });

  it('defaults to the first 50', async () => {
    const page = await ask();
    expect(page.items.length).toBe(50);
    expect(page).toMatchObject({ offset: 0, truncated: true, total: expected.length });
    expect(page.text).toContain(`1-50 of ${expected.length}`);
    expect(page.text).toContain('more: offset 50');
  });

  it('gives runs as type run: their goal as title, their mode as workflow, their verdict, no session fields', async () => {
    const runs = await all({ type: 'run' });
    const want = expected.filter((e) => e.type === 'run');
    expect(want.length).toBeGreaterThan(0);
    expect(ids(runs)).toEqual(ids(want));
    for (const run of runs) {
      expect(run).toMatchObject({ type: 'run', workflowId: 'FULL', outcome: null, branch: null, tokens: null, parentId: null });
      expect(run).toHaveProperty('verdict');
    }
    const sessions = await all({ type: 'session' });
    expect(ids(sessions)).toEqual(ids(expected.filter((e) => e.type === 'session')));
    for (const s of sessions) expect(s.verdict).toBeNull();
  });

  it('sums the tokens of a session, null when neither count is known', async () => {
    const items = await all({ workflow: 'extra-workflow' });
    const tokens = Object.fromEntries(items.map((i) => [i.id, i.tokens]));
    expect(tokens).toEqual({ sess_extra_main_1: 10, sess_extra_main_2: null, sess_extra_main_3: 12, sess_extra_rel_1: 3, sess_extra_rel_2: 2 });
    const generated = sessionsOf(data, 0).find((s) => s.inputTokens !== null)!;
    const [item] = await all({ text: generated.id });
    expect(item!.tokens).toBe(generated.inputTokens! + (generated.outputTokens ?? 0));
  });

  it('narrows by each filter to exactly the matching items, the total counting them', async () => {
    const reference = await all();
    const cases: { intent: TimelineIntent; keep: (item: TimelineItem) => boolean }[] = [
      { intent: { status: 'completed' }, keep: (i) => i.status === 'completed' },
      { intent: { status: 'incomplete' }, keep: (i) => i.status === 'incomplete' },
      { intent: { status: 'in_progress' }, keep: (i) => i.status === 'in_progress' },
      { intent: { outcome: 'error' }, keep: (i) => i.outcome === 'error' },
      { intent: { branch: 'main' }, keep: (i) => i.branch === 'main' },
      { intent: { branch: expected.find((e) => e.branch?.startsWith('feature/'))!.branch! }, keep: (i) => i.branch === expected.find((e) => e.branch?.startsWith('feature/'))!.branch },
      { intent: { workflow: 'bug-investigation' }, keep: (i) => i.workflowId === 'bug-investigation' },
      { intent: { workflow: 'FULL' }, keep: (i) => i.type === 'run' },
      { intent: { type: 'session', status: 'completed', workflow: 'coding-task-workflow' }, keep: (i) => i.type === 'session' && i.status === 'completed' && i.workflowId === 'coding-task-workflow' },
    ];
    for (const { intent, keep } of cases) {
      const want = reference.filter(keep);
      expect(want.length, JSON.stringify(intent)).toBeGreaterThan(0);
      expect(want.length, JSON.stringify(intent)).toBeLessThan(reference.length);
      const got = await all(intent);
      expect(ids(got), JSON.stringify(intent)).toEqual(ids(want));
      expect((await ask({ ...intent, limit: 1 })).total, JSON.stringify(intent)).toBe(want.length);
    }
  });

  it('matches text in any case in the title, the goal or the id', async () => {
    const reference = await all();
    const byTitle = await all({ text: 'WEBHOOK' });
    expect(byTitle.length).toBeGreaterThan(0);
    expect(ids(byTitle)).toEqual(ids(reference.filter((i) => (i.title ?? '').toLowerCase().includes('webhook') || i.id.toLowerCase().includes('webhook') || goalOf(i.id)?.toLowerCase().includes('webhook'))));
    const run = expected.find((e) => e.type === 'run')!;
    expect(ids(await all({ text: run.id.slice(2).toUpperCase() }))).toEqual([run.id]);
    // The generator's goal and title differ for sessions titled from their recap: the goal still matches.
    const goalOnly = sessionsOf(data, 0).find((s) => s.goal !== null && s.title !== null && !s.title.toLowerCase().includes(s.goal.toLowerCase()));
    if (goalOnly) expect(ids(await all({ text: goalOnly.goal! }))).toContain(goalOnly.id);
    expect(ids(await all({ text: "o'brien" }))).toEqual(['sess_extra_main_1']);
  });

  it('treats quotes and SQL in a filter as a plain value that matches nothing', async () => {
    const hostile = ["completed' OR '1'='1", "'; DROP TABLE sessions; --", 'main" OR 1=1 --', '%', 's%_%', "\\'", 'x) OR (1=1'];
    for (const value of hostile) {
      for (const key of ['status', 'outcome', 'branch', 'workflow', 'text'] as const) {
        const page = await ask({ [key]: value });
        expect(page, `${key}: ${value}`).toMatchObject({ items: [], total: 0, truncated: false });
      }
    }
    expect((await ask()).total).toBe(expected.length);
  });

  it('lists the facets over all items, whatever the filters, branches by use and at most 50', async () => {
    const reference = await all();
    const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))].sort();
    const unfiltered = await ask({ limit: 1 });
    expect(unfiltered.facets.status).toEqual(distinct(reference.map((i) => i.status)));
    expect(unfiltered.facets.outcome).toEqual(distinct(reference.map((i) => i.outcome)));
    expect(unfiltered.facets.workflow).toEqual(distinct(reference.map((i) => i.workflowId)));
    expect(unfiltered.facets.workflow).toEqual(expect.arrayContaining(['FULL', 'extra-workflow', 'coding-task-workflow']));
    // Workspace 0 has more than 50 branches: the two used several times come first, the cut keeps 50.
    expect(distinct(reference.map((i) => i.branch)).length).toBeGreaterThan(50);
    expect(unfiltered.facets.branch.length).toBe(50);
    expect(unfiltered.facets.branch.slice(0, 2)).toEqual(['main', 'release']);
    for (const branch of unfiltered.facets.branch) expect(reference.some((i) => i.branch === branch)).toBe(true);
    const filtered = await ask({ type: 'run', status: 'completed', text: 'nothing matches this' });
    expect(filtered.total).toBe(0);
    expect(filtered.facets).toEqual(unfiltered.facets);
  });

  it('renders a line per item with what it is and when', async () => {
    const page = await ask({ type: 'run', limit: 2 });
    const first = page.items[0]!;
    expect(page.text.split('\n')[0]).toBe(`timeline: 1-${page.items.length} of ${page.total} item(s) matching type "run", newest first`);
    expect(page.text).toContain(`run     ${first.id}  ${first.at!.slice(0, 16).replace('T', ' ')}  ${first.title}`);
    expect((await ask({ branch: 'nope' })).text).toBe('timeline: none of 0 item(s) matching branch "nope", newest first');
  });
});

describe('timeline intent', () => {
  it('accepts the documented ranges and rejects what is outside them, naming the field', () => {
    expect(parseIntent({ kind: 'timeline' })).toMatchObject({ ok: true });
    expect(parseIntent({ kind: 'timeline', limit: 200, offset: 1_000_000, type: 'run', text: 'x'.repeat(200) })).toMatchObject({ ok: true });
    expect(parseIntent({ kind: 'timeline', limit: 201 })).toEqual({ ok: false, message: 'intent.limit: at most 200 (1 to 200)' });
    expect(parseIntent({ kind: 'timeline', limit: 0 })).toMatchObject({ ok: false, message: expect.stringContaining('intent.limit') });
    expect(parseIntent({ kind: 'timeline', offset: -1 })).toEqual({ ok: false, message: 'intent.offset: at least 0 (0 to 1000000)' });
    expect(parseIntent({ kind: 'timeline', offset: 1_000_001 })).toMatchObject({ ok: false, message: expect.stringContaining('intent.offset') });
    expect(parseIntent({ kind: 'timeline', offset: 1.5 })).toMatchObject({ ok: false, message: expect.stringContaining('intent.offset') });
    expect(parseIntent({ kind: 'timeline', type: 'commit' })).toMatchObject({ ok: false, message: expect.stringContaining('intent.type') });
    for (const key of ['status', 'outcome', 'branch', 'workflow', 'text']) {
      expect(parseIntent({ kind: 'timeline', [key]: 'x'.repeat(201) })).toEqual({ ok: false, message: `intent.${key}: at most 200 characters` });
    }
  });
});

function goalOf(id: string): string | null | undefined {
  return sessionsOf(data, 0).find((s) => s.id === id)?.goal ?? data.runs.find((r) => r.id === id)?.goal;
}
