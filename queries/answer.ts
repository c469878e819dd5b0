// The shape of every query answer, and how its freshness is worked out.

import { z } from 'zod';
import type { GraphReader } from '../graph/store.js';
import type { VectorHit, VectorKind } from '../graph/vector-store.js';
import type { IntentKind } from './intents.js';
import type { GraphSnapshot } from './snapshot.js';

export const freshnessSchema = z.object({
  indexedAt: z.string().nullable().describe('When the graph was last indexed (ISO 8601), or null if never.'),
  gitHeadAtIndex: z.string().nullable(),
  gitHeadNow: z.string().nullable(),
  changedSinceIndex: z
    .boolean()
    .describe('True when HEAD moved or a file the answer names differs on disk from what was indexed.'),
  changedFiles: z.array(z.string()).describe('The files named in the answer that changed on disk since the index.'),
});
export type Freshness = z.infer<typeof freshnessSchema>;

/** The fields every answer of `kind` has around its items; a kind with more fields extends it. */
export function answerSchema<K extends IntentKind, Item extends z.ZodType>(kind: K, item: Item) {
  return z.object({
    kind: z.literal(kind),
    items: z.array(item),
    text: z.string().describe('A short rendering of the items for a prompt or a terminal.'),
    freshness: freshnessSchema,
    truncated: z.boolean().describe('True when `items` was cut to the limit.'),
    total: z.number().int().describe('How many items there were before the limit.'),
  });
}

/** Any kind's answer, for code that only reads the common fields (a kind's own type is `AnswerOf<K>`). */
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
  /** The graph's files, imports and stats in memory, for a graph that stays open; lookups use SQL without it. */
  snapshot?: GraphSnapshot;
  /** What git says changed in the workspace, for `diff_impact`; without it that kind answers that it cannot tell. */
  git?: GitChangesProbe;
  /** Embedding similarity, when the workspace has vectors on; without it the kinds that use it answer lexically. */
  vectors?: VectorProbe;
}

/** Vector similarity, run by the caller: the embedder and LanceDB stay out of `queries/` like git and the disk. */
export interface VectorProbe {
  /** The stored texts nearest to `text`, of `kinds`, best first (a long session's chunks each count). */
  search(text: string, kinds: readonly VectorKind[], limit: number): Promise<VectorSearch>;
}

export type VectorSearch =
  | { state: 'used'; hits: readonly VectorHit[]; model: string; lagging: boolean }
  /** off: the workspace has no vectors; unavailable: it has, but they cannot be searched now (no model, a bad table). */
  | { state: 'off' | 'unavailable'; reason: string };

/** Filesystem and git checks, kept out of `queries/` so it stays pure SQL-over-the-graph. */
export interface FreshnessProbe {
  gitHead(root: string): string | null;
  /** Which of the given indexed files now differ on disk (missing, other size or mtime). */
  changedFiles(root: string, files: readonly IndexedFileStat[]): string[];
}

/** git run by the caller, kept out of `queries/` like the disk checks: which files a diff changed. */
export interface GitChangesProbe {
  /**
   * The workspace-relative files that differ between `base` and `head`; with `head` null, between `base` and the
   * working tree (staged, unstaged and untracked files); with `base` null too, between HEAD and the working tree.
   */
  changedFiles(root: string, range: GitRange): Promise<GitChanges>;
}

export interface GitRange {
  base: string | null;
  head: string | null;
}

export interface GitChangedFile {
  path: string;
  /** added, modified, deleted or type_changed; an untracked file is added. */
  status: string;
}

export type GitChanges = GitDiff | GitFailure;

export interface GitDiff {
  ok: true;
  /** The base commit's sha. */
  base: string;
  /** The head commit's sha; null for the working tree. */
  head: string | null;
  files: GitChangedFile[];
}

export interface GitFailure {
  ok: false;
  /** no_git: not in a git work tree, or git is missing; bad_ref: a ref that names no commit; failed: anything else. */
  reason: 'no_git' | 'bad_ref' | 'failed';
  /** One line for the user. */
  message: string;
}

export interface IndexedFileStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Freshness of an answer that names `paths`. */
export async function freshnessOf(context: QueryContext, paths: Iterable<string>): Promise<Freshness> {
  const unique = [...new Set(paths)];
  const { meta, stats } = context.snapshot ? fromSnapshot(context.snapshot, unique) : await fromGraph(context.reader, unique);
  const gitHeadAtIndex = meta.gitHead;
  const gitHeadNow = context.probe.gitHead(context.root);
  const changedFiles = context.probe.changedFiles(context.root, stats).sort();
  return {
    indexedAt: meta.indexedAt,
    gitHeadAtIndex,
    gitHeadNow,
    changedSinceIndex: changedFiles.length > 0 || gitHeadAtIndex !== gitHeadNow,
    changedFiles,
  };
}

interface IndexedFacts {
  meta: GraphSnapshot['meta'];
  stats: IndexedFileStat[];
}

function fromSnapshot(snapshot: GraphSnapshot, paths: readonly string[]): IndexedFacts {
  const stats: IndexedFileStat[] = [];
  for (const path of paths) {
    const stat = snapshot.stats.get(path);
    if (stat) stats.push({ path, ...stat });
  }
  return { meta: snapshot.meta, stats };
}

async function fromGraph(reader: GraphReader, paths: readonly string[]): Promise<IndexedFacts> {
  const meta = await reader.all<{ key: string; value: string | null }>(`SELECT key, value FROM meta WHERE key IN ('indexed_at', 'git_head')`);
  const value = (key: string) => meta.find((row) => row.key === key)?.value ?? null;
  const stats =
    paths.length === 0
      ? []
      : await reader.all<IndexedFileStat>(
          `SELECT path, size, mtime_ms AS "mtimeMs" FROM index_state WHERE path IN (SELECT unnest(?::VARCHAR[]))`,
          [paths],
        );
  return { meta: { indexedAt: value('indexed_at'), gitHead: value('git_head') }, stats };
}

/** Cuts `items` to `limit` and records whether it did. */
export function limitItems<T>(items: T[], limit: number): { items: T[]; truncated: boolean; total: number } {
  return { items: items.slice(0, limit), truncated: items.length > limit, total: items.length };
}
