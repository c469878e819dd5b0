// The history kinds through the real `kg` binary (build first: it runs from dist/) and through `kg serve`'s HTTP API:
// co-changes, file-history and diff-impact on a generated repository, a bad ref as one line with the bad-input exit
// code (HTTP 400), and a workspace without git answered with a note.

import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { GitRepo } from '../support/git-repo.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-git-cli-home-');
const kg = kgRunner(home);
const env = { WORKRAIL_DATA_DIR: join(home, 'no-data') };
const dir = realpathSync(tempDir('kg-git-cli-'));
const root = join(dir, 'repo');
const plain = join(dir, 'plain');
let repo: GitRepo;

const json = async (args: string[], cwd = root) => {
  const result = await kg([...args, '--json'], { cwd, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(async () => {
  repo = new GitRepo(root);
  const files = (n: number) => ({ 'src/core.ts': `export const core = ${n};\n`, 'src/util.ts': `export const util = ${n};\n` });
  repo.commit({
    subject: 'start',
    write: { ...files(1), 'src/api.ts': "import { core } from './core.js';\nexport const api = core;\n", 'tests/api.test.ts': "import '../src/api.js';\n" },
  });
  repo.commit({ subject: 'core and util', write: files(2) });
  repo.commit({ subject: 'core and util again', write: files(3) });
  repo.git('branch', 'main-before');
  repo.commit({ subject: 'core alone', write: { 'src/core.ts': 'export const core = 4;\n' } });
  expect((await kg(['index', '.'], { cwd: root, env })).code).toBe(0);
  mkdirSync(join(plain, 'src'), { recursive: true });
  writeFileSync(join(plain, 'src', 'a.ts'), 'export const a = 1;\n');
  expect((await kg(['index', '.'], { cwd: plain, env })).code).toBe(0);
}, 60_000);

describe('kg query, git history kinds', () => {
  it('co-changes FILE', async () => {
    const answer = await json(['query', 'co-changes', 'src/util.ts']);
    expect(answer).toMatchObject({ kind: 'co_changes', file: 'src/util.ts', commits: 3, total: 3 });
    expect(answer.items[0]).toEqual({ path: 'src/core.ts', support: 3, confidence: 1, importLinked: false });
    const text = await kg(['query', 'co-changes', 'src/core.ts'], { cwd: root, env });
    expect(text.stdout).toContain('src/util.ts  3 commit(s), 75%');
    expect(text.stdout).toContain('src/api.ts  1 commit(s), 25% [import-linked]');
  });

  it('file-history FILE', async () => {
    const answer = await json(['query', 'file-history', 'src/core.ts', '--limit', '2']);
    expect(answer).toMatchObject({ kind: 'file_history', commits: 4, total: 4, truncated: true });
    expect(answer.items.map((i: { subject: string }) => i.subject)).toEqual(['core alone', 'core and util again']);
  });

  it('diff-impact --base REF: the changed files, their importers, the tests, and the partners left out', async () => {
    const answer = await json(['query', 'diff-impact', '--base', 'main-before']);
    expect(answer).toMatchObject({
      kind: 'diff_impact',
      head: null,
      changed: [{ path: 'src/core.ts', status: 'modified', indexed: true }],
      items: [{ path: 'src/api.ts', depth: 1, isTest: false }, { path: 'tests/api.test.ts', depth: 2, isTest: true }],
      tests: ['tests/api.test.ts'],
      missingCoChanges: [{ path: 'src/util.ts', support: 3, confidence: 0.75, with: 'src/core.ts' }],
    });
    const text = await kg(['query', 'diff-impact', '--base', 'main-before', '--head', 'HEAD'], { cwd: root, env });
    expect(text.stdout).toMatch(/^main-before \([0-9a-f]{12}\)\.\.HEAD \([0-9a-f]{12}\) changes 1 file\(s\) \(src\/core\.ts\); they affect 2 more file\(s\), and 1 test\(s\) reach them\n/);
    expect(text.stdout).toContain('these usually change with what you changed, and are not in the diff: src/util.ts (with src/core.ts, 3 commits, 75%)');
  });

  it('diff-impact of the working tree', async () => {
    repo.write('src/util.ts', 'export const util = 5;\n');
    try {
      const answer = await json(['query', 'diff-impact']);
      expect(answer).toMatchObject({ base: repo.head(), head: null, changed: [{ path: 'src/util.ts', status: 'modified' }] });
      expect(answer.missingCoChanges.map((p: { path: string }) => p.path)).toEqual(['src/core.ts']);
    } finally {
      repo.git('checkout', '-q', '--', '.');
    }
  });

  it('fails in one line with the bad-input exit code for a bad ref, and for --head without --base', async () => {
    const unknown = await kg(['query', 'diff-impact', '--base', 'no-such-ref'], { cwd: root, env });
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'kg: unknown git ref "no-such-ref": it names no commit in this repository\n' });
    const option = await kg(['query', 'diff-impact', '--base=--output=x'], { cwd: root, env });
    expect(option).toEqual({ code: 2, stdout: '', stderr: 'kg: intent.base: a git ref cannot start with "-"\n' });
    const headOnly = await kg(['query', 'diff-impact', '--head', 'HEAD'], { cwd: root, env });
    expect(headOnly).toEqual({ code: 2, stdout: '', stderr: 'kg: diff-impact --head needs --base\n' });
    const positional = await kg(['query', 'diff-impact', 'main'], { cwd: root, env });
    expect(positional).toMatchObject({ code: 2, stderr: 'kg: diff-impact takes --base REF and --head REF, not "main"\n' });
  });

  it('answers with a note in a workspace without git', async () => {
    const diff = await json(['query', 'diff-impact'], plain);
    expect(diff).toMatchObject({ changed: [], note: 'the workspace is not in a git repository, so there is no diff to look at' });
    const partners = await json(['query', 'co-changes', 'src/a.ts'], plain);
    expect(partners).toMatchObject({ items: [], commits: 0, note: expect.stringMatching(/^the graph holds no git history/) });
    const text = await kg(['query', 'file-history', 'src/a.ts'], { cwd: plain, env });
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^0 commit\(s\) and 0 session\(s\) changed src\/a\.ts \(the graph holds no git history/);
  });
});

describe('kg serve, git history kinds', () => {
  let server: RunningServer;
  const saved = { home: process.env.KG_HOME, data: process.env.WORKRAIL_DATA_DIR };

  beforeAll(async () => {
    process.env.KG_HOME = home;
    process.env.WORKRAIL_DATA_DIR = env.WORKRAIL_DATA_DIR;
    server = await startServer({ port: 0, allowRoots: [dir] });
  });
  afterAll(async () => {
    await server.close();
    for (const [key, value] of [['KG_HOME', saved.home], ['WORKRAIL_DATA_DIR', saved.data]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const query = async (intent: unknown) => {
    const response = await fetch(`${server.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workspace: root, intent }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers the kinds, a bad ref as 400 bad_input', async () => {
    expect(await query({ kind: 'co_changes', file: 'src/util.ts' })).toMatchObject({ status: 200, body: { kind: 'co_changes', commits: 3 } });
    expect(await query({ kind: 'file_history', file: 'src/util.ts' })).toMatchObject({ status: 200, body: { kind: 'file_history', commits: 3 } });
    expect(await query({ kind: 'diff_impact', base: 'main-before' })).toMatchObject({ status: 200, body: { changed: [{ path: 'src/core.ts' }] } });
    expect(await query({ kind: 'diff_impact', base: 'no-such-ref' })).toEqual({
      status: 400,
      body: { error: { code: 'bad_input', message: 'unknown git ref "no-such-ref": it names no commit in this repository' } },
    });
  });
});
