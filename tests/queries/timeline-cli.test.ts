// `kg query timeline` and `kg query session` through the real `kg` binary (build first: it runs from dist/).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionsOf } from '../fixtures/datadir/expected.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-home-');
const runKg = kgRunner(home);
let data: GeneratedDataDir;
let workspace: string;

// Run from the workspace, with no data dir of its own.
const kg = (args: string[]) => runKg(args, { cwd: workspace, env: { WORKRAIL_DATA_DIR: join(home, 'no-data-here') } });

const json = async (args: string[]) => {
  const result = await kg([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  data = generateDataDir({ seed: 42, dir: join(tempDir(), 'fixture') });
  workspace = data.workspaces[0]!;
  expect((await kg(['index', '.', '--data-dir', data.dataDir, '--json'])).code).toBe(0);
});

describe('kg query timeline', () => {
  it('takes the page and the filters as flags, and --json gives the whole answer', async () => {
    const first = await json(['query', 'timeline', '--limit', '5']);
    const second = await json(['query', 'timeline', '--limit', '5', '--offset', '5']);
    expect(first).toMatchObject({ kind: 'timeline', offset: 0, truncated: true });
    expect(second).toMatchObject({ kind: 'timeline', offset: 5, total: first.total });
    const ids = [...first.items, ...second.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(10);
    expect(first.facets.status).toContain('completed');

    const runs = await json(['query', 'timeline', '--type', 'run', '--workflow', 'FULL', '--status', 'completed']);
    expect(runs.items.length).toBeGreaterThan(0);
    for (const item of runs.items) expect(item).toMatchObject({ type: 'run', workflowId: 'FULL', status: 'completed' });
    const s = sessionsOf(data, 0).find((x) => x.outcome !== null)!;
    const narrowed = await json(['query', 'timeline', '--branch', s.branch, '--outcome', s.outcome!, '--text', s.id.toUpperCase()]);
    expect(narrowed).toMatchObject({ total: 1, items: [{ id: s.id, type: 'session' }] });
  });

  it('prints a page of lines without --json', async () => {
    const result = await kg(['query', 'timeline', '--limit', '3', '--type', 'session']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^timeline: 1-3 of \d+ item\(s\) matching type "session", newest first$/);
    expect(lines[1]).toMatch(/^ {2}session sess_/);
    expect(lines.at(-1)).toBe('  … (more: offset 3)');
  });

  it('says the range of a bad --offset, --limit or --type and exits 2', async () => {
    for (const [args, message] of [
      [['--offset', '-1'], 'expected a whole number from 0 to 1000000'],
      [['--offset', '1000001'], 'expected a whole number from 0 to 1000000'],
      [['--type', 'commit'], 'expected session or run'],
      [['--limit', '201'], 'intent.limit: at most 200 (1 to 200)'],
      [['some', 'words'], 'timeline takes flags'],
    ] as const) {
      const result = await kg(['query', 'timeline', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });
});

describe('kg query session', () => {
  it('answers one session in full', async () => {
    const s = sessionsOf(data, 0).find((x) => x.run !== null && (x.files ?? []).length > 0)!;
    const answer = await json(['query', 'session', s.id]);
    expect(answer).toMatchObject({ kind: 'session', session: { id: s.id, title: s.title }, runs: [{ runId: s.run!.id, phase: s.run!.phase }] });
    expect(answer.items.length).toBe(s.files!.length);
    const text = await kg(['query', 'session', s.id]);
    expect(text.stdout).toContain(`run ${s.run!.id}: ${s.run!.phase}`);
  });

  it('fails with exit 1 for an unknown id, and needs exactly one', async () => {
    const unknown = await kg(['query', 'session', 'sess_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown session: sess_nope is not in the graph');
    const none = await kg(['query', 'session']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('session takes exactly one SESSION_ID, got 0');
  });
});
