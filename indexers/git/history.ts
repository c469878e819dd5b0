// Turns the commits git logged (newest first) into the history tables' rows: each file row carries the name the same
// file has at HEAD, renames after the commit followed, so a file's history survives its renames.

import type { CommitFileRow, CommitRow, Warning } from '../../graph/records.js';
import type { LoggedCommit } from './log.js';

export const MAX_SUBJECT_CHARS = 1024;
export const MAX_BODY_CHARS = 4096;
/** Rows stored per commit; a larger commit (a vendored folder, a reformat) keeps its true count in `filesChanged`. */
export const MAX_FILES_PER_COMMIT = 1000;

const STATUS: Readonly<Record<string, string>> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'type_changed' };

export interface HistoryRows {
  commits: CommitRow[];
  files: CommitFileRow[];
  /** Whether a commit renamed a file (an older commit's `current` names then depend on it). */
  renames: boolean;
  warnings: Warning[];
}

/**
 * Rows of `logged` (newest first, HEAD's first-parent chain) where the newest has place `newestSeq` on the chain.
 * `boundary` holds a shallow clone's boundary commits: git shows them as adding every file, so their changes are
 * not stored.
 */
export function historyRows(logged: readonly LoggedCommit[], newestSeq: number, boundary: ReadonlySet<string>): HistoryRows {
  const commits: CommitRow[] = [];
  const files: CommitFileRow[] = [];
  const warnings: Warning[] = [];
  // A name as of the commit being read -> the name the file has at HEAD (absent: the same name).
  const currentOf = new Map<string, string>();
  let renames = false;
  logged.forEach((commit, i) => {
    const seq = newestSeq - i;
    const shallow = boundary.has(commit.sha);
    commits.push({
      sha: commit.sha,
      seq,
      authoredAt: new Date(commit.authorTime * 1000).toISOString(),
      subject: commit.subject.slice(0, MAX_SUBJECT_CHARS),
      body: commit.body === '' ? null : commit.body.slice(0, MAX_BODY_CHARS),
      filesChanged: shallow ? null : commit.changes.length,
      merge: commit.parents.length > 1,
    });
    if (shallow) return;
    if (commit.changes.length > MAX_FILES_PER_COMMIT) {
      warnings.push({
        code: 'commit_files_truncated',
        message: `commit ${commit.sha.slice(0, 12)} changed ${commit.changes.length} files; the first ${MAX_FILES_PER_COMMIT} are kept`,
      });
    }
    const renamedHere: [string, string][] = [];
    for (const change of commit.changes.slice(0, MAX_FILES_PER_COMMIT)) {
      const current = currentOf.get(change.path) ?? change.path;
      files.push({ sha: commit.sha, seq, path: change.path, current, status: STATUS[change.status] ?? 'modified', oldPath: change.status === 'R' ? change.oldPath : null });
      if (change.status === 'R' && change.oldPath !== null) renamedHere.push([change.oldPath, current]);
    }
    // Older commits name the file by its old path; applied after the commit, whose own rows use its new names.
    for (const [oldPath, current] of renamedHere) currentOf.set(oldPath, current);
    if (renamedHere.length > 0) renames = true;
  });
  return { commits, files, renames, warnings };
}
