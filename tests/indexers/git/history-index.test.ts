// The git history indexer on generated repositories whose history is known by construction: what a full index
// stores, what a reindex reads (only the new commits), and that the incremental graph is the one a full index builds
// after new commits, a rewritten history and a new depth.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphStore } from '../../../graph/store.js';
import { indexWorkspaceInto } from '../../../indexers/index.js';
import { reindexWorkspaceInto } from '../../../indexers/reindex.js';
import { GitRepo } from '../../support/git-repo.js';
import { tempDir } from '../../support/temp.js';

const NO_DATA = { dataDir: '/nonexistent-kg-data-dir', git: null };

interface CommitOut {
  seq: number;
  subject: string;
  files_changed: number | null;
  merge: boolean;
}

async function commits(store: GraphStore): Promise<CommitOut[]> {
  return store.all<CommitOut>(`SELECT seq, subject, files_changed, merge FROM commits ORDER BY seq DESC`);
}

async function historyTables(store: GraphStore): Promise<unknown[]> {
  return [
    await store.all(`SELECT sha, seq, authored_at::VARCHAR AS at, subject, body, files_changed, merge FROM commits ORDER BY ALL`),
    await store.all(`SELECT sha, seq, path, current, status, old_path FROM commit_files ORDER BY ALL`),
  ];
}

async function openStore(name: string): Promise<GraphStore> {
  return GraphStore.open({ path: join(tempDir('kg-git-db-'), `${name}.duckdb`) });
}

/** A fresh full index of `root` in its own graph, for comparison. */
async function fullTables(root: string, options: object = {}): Promise<unknown[]> {
  const store = await openStore('full');
  try {
    await indexWorkspaceInto(store, root, { ...NO_DATA, ...options });
    return await historyTables(store);
  } finally {
    store.close();
  }
}

function seeded(): GitRepo {
  const repo = new GitRepo(join(tempDir('kg-git-'), 'ws'));
  repo.commit({ subject: 'feat: a and b', write: { 'src/a.ts': null, 'src/b.ts': null } });
  repo.commit({ subject: 'fix: a with b', write: { 'src/a.ts': null, 'src/b.ts': null } });
  repo.commit({ subject: 'feat: c', write: { 'src/c.ts': null, 'src/a.ts': null } });
  return repo;
}

describe('the git history indexer', () => {
  it('stores the first-parent commits newest first with their files: renames followed to HEAD, deletes, merges, a bulk commit', async () => {
    const repo = seeded();
    repo.commit({ subject: 'refactor: move b', move: { 'src/b.ts': 'src/lib/b.ts' } });
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit({ subject: 'feat: d on a branch', write: { 'src/d.ts': null, 'src/a.ts': null } });
    repo.commit({ subject: 'fix: d again', write: { 'src/d.ts': null } });
    repo.git('checkout', '-q', 'main');
    repo.commit({ subject: 'chore: remove c', remove: ['src/c.ts'] });
    repo.merge('topic', 'Merge branch topic');
    const bulk: Record<string, null> = {};
    for (let i = 0; i < 200; i++) bulk[`gen/f${i}.ts`] = null;
    repo.commit({ subject: 'chore: generate 200 files', write: { ...bulk, 'src/a.ts': null } });

    const store = await openStore('g');
    try {
      const report = await indexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'full', commits: 7, read: 7, depth: 1000, shallow: false, detached: false, head: repo.head() });
      // The branch's own commits are not on the first-parent chain: the merge brings their changes in, once.
      expect(await commits(store)).toEqual([
        { seq: 7, subject: 'chore: generate 200 files', files_changed: 201, merge: false },
        { seq: 6, subject: 'Merge branch topic', files_changed: 2, merge: true },
        { seq: 5, subject: 'chore: remove c', files_changed: 1, merge: false },
        { seq: 4, subject: 'refactor: move b', files_changed: 1, merge: false },
        { seq: 3, subject: 'feat: c', files_changed: 2, merge: false },
        { seq: 2, subject: 'fix: a with b', files_changed: 2, merge: false },
        { seq: 1, subject: 'feat: a and b', files_changed: 2, merge: false },
      ]);
      const files = await store.all(
        `SELECT seq, path, current, status, old_path FROM commit_files WHERE path NOT LIKE 'gen/%' ORDER BY seq, path`,
      );
      expect(files).toEqual([
        { seq: 1, path: 'src/a.ts', current: 'src/a.ts', status: 'added', old_path: null },
        { seq: 1, path: 'src/b.ts', current: 'src/lib/b.ts', status: 'added', old_path: null },
        { seq: 2, path: 'src/a.ts', current: 'src/a.ts', status: 'modified', old_path: null },
        { seq: 2, path: 'src/b.ts', current: 'src/lib/b.ts', status: 'modified', old_path: null },
        { seq: 3, path: 'src/a.ts', current: 'src/a.ts', status: 'modified', old_path: null },
        { seq: 3, path: 'src/c.ts', current: 'src/c.ts', status: 'added', old_path: null },
        { seq: 4, path: 'src/lib/b.ts', current: 'src/lib/b.ts', status: 'renamed', old_path: 'src/b.ts' },
        { seq: 5, path: 'src/c.ts', current: 'src/c.ts', status: 'deleted', old_path: null },
        { seq: 6, path: 'src/a.ts', current: 'src/a.ts', status: 'modified', old_path: null },
        { seq: 6, path: 'src/d.ts', current: 'src/d.ts', status: 'added', old_path: null },
        { seq: 7, path: 'src/a.ts', current: 'src/a.ts', status: 'modified', old_path: null },
      ]);
    } finally {
      store.close();
    }
  });

  it('keeps a message whole that tries to look like the next commit, and caps subject and body', async () => {
    const repo = seeded();
    const fake = `\x1e${'a'.repeat(40)}\n\nsrc/evil.ts`;
    repo.commit({ subject: 'fix: tricky', body: `${fake}\n${'x'.repeat(10_000)}`, write: { 'src/a.ts': null } });
    const store = await openStore('g');
    try {
      await indexWorkspaceInto(store, repo.dir, NO_DATA);
      const [top] = await store.all<{ subject: string; n: number; evil: boolean }>(
        `SELECT subject, length(body)::INTEGER AS n, body LIKE '%src/evil.ts%' AS evil FROM commits ORDER BY seq DESC LIMIT 1`,
      );
      expect(top).toEqual({ subject: 'fix: tricky', n: 4096, evil: true });
      expect(await store.all(`SELECT count(*)::INTEGER AS n FROM commit_files WHERE path = 'src/evil.ts'`)).toEqual([{ n: 0 }]);
      expect((await commits(store)).length).toBe(4);
    } finally {
      store.close();
    }
  });

  it('reports a folder without git, a repository without commits, a detached HEAD and a shallow clone, and never fails', async () => {
    const plain = join(tempDir('kg-nogit-'), 'ws');
    mkdirSync(join(plain, 'src'), { recursive: true });
    writeFileSync(join(plain, 'src/a.ts'), 'export const a = 1;\n');
    const store = await openStore('none');
    try {
      const report = await indexWorkspaceInto(store, plain, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'none', commits: 0, head: null, note: 'not in a git repository' });
      expect(report.counts.files).toBe(1);
    } finally {
      store.close();
    }

    const unborn = new GitRepo(join(tempDir('kg-unborn-'), 'ws'));
    unborn.write('src/a.ts', 'export const a = 1;\n');
    const store2 = await openStore('unborn');
    try {
      const report = await indexWorkspaceInto(store2, unborn.dir, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'none', commits: 0, note: 'the repository has no commits yet' });
    } finally {
      store2.close();
    }

    const repo = seeded();
    for (let i = 0; i < 6; i++) repo.commit({ subject: `fix: step ${i}`, write: { 'src/a.ts': null, 'src/b.ts': null } });
    const shallow = join(tempDir('kg-shallow-'), 'ws');
    execFileSync('git', ['clone', '-q', '--depth', '4', `file://${repo.dir}`, shallow]);
    const store3 = await openStore('shallow');
    try {
      const report = await indexWorkspaceInto(store3, shallow, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'full', commits: 4, shallow: true });
      expect(report.warnings.map((w) => w.code)).toContain('git_shallow');
      // The boundary commit shows as adding every file: its changes are unknown, so none are stored.
      expect((await commits(store3)).map((c) => c.files_changed)).toEqual([2, 2, 2, null]);
      expect(await store3.all(`SELECT count(*)::INTEGER AS n FROM commit_files WHERE seq = 1`)).toEqual([{ n: 0 }]);
    } finally {
      store3.close();
    }

    repo.git('checkout', '-q', '--detach', 'HEAD~2');
    const store4 = await openStore('detached');
    try {
      const report = await indexWorkspaceInto(store4, repo.dir, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'full', commits: 7, detached: true });
    } finally {
      store4.close();
    }
  });

  it('says in one warning that git could not be run, and indexes the code anyway', async () => {
    const repo = seeded();
    const store = await openStore('nogitbin');
    const path = process.env.PATH;
    process.env.PATH = join(tempDir('kg-empty-path-'), 'none');
    try {
      const report = await indexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(report.git).toMatchObject({ mode: 'none', commits: 0, note: 'git history not read: git is not installed (not found on PATH)' });
      expect(report.warnings.filter((w) => w.code === 'git_unreadable')).toHaveLength(1);
      expect(report.counts.files).toBe(3);
    } finally {
      process.env.PATH = path;
      store.close();
    }
  });

  it('reads only the changes under a workspace that is a folder of a larger repository', async () => {
    const repo = new GitRepo(join(tempDir('kg-mono-'), 'repo'));
    repo.commit({ subject: 'feat: both', write: { 'pkg/src/a.ts': null, 'other/x.ts': null } });
    repo.commit({ subject: 'feat: other only', write: { 'other/x.ts': null } });
    repo.commit({ subject: 'fix: pkg', write: { 'pkg/src/a.ts': null, 'pkg/src/b.ts': null } });
    const store = await openStore('mono');
    try {
      const report = await indexWorkspaceInto(store, join(repo.dir, 'pkg'), NO_DATA);
      expect(report.git).toMatchObject({ commits: 2 });
      expect(await store.all(`SELECT seq, path FROM commit_files ORDER BY seq, path`)).toEqual([
        { seq: 1, path: 'src/a.ts' },
        { seq: 2, path: 'src/a.ts' },
        { seq: 2, path: 'src/b.ts' },
      ]);
      repo.commit({ subject: 'feat: other again', write: { 'other/x.ts': null } });
      repo.commit({ subject: 'fix: pkg b', write: { 'pkg/src/b.ts': null } });
      const re = await reindexWorkspaceInto(store, join(repo.dir, 'pkg'), NO_DATA);
      expect(re.git).toMatchObject({ mode: 'incremental', read: 1, commits: 3 });
      expect(await historyTables(store)).toEqual(await fullTables(join(repo.dir, 'pkg')));
    } finally {
      store.close();
    }
  });
});

describe('a reindex of the git history', () => {
  it('reads only the new commits, and the graph equals a full index: new commits, past the depth, a rewrite, a new depth, a rename', async () => {
    const repo = seeded();
    const store = await openStore('inc');
    try {
      await indexWorkspaceInto(store, repo.dir, { ...NO_DATA, historyDepth: 5 });

      // The first reindex without the depth takes the remembered one (no git read); then nothing moved, nothing runs.
      const remembered = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(remembered.git).toMatchObject({ mode: 'incremental', read: 0, commits: 3, depth: 5 });
      const idle = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(idle.git).toBeNull();
      expect(idle.counts).toBeNull();

      // New commits on top: read alone; the depth (5, remembered) drops the oldest.
      repo.commit({ subject: 'fix: a', write: { 'src/a.ts': null } });
      repo.commit({ subject: 'fix: b, c', write: { 'src/b.ts': null, 'src/c.ts': null } });
      repo.commit({ subject: 'feat: e', write: { 'src/e.ts': null, 'src/a.ts': null } });
      const three = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(three.git).toMatchObject({ mode: 'incremental', read: 3, commits: 5, depth: 5 });
      expect(await historyTables(store)).toEqual(await fullTables(repo.dir, { historyDepth: 5 }));

      // One more: one commit read.
      repo.commit({ subject: 'fix: e', write: { 'src/e.ts': null } });
      const one = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(one.git).toMatchObject({ mode: 'incremental', read: 1, commits: 5 });
      expect(await historyTables(store)).toEqual(await fullTables(repo.dir, { historyDepth: 5 }));

      // History rewritten (HEAD no longer descends from the indexed HEAD): this index alone is read whole.
      repo.git('reset', '-q', '--hard', 'HEAD~2');
      repo.commit({ subject: 'fix: rewritten', write: { 'src/b.ts': null } });
      const rewritten = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(rewritten.mode).toBe('incremental');
      expect(rewritten.git).toMatchObject({ mode: 'full', note: expect.stringMatching(/not a first-parent descendant/) });
      expect(await historyTables(store)).toEqual(await fullTables(repo.dir, { historyDepth: 5 }));

      // A new depth: read whole at that depth, and remembered.
      const deeper = await reindexWorkspaceInto(store, repo.dir, { ...NO_DATA, historyDepth: 100 });
      expect(deeper.git).toMatchObject({ mode: 'full', commits: 6, depth: 100, note: 'the history depth changed from 5 to 100' });
      expect(await historyTables(store)).toEqual(await fullTables(repo.dir, { historyDepth: 100 }));

      // A rename among the new commits changes older rows' names at HEAD: read whole, equal to a full index.
      repo.commit({ subject: 'refactor: move a', move: { 'src/a.ts': 'src/core/a.ts' } });
      const renamed = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(renamed.git).toMatchObject({ mode: 'full', depth: 100, note: 'a new commit renamed files' });
      expect(await historyTables(store)).toEqual(await fullTables(repo.dir, { historyDepth: 100 }));
      expect(await store.all(`SELECT DISTINCT current FROM commit_files WHERE path = 'src/a.ts'`)).toEqual([{ current: 'src/core/a.ts' }]);

      // Depth 0 turns the history off.
      const off = await reindexWorkspaceInto(store, repo.dir, { ...NO_DATA, historyDepth: 0 });
      expect(off.git).toMatchObject({ mode: 'none', commits: 0 });
      expect(await commits(store)).toEqual([]);
      // ... and stays off: the depth 0 is remembered when there is no history to keep.
      repo.commit({ subject: 'fix: after off', write: { 'src/b.ts': null } });
      const stillOff = await reindexWorkspaceInto(store, repo.dir, NO_DATA);
      expect(stillOff.git).toMatchObject({ mode: 'none', depth: 0, commits: 0 });
      expect(await commits(store)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
