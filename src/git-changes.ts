// The git side of diff_impact: which files a diff changed, asked of real git in a child process (no pager, no
// fsmonitor, no external diff, a timeout), each ref checked to name a commit before it is used.

import { findGitDir } from '../indexers/git/head.js';
import { git } from '../indexers/git/log.js';
import type { GitChangedFile, GitChanges, GitChangesProbe, GitRange } from '../queries/index.js';

const GIT_TIMEOUT_MS = 20_000;

const STATUS: Readonly<Record<string, string>> = { A: 'added', M: 'modified', D: 'deleted', T: 'type_changed' };

type Resolved = { ok: true; sha: string } | { ok: false; reason: 'bad_ref' | 'failed' | 'no_git'; message: string };

export const workTreeGit: GitChangesProbe = {
  async changedFiles(root: string, range: GitRange): Promise<GitChanges> {
    if (findGitDir(root) === null) return { ok: false, reason: 'no_git', message: 'the workspace is not in a git repository, so there is no diff to look at' };
    const base = await resolveCommit(root, range.base ?? 'HEAD', range.base === null);
    if (!base.ok) return base;
    const head = range.head === null ? null : await resolveCommit(root, range.head, false);
    if (head && !head.ok) return head;
    try {
      const files = head ? await treeDiff(root, base.sha, head.sha) : await workTreeDiff(root, base.sha);
      return { ok: true, base: base.sha, head: head ? head.sha : null, files };
    } catch (error) {
      return failure(error);
    }
  },
};

/** The sha of the commit `ref` names; `implicit` is HEAD asked for by default, whose absence means no commits yet. */
async function resolveCommit(root: string, ref: string, implicit: boolean): Promise<Resolved> {
  // Checked here too (the intent schema refuses it): a ref git could read as an option never reaches it.
  if (ref.startsWith('-')) return { ok: false, reason: 'bad_ref', message: `bad git ref "${ref}": a ref cannot start with "-"` };
  try {
    const sha = (await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], GIT_TIMEOUT_MS)).trim();
    return { ok: true, sha };
  } catch (error) {
    const failed = failure(error);
    // --quiet: a ref that names no commit fails without a word; anything git does say is another failure.
    if (failed.reason === 'no_git' || /fatal:|error:|timed out/.test(failed.message)) return failed;
    if (implicit) return { ok: false, reason: 'no_git', message: 'the repository has no commits yet, so there is no diff to look at' };
    return { ok: false, reason: 'bad_ref', message: `unknown git ref "${ref}": it names no commit in this repository` };
  }
}

/** What differs between two commits, below the workspace. */
async function treeDiff(root: string, base: string, head: string): Promise<GitChangedFile[]> {
  return parseNameStatus(await git(root, [...DIFF, base, head, '--'], GIT_TIMEOUT_MS));
}

/** What differs between a commit and the working tree (staged or not), and the untracked files git does not ignore. */
async function workTreeDiff(root: string, base: string): Promise<GitChangedFile[]> {
  const [tracked, untracked] = await Promise.all([
    git(root, [...DIFF, base, '--'], GIT_TIMEOUT_MS),
    git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], GIT_TIMEOUT_MS),
  ]);
  const byPath = new Map(parseNameStatus(tracked).map((file) => [file.path, file]));
  for (const path of untracked.split('\0')) if (path !== '' && !byPath.has(path)) byPath.set(path, { path, status: 'added' });
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// Paths relative to the workspace (those outside it left out), renames as a deletion and an addition.
const DIFF = ['diff', '--name-status', '-z', '--no-renames', '--relative', '--no-ext-diff', '--no-textconv', '--no-color', '--ignore-submodules=all'];

/** `git diff --name-status -z`: `status NUL path NUL` entries. */
function parseNameStatus(out: string): GitChangedFile[] {
  const tokens = out.split('\0');
  const files: GitChangedFile[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const letter = tokens[i]![0];
    const path = tokens[i + 1]!;
    if (letter === undefined || path === '') continue;
    files.push({ path, status: STATUS[letter] ?? 'modified' });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function failure(error: unknown): { ok: false; reason: 'no_git' | 'failed'; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? message;
  if (/not installed|not a git repository/i.test(line)) return { ok: false, reason: 'no_git', message: line };
  return { ok: false, reason: 'failed', message: line };
}
