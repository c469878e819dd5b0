import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto, type IndexReport } from '../../indexers/index.js';
import type { ConventionItem } from '../../queries/conventions.js';
import type { ImpactAnswer } from '../../queries/impact.js';
import { runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import type { FilesTouchedAnswer, GoalItem, SessionItem, TouchingItem } from '../../queries/sessions.js';
import { bm25, newestFirst, sessionDocs, sessionsOf, sessionsTouching } from '../fixtures/datadir/expected.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let data: GeneratedDataDir;
let store: GraphStore;
let context: QueryContext;
let report: IndexReport;

beforeAll(async () => {
  const dir = tempDir();
  data = generateDataDir({ seed: 42, dir: join(dir, 'fixture') });
  store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
  report = await indexWorkspaceInto(store, data.workspaces[0]!, { dataDir: data.dataDir });
  context = { reader: store, root: data.workspaces[0]!, probe: unchangedDisk };
});
afterAll(() => store.close());

const ids = (answer: { items: unknown[] }) => (answer.items as { id: string }[]).map((item) => item.id);

describe('kg index with history', () => {
  it('writes sessions, runs and conventions with the code, and reports them', async () => {
    expect(report.history).toMatchObject({
      dataDir: data.dataDir,
      sessions: sessionsOf(data, 0).length,
      pipelineRuns: data.runs.filter((r) => r.workspace === 0).length,
      conventions: data.conventions.reduce((n, d) => n + d.sections.length, 0),
    });
    expect(report.counts.files).toBeGreaterThan(5);
    const warned = new Set(report.warnings.map((w) => w.session).filter(Boolean));
    expect(warned).toEqual(new Set(data.malformed.map((m) => m.session)));
  });

  it('replaces, never duplicates, on a second index', async () => {
    const again = await indexWorkspaceInto(store, data.workspaces[0]!, { dataDir: data.dataDir });
    expect(again.history).toEqual(report.history);
    const [row] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM sessions`);
    expect(row!.n).toBe(sessionsOf(data, 0).length);
  });

  it('derives applies_to edges from each section to the indexed files under its folder', async () => {
    const rows = await store.all<{ dst: string }>(`SELECT dst FROM edges WHERE kind = 'applies_to' AND src = 'conv:src/api/AGENTS.md#0' ORDER BY dst`);
    expect(rows.map((r) => r.dst)).toEqual(['file:src/api/handlers.ts']);
    const [root] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM edges WHERE kind = 'applies_to' AND src = 'conv:AGENTS.md#0'`);
    expect(root!.n).toBe(report.counts.files);
  });
});

describe('recent_sessions', () => {
  it('lists the newest sessions first, cut to the limit', async () => {
    const answer = await runQuery(context, { kind: 'recent_sessions', limit: 5 });
    const want = newestFirst(sessionsOf(data, 0)).slice(0, 5);
    expect(answer.items as SessionItem[]).toEqual(
      want.map((s) => expect.objectContaining({ id: s.id, title: s.title, endedAt: s.endedAt, status: s.status, branch: s.branch })),
    );
    expect(answer).toMatchObject({ truncated: true, total: sessionsOf(data, 0).length });
    expect(answer.text).toContain(want[0]!.id);
  });

  it('orders all of them like the fixture does', async () => {
    const answer = await runQuery(context, { kind: 'recent_sessions', limit: 1000 });
    expect(ids(answer)).toEqual(newestFirst(sessionsOf(data, 0)).map((s) => s.id));
  });
});

describe('files_touched', () => {
  it('agrees with what the fixture wrote, for every session', async () => {
    for (const s of sessionsOf(data, 0)) {
      const answer = (await runQuery(context, { kind: 'files_touched', session: s.id })) as FilesTouchedAnswer;
      const want = (s.files ?? []).map((f) => ({ path: f.path, change: f.change, source: s.source })).sort((a, b) => (a.path < b.path ? -1 : 1));
      expect(answer.items).toEqual(want);
      expect(answer.changesKnown).toBe(s.files !== null);
      expect(answer.session).toMatchObject({ id: s.id, title: s.title, endedAt: s.endedAt });
    }
  });

  it('says when the changes are unknown', async () => {
    const unknown = sessionsOf(data, 0).find((s) => s.files === null)!;
    const answer = await runQuery(context, { kind: 'files_touched', session: unknown.id });
    expect(answer.text).toContain('unknown');
  });

  it('fails with unknown_session for a session the graph does not hold', async () => {
    const other = sessionsOf(data, 1)[0]!;
    await expect(runQuery(context, { kind: 'files_touched', session: other.id })).rejects.toMatchObject({ code: 'unknown_session' });
  });
});

describe('sessions_touching', () => {
  it('lists the sessions that changed a file, newest first, with how', async () => {
    const path = 'src/trigger/trigger-router.ts';
    const answer = await runQuery(context, { kind: 'sessions_touching', file: path });
    const want = sessionsTouching(data, 0, path);
    expect(want.length).toBeGreaterThan(3);
    expect(ids(answer)).toEqual(want.map((s) => s.id));
    const first = answer.items[0] as TouchingItem;
    expect(first).toMatchObject({ title: want[0]!.title, endedAt: want[0]!.endedAt, source: want[0]!.source });
  });

  it('answers for files the code graph does not hold (README.md, deleted files) and fails for unknown ones', async () => {
    const readme = await runQuery(context, { kind: 'sessions_touching', file: 'README.md' });
    expect(ids(readme)).toEqual(sessionsTouching(data, 0, 'README.md').map((s) => s.id));
    const legacy = await runQuery(context, { kind: 'sessions_touching', file: 'src/legacy.ts' });
    expect((legacy.items as TouchingItem[]).map((i) => i.change)).toEqual(['deleted']);
    await expect(runQuery(context, { kind: 'sessions_touching', file: 'src/nope.ts' })).rejects.toMatchObject({ code: 'unknown_file' });
  });

  it('answers empty for an indexed file no session touched', async () => {
    const answer = await runQuery(context, { kind: 'sessions_touching', file: 'tsconfig.json' });
    expect(answer.items).toEqual([]);
  });
});

describe('sessions_by_goal', () => {
  it('ranks by BM25 over titles, goals, recaps and notes, exactly as the formula says', async () => {
    const text = 'retry webhook delivery';
    const answer = await runQuery(context, { kind: 'sessions_by_goal', text, limit: 1000 });
    const reference = bm25(sessionDocs(sessionsOf(data, 0)), text);
    const items = answer.items as GoalItem[];
    expect(new Set(items.map((i) => i.id))).toEqual(new Set(reference.keys()));
    for (const item of items) expect(item.score).toBeCloseTo(reference.get(item.id)!, 9);
    for (let i = 1; i < items.length; i++) expect(items[i - 1]!.score).toBeGreaterThanOrEqual(items[i]!.score);
  });

  it('puts the sessions about exactly that first', async () => {
    const answer = await runQuery(context, { kind: 'sessions_by_goal', text: 'retry webhook delivery', limit: 3 });
    for (const item of answer.items as GoalItem[]) expect(item.title).toMatch(/^Retry webhook delivery on 5xx responses/);
    expect(answer.truncated).toBe(true);
  });

  it('answers nothing for words no session uses, or only stop words', async () => {
    expect((await runQuery(context, { kind: 'sessions_by_goal', text: 'kubernetes' })).items).toEqual([]);
    expect((await runQuery(context, { kind: 'sessions_by_goal', text: 'the and of' })).items).toEqual([]);
  });
});

describe('conventions', () => {
  const expectedFor = (path: string) =>
    data.conventions
      .map((doc, priority) => ({ doc, priority }))
      .filter(({ doc }) => doc.scope === '' || path === doc.scope || path.startsWith(`${doc.scope}/`))
      .sort((a, b) => b.doc.scope.length - a.doc.scope.length || a.priority - b.priority)
      .flatMap(({ doc }) => doc.sections.map((s) => ({ source: doc.path, headingPath: s.headingPath, scope: doc.scope, body: s.body })));

  it('for a path: the sections that apply to it, nearest folder first', async () => {
    const answer = await runQuery(context, { kind: 'conventions', file: 'src/api/handlers.ts' });
    expect((answer.items as ConventionItem[]).map(({ source, headingPath, scope, body }) => ({ source, headingPath, scope, body }))).toEqual(
      expectedFor('src/api/handlers.ts'),
    );
    expect((answer.items[0] as ConventionItem).source).toBe('src/api/AGENTS.md');
  });

  it('for a topic: ranked sections; with a path too, only those that apply', async () => {
    const topic = await runQuery(context, { kind: 'conventions', text: 'testing' });
    const got = (topic.items as ConventionItem[]).map((i) => `${i.source}#${i.headingPath}`);
    expect(got.sort()).toEqual(['AGENTS.md#Conventions > Testing', 'src/api/AGENTS.md#API handlers > Testing'].sort());
    const both = await runQuery(context, { kind: 'conventions', file: 'src/db/schema.ts', text: 'testing retries' });
    expect((both.items as ConventionItem[]).map((i) => i.source)).not.toContain('src/api/AGENTS.md');
    expect((both.items as ConventionItem[]).map((i) => i.headingPath)).toContain('Conventions > Errors > Retries');
  });

  it('needs a file or a text', async () => {
    const { Graph } = await import('../../src/api.js');
    const graph = new Graph(data.workspaces[0]!, 'unused', store);
    await expect(graph.query({ kind: 'conventions' })).rejects.toMatchObject({ code: 'bad_input' });
  });
});

describe('impact', () => {
  it('adds the sessions that changed the impacted files, newest first, and the conventions that apply', async () => {
    const answer = (await runQuery(context, { kind: 'impact', files: ['src/db/schema.ts'] })) as ImpactAnswer;
    expect(answer.items.map((i) => i.path)).toContain('src/api/handlers.ts');
    const affected = new Set([...answer.files, ...answer.items.map((i) => i.path)]);
    const want = newestFirst(sessionsOf(data, 0).filter((s) => s.files?.some((f) => affected.has(f.path)))).slice(0, 50);
    expect(answer.sessions.map((s) => s.id)).toEqual(want.map((s) => s.id));
    for (const s of answer.sessions) {
      const expected = want.find((w) => w.id === s.id)!;
      expect(s.files).toEqual(expected.files!.map((f) => f.path).filter((p) => affected.has(p)).sort());
    }
    const sources = [...new Set(answer.conventions.map((c) => c.source))];
    expect(sources).toEqual(['src/api/AGENTS.md', 'src/db/CLAUDE.md', 'CLAUDE.md', 'AGENTS.md', '.cursor/rules/style.mdc', '.github/copilot-instructions.md']);
    expect(answer.text).toContain('sessions that changed these files');
  });
});
