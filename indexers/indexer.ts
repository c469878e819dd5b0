// The Indexer seam: one implementation per index that writes part of the graph (code, sessions and pipeline runs,
// conventions). Each owns what graph/tables.ts assigns to its name, fingerprints its inputs so a reindex can tell
// cheaply whether it must run again, and reads its inputs whole when told to. indexers/index.ts runs the list for a
// full index; indexers/reindex.ts decides centrally which of them must run again; graph/index-writer.ts writes it all
// in one transaction.

import type { OwnedDelta, OwnedRows } from '../graph/owned-rows.js';
import type { Warning } from '../graph/records.js';
import type { Owner } from '../graph/tables.js';
import { findConventionDocuments, type ConventionDocument } from './conventions/index.js';
import type { GitHistory } from './sessions/git-changes.js';
import { chooseDataDir, type DataDirChoice } from './sessions/location.js';

/** What the caller of an index can set for the indexers. */
export interface IndexerOptions {
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Files larger than this are skipped and reported (code). */
  maxFileBytes?: number;
  /** The agent data dir to read sessions from; default `$WORKRAIL_DATA_DIR`, else `~/.workrail/data`. */
  dataDir?: string;
  /** git for sessions whose changed files only git can tell; default git in the workspace. For tests. */
  git?: GitHistory | null;
  /** First-parent commits the git history indexer reads back from HEAD (0: none); default $KG_HISTORY_DEPTH, else the last depth, else 1000. */
  historyDepth?: number;
}

/** What indexers read, found once per index and shared (finding the convention documents walks the workspace). */
export class IndexInputs {
  readonly dataDir: DataDirChoice;
  private documentsFound: ConventionDocument[] | undefined;

  constructor(
    /** Absolute workspace root. */
    readonly root: string,
    readonly options: IndexerOptions = {},
  ) {
    this.dataDir = chooseDataDir(options.dataDir);
  }

  /** The workspace's convention documents, in priority order. */
  get documents(): ConventionDocument[] {
    this.documentsFound ??= findConventionDocuments(this.root);
    return this.documentsFound;
  }
}

/** What an indexer that ran hands the writer and the report. */
export interface IndexerRun<Facts = unknown> {
  rows: OwnedRows;
  warnings: Warning[];
  /** What the report says of this run beyond the rows (the data dir read, how many sessions it held, ...). */
  facts: Facts;
  /** What a continuing indexer needs to continue from this run next time (kept in the graph's meta); null: nothing. */
  state?: string | null;
}

/** What a continuing indexer changed on top of what it wrote last time. */
export interface IndexerUpdate<Facts = unknown> {
  delta: OwnedDelta;
  warnings: Warning[];
  facts: Facts;
  state: string;
}

export interface Indexer<Facts = unknown> {
  /** Its name in the graph's meta and in reports. */
  readonly name: string;
  /** The owner whose tables and edge kinds in graph/tables.ts it writes: running it replaces exactly those. */
  readonly owner: Owner;
  /**
   * A fingerprint of its inputs: equal to the one stored at the last index, it has nothing to redo. null when what
   * changed is worked out file by file instead (the code indexer: the reindex finds the changed files and the code
   * indexer applies them as a delta, see indexers/code/reindex.ts).
   */
  fingerprint(inputs: IndexInputs): string | null;
  /** Reads its inputs whole. */
  index(inputs: IndexInputs): Promise<IndexerRun<Facts>>;
}

/** An indexer whose inputs always have a fingerprint. */
export interface FingerprintedIndexer<Facts = unknown> extends Indexer<Facts> {
  fingerprint(inputs: IndexInputs): string;
}

/**
 * An indexer that can continue from its last run instead of reading its inputs whole (the git history: only the
 * commits on top of the indexed HEAD). A reindex whose fingerprint moved calls `update` with the state the last run
 * kept; `update` answers with a delta, or with a whole run when its inputs cannot be continued (a rewritten history).
 */
export interface ContinuingIndexer<Facts = unknown> extends FingerprintedIndexer<Facts> {
  update(inputs: IndexInputs, state: string): Promise<IndexerRun<Facts> | IndexerUpdate<Facts>>;
}

export function isContinuing(indexer: Indexer<unknown>): indexer is ContinuingIndexer<unknown> {
  return typeof (indexer as Partial<ContinuingIndexer>).update === 'function';
}

/** Whether an indexer's answer to `update` is a delta rather than a whole run. */
export function isUpdate<Facts>(run: IndexerRun<Facts> | IndexerUpdate<Facts>): run is IndexerUpdate<Facts> {
  return 'delta' in run;
}

/** The facts of an indexer's runs. */
export type FactsOf<I> = I extends Indexer<infer Facts> ? Facts : never;

/** Runs `indexers` one after another (the code indexer yields to DuckDB's thread meanwhile), each with the same inputs. */
export async function runIndexers<const List extends readonly Indexer<unknown>[]>(
  indexers: List,
  inputs: IndexInputs,
): Promise<{ -readonly [K in keyof List]: IndexerRun<FactsOf<List[K]>> }> {
  const runs: IndexerRun<unknown>[] = [];
  for (const indexer of indexers) runs.push(await indexer.index(inputs));
  return runs as { -readonly [K in keyof List]: IndexerRun<FactsOf<List[K]>> };
}

/** The input fingerprints of those of `indexers` that have one, by name. */
export function fingerprintsOf(indexers: readonly Indexer<unknown>[], inputs: IndexInputs): Record<string, string> {
  const fingerprints: Record<string, string> = {};
  for (const indexer of indexers) {
    const fingerprint = indexer.fingerprint(inputs);
    if (fingerprint !== null) fingerprints[indexer.name] = fingerprint;
  }
  return fingerprints;
}
