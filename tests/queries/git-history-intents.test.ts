// co_changes, file_history, diff_impact and impact's co-change group on graphs of generated git repositories, whose
// answers are known by construction: renames, deletes, a merge, a bulk commit, a shallow clone, no git at all, and
// diffs between refs and of the working tree. Each repository is indexed by the real indexers.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownedTable, replaceOwned } from '../../graph/owned-rows.js';
import { nodeId, type SessionRow } from '../../graph/records.js';
import { GraphStore } from '../../graph/store.js';
import { SESSIONS } from '../../graph/tables.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { loadSnapshot, parseIntent, runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import { openGraph } from '../../src/api.js';
import { workTreeGit } from '../../src/git-changes.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
const dir = tempDir('kg-git-intents-');
const stores: GraphStore[] = [];
afterAll(() => stores.forEach((store) => store.close()));

let edits = 0;
/** A fresh text for a source file, importing `imports` (workspace paths under src/, as `./name.js`). */
const source = (...imports: string[]) => `${imports.map((i) => `import './${i.replace(/^src\//, '').replace(/\.ts$/, '.js')}';\n`).join('')}export const edit${++edits} = ${edits};\n`;

/** Indexes `root` into a new graph; the context answers with SQL, or over the in-memory snapshot when asked. */
async function indexed(root: string, name: string): Promise<{ store: GraphStore; sql: QueryContext; snapshot: QueryContext }> {
  const store = await GraphStore.open({ path: join(dir, `${name}.duckdb`) });
  stores.push(store);
  await indexWorkspaceInto(store, root, { dataDir: join(dir, 'no-data-dir') });
  const sql: QueryContext = { reader: store, root, probe: unchangedDisk, git: workTreeGit };
  return { store, sql, snapshot: { ...sql, snapshot: await loadSnapshot(store) } };
}

// src/a.ts with its partners: src/b.ts (renamed to src/b2.ts), src/gone.ts (deleted), src/c.ts (imported by a),
// README.md, and a feature branch merged with a merge commit; one commit of 201 files.
describe('co_changes and file_history', () => {
  const root = join(dir, 'history');
  const shas: Record<string, string> = {};
  let contexts: { name: string; context: QueryContext }[];

  beforeAll(async () => {
    const repo = new GitRepo(root);
    shas.c1 = repo.commit({ subject: 'start', write: { 'src/a.ts': source('src/c.ts'), 'src/b.ts': source(), 'src/c.ts': source(), 'README.md': '# r\n' } });
    shas.c2 = repo.commit({ subject: 'a and b', write: { 'src/a.ts': source('src/c.ts'), 'src/b.ts': source() } });
    shas.c3 = repo.commit({ subject: 'a, b and gone', write: { 'src/a.ts': source('src/c.ts'), 'src/b.ts': source(), 'src/gone.ts': source() } });
    shas.c4 = repo.commit({ subject: 'a and gone', write: { 'src/a.ts': source('src/c.ts'), 'src/gone.ts': source() } });
    shas.c5 = repo.commit({ subject: 'drop gone', remove: ['src/gone.ts'] });
    shas.c6 = repo.commit({ subject: 'rename b', move: { 'src/b.ts': 'src/b2.ts' } });
    const bulk: Record<string, string | null> = { 'src/a.ts': source('src/c.ts') };
    for (let i = 0; i < 200; i++) bulk[`gen/f${String(i).padStart(3, '0')}.ts`] = null;
    shas.c7 = repo.commit({ subject: 'generate 200 files', write: bulk });
    repo.git('checkout', '-q', '-b', 'feature');
    shas.f1 = repo.commit({ subject: 'feature: c and d', write: { 'src/c.ts': source(), 'src/d.ts': source() } });
    shas.f2 = repo.commit({ subject: 'feature: a and c', write: { 'src/a.ts': source('src/c.ts'), 'src/c.ts': source() } });
    repo.git('checkout', '-q', 'main');
    shas.c8 = repo.commit({ subject: 'readme', write: { 'README.md': '# readme\n' } });
    shas.merge = repo.merge('feature', 'merge feature');
    const graph = await indexed(root, 'history');
    // Two sessions: one changed src/b.ts before its rename, one src/a.ts after the merge.
    const session = (id: string, goal: string, endedAt: string): SessionRow => ({
      id, workflowId: null, title: goal, goal, status: 'completed', outcome: null, branch: null, startHead: null, endHead: null,
      startedAt: endedAt, endedAt, updatedAt: endedAt, triggerSource: null, inputTokens: null, outputTokens: null, recap: null,
      notes: null, parentId: null, changesKnown: true, changesSource: 'git', repoRoot: root, prUrl: null, durationMs: null,
    });
    const produced = (id: string, path: string) => ({ src: nodeId.session(id), dst: nodeId.file(path), kind: 'produced_by', attrs: { change: 'modified', source: 'git' } });
    await graph.store.write((tx) =>
      replaceOwned(tx, {
        owner: 'sessions',
        // Commits are an hour apart from 2023-11-14T23:13:20Z: the first session ends between c3 and c4.
        tables: [ownedTable(SESSIONS, [session('s-old', 'tidy b', '2023-11-15T01:30:00.000Z'), session('s-new', 'tune a', '2030-01-01T00:00:00.000Z')])],
        edges: [produced('s-old', 'src/b.ts'), produced('s-new', 'src/a.ts')],
      }),
    );
    contexts = [
      { name: 'sql', context: graph.sql },
      { name: 'snapshot', context: { ...graph.sql, snapshot: await loadSnapshot(graph.store) } },
    ];
  });

  it('names the partners by support, then confidence, then path, leaving out the bulk commit and the deleted file', async () => {
    for (const { name, context } of contexts) {
      const answer = await runQuery(context, { kind: 'co_changes', file: 'src/a.ts' });
      // a's commits of at most 30 files: c1, c2, c3, c4 and the merge (once, against its first parent); c7 is bulk.
      expect(answer, name).toMatchObject({ file: 'src/a.ts', commits: 5, bulkCommits: 1, note: null, total: 4, truncated: false });
      expect(answer.items, name).toEqual([
        { path: 'src/b2.ts', support: 3, confidence: 0.6, importLinked: false },
        { path: 'src/c.ts', support: 2, confidence: 0.4, importLinked: true },
        { path: 'README.md', support: 1, confidence: 0.2, importLinked: false },
        { path: 'src/d.ts', support: 1, confidence: 0.2, importLinked: false },
      ]);
      expect(answer.text, name).toContain('4 file(s) changed together with src/a.ts in its 5 commit(s) of at most 30 files (1 larger commit(s) ignored)');
    }
  });

  it('follows a rename: the new name has the old name\'s commits, and partners are named as at HEAD', async () => {
    const answer = await runQuery(contexts[0]!.context, { kind: 'co_changes', file: 'src/b2.ts' });
    expect(answer.commits).toBe(4);
    expect(answer.items.map((i) => [i.path, i.support])).toEqual([['src/a.ts', 3], ['README.md', 1], ['src/c.ts', 1]]);
  });

  it('cuts to the limit and says so', async () => {
    const answer = await runQuery(contexts[0]!.context, { kind: 'co_changes', file: 'src/a.ts', limit: 2 });
    expect(answer).toMatchObject({ total: 4, truncated: true });
    expect(answer.items.map((i) => i.path)).toEqual(['src/b2.ts', 'src/c.ts']);
  });

  it('answers a file only git history names (README.md), and a file neither knows with unknown_file', async () => {
    const readme = await runQuery(contexts[0]!.context, { kind: 'co_changes', file: 'README.md' });
    expect(readme.commits).toBe(2);
    for (const { context } of contexts) {
      await expect(runQuery(context, { kind: 'co_changes', file: 'src/nope.ts' })).rejects.toMatchObject({ code: 'unknown_file' });
      await expect(runQuery(context, { kind: 'file_history', file: 'src/nope.ts' })).rejects.toMatchObject({ code: 'unknown_file' });
    }
  });

  it('tells a file\'s history through its rename, with the sessions that changed it under either name, newest first', async () => {
    for (const { name, context } of contexts) {
      const answer = await runQuery(context, { kind: 'file_history', file: 'src/b2.ts' });
      expect(answer, name).toMatchObject({ file: 'src/b2.ts', commits: 4, sessions: 1, total: 5, truncated: false, note: null });
      expect(answer.items, name).toEqual([
        { type: 'commit', sha: shas.c6, subject: 'rename b', status: 'renamed', path: 'src/b2.ts', oldPath: 'src/b.ts', merge: false, at: expect.any(String) },
        { type: 'session', id: 's-old', title: 'tidy b', goal: 'tidy b', change: 'modified', path: 'src/b.ts', at: '2023-11-15T01:30:00.000Z' },
        { type: 'commit', sha: shas.c3, subject: 'a, b and gone', status: 'modified', path: 'src/b.ts', oldPath: null, merge: false, at: expect.any(String) },
        { type: 'commit', sha: shas.c2, subject: 'a and b', status: 'modified', path: 'src/b.ts', oldPath: null, merge: false, at: expect.any(String) },
        { type: 'commit', sha: shas.c1, subject: 'start', status: 'added', path: 'src/b.ts', oldPath: null, merge: false, at: expect.any(String) },
      ]);
      expect(answer.text, name).toContain('renamed from src/b.ts');
    }
  });

  it('lists a merge once, and a deleted file\'s history ends with its deletion', async () => {
    const a = await runQuery(contexts[0]!.context, { kind: 'file_history', file: 'src/a.ts', limit: 3 });
    expect(a.items.map((i) => (i.type === 'commit' ? i.subject : i.id))).toEqual(['s-new', 'merge feature', 'generate 200 files']);
    expect(a).toMatchObject({ commits: 6, sessions: 1, total: 7, truncated: true });
    const gone = await runQuery(contexts[0]!.context, { kind: 'file_history', file: 'src/gone.ts' });
    expect(gone.items.map((i) => i.type === 'commit' && [i.subject, i.status])).toEqual([['drop gone', 'deleted'], ['a and gone', 'modified'], ['a, b and gone', 'added']]);
  });

  it('adds to impact the co-change partners outside the import closure, labelled, without changing the other fields', async () => {
    // a.ts imports c.ts: a is in c's closure, so no hint; c's other partners changed with it once only.
    const impact = await runQuery(contexts[1]!.context, { kind: 'impact', files: ['src/c.ts'] });
    expect(impact.items.map((i) => i.path)).toEqual(['src/a.ts']);
    expect(impact.coChanges).toEqual([]);
    // Nothing imports a.ts, so both strong partners are outside its closure (c.ts too: a imports it, not the reverse).
    const ofA = await runQuery(contexts[1]!.context, { kind: 'impact', files: ['src/a.ts'] });
    expect(ofA.items).toEqual([]);
    expect(ofA.coChanges).toEqual([
      { path: 'src/b2.ts', support: 3, confidence: 0.6, with: 'src/a.ts' },
      { path: 'src/c.ts', support: 2, confidence: 0.4, with: 'src/a.ts' },
    ]);
    expect(ofA.text).toContain('usually change with these (git history, no import path): src/b2.ts (with src/a.ts, 3 commits, 60%)');
  });
});

describe('a shallow clone and a workspace without git', () => {
  let shallow: QueryContext;
  let noGit: QueryContext;

  beforeAll(async () => {
    const origin = new GitRepo(join(dir, 'origin'));
    for (let i = 1; i <= 8; i++) origin.commit({ subject: `c${i}`, write: { 'src/a.ts': source(), 'src/b.ts': source() } });
    const clone = join(dir, 'shallow');
    execFileSync('git', ['-c', 'core.fsmonitor=false', 'clone', '-q', '--depth', '5', `file://${origin.dir}`, clone]);
    shallow = (await indexed(clone, 'shallow')).sql;
    const plain = join(dir, 'plain');
    mkdirSync(join(plain, 'src'), { recursive: true });
    writeFileSync(join(plain, 'src', 'a.ts'), "import './b.js';\n");
    writeFileSync(join(plain, 'src', 'b.ts'), 'export const b = 1;\n');
    noGit = (await indexed(plain, 'plain')).sql;
  });

  it('counts only the commits whose changes git has, and says the history is cut', async () => {
    const answer = await runQuery(shallow, { kind: 'co_changes', file: 'src/a.ts' });
    // Five commits cloned: the boundary one's changes are unknown, so four count.
    expect(answer).toMatchObject({ commits: 4, items: [{ path: 'src/b.ts', support: 4, confidence: 1, importLinked: false }] });
    expect(answer.note).toMatch(/shallow clone/);
    const history = await runQuery(shallow, { kind: 'file_history', file: 'src/a.ts' });
    expect(history.items.map((i) => i.type === 'commit' && i.subject)).toEqual(['c8', 'c7', 'c6', 'c5']);
    expect(history.note).toMatch(/shallow clone/);
  });

  it('answers the history kinds empty with a note, never an error', async () => {
    const partners = await runQuery(noGit, { kind: 'co_changes', file: 'src/a.ts' });
    expect(partners).toMatchObject({ items: [], total: 0, commits: 0, note: expect.stringMatching(/no git history/) });
    expect(partners.text).toMatch(/no git history/);
    const history = await runQuery(noGit, { kind: 'file_history', file: 'src/a.ts' });
    expect(history).toMatchObject({ items: [], total: 0, note: expect.stringMatching(/no git history/) });
    const diff = await runQuery(noGit, { kind: 'diff_impact' });
    expect(diff).toMatchObject({ items: [], changed: [], base: null, head: null, note: expect.stringMatching(/not in a git repository/) });
    const impact = await runQuery(noGit, { kind: 'impact', files: ['src/b.ts'] });
    expect(impact).toMatchObject({ items: [{ path: 'src/a.ts', depth: 1, isTest: false }], coChanges: [] });
    // A caller without git access (a context without `git`) hears so.
    const { git: _git, ...withoutGit } = noGit;
    expect((await runQuery(withoutGit, { kind: 'diff_impact' })).note).toMatch(/cannot read git/);
  });
});

// src/core.ts, imported by src/api.ts, imported by src/cli.ts and tests/api.test.ts; src/util.ts changes with core.
describe('diff_impact', () => {
  const root = join(dir, 'diff');
  let repo: GitRepo;
  let contexts: { name: string; context: QueryContext }[];

  beforeAll(async () => {
    repo = new GitRepo(root);
    repo.commit({
      subject: 'start',
      write: {
        'src/core.ts': source(),
        'src/api.ts': source('src/core.ts'),
        'src/cli.ts': source('src/api.ts'),
        'tests/api.test.ts': "import '../src/api.js';\n",
        'src/util.ts': source(),
        'AGENTS.md': '# Conventions\n\n## Testing\n\nRun the tests.\n',
        'package.json': '{ "name": "diff", "type": "module" }\n',
        'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "strict": true }, "include": ["src", "tests"] }\n',
      },
    });
    repo.commit({ subject: 'core and util', write: { 'src/core.ts': source(), 'src/util.ts': source() } });
    repo.commit({ subject: 'core and util again', write: { 'src/core.ts': source(), 'src/util.ts': source() } });
    repo.commit({ subject: 'core, util and api', write: { 'src/core.ts': source(), 'src/util.ts': source(), 'src/api.ts': source('src/core.ts') } });
    repo.git('tag', 'start');
    repo.commit({ subject: 'core alone', write: { 'src/core.ts': source() } });
    const graph = await indexed(root, 'diff');
    contexts = [
      { name: 'sql', context: graph.sql },
      { name: 'snapshot', context: graph.snapshot },
    ];
  });

  it('between two refs: the changed files, their importers, the tests to run, the conventions, the partners left out', async () => {
    for (const { name, context } of contexts) {
      const answer = await runQuery(context, { kind: 'diff_impact', base: 'start', head: 'HEAD' });
      expect(answer, name).toMatchObject({
        base: repo.git('rev-parse', 'start'),
        head: repo.head(),
        changed: [{ path: 'src/core.ts', status: 'modified', indexed: true }],
        items: [
          { path: 'src/api.ts', depth: 1, isTest: false },
          { path: 'src/cli.ts', depth: 2, isTest: false },
          { path: 'tests/api.test.ts', depth: 2, isTest: true },
        ],
        tests: ['tests/api.test.ts'],
        note: null,
      });
      expect(answer.conventions.map((c) => c.headingPath), name).toContain('Conventions > Testing');
      // core's 5 commits: util in 4 of them (c1 to c4), api in 2 (c1, c4); cli and the test in 1 only.
      expect(answer.missingCoChanges, name).toEqual([
        { path: 'src/util.ts', support: 4, confidence: 0.8, with: 'src/core.ts' },
        { path: 'src/api.ts', support: 2, confidence: 0.4, with: 'src/core.ts' },
      ]);
      expect(answer.text, name).toContain('these usually change with what you changed, and are not in the diff: src/util.ts (with src/core.ts, 4 commits, 80%)');
    }
  });

  it('of the working tree: staged, unstaged and untracked changes against HEAD, or against a base', async () => {
    repo.write('src/util.ts', source());
    repo.write('src/new.ts', source('src/core.ts'));
    repo.write('src/staged.ts', source());
    repo.git('add', 'src/staged.ts');
    try {
      for (const { name, context } of contexts) {
        const uncommitted = await runQuery(context, { kind: 'diff_impact' });
        expect(uncommitted, name).toMatchObject({
          base: repo.head(),
          head: null,
          changed: [
            { path: 'src/new.ts', status: 'added', indexed: false },
            { path: 'src/staged.ts', status: 'added', indexed: false },
            { path: 'src/util.ts', status: 'modified', indexed: true },
          ],
          items: [],
          note: '2 changed file(s) are not in the graph (new since the index?): reindex to follow their imports',
        });
        // util's 4 commits all changed core, and 2 of them api.
        expect(uncommitted.missingCoChanges, name).toEqual([
          { path: 'src/core.ts', support: 4, confidence: 1, with: 'src/util.ts' },
          { path: 'src/api.ts', support: 2, confidence: 0.5, with: 'src/util.ts' },
        ]);
        const sinceStart = await runQuery(context, { kind: 'diff_impact', base: 'start' });
        expect(sinceStart.changed.map((f) => f.path), name).toEqual(['src/core.ts', 'src/new.ts', 'src/staged.ts', 'src/util.ts']);
        // api changes with core (2 of 5) and util (2 of 4): named once, with the stronger.
        expect(sinceStart.missingCoChanges, name).toEqual([{ path: 'src/api.ts', support: 2, confidence: 0.5, with: 'src/util.ts' }]);
      }
    } finally {
      repo.git('reset', '-q');
      repo.git('checkout', '-q', '--', '.');
      repo.git('clean', '-qfd');
    }
  });

  it('is never answered from a kept-open graph\'s answer cache: the working tree moves without the graph', async () => {
    const graph = await openGraph({ workspace: root, db: join(dir, 'diff.duckdb'), cacheAnswers: true });
    try {
      expect(await graph.query({ kind: 'diff_impact' })).toMatchObject({ changed: [] });
      repo.write('src/cli.ts', source('src/api.ts'));
      expect(await graph.query({ kind: 'diff_impact' })).toMatchObject({ changed: [{ path: 'src/cli.ts', status: 'modified' }] });
    } finally {
      graph.close();
      repo.git('checkout', '-q', '--', '.');
    }
  });

  it('refuses a ref that names no commit, or one that reads as an option, in one line', async () => {
    const context = contexts[0]!.context;
    await expect(runQuery(context, { kind: 'diff_impact', base: 'no-such-branch' })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'unknown git ref "no-such-branch": it names no commit in this repository',
    });
    await expect(runQuery(context, { kind: 'diff_impact', base: 'start', head: 'start~99' })).rejects.toMatchObject({ code: 'bad_input' });
    await expect(runQuery(context, { kind: 'diff_impact', base: '--output=/tmp/x' })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'bad git ref "--output=/tmp/x": a ref cannot start with "-"',
    });
    expect(parseIntent({ kind: 'diff_impact', base: '-x' })).toEqual({ ok: false, message: 'intent.base: a git ref cannot start with "-"' });
    expect(parseIntent({ kind: 'diff_impact', head: 'main' })).toEqual({ ok: false, message: 'intent.head: `head` needs `base`' });
  });
});

describe('a workspace below the top of its repository', () => {
  it('names the changes and the history of the workspace only, by workspace paths', async () => {
    const repo = new GitRepo(join(dir, 'mono'));
    repo.commit({ subject: 'start', write: { 'packages/app/src/a.ts': source(), 'packages/app/src/b.ts': source(), 'other/c.ts': source() } });
    repo.commit({ subject: 'all three', write: { 'packages/app/src/a.ts': source(), 'packages/app/src/b.ts': source(), 'other/c.ts': source() } });
    repo.git('tag', 'two');
    repo.commit({ subject: 'a and c', write: { 'packages/app/src/a.ts': source(), 'other/c.ts': source() } });
    repo.write('packages/app/src/b.ts', source());
    repo.write('other/c.ts', source());
    const { sql } = await indexed(join(repo.dir, 'packages', 'app'), 'mono');
    const diff = await runQuery(sql, { kind: 'diff_impact', base: 'two' });
    expect(diff.changed).toEqual([
      { path: 'src/a.ts', status: 'modified', indexed: true },
      { path: 'src/b.ts', status: 'modified', indexed: true },
    ]);
    const partners = await runQuery(sql, { kind: 'co_changes', file: 'src/a.ts' });
    expect(partners.items.map((i) => [i.path, i.support])).toEqual([['src/b.ts', 2]]);
  });
});

// A seeded random history (writes within folders, moves, deletes, an occasional bulk commit): the answers over the
// in-memory facts of a kept-open graph must be the SQL's, for every file.
describe('co-change in memory and in SQL', () => {
  it('agree on every file of a random history', async () => {
    const repo = new GitRepo(join(dir, 'random'));
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n));
    const live = new Set<string>();
    const fresh = () => `src/m${random(4)}/f${random(12)}.ts`;
    for (let c = 0; c < 60; c++) {
      const write: Record<string, string> = {};
      const move: Record<string, string> = {};
      const remove: string[] = [];
      const bulk = random(20) === 0;
      if (bulk) for (let i = 0; i < 35; i++) write[`src/m${i % 4}/f${Math.floor(i / 4)}.ts`] = source();
      for (let k = 1 + random(5); k > 0; k--) write[live.size > 0 && random(3) > 0 ? [...live][random(live.size)]! : fresh()] = source();
      if (c > 5 && random(4) === 0) {
        const from = [...live][random(live.size)]!;
        const to = `src/moved/${from.replaceAll('/', '-')}`;
        if (!(from in write) && !live.has(to)) move[from] = to;
      }
      if (c > 5 && random(5) === 0) {
        const gone = [...live][random(live.size)]!;
        if (!(gone in write) && !(gone in move)) remove.push(gone);
      }
      repo.commit({ subject: `c${c}`, write, move, remove });
      for (const path of Object.keys(write)) live.add(path);
      for (const [from, to] of Object.entries(move)) {
        live.delete(from);
        live.add(to);
      }
      for (const path of remove) live.delete(path);
    }
    const graph = await indexed(repo.dir, 'random');
    const names = (await graph.store.all<{ path: string }>(`SELECT DISTINCT current AS path FROM commit_files ORDER BY path`)).map((r) => r.path);
    expect(names.length).toBeGreaterThan(20);
    const statuses = await graph.store.all<{ status: string }>(`SELECT DISTINCT status FROM commit_files ORDER BY status`);
    expect(statuses.map((r) => r.status)).toEqual(['added', 'deleted', 'modified', 'renamed']);
    expect((await graph.store.all<{ n: number }>(`SELECT count(*) AS n FROM commits WHERE files_changed > 30`))[0]!.n).toBeGreaterThan(0);
    let partners = 0;
    for (const file of names) {
      const [sql, memory] = await Promise.all([
        runQuery(graph.sql, { kind: 'co_changes', file, limit: 100 }),
        runQuery(graph.snapshot, { kind: 'co_changes', file, limit: 100 }),
      ]);
      expect({ ...memory, freshness: null }, file).toEqual({ ...sql, freshness: null });
      partners += sql.total;
    }
    expect(partners).toBeGreaterThan(100);
    const sample = names.filter((_, i) => i % 3 === 0);
    const hints = async (context: QueryContext) =>
      (await runQuery(context, { kind: 'diff_impact', base: 'HEAD~10', head: 'HEAD' })).missingCoChanges;
    expect(await hints(graph.snapshot)).toEqual(await hints(graph.sql));
    const exclude = async (context: QueryContext) => (await runQuery(context, { kind: 'impact', files: sample.filter((f) => live.has(f)) })).coChanges;
    expect(await exclude(graph.snapshot)).toEqual(await exclude(graph.sql));
  }, 60_000);
});
