// kg itself as the bench sees it, through the library API only: a graph of a history clone kept up to date by
// reindexes as the clone moves forward, and query_knowledge intents read by their schema at run time (the `related`
// and `co_changes` kinds, and the options they take, may not exist in this build).

import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Embedder } from '../indexers/embeddings/embedder.js';
import type { VectorReport } from '../indexers/embeddings/sync.js';
import type { Ranker } from './ranker.js';

/** The vectors of a graph: on, made by this embedder (opened once by the caller, passed to every index and reindex). */
export interface GraphVectors {
  embedder: Embedder;
  model: string;
}

export type SyncedVectors = Extract<VectorReport, { state: 'synced' }>;

/**
 * A kg graph of one workspace in a private file, indexed once and then reindexed at each new commit. Give each graph
 * its own folder: a graph's vectors are kept in the folder of its database file (graph/vector-store.ts vectorDirOf).
 */
export class KgGraph {
  private indexedSha: string | null = null;
  /** Wall time of each reindex after the first index, ms. */
  readonly reindexMs: number[] = [];
  firstIndexMs = 0;
  /** With vectors: the first index's vector sync, then each reindex's. */
  firstVectors: SyncedVectors | null = null;
  readonly reindexVectors: SyncedVectors[] = [];

  constructor(
    readonly db: string,
    readonly vectors: GraphVectors | null = null,
  ) {}

  /** Brings the graph to the workspace at `sha`; a second call for the same commit does nothing. */
  async prepare(workspace: string, sha: string): Promise<void> {
    if (this.indexedSha === sha) return;
    const { indexWorkspace, reindexWorkspace } = await import('../src/api.js');
    const options = { db: this.db, ...(this.vectors ? { vectors: true, embedModel: this.vectors.model, embedder: this.vectors.embedder } : {}) };
    const started = performance.now();
    if (this.indexedSha === null) {
      // A first index starts from nothing: no graph, and no vectors whose hashes would let it skip embedding.
      const { vectorDirOf } = await import('../graph/vector-store.js');
      for (const path of [this.db, `${this.db}.wal`, ...(this.vectors ? [vectorDirOf(this.db)] : [])]) rmSync(path, { recursive: true, force: true });
      mkdirSync(dirname(this.db), { recursive: true });
      const report = await indexWorkspace(workspace, options);
      this.firstIndexMs = performance.now() - started;
      if (this.vectors) this.firstVectors = syncedOrThrow(report.vectors, 'the first index');
    } else {
      const report = await reindexWorkspace(workspace, options);
      this.reindexMs.push(performance.now() - started);
      if (this.vectors) this.reindexVectors.push(syncedOrThrow(report.vectors, `the reindex at ${sha.slice(0, 8)}`));
    }
    this.indexedSha = sha;
  }

  /** One query_knowledge answer as plain data (its kind's schema may be newer than this bench). */
  async query(workspace: string, intent: Record<string, unknown>): Promise<unknown> {
    const { queryKnowledge } = await import('../src/api.js');
    return queryKnowledge({ workspace, db: this.db, intent });
  }
}

/** The report of a vector sync that happened; anything else stops the bench (figures without vectors would lie). */
export function syncedOrThrow(report: VectorReport | undefined, what: string): SyncedVectors {
  if (report?.state === 'synced') return report;
  const why = report === undefined ? 'the report has no vectors' : report.state === 'unavailable' ? `unavailable: ${report.reason}` : `state ${report.state}`;
  throw new Error(`vectors were asked for and not made by ${what} (${why})`);
}

/** A graph file in its own folder under `dir`: `<dir>/<name>/graph.duckdb`. */
export function graphFileIn(dir: string, name: string): string {
  return join(dir, name, 'graph.duckdb');
}

/** Whether this build of kg has an intent kind. */
export async function hasIntentKind(kind: string): Promise<boolean> {
  const { INTENT_KINDS } = await import('../queries/kinds.js');
  return (INTENT_KINDS as readonly string[]).includes(kind);
}

/** The workspace-relative file paths of an answer's items, in order (an item names its file as `path` or `file`). */
export function answerPaths(answer: unknown): string[] {
  const items = (answer as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  const paths: string[] = [];
  for (const item of items as Record<string, unknown>[]) {
    const path = typeof item.path === 'string' ? item.path : typeof item.file === 'string' ? item.file : null;
    if (path !== null && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

// The parts of zod 4's internal definitions read here.
interface ZodDef {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
  entries?: Record<string, string>;
  values?: unknown[];
  options?: { _zod: { def: ZodDef } }[];
}

/** The fields of one intent kind's schema (their zod definitions), or null when the schema has no such kind. */
export async function intentFields(kind: string): Promise<Record<string, ZodDef> | null> {
  const { intentSchema } = await import('../queries/intents.js');
  const union = (intentSchema as unknown as { _zod: { def: ZodDef } })._zod.def;
  for (const option of union.options ?? []) {
    const shape = option._zod.def.shape ?? {};
    if (shape.kind?._zod.def.values?.includes(kind)) {
      return Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, field._zod.def]));
    }
  }
  return null;
}

/** The values an enum field takes (through optional, default and array wrappers), or null when it is no enum. */
export function enumValues(def: ZodDef | undefined): string[] | null {
  let at = def;
  while (at && (at.type === 'optional' || at.type === 'default' || at.type === 'nullable' || at.type === 'array')) {
    at = (at.type === 'array' ? at.element : at.innerType)?._zod.def;
  }
  return at?.type === 'enum' && at.entries ? Object.values(at.entries) : null;
}

/** Whether a field, unwrapped, is an array. */
function isArrayField(def: ZodDef | undefined): boolean {
  let at = def;
  while (at && (at.type === 'optional' || at.type === 'default' || at.type === 'nullable')) at = at.innerType?._zod.def;
  return at?.type === 'array';
}

/** One `related` ranker: the signals it asks for (null: the intent's default) and the mode its answers must have. */
interface RelatedVariant {
  name: string;
  signals: string[] | null;
  /** hybrid: every answer must say mode hybrid with vectors used (else the ranker fails); lexical: mode lexical. */
  expect: 'hybrid' | 'lexical' | null;
}

export interface RelatedRankers {
  rankers: Ranker[];
  /** The intent's signals, when it takes a list of them. */
  signals: string[] | null;
  /** What the ablations (`-signal`) leave a signal out of. */
  ablations: string | null;
}

/** The ranker the issue's goal is stated for, with vectors: all signals. */
export const HYBRID_GRAPH = 'kg related hybrid + graph';

/**
 * kg's `related` rankers on one graph. Without vectors (or a `vectors` signal): all signals, and one more per signal
 * with that signal left out. With vectors: `kg related` (every signal but vectors: lexical, as before vectors), text
 * alone, vectors alone, text and vectors, all signals (hybrid + graph), and each signal left out of all. Empty when
 * this build has no `related` intent.
 */
export async function relatedRankers(graph: KgGraph): Promise<RelatedRankers> {
  if (!(await hasIntentKind('related'))) return { rankers: [], signals: null, ablations: null };
  const fields = await intentFields('related');
  const signals = fields && isArrayField(fields.signals) ? enumValues(fields.signals) : null;
  const variants: RelatedVariant[] = [];
  let ablations: string | null = null;
  if (graph.vectors && signals?.includes('vectors')) {
    const all = signals;
    const lexical = all.filter((s) => s !== 'vectors');
    variants.push(
      { name: 'kg related', signals: lexical, expect: 'lexical' },
      { name: 'kg related lexical', signals: ['text'], expect: 'lexical' },
      { name: 'kg related vectors', signals: ['vectors'], expect: 'hybrid' },
      { name: 'kg related hybrid', signals: ['text', 'vectors'], expect: 'hybrid' },
      { name: HYBRID_GRAPH, signals: all, expect: 'hybrid' },
    );
    // Leaving vectors out of all is `kg related`.
    for (const left of lexical) variants.push({ name: `${HYBRID_GRAPH} -${left}`, signals: all.filter((s) => s !== left), expect: 'hybrid' });
    ablations = `all signals (${all.join(', ')})`;
  } else {
    variants.push({ name: 'kg related', signals: null, expect: null });
    for (const left of signals ?? []) variants.push({ name: `kg related -${left}`, signals: signals!.filter((s) => s !== left), expect: null });
    ablations = signals ? `all signals (${signals.join(', ')})` : null;
  }
  const rankers = variants.map(({ name, signals: chosen, expect }): Ranker => {
    let warm = false;
    return {
      name,
      prepare: async (workspace, sha) => {
        await graph.prepare(workspace, sha);
        // The query side loads the model on its first vector search (seconds): once, before any timed query.
        if (!warm && expect === 'hybrid') await graph.query(workspace, { kind: 'related', text: 'warm up the model', of: ['file'], signals: chosen });
        warm = true;
      },
      rank: async (workspace, text, k) => {
        const intent = { kind: 'related', text, of: ['file'], limit: k, ...(chosen ? { signals: chosen } : {}) };
        const answer = await graph.query(workspace, intent);
        if (expect !== null) checkMode(answer, expect);
        return answerPaths(answer).slice(0, k);
      },
    };
  });
  return { rankers, signals, ablations };
}

/** Throws unless the answer is of the expected mode: a silent lexical fallback would make the comparison a lie. */
function checkMode(answer: unknown, expect: 'hybrid' | 'lexical'): void {
  const { mode, vectors } = answer as { mode?: string; vectors?: { state?: string; lagging?: boolean; reason?: string | null } };
  if (expect === 'hybrid' && (mode !== 'hybrid' || vectors?.state !== 'used' || vectors.lagging)) {
    throw new Error(`answer is ${mode ?? 'of no mode'}, vectors ${vectors?.state ?? 'absent'}${vectors?.lagging ? ' (lagging)' : ''}${vectors?.reason ? `: ${vectors.reason}` : ''}; hybrid with vectors used was expected`);
  }
  if (expect === 'lexical' && mode !== 'lexical') throw new Error(`answer is ${mode ?? 'of no mode'}; lexical was expected (no vectors signal asked)`);
}
