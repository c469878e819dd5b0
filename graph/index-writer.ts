// The one transaction of every index and reindex: the code's rows replaced or its delta applied, what each other
// indexer redid replacing all it owned, the edges derived from several indexers' rows derived again when either side
// changed, and the index's meta (when, at which HEAD, each indexer's input fingerprint). All of it or none.

import { applyCodeDelta, workspaceMetaStatements, writeWorkspaceMeta, type CodeDelta, type WrittenCounts } from './code-writer.js';
import { refreshAppliesTo } from './derived-edges.js';
import { applyOwnedDelta, replaceOwned, type OwnedDelta, type OwnedRows } from './owned-rows.js';
import { metaStatements, type GraphStore } from './store.js';

export interface IndexWrite {
  root: string;
  indexedAt: string;
  gitHead: string | null;
  /** Input fingerprints of the indexers that ran, by indexer name. */
  fingerprints: Readonly<Record<string, string>>;
  /** What each indexer that redid its work produced: it replaces everything that indexer owned. */
  replaced: readonly OwnedRows[];
  /** What indexers that continued from their last run changed (not in `replaced`). */
  continued?: readonly OwnedDelta[];
  /** What indexers that continue from their last run need next time, by indexer name (kept as `state:<name>`). */
  states?: Readonly<Record<string, string | null>>;
  /** The code's changes, when the code indexer did not redo everything (then it is not in `replaced`). */
  codeDelta?: CodeDelta;
}

/** The meta key of what an indexer keeps to continue from its last run. */
export function stateKey(indexer: string): string {
  return `state:${indexer}`;
}

export interface IndexWriteResult {
  /** What the code delta wrote, when there was one. */
  codeDelta: WrittenCounts | null;
  /** Rows appended per table by the replaced indexers. */
  appended: Record<string, number>;
  /** applies_to edges, when they were derived again (0 on a new graph without conventions, where nothing is derived). */
  appliesTo: number | null;
}

export function writeIndex(store: GraphStore, write: IndexWrite): Promise<IndexWriteResult> {
  return store.write(async (tx) => {
    const fresh = tx.empty;
    const meta = { root: write.root, indexedAt: write.indexedAt, gitHead: write.gitHead, fingerprints: write.fingerprints };
    const appended: Record<string, number> = {};
    for (const owned of write.replaced) Object.assign(appended, await replaceOwned(tx, owned));
    for (const delta of write.continued ?? []) Object.assign(appended, await applyOwnedDelta(tx, delta));
    const states = Object.entries(write.states ?? {});
    if (states.length > 0) await tx.run(metaStatements(Object.fromEntries(states.map(([name, value]) => [stateKey(name), value]))).join(';\n'));
    // The delta's last batch carries the meta (one round trip); otherwise the meta is written at the end.
    const delta = write.codeDelta;
    const codeDelta = delta ? await applyCodeDelta(tx, delta, workspaceMetaStatements(meta)) : null;

    // applies_to joins conventions with files: derived again when either changed. A new graph with no conventions
    // has nothing to derive (three statements a fresh index without rule documents skips).
    const conventionsRedone = write.replaced.some((owned) => owned.owner === 'conventions');
    const filesRedone = write.replaced.some((owned) => owned.owner === 'code') || delta?.fileSetChanged === true;
    let appliesTo: number | null = null;
    if (conventionsRedone || filesRedone) appliesTo = (appended.conventions ?? 0) > 0 || !fresh ? await refreshAppliesTo(tx) : 0;

    if (!delta) await writeWorkspaceMeta(tx, meta);
    return { codeDelta, appended, appliesTo };
  }, { changesCode: changesCode(write) });
}

/** Whether the write touches the code's rows: the code redone whole, or a delta that removes or adds any. */
function changesCode(write: IndexWrite): boolean {
  if (write.replaced.some((owned) => owned.owner === 'code')) return true;
  const delta = write.codeDelta;
  if (!delta) return false;
  return delta.removedFiles.length > 0 || delta.reResolvedFiles.length > 0 || delta.fileSetChanged || delta.indexState.length > 0 || Object.values(delta.rows).some((rows) => rows.length > 0);
}
