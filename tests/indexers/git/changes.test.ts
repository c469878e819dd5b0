import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitChangedSince } from '../../../indexers/git/changes.js';
import { tempDir } from '../../support/temp.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=kg', '-c', 'user.email=kg@example.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
}

function write(root: string, path: string, text = `export const x = ${JSON.stringify(path)};\n`): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

// The workspace is a subfolder of the repository, so paths must come back relative to it and nothing outside it.
function repoWithWorkspace(): { repo: string; ws: string; indexed: string } {
  const repo = tempDir('kg-git-changes-');
  for (const path of ['ws/a.ts', 'ws/gone.ts', 'ws/moved.ts', 'ws/.gitignore', 'other/b.ts']) write(repo, path, path.endsWith('.gitignore') ? '*.log\n' : undefined);
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'seed');
  return { repo, ws: join(repo, 'ws'), indexed: git(repo, 'rev-parse', 'HEAD') };
}

describe('gitChangedSince', () => {
  it('lists modified, deleted, renamed, staged and untracked files of the workspace, relative to it', async () => {
    const { repo, ws, indexed } = repoWithWorkspace();
    write(ws, 'a.ts', 'export const a = 2;\n');
    rmSync(join(ws, 'gone.ts'));
    git(ws, 'mv', 'moved.ts', 'renamed.ts');
    write(ws, 'staged.ts');
    git(ws, 'add', 'staged.ts');
    write(ws, 'new dir/ünïcode file.ts');
    write(ws, 'debug.log', 'ignored\n');
    write(repo, 'other/c.ts');
    write(repo, 'other/b.ts', 'changed outside the workspace\n');

    expect(await gitChangedSince(ws, indexed)).toEqual({
      ok: true,
      paths: ['a.ts', 'gone.ts', 'moved.ts', 'new dir/ünïcode file.ts', 'renamed.ts', 'staged.ts'],
    });
  });

  it('adds what was committed after the indexed HEAD, though the working tree is clean', async () => {
    const { repo, ws, indexed } = repoWithWorkspace();
    write(ws, 'committed.ts');
    rmSync(join(ws, 'gone.ts'));
    write(repo, 'other/committed-outside.ts');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'later');
    write(ws, 'untracked.ts');

    expect(await gitChangedSince(ws, indexed)).toEqual({ ok: true, paths: ['committed.ts', 'gone.ts', 'untracked.ts'] });
  });

  it("leaves git's index alone, so a git command the user runs meanwhile does not find it locked", async () => {
    const { repo, ws, indexed } = repoWithWorkspace();
    // Touched but unchanged: a git status that refreshes its stat cache would rewrite the index.
    const touched = new Date(Date.now() + 60_000);
    utimesSync(join(ws, 'a.ts'), touched, touched);
    const before = readFileSync(join(repo, '.git', 'index'));

    expect(await gitChangedSince(ws, indexed)).toEqual({ ok: true, paths: [] });
    expect(readFileSync(join(repo, '.git', 'index')).equals(before)).toBe(true);
  });

  it('is not ok when the indexed HEAD is unknown to git, so the caller can scan instead', async () => {
    const { repo, ws } = repoWithWorkspace();
    write(ws, 'later.ts');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'later');

    const result = await gitChangedSince(ws, '0123456789abcdef0123456789abcdef01234567');
    expect(result.ok).toBe(false);
  });
});
