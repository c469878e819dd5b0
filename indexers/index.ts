// A full index: runs every indexer over the workspace and writes what they found to its graph in one transaction.

import type { ResolutionSummary } from './code/resolution-summary.js';
import { codeCounts, type WrittenCounts } from '../graph/code-writer.js';
import { assertWorkspaceFolder } from '../graph/location.js';
import { writeIndex, type IndexWriteResult } from '../graph/index-writer.js';
import type { OwnedRows } from '../graph/owned-rows.js';
import type { Warning } from '../graph/records.js';
import type { GraphStore } from '../graph/store.js';
import { codeIndexer } from './code/indexer.js';
import type { SkippedFile } from './code/index.js';
import { readGitHead } from './git/head.js';
import { gitIndexer, type GitFacts } from './git/indexer.js';
import { fingerprintsOf, IndexInputs, runIndexers, type IndexerOptions } from './indexer.js';
import { FINGERPRINTED_INDEXERS } from './list.js';
import type { Embedder } from './embeddings/embedder.js';
import { syncVectorsIfWanted, vectorOptions } from './embeddings/setting.js';
import type { VectorReport } from './embeddings/sync.js';

export interface IndexOptions extends IndexerOptions {
  /** The clock, for tests. */
  now?: () => Date;
  /** Embeddings: true (--vectors) turns them on and remembers it, false (--no-vectors) off; default: KG_VECTORS, WORKRAIL_VECTOR_SEARCH, else what the graph remembers (off). */
  vectors?: boolean;
  /** The embedding model (--model); default $KG_EMBED_MODEL, else the stored vectors' model, else Xenova/all-MiniLM-L6-v2. */
  embedModel?: string;
  /** An embedder to use instead of loading the model (the bench, tests). */
  embedder?: Embedder;
}

/** Every indexer, in the order a full index runs them (see ./list.ts). */
export const INDEXERS = [codeIndexer, ...FINGERPRINTED_INDEXERS] as const;

export interface HistoryCounts {
  sessions: number;
  pipelineRuns: number;
  conventions: number;
  producedBy: number;
  appliesTo: number;
}

export interface HistoryReport extends HistoryCounts {
  /** The agent data dir read (absolute), whether or not it exists. */
  dataDir: string;
  /** Sessions in the data dir, of every workspace; `sessions` counts this workspace's. */
  sessionsInDataDir: number;
}

export interface IndexReport {
  workspace: string;
  indexedAt: string;
  gitHead: string | null;
  durationMs: number;
  counts: WrittenCounts;
  history: HistoryReport;
  /** The git history read (commits, HEAD, depth, shallow or detached, or why there is none). */
  git: GitFacts;
  tsconfigs: string[];
  /** How files got their options, the imports left unresolved by reason, the edges by kind. */
  resolution: ResolutionSummary;
  skipped: SkippedFile[];
  /** The vectors after this index: off, brought up to date (with what was embedded and kept), or unavailable. */
  vectors: VectorReport;
  warnings: Warning[];
}

/**
 * Indexes the workspace at `root` (absolute) into `store`, replacing what a previous index wrote. The store may still
 * be opening: the workspace is read meanwhile, and only the write waits for it.
 */
export async function indexWorkspaceInto(
  store: GraphStore | Promise<GraphStore>,
  root: string,
  options: IndexOptions = {},
): Promise<IndexReport> {
  assertWorkspaceFolder(root);
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const inputs = new IndexInputs(root, options);
  // Fingerprinted before they are read: a change made while they are read shows at the next reindex.
  const fingerprints = fingerprintsOf(INDEXERS, inputs);
  const [code] = await runIndexers([codeIndexer], inputs);
  options.onProgress?.('sessions', 0, 1);
  const [sessions, conventions, history] = await runIndexers(FINGERPRINTED_INDEXERS, inputs);
  options.onProgress?.('sessions', 1, 1);
  const indexedAt = now().toISOString();
  const gitHead = readGitHead(root);
  options.onProgress?.('write', 0, 1);
  const written = await writeIndex(await store, {
    root,
    indexedAt,
    gitHead,
    fingerprints,
    replaced: [code.rows, sessions.rows, conventions.rows, history.rows],
    states: { [gitIndexer.name]: history.state ?? null },
  });
  options.onProgress?.('write', 1, 1);
  const vectors = await syncVectorsIfWanted(await store, vectorOptions(options));
  return {
    workspace: root,
    indexedAt,
    gitHead,
    durationMs: Math.round(performance.now() - started),
    counts: codeCounts(written.appended, code.rows.edges.length),
    history: { ...historyCounts(written, sessions.rows), dataDir: sessions.facts.dataDir, sessionsInDataDir: sessions.facts.sessionsInDataDir },
    git: history.facts,
    tsconfigs: code.facts.tsconfigs,
    resolution: code.facts.resolution,
    skipped: code.facts.skipped,
    vectors: vectors.report,
    warnings: [...code.warnings, ...sessions.warnings, ...conventions.warnings, ...history.warnings, ...vectors.warnings],
  };
}

/** What a full index wrote of the history: every sessions and conventions row is new. */
function historyCounts(written: IndexWriteResult, sessions: OwnedRows): HistoryCounts {
  return {
    sessions: written.appended.sessions ?? 0,
    pipelineRuns: written.appended.pipeline_runs ?? 0,
    conventions: written.appended.conventions ?? 0,
    producedBy: sessions.edges.filter((edge) => edge.kind === 'produced_by').length,
    appliesTo: written.appliesTo ?? 0,
  };
}
