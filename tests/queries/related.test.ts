// related and the enricher's "files likely involved" slot on a generated git repository whose answers are known by
// construction: a file found by its identifiers, one found only through the commit messages that changed it, the
// why of each signal, the signals switched off one by one, and co-change partners for a goal that names a path.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexWorkspace, openGraph, type Graph } from '../../src/api.js';
import { enrich } from '../../src/enrich.js';
import type { RelatedAnswer } from '../../queries/related.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';

let repo: GitRepo;
let graph: Graph;

async function related(intent: Record<string, unknown>): Promise<RelatedAnswer> {
  return (await graph.query({ kind: 'related', ...intent })) as RelatedAnswer;
}

beforeAll(async () => {
  const dir = tempDir('kg-related-');
  process.env.KG_HOME = join(dir, 'kg-home');
  repo = new GitRepo(join(dir, 'ws'));
  repo.commit({
    subject: 'feat: the first files',
    write: {
      'src/webhooks/retry-policy.ts': 'export function retryDelayMs(attempt: number): number { return 2 ** attempt * 100; }\n',
      'src/webhooks/deliver.ts': "import { retryDelayMs } from './retry-policy.js';\nexport async function deliverWebhook(url: string) { return retryDelayMs(1) + url.length; }\n",
      'src/billing/invoice.ts': 'export function invoiceTotal(lines: number[]): number { return lines.reduce((a, b) => a + b, 0); }\n',
      'src/shared/clock.ts': 'export const now = () => Date.now();\n',
      'package.json': '{"name":"ws","type":"module"}\n',
    },
  });
  // The clock only ever changes in commits about timeouts: its text says nothing of them, its history does.
  repo.commit({ subject: 'fix: endpoint timeout was ignored', write: { 'src/shared/clock.ts': 'export const now = () => Date.now() + 0;\n', 'src/webhooks/deliver.ts': null } });
  repo.commit({ subject: 'fix: timeout of slow endpoints', write: { 'src/shared/clock.ts': 'export const now = () => Date.now() + 1;\n', 'src/webhooks/deliver.ts': null } });
  repo.commit({ subject: 'feat: invoices in euros', write: { 'src/billing/invoice.ts': 'export function invoiceTotal(lines: number[]): number { return lines.length; }\n' } });
  await indexWorkspace(repo.dir, { dataDir: join(dir, 'no-data') });
  graph = await openGraph({ workspace: repo.dir });
});

afterAll(() => {
  graph.close();
  delete process.env.KG_HOME;
});

describe('related', () => {
  it('ranks the files whose identifiers and path match first, and says why', async () => {
    const answer = await related({ text: 'retry delay policy' });
    expect(answer.mode).toBe('lexical');
    expect(answer.terms).toEqual(expect.arrayContaining(['retry', 'delay', 'policy']));
    expect(answer.items[0]).toMatchObject({ kind: 'file', path: 'src/webhooks/retry-policy.ts', id: 'file:src/webhooks/retry-policy.ts' });
    const textWhy = answer.items[0]!.why.find((w) => w.signal === 'text');
    expect(textWhy).toMatchObject({ rank: 1 });
    expect(textWhy!.detail).toMatch(/retry/);
    expect(answer.items.map((i) => i.path)).not.toContain('src/billing/invoice.ts');
  });

  it('finds a file only its commit messages tie to the words, and not without the commits signal', async () => {
    const answer = await related({ text: 'endpoint timeout' });
    const clock = answer.items.find((i) => i.path === 'src/shared/clock.ts');
    expect(clock?.why.map((w) => w.signal)).toContain('commits');
    expect(clock?.why.find((w) => w.signal === 'commits')?.detail).toMatch(/timeout/);
    const withoutCommits = await related({ text: 'endpoint timeout', signals: ['text', 'churn', 'recency'] });
    expect(withoutCommits.signals).toEqual(['text', 'churn', 'recency']);
    expect(withoutCommits.items.map((i) => i.path)).not.toContain('src/shared/clock.ts');
  });

  it('gives symbols whose names share the words, and rejects what is not an intent', async () => {
    const answer = await related({ text: 'retry delay', of: ['symbol'] });
    expect(answer.items[0]).toMatchObject({ kind: 'symbol', path: 'src/webhooks/retry-policy.ts', title: expect.stringMatching(/^retryDelayMs/) });
    await expect(graph.query({ kind: 'related', text: '' })).rejects.toThrow(/intent\.text/);
    await expect(graph.query({ kind: 'related', text: 'x', signals: ['vibes'] })).rejects.toThrow(/intent\.signals/);
    await expect(graph.query({ kind: 'related', text: 'x'.repeat(5000) })).rejects.toThrow(/intent\.text/);
  });
});

describe('the files likely involved, in the enricher', () => {
  it('for a goal naming no path: what related ranks best, with why', async () => {
    const result = await enrich({ workspace: repo.dir, goal: 'make the retry delay policy configurable', budgetTokens: 2000, deadlineMs: 20_000, record: false });
    expect(result.slots.likelyFiles[0]).toMatchObject({ path: 'src/webhooks/retry-policy.ts', why: expect.stringMatching(/^text #1/) });
    expect(result.rendered).toContain('## Files likely involved');
    expect(result.manifest.slots.find((s) => s.slot === 'likelyFiles')).toMatchObject({ included: true, source: 'ok' });
  });

  it('for a goal naming a path: the files that usually change with it and are not named', async () => {
    const result = await enrich({ workspace: repo.dir, goal: 'speed up src/shared/clock.ts', budgetTokens: 2000, deadlineMs: 20_000, record: false });
    expect(result.slots.likelyFiles).toEqual([
      { path: 'src/webhooks/deliver.ts', why: 'changed with src/shared/clock.ts in 3 of its 3 commits (100%)', facts: null },
    ]);
  });
});
