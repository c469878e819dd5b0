// Vector similarity as one more ranked signal for the kinds that match text (related, sessions_by_goal, conventions):
// asks the caller's probe, says in every answer how it went, and fuses ranked lists by reciprocal rank.

import { z } from 'zod';
import type { VectorHit, VectorKind } from '../graph/vector-store.js';
import type { QueryContext } from './answer.js';

export const vectorUseSchema = z.object({
  state: z
    .enum(['used', 'off', 'unavailable'])
    .describe('used: embedding similarity ranked the answer too; off: the workspace has no vectors (`kg index --vectors`); unavailable: it has, but they could not be searched (see reason).'),
  model: z.string().nullable().describe('The embedding model of the vectors used.'),
  lagging: z
    .boolean()
    .describe('True when the vectors were made from an older graph than the one answering (an index stopped between its two writes); the next `kg reindex` repairs them.'),
  reason: z.string().nullable().describe('Why vectors were not used, in one line.'),
});
export type VectorUse = z.infer<typeof vectorUseSchema>;

export const matchModeSchema = z.enum(['lexical', 'hybrid']).describe('lexical: words only (BM25, history, the graph); hybrid: fused with embedding similarity.');
export type MatchMode = z.infer<typeof matchModeSchema>;

const NOT_ASKED: VectorUse = { state: 'off', model: null, lagging: false, reason: 'vectors are off for this workspace (kg index --vectors turns them on)' };

/** The nearest stored texts to `text` of `kinds`, with how the search went; no probe is the same as vectors off. */
export async function vectorMatches(
  context: QueryContext,
  text: string,
  kinds: readonly VectorKind[],
  limit: number,
): Promise<{ use: VectorUse; hits: readonly VectorHit[] }> {
  if (!context.vectors) return { use: NOT_ASKED, hits: [] };
  const search = await context.vectors.search(text, kinds, limit);
  if (search.state !== 'used') return { use: { state: search.state, model: null, lagging: false, reason: search.reason }, hits: [] };
  return { use: { state: 'used', model: search.model, lagging: search.lagging, reason: null }, hits: search.hits };
}

/** The graph nodes of `hits`, each once at its best hit (a session's chunks are one session), best first. */
export function bestPerNode(hits: readonly VectorHit[]): VectorHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => !seen.has(hit.node) && seen.add(hit.node));
}

/** Reciprocal rank fusion: each id scores the sum of weight / (k + rank) over the lists it is in; best first. */
export function fuseByRank(lists: readonly { ids: readonly string[]; weight: number }[], k: number): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const { ids, weight } of lists) ids.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + i + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Items a vector search and BM25 each rank, at most this many from each, before a hybrid answer fuses them. */
export const HYBRID_POOL = 50;
/** A node nearer than this (cosine) to the text counts as a match by its vector alone. */
export const MIN_SIMILARITY = 0.25;
/** Reciprocal rank fusion's k for two lists of similar quality (the usual 60: no list's first ranks dominate). */
const HYBRID_RRF_K = 60;

/**
 * BM25's best ids and the ids of the nodes the vectors found near enough (a node's best hit; `idOf` turns its node id
 * into the id BM25 ranked), fused by reciprocal rank, best first.
 */
export function fuseHybrid(lexicalIds: readonly string[], hits: readonly VectorHit[], idOf: (node: string) => string): { id: string; score: number }[] {
  const near = bestPerNode(hits).filter((hit) => hit.score >= MIN_SIMILARITY).slice(0, HYBRID_POOL);
  return fuseByRank(
    [
      { ids: lexicalIds.slice(0, HYBRID_POOL), weight: 1 },
      { ids: near.map((hit) => idOf(hit.node)), weight: 1 },
    ],
    HYBRID_RRF_K,
  );
}

/** `rows` in the order of `fused`, each with its fused score; an id without a row (the vectors lag the graph) is left out. */
export function inFusedOrder<Row extends { id: string }>(fused: readonly { id: string; score: number }[], rows: readonly Row[]): (Row & { score: number })[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return fused.flatMap((f) => {
    const row = byId.get(f.id);
    return row ? [{ ...row, score: Math.round(f.score * 1e6) / 1e6 }] : [];
  });
}

/** The mode of an answer whose vector search went as `use`. */
export function modeOf(use: VectorUse): MatchMode {
  return use.state === 'used' ? 'hybrid' : 'lexical';
}

/** What an answer's text says of its vectors, when anything is worth saying. */
export function vectorNote(use: VectorUse): string {
  if (use.state === 'used') return use.lagging ? ' [vectors lag the graph: kg reindex repairs them]' : '';
  return use.state === 'unavailable' ? ` [vectors unavailable: ${use.reason}]` : '';
}
