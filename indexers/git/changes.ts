// Asks git which files of a workspace differ from a commit: committed since, uncommitted, and untracked.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export type GitChanges =
  | { ok: true; paths: string[] }
  | { ok: false; reason: string };

/**
 * Workspace-relative paths that differ between commit `since` and the working tree, plus untracked
 * files git does not ignore. Paths outside `root` (when it is a subfolder of the repository) are left out.
 */
export async function gitChangedSince(root: string, since: string): Promise<GitChanges> {
  try {
    const diff = await git(root, ['diff', '--name-only', '--no-renames', '--relative', '-z', since, '--']);
    const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
    const paths = new Set([...splitZ(diff), ...splitZ(untracked)]);
    return { ok: true, paths: [...paths].sort() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: message.split('\n')[0] ?? message };
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

function splitZ(out: string): string[] {
  return out.split('\0').filter((path) => path.length > 0);
}
