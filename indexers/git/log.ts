// Reads a workspace's first-parent history with real git, bounded in time and size. The repository is the user's
// (hostile until checked): git runs without a pager, external diff, text conversion or fsmonitor, and its output is
// parsed so that no commit message can forge a commit or a path.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findGitDir } from './head.js';

/** One commit as `git log` tells it, its changes against its first parent, paths relative to the workspace. */
export interface LoggedCommit {
  sha: string;
  parents: string[];
  /** Author time, seconds since the epoch. */
  authorTime: number;
  subject: string;
  body: string;
  changes: LoggedChange[];
}

export interface LoggedChange {
  /** A (added), M (modified), D (deleted), R (renamed), T (type changed), C (copied). */
  status: string;
  path: string;
  oldPath: string | null;
}

const GIT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

// Settings a repository's own config could use to run programs or change the output we parse.
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=off', '-c', 'log.showSignature=false', '-c', 'diff.renames=true'];

/** Runs git in `cwd`; rejects with git's first line of stderr on failure or timeout. */
export function git(cwd: string, args: readonly string[], timeoutMs = GIT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...SAFE_CONFIG, ...args],
      {
        cwd,
        maxBuffer: MAX_OUTPUT_BYTES,
        timeout: timeoutMs,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const timedOut = (error as { killed?: boolean }).killed === true;
        if ((error as { code?: unknown }).code === 'ENOENT') return reject(new Error('git is not installed (not found on PATH)'));
        const detail = timedOut ? `timed out after ${timeoutMs / 1000} s` : (String(stderr).trim().split('\n')[0] || error.message.split('\n')[0]);
        reject(new Error(`git ${args[0]}: ${detail}`));
      },
    );
  });
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
// A record starts with a separator followed by a full sha and a NUL: a message holds no NUL, so none can fake one.
// eslint-disable-next-line no-control-regex -- git's record separator is a control character by design
const RECORD_START = /\x1e(?=[0-9a-f]{40,64}\0)/;

/**
 * The first `max` commits of `rev`'s first-parent chain (`rev` may be a range `A..B`), newest first, each with its
 * changes against its first parent (merges included: their changes are what the merge brought in), paths relative to
 * `cwd`, changes outside it left out. With `paths` (a workspace below the repository's top: `['.']`), only the
 * commits that change something there.
 */
export async function firstParentLog(cwd: string, rev: string, max: number, paths: readonly string[] = []): Promise<LoggedCommit[]> {
  if (max <= 0) return [];
  const out = await git(cwd, [
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--name-status',
    '--find-renames',
    '--relative',
    '-z',
    `--max-count=${max}`,
    '--format=%x1e%H%x00%P%x00%at%x00%s%x00%b%x00',
    '--end-of-options',
    rev,
    '--',
    ...paths,
  ]);
  return out.split(RECORD_START).filter((record) => record.length > 0).map(parseRecord);
}

function parseRecord(record: string): LoggedCommit {
  const fields = (record.startsWith('\x1e') ? record.slice(1) : record).split('\0');
  const [sha = '', parents = '', time = '', subject = '', body = ''] = fields;
  if (!SHA.test(sha)) throw new Error(`git log: unexpected output near ${JSON.stringify(record.slice(0, 60))}`);
  // After the body: the NUL that ends the message, a newline, then `status NUL path NUL [path NUL]` entries.
  const rest = fields.slice(5).map((token) => token.replace(/^\n/, ''));
  const changes: LoggedChange[] = [];
  for (let i = 0; i < rest.length; i++) {
    const status = rest[i]!;
    if (status === '') continue;
    const letter = status[0]!;
    if (letter === 'R' || letter === 'C') {
      const oldPath = rest[++i];
      const path = rest[++i];
      if (oldPath && path) changes.push({ status: letter, path, oldPath });
    } else {
      const path = rest[++i];
      if (path) changes.push({ status: letter, path, oldPath: null });
    }
  }
  return { sha, parents: parents.split(' ').filter(Boolean), authorTime: Number(time), subject, body: body.trim(), changes };
}

/** How many commits `rev`'s first-parent chain has (as far as git has them; a range `A..B`: those A lacks), of `paths` if given. */
export async function firstParentCount(cwd: string, rev: string, paths: readonly string[] = []): Promise<number> {
  return Number((await git(cwd, ['rev-list', '--first-parent', '--count', '--end-of-options', rev, '--', ...paths])).trim());
}

/** The shallow clone's boundary commits (`.git/shallow`); empty for a complete clone. */
export function shallowBoundary(root: string): string[] {
  const gitDir = findGitDir(root);
  if (gitDir === null) return [];
  try {
    return readFileSync(join(gitDir, 'shallow'), 'utf8').split('\n').filter((line) => SHA.test(line));
  } catch {
    return [];
  }
}

/** Whether HEAD names a commit directly rather than a branch. */
export function isDetachedHead(root: string): boolean {
  const gitDir = findGitDir(root);
  if (gitDir === null) return false;
  try {
    return !readFileSync(join(gitDir, 'HEAD'), 'utf8').startsWith('ref: ');
  } catch {
    return false;
  }
}
