// Asks git which files of a workspace differ from a commit: committed since, uncommitted, and untracked.

import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { findWorkTree, readGitHead } from './head.js';

const exec = promisify(execFile);

export type GitChanges =
  | { ok: true; paths: string[] }
  | { ok: false; reason: string };

/**
 * Workspace-relative paths that may differ between commit `since` and the working tree, plus untracked files git
 * does not ignore. Paths outside `root` (when it is a subfolder of the repository) are left out.
 *
 * `git status` names what differs from HEAD (staged, unstaged, untracked) in one process. It runs without optional
 * locks, as editors run it: refreshing git's index would take `index.lock`, and a `git commit` the user or an agent
 * runs at that moment would fail. When HEAD moved since `since`, a tree-to-tree diff adds what was committed in
 * between; the two together cover every path where `since` and the working tree differ.
 */
export async function gitChangedSince(root: string, since: string): Promise<GitChanges> {
  try {
    const prefix = workTreePrefix(root);
    const listings = [git(root, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=all', '--', '.'])];
    if (readGitHead(root) !== since) listings.push(git(root, ['diff', '--name-only', '--no-renames', '--relative', '-z', since, 'HEAD', '--']));
    const [status, committed = ''] = await Promise.all(listings);
    const paths = new Set(splitZ(committed));
    for (const entry of splitZ(status!)) {
      // `XY path`, the path relative to the top of the work tree.
      const path = entry.slice(3);
      if (path.startsWith(prefix)) paths.add(path.slice(prefix.length));
    }
    return { ok: true, paths: [...paths].sort() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: message.split('\n')[0] ?? message };
  }
}

/** Where `root` sits in its work tree, as git writes paths: `''` at the top, else `sub/dir/`. */
function workTreePrefix(root: string): string {
  const real = realpathSync(root);
  const top = findWorkTree(real);
  if (top === null) throw new Error(`${root} is not in a git work tree`);
  const prefix = relative(realpathSync(top), real).split(sep).join('/');
  return prefix === '' ? '' : `${prefix}/`;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

function splitZ(out: string): string[] {
  return out.split('\0').filter((path) => path.length > 0);
}
