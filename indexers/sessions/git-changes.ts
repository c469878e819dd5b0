// The last-resort source of a session's changed files: ask git about its commits or its start..end range.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findGitDir } from '../git/head.js';

const exec = promisify(execFile);

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'unknown';

export interface ChangedFile {
  /** As git names it: relative to the workspace root, forward slashes. */
  path: string;
  change: ChangeKind;
}

export type GitFiles = { ok: true; files: ChangedFile[] } | { ok: false; reason: string };

/** What the sessions indexer asks git; tests hand it a fake or a real temp repository. */
export interface GitHistory {
  /** Files the commits changed, combined in the given order. */
  filesOfCommits(shas: readonly string[]): Promise<GitFiles>;
  /** Files that differ between two commits. */
  filesOfRange(start: string, end: string): Promise<GitFiles>;
}

/** git in `root`, or null when `root` is not inside a git repository. */
export function gitHistoryAt(root: string): GitHistory | null {
  if (findGitDir(root) === null) return null;
  return {
    async filesOfCommits(shas) {
      const combined = new Map<string, ChangeKind>();
      for (const sha of shas) {
        const out = await git(root, ['show', '--name-status', '--no-renames', '--relative', '--format=', '-z', sha, '--']);
        if (!out.ok) return out;
        for (const file of parseNameStatus(out.stdout)) combined.set(file.path, combine(combined.get(file.path), file.change));
      }
      return { ok: true, files: [...combined].map(([path, change]) => ({ path, change })) };
    },
    async filesOfRange(start, end) {
      const out = await git(root, ['diff', '--name-status', '--no-renames', '--relative', '-z', `${start}..${end}`, '--']);
      return out.ok ? { ok: true, files: parseNameStatus(out.stdout) } : out;
    },
  };
}

/** Parses `--name-status -z` output: status, NUL, path, NUL, ... Pure. */
export function parseNameStatus(out: string): ChangedFile[] {
  const parts = out.split('\0').filter((part) => part !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!.trim();
    const change: ChangeKind = status.startsWith('A') ? 'added' : status.startsWith('D') ? 'deleted' : status.startsWith('M') || status.startsWith('T') ? 'modified' : 'unknown';
    files.push({ path: parts[i + 1]!, change });
  }
  return files;
}

// A file touched by several commits: added then changed is still added; deleted at the end is deleted;
// deleted then added again is modified.
function combine(before: ChangeKind | undefined, next: ChangeKind): ChangeKind {
  if (before === undefined) return next;
  if (next === 'deleted') return 'deleted';
  if (before === 'deleted' && next === 'added') return 'modified';
  if (before === 'added') return 'added';
  return next;
}

async function git(cwd: string, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; reason: string }> {
  try {
    const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
    return { ok: true, stdout };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = message.split('\n').find((l) => /fatal|error|unknown|bad/i.test(l)) ?? message.split('\n')[0] ?? message;
    return { ok: false, reason: line.trim() };
  }
}
