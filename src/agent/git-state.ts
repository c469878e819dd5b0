// What git says about the workspace at the start and the end of a session: branch and HEAD, and which files the
// session changed (committed, staged, unstaged or new), so `git_metrics_recorded.changedFilePaths` is the truth.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findGitDir } from '../../indexers/git/head.js';
import { git } from '../../indexers/git/log.js';

const GIT_TIMEOUT_MS = 10_000;

export interface GitStart {
  /** The folder git works in; null when the workspace is not in a repository (or git is missing). */
  root: string | null;
  branch: string | null;
  head: string | null;
  /** Paths (relative to the workspace) dirty at the start, with a hash of their content then. */
  dirty: Map<string, string>;
}

export interface GitEnd {
  head: string | null;
  branch: string | null;
  /** Commits made during the session, oldest first. */
  commits: string[];
  /** Files the session changed, relative to the workspace, sorted. */
  changed: string[];
  linesAdded: number;
  linesRemoved: number;
  captureConfidence: 'high' | 'none';
}

export async function gitAtStart(workspace: string): Promise<GitStart> {
  if (findGitDir(workspace) === null) return { root: null, branch: null, head: null, dirty: new Map() };
  try {
    // Independent questions: asked at once (a session's start waits on them).
    const [head, branch, paths] = await Promise.all([
      optional(git(workspace, ['rev-parse', '--verify', '--quiet', 'HEAD'], GIT_TIMEOUT_MS)),
      optional(git(workspace, ['symbolic-ref', '--quiet', '--short', 'HEAD'], GIT_TIMEOUT_MS)),
      dirtyPaths(workspace),
    ]);
    const dirty = new Map<string, string>();
    for (const path of paths) dirty.set(path, contentHash(workspace, path));
    return { root: workspace, branch, head, dirty };
  } catch {
    return { root: null, branch: null, head: null, dirty: new Map() };
  }
}

/**
 * Files changed since `start`: what differs from the start commit (commits made and the working tree), plus new
 * files, less those that were already dirty at the start and are as they were then.
 */
export async function gitAtEnd(workspace: string, start: GitStart): Promise<GitEnd> {
  const none: GitEnd = { head: null, branch: null, commits: [], changed: [], linesAdded: 0, linesRemoved: 0, captureConfidence: 'none' };
  if (start.root === null) return none;
  try {
    const since = (args: string[]) => (start.head ? git(workspace, [...args, start.head], GIT_TIMEOUT_MS) : Promise.resolve(''));
    const [head, branch, dirty, names, numstat] = await Promise.all([
      optional(git(workspace, ['rev-parse', '--verify', '--quiet', 'HEAD'], GIT_TIMEOUT_MS)),
      optional(git(workspace, ['symbolic-ref', '--quiet', '--short', 'HEAD'], GIT_TIMEOUT_MS)),
      dirtyPaths(workspace),
      since(['diff', '--name-only', '--relative', '-z']),
      since(['diff', '--numstat', '--relative']),
    ]);
    const commits = start.head && head && head !== start.head ? lines(await git(workspace, ['rev-list', '--reverse', `${start.head}..${head}`], GIT_TIMEOUT_MS)) : [];
    const candidates = new Set(dirty);
    let linesAdded = 0;
    let linesRemoved = 0;
    if (start.head) {
      for (const path of lines(names, '\0')) candidates.add(path);
      for (const row of lines(numstat)) {
        const [added, removed] = row.split('\t');
        linesAdded += Number(added) || 0;
        linesRemoved += Number(removed) || 0;
      }
    }
    const changed = [...candidates].filter((path) => start.dirty.get(path) !== contentHash(workspace, path)).sort();
    return { head, branch, commits, changed, linesAdded, linesRemoved, captureConfidence: 'high' };
  } catch {
    return none;
  }
}

/** Modified, staged, deleted and untracked paths, relative to the workspace. */
async function dirtyPaths(workspace: string): Promise<string[]> {
  const out = await git(workspace, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.'], GIT_TIMEOUT_MS);
  const entries = out.split('\0');
  const paths: string[] = [];
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    // A rename's second entry is where it came from.
    if (entry[0] === 'R' || entry[0] === 'C') k++;
  }
  // Porcelain paths are relative to the repository's top; --relative is not offered, so make them the workspace's.
  const prefix = (await git(workspace, ['rev-parse', '--show-prefix'], GIT_TIMEOUT_MS)).trim();
  return paths.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
}

function contentHash(workspace: string, path: string): string {
  try {
    return createHash('sha256').update(readFileSync(join(workspace, path))).digest('hex');
  } catch {
    return 'missing';
  }
}

async function optional(output: Promise<string>): Promise<string | null> {
  try {
    const text = (await output).trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

function lines(text: string, separator = '\n'): string[] {
  return text.split(separator).map((line) => line.trim()).filter((line) => line !== '');
}
