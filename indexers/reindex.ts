// Brings a workspace's graph up to date by redoing only what changed, in one transaction.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintKey, readIndexState, readStoredImports, type WrittenCounts } from '../graph/code-writer.js';
import { KgError } from '../graph/errors.js';
import { stateKey, writeIndex } from '../graph/index-writer.js';
import type { OwnedDelta } from '../graph/owned-rows.js';
import { filePathOf, nodeId, type StoredImport, type Warning } from '../graph/records.js';
import { readMeta, readMetaValues, type GraphReader, type GraphStore } from '../graph/store.js';
import { changedSinceIndex, mayBeAsset, mayBeIndexed, statMoved } from './changes.js';
import { lexicalWorkspacePath, outsideWarning } from './confine.js';
import type { SkippedFile } from './code/discover.js';
import type { CodeUpdate } from './code/reindex.js';
import { readGitHead } from './git/head.js';
import type { HistoryCounts, IndexOptions } from './index.js';
import { syncVectorsIfWanted, vectorOptions } from './embeddings/setting.js';
import type { VectorReport } from './embeddings/sync.js';
import type { GitFacts } from './git/indexer.js';
import { IndexInputs, isContinuing, isUpdate, type FingerprintedIndexer, type IndexerRun, type IndexerUpdate } from './indexer.js';
import { FINGERPRINTED_INDEXERS } from './list.js';
import type { SessionFacts } from './sessions/indexer.js';

export interface ReindexOptions extends IndexOptions {
  /**
   * Exactly these paths changed (added, modified or deleted), workspace-relative or absolute; default: ask git or
   * scan. One that leaves the workspace (`..`, absolute elsewhere, a link out) is dropped with a warning.
   */
  files?: string[];
  /** After this agent session: its record, and the files it changed (else what git says changed). */
  session?: string;
}

export interface ReindexReport {
  workspace: string;
  /** `incremental` when only the changes were redone, `full` when a change called for a full index. */
  mode: 'incremental' | 'full';
  /** Why a full index was done, or how the changes were found. */
  reason: string;
  indexedAt: string;
  gitHead: string | null;
  durationMs: number;
  added: string[];
  modified: string[];
  deleted: string[];
  /** Files whose imports were resolved again because files appeared or disappeared. */
  reResolved: number;
  /** Whether the sessions (with pipeline runs) or the conventions were read again (their inputs changed, or --session). */
  historyRefreshed: boolean;
  counts: WrittenCounts | null;
  history: HistoryCounts | null;
  /** The git history, when it was read again (HEAD moved, or a full index). */
  git: GitFacts | null;
  skipped: SkippedFile[];
  /** The vectors after this reindex (see IndexReport). */
  vectors: VectorReport;
  warnings: Warning[];
}

export async function reindexWorkspaceInto(store: GraphStore, root: string, options: ReindexOptions = {}): Promise<ReindexReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const inputs = new IndexInputs(root, options);
  const previous = await readIndexState(store);
  const meta = await readMetaValues(store, [
    'git_head',
    ...FINGERPRINTED_INDEXERS.map((indexer) => fingerprintKey(indexer.name)),
    ...FINGERPRINTED_INDEXERS.filter(isContinuing).map((indexer) => stateKey(indexer.name)),
  ]);
  const gitHeadAtIndex = meta.git_head ?? null;

  // What each indexer must redo, decided here: an indexer whose inputs' fingerprint moved runs again whole (and
  // always the sessions indexer for --session, whose record is the point), or continues from its last run when it
  // can (the git history's new commits); the code gets the changed files.
  const fingerprints: Record<string, string> = {};
  const redone: Warning[] = [];
  const runs = new Map<string, IndexerRun>();
  const continued: OwnedDelta[] = [];
  const states: Record<string, string | null> = {};
  const facts = new Map<string, unknown>();
  for (const indexer of FINGERPRINTED_INDEXERS as readonly FingerprintedIndexer[]) {
    const fingerprint = indexer.fingerprint(inputs);
    const forced = indexer.name === 'sessions' && options.session !== undefined;
    if (!forced && fingerprint === meta[fingerprintKey(indexer.name)]) continue;
    fingerprints[indexer.name] = fingerprint;
    const state = isContinuing(indexer) ? meta[stateKey(indexer.name) as keyof typeof meta] : null;
    const run: IndexerRun | IndexerUpdate = isContinuing(indexer) && state ? await indexer.update(inputs, state) : await indexer.index(inputs);
    if (isUpdate(run)) continued.push(run.delta);
    else runs.set(indexer.name, run);
    if (isContinuing(indexer)) states[indexer.name] = run.state ?? null;
    facts.set(indexer.name, run.facts);
    redone.push(...run.warnings);
  }
  const sessions = runs.get('sessions') as IndexerRun<SessionFacts> | undefined;
  const given = options.files ? givenPaths(root, options.files) : null;
  const changes = options.session !== undefined
    ? await sessionChanges(root, options.session, sessions!, previous, gitHeadAtIndex)
    : given
      ? { paths: given.paths, method: 'files' }
      : await changedSinceIndex(root, previous, gitHeadAtIndex);
  const update = await codeUpdate(root, previous, [...changes.paths.filter(mayBeIndexed), ...(await assetsThatMoved(store, root, changes.paths))], () => readStoredImports(store), options.maxFileBytes);
  const dropped = given?.warnings ?? [];

  if (update.kind === 'full') {
    const { indexWorkspaceInto } = await import('./index.js');
    const report = await indexWorkspaceInto(store, root, options);
    return {
      workspace: root,
      mode: 'full',
      reason: update.reason,
      indexedAt: report.indexedAt,
      gitHead: report.gitHead,
      durationMs: Math.round(performance.now() - started),
      added: [],
      modified: [],
      deleted: [],
      reResolved: 0,
      historyRefreshed: true,
      counts: report.counts,
      history: report.history,
      git: report.git,
      skipped: report.skipped,
      vectors: report.vectors,
      warnings: [...dropped, ...report.warnings],
    };
  }

  const gitHead = readGitHead(root);
  const { delta } = update;
  // Nothing to redo and HEAD where it was: leave the graph (and the database lock) alone.
  const upToDate =
    delta.removedFiles.length === 0 && delta.reResolvedFiles.length === 0 && gitHead === gitHeadAtIndex && runs.size === 0 && facts.size === 0;
  const indexedAt = upToDate ? ((await readMeta(store, 'indexed_at')) ?? now().toISOString()) : now().toISOString();
  const written = upToDate
    ? null
    : await writeIndex(store, { root, indexedAt, gitHead, fingerprints, replaced: [...runs.values()].map((run) => run.rows), continued, states, codeDelta: delta });
  const historyRuns = [...runs.keys()].filter((name) => name === 'sessions' || name === 'conventions').length;
  // After the graph's write, never inside it: a run that stops between the two leaves vectors that say they lag.
  const vectors = await syncVectorsIfWanted(store, vectorOptions(options));
  return {
    workspace: root,
    mode: 'incremental',
    reason: `changes from ${changes.method}${'note' in changes && changes.note ? `: ${changes.note}` : ''}`,
    indexedAt,
    gitHead,
    durationMs: Math.round(performance.now() - started),
    added: update.added,
    modified: update.modified,
    deleted: update.deleted,
    reResolved: delta.reResolvedFiles.length,
    historyRefreshed: historyRuns > 0,
    counts: written?.codeDelta ?? null,
    // The history's counts after the write: what was redone, and what stood.
    history: written && historyRuns > 0 ? await historyTotals(store) : null,
    git: (facts.get('git') as GitFacts | undefined) ?? null,
    skipped: update.skipped,
    vectors: vectors.report,
    warnings: [...dropped, ...update.warnings, ...redone, ...vectors.warnings],
  };
}

/** How many sessions, pipeline runs, convention sections, produced_by and applies_to edges the graph holds. */
async function historyTotals(reader: GraphReader): Promise<HistoryCounts> {
  const [row] = await reader.all<HistoryCounts>(
    `SELECT (SELECT count(*) FROM sessions)::INTEGER AS sessions, (SELECT count(*) FROM pipeline_runs)::INTEGER AS "pipelineRuns",
       (SELECT count(*) FROM conventions)::INTEGER AS conventions,
       (SELECT count(*) FROM edges WHERE kind = 'produced_by')::INTEGER AS "producedBy",
       (SELECT count(*) FROM edges WHERE kind = 'applies_to')::INTEGER AS "appliesTo"`,
  );
  return row!;
}

/**
 * `--files` as workspace-relative paths, `.` and `..` folded; one that leaves the workspace as written is dropped and
 * reported. Links are the code update's to follow (by real path, where the file exists).
 */
function givenPaths(root: string, files: readonly string[]): { paths: string[]; warnings: Warning[] } {
  const paths: string[] = [];
  const warnings: Warning[] = [];
  for (const file of files) {
    const path = lexicalWorkspacePath(root, file);
    if (path === null) warnings.push(outsideWarning(file, 'is not a path inside the workspace'));
    else paths.push(path);
  }
  return { paths, warnings };
}

/** The files a session changed, from its produced_by edges; when no source named them, what git says changed. */
async function sessionChanges(
  root: string,
  sessionId: string,
  sessions: IndexerRun<SessionFacts>,
  previous: Awaited<ReturnType<typeof readIndexState>>,
  gitHeadAtIndex: string | null,
): Promise<{ paths: string[]; method: string; note?: string }> {
  const session = sessions.facts.sessions.find((s) => s.id === sessionId);
  if (!session) {
    throw new KgError('unknown_session', `unknown session: ${sessionId} is not a session of ${root} in ${sessions.facts.dataDir}`);
  }
  if (!session.changesKnown) {
    const fromGit = await changedSinceIndex(root, previous, gitHeadAtIndex);
    return { ...fromGit, method: `session ${sessionId} (its changes unknown, so ${fromGit.method})` };
  }
  const source = nodeId.session(sessionId);
  const paths = sessions.rows.edges.filter((e) => e.kind === 'produced_by' && e.src === source).map((e) => filePathOf(e.dst)!);
  return { paths, method: `session ${sessionId} (${session.changesSource})` };
}

const NO_CHANGES: CodeUpdate = {
  kind: 'delta',
  delta: { removedFiles: [], reResolvedFiles: [], fileSetChanged: false, rows: { files: [], symbols: [], packages: [], cliCommands: [], routes: [], diagnostics: [], terms: [], edges: [] }, indexState: [] },
  added: [],
  modified: [],
  deleted: [],
  warnings: [],
  skipped: [],
};

/**
 * The changed non-code paths an import can name as an asset, and whose coming or going changes an edge: one gone that
 * an asset edge points at, or one there now whose name an unresolved import ends with. Other non-code files (docs,
 * images no code imports) cost no look at the imports.
 */
async function assetsThatMoved(reader: GraphReader, root: string, paths: readonly string[]): Promise<string[]> {
  const candidates = paths.filter((path) => !mayBeIndexed(path) && mayBeAsset(path));
  if (candidates.length === 0) return [];
  const [pointed, unresolved] = await Promise.all([
    reader.all<{ dst: string }>(`SELECT DISTINCT dst FROM edges WHERE kind = 'imports_asset' AND dst IN (SELECT unnest(?::VARCHAR[]))`, [candidates.map(nodeId.file)]),
    reader.all<{ specifier: string }>(`SELECT DISTINCT attrs->>'specifier' AS specifier FROM edges WHERE kind = 'imports_unresolved'`),
  ]);
  const targets = new Set(pointed.map((row) => filePathOf(row.dst)));
  const names = new Set(unresolved.map((row) => row.specifier.replace(/[?#].*$/, '').split('/').pop()!));
  return candidates.filter((path) => (existsSync(join(root, path)) ? names.has(path.split('/').pop()!) : targets.has(path)));
}

// The code indexer carries the compiler: a reindex with nothing to look at never loads it.
async function codeUpdate(
  root: string,
  previous: Awaited<ReturnType<typeof readIndexState>>,
  paths: readonly string[],
  storedImports: () => Promise<ReadonlyMap<string, StoredImport[]>>,
  maxFileBytes: number | undefined,
): Promise<CodeUpdate> {
  // Indexed files whose size and mtime did not move are as the index saw them; the others are indexable or assets.
  const worthALook = paths.filter((path) => !previous.has(path) || statMoved(root, previous.get(path)!));
  if (worthALook.length === 0 && previous.size > 0) return NO_CHANGES;
  const { reindexCode } = await import('./code/reindex.js');
  return reindexCode(root, previous, worthALook, storedImports, maxFileBytes === undefined ? {} : { maxFileBytes });
}
