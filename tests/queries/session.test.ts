// The session intent over a generated data dir indexed into a real DuckDB graph: one session in full, its files, its
// parent and children, the runs it was a phase of; checked against the generator's ground truth.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { parseIntent, runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import { newestFirst, sessionsOf } from '../fixtures/datadir/expected.js';
import { generateDataDir, type GeneratedDataDir, type GeneratedSession } from '../fixtures/datadir/generate.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let data: GeneratedDataDir;
let store: GraphStore;
let context: QueryContext;
let sessions: GeneratedSession[];

beforeAll(async () => {
  const dir = tempDir();
  data = generateDataDir({ seed: 42, dir: join(dir, 'fixture') });
  store = await GraphStore.open({ path: join(dir, 'graph.duckdb') });
  await indexWorkspaceInto(store, data.workspaces[0]!, { dataDir: data.dataDir });
  context = { reader: store, root: data.workspaces[0]!, probe: unchangedDisk };
  sessions = sessionsOf(data, 0);
});
afterAll(() => store.close());

const ask = (id: string) => runQuery(context, { kind: 'session', id });
const byPath = <T extends { path: string }>(items: T[]) => [...items].sort((a, b) => (a.path < b.path ? -1 : 1));

describe('session', () => {
  it('gives the session in full, and the files it changed with how and who said so', async () => {
    const s = sessions.find((x) => (x.files ?? []).length > 1 && x.inputTokens !== null)!;
    const answer = await ask(s.id);
    expect(answer.session).toMatchObject({
      id: s.id,
      title: s.title,
      goal: s.goal,
      recap: s.recap,
      notes: s.notes,
      status: s.status,
      outcome: s.outcome,
      branch: s.branch,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      parentId: s.parentId,
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      changesKnown: true,
      changesSource: s.source,
    });
    for (const key of ['workflowId', 'durationMs', 'prUrl', 'startHead', 'endHead', 'triggerSource'] as const) expect(answer.session).toHaveProperty(key);
    expect(answer.items).toEqual(byPath(s.files!.map((f) => ({ path: f.path, change: f.change, source: s.source }))));
    expect(answer).toMatchObject({ kind: 'session', total: s.files!.length, truncated: false });
    expect(answer.text.split('\n')[0]).toContain(s.id);
    expect(answer.text).toContain(`changed ${s.files!.length} file(s), per ${s.source}`);
    for (const f of s.files!) expect(answer.text).toContain(f.path);
  });

  it('says so when no source knows which files it changed', async () => {
    const s = sessions.find((x) => x.files === null)!;
    const answer = await ask(s.id);
    expect(answer).toMatchObject({ items: [], total: 0, session: { changesKnown: false } });
    expect(answer.text).toContain('which files it changed is unknown');
  });

  it('gives its parent and its children, newest first', async () => {
    const child = sessions.find((x) => x.parentId !== null && sessions.some((p) => p.id === x.parentId))!;
    const parent = sessions.find((p) => p.id === child.parentId)!;
    const fromChild = await ask(child.id);
    expect(fromChild.parent).toMatchObject({ id: parent.id, title: parent.title, branch: parent.branch, endedAt: parent.endedAt });
    const fromParent = await ask(parent.id);
    const children = newestFirst(sessions.filter((x) => x.parentId === parent.id));
    expect(fromParent.children.map((c) => c.id)).toEqual(children.map((c) => c.id));
    expect(fromParent.childrenTotal).toBe(children.length);
    expect(fromParent.children[0]).toMatchObject({ id: children[0]!.id, parentId: parent.id, title: children[0]!.title });
    expect(fromParent.text).toContain(`children (${children.length}): ${children.map((c) => c.id).join(', ')}`);
    expect(fromChild.text).toContain(`parent: ${parent.id}`);
  });

  it('gives no parent and no children to a session with neither', async () => {
    const lone = sessions.find((x) => x.parentId === null && !sessions.some((c) => c.parentId === x.id) && x.run === null)!;
    expect(await ask(lone.id)).toMatchObject({ parent: null, children: [], childrenTotal: 0, runs: [] });
  });

  it('gives the runs whose phases name the session, with the phase', async () => {
    const phased = sessions.filter((x) => x.run !== null);
    expect(phased.length).toBeGreaterThan(3);
    for (const s of phased) {
      const answer = await ask(s.id);
      expect(answer.runs, s.id).toEqual([{ runId: s.run!.id, phase: s.run!.phase }]);
      expect(answer.text).toContain(`run ${s.run!.id}: ${s.run!.phase}`);
    }
  });

  it('fails for an id the graph does not hold with the same error as files_touched', async () => {
    const other = sessionsOf(data, 1)[0]!;
    const error = await ask(other.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unknown_session', message: expect.stringContaining(`unknown session: ${other.id} is not in the graph`) });
    const filesTouched = await runQuery(context, { kind: 'files_touched', session: other.id }).catch((e: unknown) => e);
    expect(error).toEqual(filesTouched);
    await expect(ask("sess_' OR '1'='1")).rejects.toMatchObject({ code: 'unknown_session' });
  });

  it('needs an id', () => {
    expect(parseIntent({ kind: 'session' })).toMatchObject({ ok: false, message: expect.stringContaining('intent.id') });
    expect(parseIntent({ kind: 'session', id: '' })).toMatchObject({ ok: false, message: expect.stringContaining('intent.id') });
    expect(parseIntent({ kind: 'session', id: 'sess_x' })).toMatchObject({ ok: true });
  });
});
