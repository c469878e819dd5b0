// Public git history for the localize and co-change sections: a clone of a bare mirror under bench/.work (the mirror
// is only read), its first-parent log, and checkouts of old commits in that clone.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { firstParentLog, type LoggedChange, type LoggedCommit } from '../indexers/git/log.js';
import { WORK_DIR } from './corpora.js';

/** One first-parent commit and what it changed against its first parent (merges: what the merge brought in). */
export type HistoryCommit = LoggedCommit;
export type HistoryChange = LoggedChange;

/** A clone of a mirror, ready for checkouts. */
export interface HistoryRepo {
  /** The mirror it was cloned from (never written). */
  source: string;
  /** A short name for tables: the mirror's folder (`honojs+hono` for `.../honojs+hono/repo`). */
  name: string;
  /** The clone's work tree. */
  root: string;
  /** The mirror's HEAD commit, which the clone has too. */
  head: string;
}

export const HISTORY_DIR = join(WORK_DIR, 'history');

/** The repositories to measure: `--history-repo PATH[,PATH]`, else $KG_BENCH_HISTORY_REPOS; empty when neither. */
export function historyRepoPaths(flagValue: string | undefined): string[] {
  const text = flagValue ?? process.env.KG_BENCH_HISTORY_REPOS ?? '';
  return text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(p));
}

/**
 * Runs `work` with kg's home in bench/.work/history/kg-home (kept between runs, like the clones), then puts the
 * run's own home back.
 */
export async function withHistoryKgHome<T>(work: () => Promise<T>): Promise<T> {
  const saved = process.env.KG_HOME;
  process.env.KG_HOME = join(HISTORY_DIR, 'kg-home');
  mkdirSync(process.env.KG_HOME, { recursive: true });
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.KG_HOME;
    else process.env.KG_HOME = saved;
  }
}

/** The line a section prints when no repository was given. */
export function skippedLine(section: string): string {
  return `${section}: skipped (no history repository; give one with --history-repo PATH[,PATH] or KG_BENCH_HISTORY_REPOS, e.g. a bare mirror of honojs/hono)\n`;
}

/**
 * A clone of `source` (a bare or normal git dir) under bench/.work/history/<name>, made once with `git clone
 * --no-local` (objects copied, the mirror never written) and reused while it has the mirror's HEAD.
 */
export async function prepareHistoryRepo(source: string): Promise<HistoryRepo> {
  const head = (await git(source, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  const name = repoName(source);
  const root = join(HISTORY_DIR, name);
  const reusable = existsSync(join(root, '.git')) && (await git(root, ['cat-file', '-e', `${head}^{commit}`]).then(() => true, () => false));
  if (!reusable) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(dirname(root), { recursive: true });
    await git(dirname(root), ['clone', '--quiet', '--no-local', '--no-checkout', '--', source, root], 600_000);
  }
  return { source, name, root, head };
}

/** Puts the clone's work tree at `sha` exactly (detached), leaving nothing that commit does not have. */
export async function checkoutClean(repo: HistoryRepo, sha: string): Promise<void> {
  await git(repo.root, ['checkout', '--quiet', '--force', '--detach', sha]);
  await git(repo.root, ['clean', '-fdxq']);
}

/** The newest `max` commits of `rev`'s first-parent chain, newest first, each with its changes (renames found): kg's own reader. */
export function firstParentHistory(repo: HistoryRepo, rev: string, max: number): Promise<HistoryCommit[]> {
  return firstParentLog(repo.root, rev, max);
}

/** An author time as YYYY-MM-DD (UTC). */
export function day(authorTime: number): string {
  return new Date(authorTime * 1000).toISOString().slice(0, 10);
}

function repoName(source: string): string {
  const base = basename(source);
  const name = base === 'repo' || base === '.git' ? basename(dirname(source)) : base.replace(/\.git$/, '');
  return name.replace(/[^\w+.-]/g, '_') || 'repo';
}

/** git without a pager or the user's external tools; rejects with git's first line of stderr. */
export function git(cwd: string, args: readonly string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=off', '-c', 'log.showSignature=false', ...args],
      { cwd, maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs, env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (!error) return resolvePromise(stdout);
        reject(new Error(`git ${args.join(' ').slice(0, 80)}: ${String(stderr).trim().split('\n')[0] || error.message}`));
      },
    );
  });
}
