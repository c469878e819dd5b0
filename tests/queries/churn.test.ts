// Churn on a generated repository whose answers are known by construction: commits in the last 50 along HEAD's
// first parents, decayed by age (half per 30 days before HEAD's commit), the last change, bulk commits left out of
// both counts, and renames followed.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexWorkspace, openGraph, type Graph } from '../../src/api.js';
import type { FileHistoryAnswer } from '../../queries/file-history.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400;
const T0 = 1_700_000_000;

let graph: Graph;

async function churnOf(file: string): Promise<FileHistoryAnswer['churn']> {
  return ((await graph.query({ kind: 'file_history', file })) as FileHistoryAnswer).churn;
}

beforeAll(async () => {
  const dir = tempDir('kg-churn-');
  process.env.KG_HOME = join(dir, 'kg-home');
  const repo = new GitRepo(join(dir, 'ws'));
  // Day 0: a.ts and old.ts; day 30: b.ts; 53 commits of c.ts (the first 5 fall out of the last 50); day 60 (HEAD):
  // a.ts, b.ts and the rename of old.ts, then a bulk commit of 40 files that touches a.ts again.
  repo.commit({ subject: 'feat: a', write: { 'src/a.ts': null, 'src/old.ts': 'export const old = 1;\n' }, time: T0 });
  repo.commit({ subject: 'feat: b', write: { 'src/b.ts': null }, time: T0 + 30 * DAY });
  for (let i = 0; i < 53; i++) repo.commit({ subject: `fix: c ${i}`, write: { 'src/c.ts': null }, time: T0 + 30 * DAY + (i + 1) * 60 });
  repo.commit({ subject: 'feat: a and b', write: { 'src/a.ts': null, 'src/b.ts': null }, move: { 'src/old.ts': 'src/new.ts' }, time: T0 + 60 * DAY - 60 });
  const bulk: Record<string, null> = { 'src/a.ts': null };
  for (let i = 0; i < 39; i++) bulk[`gen/g${i}.ts`] = null;
  repo.commit({ subject: 'chore: regenerate', write: bulk, time: T0 + 60 * DAY });
  await indexWorkspace(repo.dir, { dataDir: join(dir, 'no-data') });
  graph = await openGraph({ workspace: repo.dir });
});

afterAll(() => {
  graph.close();
  delete process.env.KG_HOME;
});

describe('churn', () => {
  it('counts the commits among the last 50 and decays each by its age before HEAD; a bulk commit counts for the last change only', async () => {
    // a.ts: day 0 (weight 1/4) and day 60 (1); the bulk commit at HEAD is its last change but not counted.
    expect(await churnOf('src/a.ts')).toEqual({ recent: 1, decayed: 1.25, lastChange: new Date((T0 + 60 * DAY) * 1000).toISOString(), ageDays: 0 });
    // b.ts: day 30 (1/2) and day 60 (1); its first commit is more than 50 commits back.
    expect(await churnOf('src/b.ts')).toMatchObject({ recent: 1, decayed: 1.5, ageDays: 0 });
    // c.ts: 53 commits on day 30, the last 48 of them among the last 50 (the newest two are a-and-b and the bulk one).
    expect(await churnOf('src/c.ts')).toMatchObject({ recent: 48, ageDays: 29 });
    expect((await churnOf('src/c.ts'))!.decayed).toBeCloseTo(53 * 0.5, 1);
  });

  it('follows a rename: the file at its new name has the old name commits too', async () => {
    expect(await churnOf('src/new.ts')).toMatchObject({ recent: 1, decayed: 1.25 });
  });

  it('shows in related as a prior with its count', async () => {
    const answer = (await graph.query({ kind: 'related', text: 'src', signals: ['text', 'churn'] })) as {
      items: { path: string | null; why: { signal: string; detail: string }[] }[];
    };
    const c = answer.items.find((item) => item.path === 'src/c.ts');
    expect(c?.why.find((w) => w.signal === 'churn')?.detail).toBe('48 of the last 50 commits');
  });
});
