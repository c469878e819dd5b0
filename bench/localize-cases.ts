// The localization cases of a repository's history: a conventional `feat`/`fix` commit is a task (its subject) and
// the source files it modified are where the task was done.

import type { HistoryCommit } from './history-repo.js';

export interface LocalizeCase {
  sha: string;
  /** The commit the task starts from: its first parent. */
  parent: string;
  authorTime: number;
  subject: string;
  /** The subject without `feat(scope)!: ` and a trailing ` (#123)`. */
  query: string;
  /** The source files it modified (status M), workspace-relative. */
  truth: string[];
}

export const SOURCE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.js', '.mjs', '.cts', '.mts'];
export const MAX_TRUTH_FILES = 8;

// `feat: x`, `fix(scope): x`, `feat(a/b)!: x`; the scope goes with the prefix (it often names the file).
const CONVENTIONAL = /^(?:feat|fix)(?:\([^)]*\))?!?:\s*(.+)$/i;
const PULL_REQUEST = /\s*\(#\d+\)\s*$/;
// A test folder (`test/`, `__tests__/`, `runtime-tests/`, ...) or a test file (`x.test.ts`, `x.spec.tsx`).
const TEST_FOLDER = /(?:^|\/)(?:__tests__|__mocks__|tests?|specs?|e2e|[\w.-]+[-_]tests?)\//i;
const TEST_FILE = /\.(?:test|spec)\.[^/]+$|_test\.[^/]+$/i;

/** Whether a path is a non-test, non-declaration source file outside node_modules. */
export function isSourceFile(path: string): boolean {
  if (!SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext))) return false;
  if (/\.d\.[cm]?ts$/.test(path)) return false;
  if (/(?:^|\/)node_modules\//.test(path)) return false;
  return !TEST_FOLDER.test(path) && !TEST_FILE.test(path);
}

/** The query of a conventional feat/fix subject, or null for any other subject. */
export function conventionalQuery(subject: string): string | null {
  const match = CONVENTIONAL.exec(subject.trim());
  if (!match) return null;
  const query = match[1]!.replace(PULL_REQUEST, '').trim();
  return query === '' ? null : query;
}

/**
 * The newest `count` cases of a first-parent history (given newest first), returned oldest first: conventional
 * feat/fix commits that modify 1..8 existing source files and add none of them (a file added and modified in one
 * commit is not one that existed before it).
 */
export function localizeCases(history: readonly HistoryCommit[], count: number): LocalizeCase[] {
  const cases: LocalizeCase[] = [];
  for (const commit of history) {
    if (cases.length >= count) break;
    const parent = commit.parents[0];
    const query = conventionalQuery(commit.subject);
    if (!parent || query === null) continue;
    const truth = [...new Set(commit.changes.filter((c) => c.status === 'M' && isSourceFile(c.path)).map((c) => c.path))].sort();
    if (truth.length < 1 || truth.length > MAX_TRUTH_FILES) continue;
    const added = new Set(commit.changes.filter((c) => c.status !== 'M').map((c) => c.path));
    if (truth.some((path) => added.has(path))) continue;
    cases.push({ sha: commit.sha, parent, authorTime: commit.authorTime, subject: commit.subject, query, truth });
  }
  return cases.reverse();
}
