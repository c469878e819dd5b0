// kg itself as the bench sees it, through the library API only: a graph of a history clone kept up to date by
// reindexes as the clone moves forward, and query_knowledge intents read by their schema at run time (the `related`
// and `co_changes` kinds, and the options they take, may not exist in this build).

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Ranker } from './ranker.js';

/** A kg graph of one workspace in a private file, indexed once and then reindexed at each new commit. */
export class KgGraph {
  private indexedSha: string | null = null;
  /** Wall time of each reindex after the first index, ms. */
  readonly reindexMs: number[] = [];
  firstIndexMs = 0;

  constructor(readonly db: string) {}

  /** Brings the graph to the workspace at `sha`; a second call for the same commit does nothing. */
  async prepare(workspace: string, sha: string): Promise<void> {
    if (this.indexedSha === sha) return;
    const { indexWorkspace, reindexWorkspace } = await import('../src/api.js');
    const started = performance.now();
    if (this.indexedSha === null) {
      rmSync(this.db, { force: true });
      rmSync(`${this.db}.wal`, { force: true });
      mkdirSync(join(this.db, '..'), { recursive: true });
      await indexWorkspace(workspace, { db: this.db });
      this.firstIndexMs = performance.now() - started;
    } else {
      await reindexWorkspace(workspace, { db: this.db });
      this.reindexMs.push(performance.now() - started);
    }
    this.indexedSha = sha;
  }

  /** One query_knowledge answer as plain data (its kind's schema may be newer than this bench). */
  async query(workspace: string, intent: Record<string, unknown>): Promise<unknown> {
    const { queryKnowledge } = await import('../src/api.js');
    return queryKnowledge({ workspace, db: this.db, intent });
  }
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

/**
 * kg's `related` rankers on one graph: all signals, and when the intent takes a `signals` list, one more per signal
 * with that signal left out. Empty when this build has no `related` intent.
 */
export async function relatedRankers(graph: KgGraph): Promise<{ rankers: Ranker[]; signals: string[] | null }> {
  if (!(await hasIntentKind('related'))) return { rankers: [], signals: null };
  const fields = await intentFields('related');
  const signals = fields && isArrayField(fields.signals) ? enumValues(fields.signals) : null;
  const variants: { name: string; signals: string[] | null }[] = [{ name: 'kg related', signals: null }];
  for (const left of signals ?? []) variants.push({ name: `kg related -${left}`, signals: signals!.filter((s) => s !== left) });
  const rankers = variants.map(
    ({ name, signals: chosen }): Ranker => ({
      name,
      prepare: (workspace, sha) => graph.prepare(workspace, sha),
      rank: async (workspace, text, k) => {
        const intent = { kind: 'related', text, of: ['file'], limit: k, ...(chosen ? { signals: chosen } : {}) };
        return answerPaths(await graph.query(workspace, intent)).slice(0, k);
      },
    }),
  );
  return { rankers, signals };
}
