// The shape of every query answer, and how its freshness is worked out.

import type { GraphReader } from '../graph/store.js';
import type { IntentKind } from './intents.js';

export interface Freshness {
  /** When the graph was last indexed (ISO 8601), or null if never. */
  indexedAt: string | null;
  gitHeadAtIndex: string | null;
  gitHeadNow: string | null;
  /** True when HEAD moved or a file the answer names differs on disk from what was indexed. */
  changedSinceIndex: boolean;
  /** The files named in the answer that changed on disk since the index. */
  changedFiles: string[];
}

export interface Answer<Item = unknown> {
  kind: IntentKind;
  items: Item[];
  /** A short rendering of the items for a prompt or a terminal. */
  text: string;
  freshness: Freshness;
  /** True when `items` was cut to the limit. */
  truncated: boolean;
  /** How many items there were before the limit. */
  total: number;
}

/** What a query needs besides SQL: the workspace root and a look at the disk, supplied by the caller. */
export interface QueryContext {
  reader: GraphReader;
  root: string;
  probe: FreshnessProbe;
}

/** Filesystem and git checks, kept out of `queries/` so it stays pure SQL-over-the-graph. */
export interface FreshnessProbe {
  gitHead(root: string): string | null;
  /** Which of the given indexed files now differ on disk (missing, other size or mtime). */
  changedFiles(root: string, files: readonly IndexedFileStat[]): string[];
}

export interface IndexedFileStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Freshness of an answer that names `paths`. */
export async function freshnessOf(context: QueryContext, paths: Iterable<string>): Promise<Freshness> {
  const meta = await context.reader.all<{ key: string; value: string | null }>(
    `SELECT key, value FROM meta WHERE key IN ('indexed_at', 'git_head')`,
  );
  const value = (key: string) => meta.find((row) => row.key === key)?.value ?? null;
  const unique = [...new Set(paths)];
  const stats =
    unique.length === 0
      ? []
      : await context.reader.all<{ path: string; size: number; mtimeMs: number }>(
          `SELECT path, size, mtime_ms AS "mtimeMs" FROM index_state WHERE path IN (SELECT unnest(?::VARCHAR[]))`,
          [unique],
        );
  const gitHeadAtIndex = value('git_head');
  const gitHeadNow = context.probe.gitHead(context.root);
  const changedFiles = context.probe.changedFiles(context.root, stats).sort();
  return {
    indexedAt: value('indexed_at'),
    gitHeadAtIndex,
    gitHeadNow,
    changedSinceIndex: changedFiles.length > 0 || gitHeadAtIndex !== gitHeadNow,
    changedFiles,
  };
}

/** Cuts `items` to `limit` and records whether it did. */
export function limitItems<T>(items: T[], limit: number): { items: T[]; truncated: boolean; total: number } {
  return { items: items.slice(0, limit), truncated: items.length > limit, total: items.length };
}
