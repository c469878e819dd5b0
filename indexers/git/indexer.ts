// The git history indexer on the Indexer seam: the commits on HEAD's first-parent chain, newest first, up to the
// history depth, and the files each changed. A reindex reads only the commits added on top of the indexed HEAD
// (update); a rewritten history, a new depth or a rename among the new commits rebuilds this index alone.

import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { ownedTable, type OwnedDelta, type OwnedRows } from '../../graph/owned-rows.js';
import type { Warning } from '../../graph/records.js';
import { COMMIT_FILES, COMMITS } from '../../graph/tables.js';
import type { ContinuingIndexer, IndexerRun, IndexerUpdate, IndexInputs } from '../indexer.js';
import { KgError } from '../../graph/errors.js';
import { findGitDir, findWorkTree, readGitHead } from './head.js';
import { historyRows } from './history.js';
import { firstParentCount, firstParentLog, isDetachedHead, shallowBoundary } from './log.js';

export const DEFAULT_HISTORY_DEPTH = 1000;
export const MAX_HISTORY_DEPTH = 100_000;

export interface GitFacts {
  /** Commits in the graph after this run. */
  commits: number;
  /** The commit the history was read from, or null without one. */
  head: string | null;
  /** How many first-parent commits back it reads at most (0: history off). */
  depth: number;
  /** Whether the repository is a shallow clone (its oldest commits' changes are unknown). */
  shallow: boolean;
  detached: boolean;
  /** full: read whole; incremental: only the new commits; none: nothing to read (no git, no commits, depth 0). */
  mode: 'full' | 'incremental' | 'none';
  /** Commits read by this run. */
  read: number;
  /** Why there is no history, or why it was read whole on a reindex. */
  note: string | null;
}

/** What the indexer keeps in the graph's meta to continue from (see `state:git`). */
interface GitState {
  /** null when there was no history to read (kept so the depth is remembered). */
  head: string | null;
  /** HEAD's place on its first-parent chain (its commit's `seq`). */
  seq: number;
  depth: number;
  /** The shallow boundary's digest, '' for a complete clone. */
  shallow: string;
  /** Commits stored. */
  commits: number;
}

/** The depth asked for: `historyDepth` of the options, else $KG_HISTORY_DEPTH, else null (keep the last one). */
export function requestedHistoryDepth(inputs: IndexInputs): number | null {
  const given = inputs.options.historyDepth ?? parseDepth(process.env.KG_HISTORY_DEPTH);
  return given ?? null;
}

/** A depth setting's value, or null when unset; throws a one-line error for anything but a whole number in range. */
export function parseDepth(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > MAX_HISTORY_DEPTH) {
    throw new KgError('bad_input', `KG_HISTORY_DEPTH must be a whole number from 0 to ${MAX_HISTORY_DEPTH}, not ${JSON.stringify(text)}`);
  }
  return value;
}

export const gitIndexer: ContinuingIndexer<GitFacts> = {
  name: 'git',
  owner: 'git',

  // HEAD's commit (read from .git, no git process), the shallow boundary and the depth asked for: a new commit, a
  // checkout, a fetch that deepens a shallow clone or a new depth all move it.
  fingerprint(inputs) {
    return JSON.stringify({ head: readGitHead(inputs.root), shallow: boundaryDigest(inputs.root), depth: requestedHistoryDepth(inputs) });
  },

  async index(inputs) {
    const depth = requestedHistoryDepth(inputs) ?? DEFAULT_HISTORY_DEPTH;
    return readWhole(inputs, depth, null);
  },

  async update(inputs, stored) {
    const state = parseState(stored);
    if (state === null) return readWhole(inputs, requestedHistoryDepth(inputs) ?? DEFAULT_HISTORY_DEPTH, 'the stored history state was unreadable');
    const depth = requestedHistoryDepth(inputs) ?? state.depth;
    if (depth !== state.depth) return readWhole(inputs, depth, `the history depth changed from ${state.depth} to ${depth}`);
    const shallow = boundaryDigest(inputs.root);
    if (shallow !== state.shallow) return readWhole(inputs, depth, 'the shallow clone was deepened or made shallow');
    const head = readGitHead(inputs.root);
    if (head === null || depth === 0 || state.head === null) return readWhole(inputs, depth, null);
    if (head === state.head) return continued(inputs, state, [], [], 0, state, []);
    const indexedHead = state.head;
    // One git process: the first-parent chain from HEAD down to what the indexed HEAD reaches, with the changes.
    let chain;
    try {
      chain = await firstParentLog(inputs.root, `${indexedHead}..${head}`, depth + 1);
    } catch {
      return readWhole(inputs, depth, 'the indexed HEAD is no longer in the repository');
    }
    // HEAD must continue the indexed chain by its first parents, else the history was rewritten (or switched).
    if (chain.length === 0 || chain[chain.length - 1]!.parents[0] !== indexedHead) {
      return readWhole(inputs, depth, 'HEAD is not a first-parent descendant of the indexed HEAD (history rewritten or another branch)');
    }
    // Below the repository's top, the commits that change nothing here are not its history (as the pathspec of a full read).
    const logged = scope(inputs.root).length > 0 ? chain.filter((commit) => commit.changes.length > 0) : chain;
    const added = logged.length;
    if (added >= depth) return readWhole(inputs, depth, `${added} new commits, no fewer than the depth`);
    const seq = state.seq + added;
    const rows = historyRows(logged, seq, new Set(shallowBoundary(inputs.root)));
    // A rename changes the names older commits' files have at HEAD: read whole, so they say so.
    if (rows.renames) return readWhole(inputs, depth, 'a new commit renamed files');
    const oldest = seq - depth + 1;
    const kept = Math.min(state.commits + added, depth);
    const next: GitState = { head, seq, depth, shallow, commits: kept };
    return continued(inputs, next, rows.commits, rows.files, oldest, state, rows.warnings);
  },
};

/** The indexer's full run: the whole window read again. */
async function readWhole(inputs: IndexInputs, depth: number, reason: string | null): Promise<IndexerRun<GitFacts>> {
  const root = inputs.root;
  const detached = isDetachedHead(root);
  const none = (note: string, shallow = false): IndexerRun<GitFacts> => ({
    rows: emptyRows(),
    warnings: [],
    facts: { commits: 0, head: readGitHead(root), depth, shallow, detached, mode: 'none', read: 0, note },
    state: JSON.stringify({ head: null, seq: 0, depth, shallow: digest(shallowBoundary(root)), commits: 0 } satisfies GitState),
  });
  if (findGitDir(root) === null) return none('not in a git repository');
  const head = readGitHead(root);
  if (head === null) return none('the repository has no commits yet');
  if (depth === 0) return none('history is off (depth 0)');
  const boundary = shallowBoundary(root);
  try {
    const paths = scope(root);
    const [seq, logged] = await Promise.all([firstParentCount(root, head, paths), firstParentLog(root, head, depth, paths)]);
    const rows = historyRows(logged, seq, new Set(boundary));
    const warnings: Warning[] = [...rows.warnings];
    if (boundary.length > 0) {
      warnings.push({ code: 'git_shallow', message: `shallow clone: history goes back ${logged.length} commits, and the oldest one's changes are unknown` });
    }
    const state: GitState = { head, seq, depth, shallow: digest(boundary), commits: rows.commits.length };
    return {
      rows: { owner: 'git', tables: [ownedTable(COMMITS, rows.commits), ownedTable(COMMIT_FILES, rows.files)], edges: [] },
      warnings,
      facts: { commits: rows.commits.length, head, depth, shallow: boundary.length > 0, detached, mode: 'full', read: logged.length, note: reason },
      state: JSON.stringify(state),
    };
  } catch (error) {
    // git missing, a repository git will not read (another owner's), a timeout: no history, said once.
    const message = error instanceof Error ? error.message : String(error);
    const run = none(`git history not read: ${message}`, boundary.length > 0);
    run.warnings.push({ code: 'git_unreadable', message: `git history not read: ${message}` });
    return run;
  }
}

function continued(
  inputs: IndexInputs,
  next: GitState,
  commits: ReturnType<typeof historyRows>['commits'],
  files: ReturnType<typeof historyRows>['files'],
  oldest: number,
  previous: GitState,
  warnings: Warning[],
): IndexerUpdate<GitFacts> {
  const delta: OwnedDelta = {
    owner: 'git',
    removed: oldest > 0 ? [{ table: COMMITS, column: 'seq', below: oldest }, { table: COMMIT_FILES, column: 'seq', below: oldest }] : [],
    added: [ownedTable(COMMITS, commits), ownedTable(COMMIT_FILES, files)],
  };
  return {
    delta,
    warnings,
    facts: {
      commits: next.commits,
      head: next.head,
      depth: next.depth,
      shallow: next.shallow !== '',
      detached: isDetachedHead(inputs.root),
      mode: 'incremental',
      read: commits.length,
      note: previous.head === next.head ? null : `${commits.length} new commits`,
    },
    state: JSON.stringify(next),
  };
}

/**
 * The pathspec of the workspace's commits: none at the repository's top (every commit), `.` below it (a package of a
 * monorepo: only the commits that change it, so the others' bulk is not its history).
 */
function scope(root: string): string[] {
  const top = findWorkTree(root);
  return top !== null && realpathOr(top) === realpathOr(root) ? [] : ['.'];
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function emptyRows(): OwnedRows {
  return { owner: 'git', tables: [ownedTable(COMMITS, []), ownedTable(COMMIT_FILES, [])], edges: [] };
}

function boundaryDigest(root: string): string {
  return digest(shallowBoundary(root));
}

function digest(boundary: readonly string[]): string {
  return boundary.length === 0 ? '' : createHash('sha256').update([...boundary].sort().join('\n')).digest('hex').slice(0, 16);
}

function parseState(text: string): GitState | null {
  try {
    const value = JSON.parse(text) as Partial<GitState>;
    const ok =
      (value.head === null || (typeof value.head === 'string' && /^[0-9a-f]{40,64}$/.test(value.head))) &&
      Number.isInteger(value.seq) && Number.isInteger(value.depth) && Number.isInteger(value.commits) && typeof value.shallow === 'string';
    return ok ? (value as GitState) : null;
  } catch {
    return null;
  }
}
