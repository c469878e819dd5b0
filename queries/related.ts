// related: what in the workspace a task's words are about, when they name no path. Files are ranked by fusing
// signals, each measured in the bench (bench/localize.ts) rather than assumed:
//   text     BM25 over the files' terms (identifiers split, the path weighted; file_terms, written by the code index)
//   vectors  embedding similarity of the files' and their exported symbols' texts, when the workspace has vectors on
//   commits  BM25 over commit subjects and bodies: the files of the matching commits (of at most 30 files) get votes
//   sessions agent sessions matching by BM25 over title, goal, recap and notes (fused with their vectors' similarity
//            when vectors are on): the files those sessions changed get votes
//   imports  the graph votes: files importing or imported by the best hits of the signals above
//   churn    a prior: how many of the last 50 commits changed the file (it reorders the candidates, adds none)
//   recency  a prior: how recently the file changed, halved per 30 days before HEAD's commit (git-history.ts)
// Each item says which signals found it, at which rank. Sessions, conventions and symbols can be asked for too.

import { z } from 'zod';
import { queryTerms } from '../graph/text-terms.js';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import { bm25Params, bm25Sql, BM25_B, BM25_K1 } from './bm25.js';
import { conventions } from './conventions.js';
import { BULK_COMMIT_FILES, CHURN_HALF_LIFE_DAYS, CHURN_WINDOW, fileChurn } from './git-history.js';
import type { IntentOf } from './intents.js';
import { RELATED_KINDS, RELATED_SIGNALS } from './kinds.js';
import { renderList } from './render.js';
import { sessionsByGoal } from './sessions.js';
import { bestPerNode, fuseByRank, matchModeSchema, modeOf, vectorMatches, vectorNote, vectorUseSchema } from './vector-signal.js';
import type { VectorHit } from '../graph/vector-store.js';

export { RELATED_KINDS, RELATED_SIGNALS };
export type RelatedSignal = (typeof RELATED_SIGNALS)[number];

const DEFAULT_RELATED = 10;
/** Candidates each matching signal contributes before fusion. */
const POOL = 50;
/** Commits whose files vote, best matches first. */
const VOTING_COMMITS = 20;
const VOTING_SESSIONS = 10;
/** Reciprocal rank fusion: score = sum of weight / (K + rank). A small K lets a signal's first ranks stand out. */
const RRF_K = 10;
// vectors weighs less than text: alone, it ranks the right files about a third as often as the text does with the
// bench's static word model (bench/RESULTS.md, issue 18), and at equal weight it pulled hybrid below text alone.
const WEIGHTS: Readonly<Record<RelatedSignal, number>> = { text: 1, vectors: 0.35, commits: 0.6, sessions: 0.6, imports: 0.3, churn: 0.25, recency: 0.15 };
/** The best fused files whose imports vote, and the vector hits asked for (files and symbols together). */
const IMPORT_SEEDS = 5;
const VECTOR_POOL = 100;
/** Terms of a query text beyond these are not matched (a pasted log is not a query). */
const MAX_QUERY_TERMS = 64;

const whySchema = z.object({
  signal: z.enum(RELATED_SIGNALS),
  rank: z.number().int().describe('Its rank by that signal alone (1 = best).'),
  detail: z.string().describe('What matched: the terms, the commit, the session, the count.'),
});

export const relatedItemSchema = z.object({
  kind: z.enum(RELATED_KINDS),
  id: z.string().describe('The graph node id (file:PATH, sym:..., session:ID, conv:...).'),
  path: z.string().nullable().describe('The file (of a file or symbol), workspace-relative.'),
  title: z.string().describe('The path, symbol name, session title or convention heading.'),
  score: z.number().describe('The fused score (files) or the BM25 score (sessions, conventions); higher is better.'),
  why: z.array(whySchema).describe('Each signal that found it, with its rank there.'),
});
export type RelatedItem = z.infer<typeof relatedItemSchema>;

export const relatedAnswerSchema = answerSchema('related', relatedItemSchema).extend({
  mode: matchModeSchema,
  vectors: vectorUseSchema,
  signals: z.array(z.enum(RELATED_SIGNALS)).describe('The signals used.'),
  terms: z.array(z.string()).describe('The terms the text gave.'),
});
export type RelatedAnswer = z.infer<typeof relatedAnswerSchema>;

interface Ranked {
  path: string;
  detail: string;
}

export async function related(context: QueryContext, intent: IntentOf<'related'>): Promise<RelatedAnswer> {
  const limit = intent.limit ?? DEFAULT_RELATED;
  const kinds = intent.of ?? ['file'];
  const signals = intent.signals ?? [...RELATED_SIGNALS];
  const terms = queryTerms(intent.text).slice(0, MAX_QUERY_TERMS);
  // One vector search serves every kind asked for: files, symbols and sessions (whose changed files vote) at once.
  const vectorKinds = (['file', 'symbol', 'session'] as const).filter((kind) => kind !== 'symbol' || kinds.includes('symbol') || kinds.includes('file'));
  const vectorContext = signals.includes('vectors') ? context : { ...context, vectors: undefined };
  // The vector search (the query embedded, then LanceDB) runs while the lexical signals' SQL does.
  const searching = vectorMatches(vectorContext, intent.text, vectorKinds, VECTOR_POOL);
  searching.catch(() => undefined); // awaited below: a failure is not unhandled meanwhile
  const items: RelatedItem[] = [];
  let total = 0;
  const files = kinds.includes('file') || kinds.includes('symbol') ? await rankFiles(context, intent.text, terms, signals, searching) : [];
  const found = await searching;
  if (kinds.includes('file')) {
    items.push(...files.slice(0, limit));
    total += files.length;
  }
  if (kinds.includes('symbol')) {
    const symbols = await rankSymbols(context, terms, files.slice(0, POOL), found.hits);
    items.push(...symbols.slice(0, limit));
    total += symbols.length;
  }
  if (kinds.includes('session')) {
    const answer = await sessionsByGoal(vectorContext, { kind: 'sessions_by_goal', text: intent.text, limit });
    total += answer.total;
    items.push(
      ...answer.items.map((s, i): RelatedItem => ({
        kind: 'session',
        id: `session:${s.id}`,
        path: null,
        title: s.title ?? s.id,
        score: s.score,
        why: [{ signal: 'sessions', rank: i + 1, detail: answer.mode === 'hybrid' ? 'its text matches, in words or by its vector' : 'its title, goal, recap or notes match' }],
      })),
    );
  }
  if (kinds.includes('convention')) {
    const answer = await conventions(vectorContext, { kind: 'conventions', text: intent.text, limit });
    total += answer.total;
    items.push(
      ...answer.items.map((c, i): RelatedItem => ({
        kind: 'convention',
        id: c.id,
        path: null,
        title: `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}`,
        score: c.score ?? 0,
        why: [{ signal: answer.mode === 'hybrid' ? 'vectors' : 'text', rank: i + 1, detail: answer.mode === 'hybrid' ? 'its heading or text matches, in words or by its vector' : 'its heading or text matches' }],
      })),
    );
  }
  const truncated = total > items.length;
  const mode = modeOf(found.use);
  const used = signals.filter((signal) => signal !== 'vectors' || mode === 'hybrid');
  return {
    kind: 'related',
    mode,
    vectors: found.use,
    signals: used,
    terms,
    items,
    total,
    truncated,
    text: renderList(
      `${total} item(s) related to "${intent.text}" (${mode}: ${used.join(', ')})${vectorNote(found.use)}`,
      items.map(describeItem),
      truncated,
    ),
    freshness: await freshnessOf(context, items.flatMap((item) => (item.path ? [item.path] : []))),
  };
}

function describeItem(item: RelatedItem): string {
  const why = item.why.map((w) => `${w.signal} #${w.rank}: ${w.detail}`).join('; ');
  return `${item.kind === 'file' ? '' : `[${item.kind}] `}${item.title}  (${why})`;
}

/** The files ranked by the fused signals; each signal's list is computed alone, then fused by reciprocal rank. */
async function rankFiles(
  context: QueryContext,
  text: string,
  terms: readonly string[],
  signals: readonly RelatedSignal[],
  searching: Promise<{ hits: readonly VectorHit[] }>,
): Promise<RelatedItem[]> {
  const on = (signal: RelatedSignal) => signals.includes(signal);
  const hits = searching.then((found) => found.hits);
  // A graph without commits or sessions skips their signals' SQL (each a BM25 over its table) and the priors.
  const presence = historyPresence(context);
  const [textRanks, byCommits, bySessions, vectorHits, has] = await Promise.all([
    on('text') && terms.length > 0 ? textMatches(context, terms) : [],
    presence.then((has) => (on('commits') && has.commits ? commitVotes(context, text) : [])),
    presence.then((has) => (on('sessions') && has.sessions ? hits.then((found) => sessionVotes(context, text, found)) : [])),
    hits,
    presence,
  ]);
  const lists: [RelatedSignal, Ranked[]][] = [['text', textRanks], ['vectors', vectorFileRanks(vectorHits)], ['commits', byCommits], ['sessions', bySessions]];
  // The graph votes for the neighbours of what the words found: a task's files import each other.
  if (on('imports')) {
    const seeds = fuse(lists).slice(0, IMPORT_SEEDS).map((item) => item.path!);
    lists.push(['imports', await importVotes(context, seeds)]);
  }
  const candidates = [...new Set(lists.flatMap(([, list]) => list.map((r) => r.path)))];
  // The priors reorder what the other signals found; alone they would name the busiest files for any task.
  if (candidates.length > 0 && has.commits && (on('churn') || on('recency'))) {
    const priors = await historyPriors(context, candidates);
    if (on('churn')) lists.push(['churn', priors.filter((p) => p.churn > 0).sort((a, b) => b.churn - a.churn || a.path.localeCompare(b.path)).map((p) => ({ path: p.path, detail: `${p.churn} of the last ${CHURN_WINDOW} commits` }))]);
    if (on('recency')) lists.push(['recency', priors.filter((p) => p.recency > 0).sort((a, b) => b.recency - a.recency || a.path.localeCompare(b.path)).map((p) => ({ path: p.path, detail: `last changed ${p.ageDays} day(s) before HEAD` }))]);
  }
  return fuse(lists);
}

/** Whether the graph has commits and sessions at all (one small query). */
async function historyPresence(context: QueryContext): Promise<{ commits: boolean; sessions: boolean }> {
  const [row] = await context.reader.all<{ commits: boolean; sessions: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM commits) AS commits, EXISTS (SELECT 1 FROM sessions) AS sessions`,
  );
  return { commits: row?.commits ?? false, sessions: row?.sessions ?? false };
}

/** Reciprocal rank fusion of the signals' lists into items, best first, each saying where it ranked. */
function fuse(lists: readonly (readonly [RelatedSignal, readonly Ranked[]])[]): RelatedItem[] {
  const fused = new Map<string, RelatedItem>();
  for (const [signal, list] of lists) {
    list.forEach((ranked, i) => {
      const item = fused.get(ranked.path) ?? { kind: 'file' as const, id: `file:${ranked.path}`, path: ranked.path, title: ranked.path, score: 0, why: [] };
      item.score += WEIGHTS[signal] / (RRF_K + i + 1);
      item.why.push({ signal, rank: i + 1, detail: ranked.detail });
      fused.set(ranked.path, item);
    });
  }
  return [...fused.values()]
    .map((item) => ({ ...item, score: Math.round(item.score * 1e6) / 1e6 }))
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title));
}

/** The files of the nearest file and symbol texts, each at its best hit (a symbol stands for its file). */
function vectorFileRanks(hits: readonly VectorHit[]): Ranked[] {
  const ranked: Ranked[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    if ((hit.kind !== 'file' && hit.kind !== 'symbol') || hit.path === null || seen.has(hit.path)) continue;
    seen.add(hit.path);
    const name = hit.kind === 'symbol' ? symbolNameOf(hit) : null;
    ranked.push({ path: hit.path, detail: `${name ? `its ${name} is` : 'its text is'} similar (${hit.score.toFixed(2)})` });
    if (ranked.length === POOL) break;
  }
  return ranked;
}

/** The name in a symbol's node id (`sym:PATH#NAME`). */
function symbolNameOf(hit: VectorHit): string | null {
  const prefix = `sym:${hit.path}#`;
  return hit.node.startsWith(prefix) ? hit.node.slice(prefix.length) : null;
}

/** Files importing or imported by `seeds` (best first), a seed's neighbours voting by its rank; tests left out. */
async function importVotes(context: QueryContext, seeds: readonly string[]): Promise<Ranked[]> {
  if (seeds.length === 0) return [];
  const rows = await context.reader.all<{ seed: string; path: string; direction: string }>(
    `WITH s AS (SELECT unnest(?::VARCHAR[]) AS seed)
     SELECT s.seed, substr(e.dst, 6) AS path, 'imported by' AS direction FROM s JOIN edges e ON e.kind = 'imports' AND e.src = 'file:' || s.seed
     UNION ALL
     SELECT s.seed, substr(e.src, 6) AS path, 'imports' AS direction FROM s JOIN edges e ON e.kind = 'imports' AND e.dst = 'file:' || s.seed`,
    [[...seeds]],
  );
  if (rows.length === 0) return [];
  const tests = new Set(
    (await context.reader.all<{ path: string }>(`SELECT path FROM files WHERE is_test AND path IN (SELECT unnest(?::VARCHAR[]))`, [rows.map((r) => r.path)])).map((r) => r.path),
  );
  const rank = new Map(seeds.map((seed, i) => [seed, i]));
  const votes = new Map<string, { score: number; detail: string }>();
  for (const row of rows) {
    if (tests.has(row.path) || row.path === row.seed) continue;
    const vote = 1 / (1 + rank.get(row.seed)!);
    const known = votes.get(row.path);
    if (known) known.score += vote;
    else votes.set(row.path, { score: vote, detail: `${row.direction} ${row.seed}` });
  }
  return [...votes]
    .sort(([a, x], [b, y]) => y.score - x.score || a.localeCompare(b))
    .slice(0, POOL)
    .map(([path, vote]) => ({ path, detail: vote.detail }));
}

/** BM25 over file_terms (the code index's terms per file: identifiers split, path segments weighted). */
async function textMatches(context: QueryContext, terms: readonly string[]): Promise<Ranked[]> {
  const rows = await context.reader.all<{ file: string; score: number; matched: string[] }>(
    `WITH q AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS term),
     lengths AS (SELECT file, sum(tf)::DOUBLE AS len FROM file_terms GROUP BY file),
     stats AS (SELECT count(*)::DOUBLE AS n, avg(len) AS avgdl FROM lengths),
     hits AS (SELECT t.file, t.term, t.tf::DOUBLE AS tf FROM file_terms t WHERE t.term IN (SELECT term FROM q)),
     df AS (SELECT term, count(*)::DOUBLE AS df FROM hits GROUP BY term)
     SELECT h.file, sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5)) * h.tf * ${BM25_K1 + 1}
              / (h.tf + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * l.len / s.avgdl))) AS score,
            list(h.term ORDER BY h.tf DESC) AS matched
     FROM hits h JOIN df USING (term) JOIN lengths l USING (file) CROSS JOIN stats s
     GROUP BY h.file ORDER BY score DESC, h.file LIMIT ${POOL}`,
    [[...terms]],
  );
  return rows.map((r) => ({ path: r.file, detail: `matches ${r.matched.slice(0, 4).join(', ')}` }));
}

/** Commit subjects (weight 3) and bodies (1), BM25; the best commits' files still at HEAD get votes by score. */
async function commitVotes(context: QueryContext, text: string): Promise<Ranked[]> {
  const fields = `
    SELECT sha AS id, 3.0 AS w, subject AS body FROM commits WHERE files_changed BETWEEN 1 AND ${BULK_COMMIT_FILES}
    UNION ALL SELECT sha, 1.0, body FROM commits WHERE body IS NOT NULL AND files_changed BETWEEN 1 AND ${BULK_COMMIT_FILES}`;
  const rows = await context.reader.all<{ path: string; votes: number; subject: string }>(
    `WITH ranked AS (${bm25Sql(fields)}),
     best AS (SELECT id AS sha, score FROM ranked ORDER BY score DESC, id LIMIT ${VOTING_COMMITS}),
     voted AS (
       SELECT f.current AS path, b.score / sqrt(c.files_changed) AS vote, c.subject, b.score
       FROM best b JOIN commits c ON c.sha = b.sha JOIN commit_files f ON f.sha = b.sha
       WHERE f.current IN (SELECT path FROM files))
     SELECT path, sum(vote) AS votes, arg_max(subject, score) AS subject
     FROM voted GROUP BY path ORDER BY votes DESC, path LIMIT ${POOL}`,
    bm25Params(text),
  );
  return rows.map((r) => ({ path: r.path, detail: `changed by "${clip(r.subject)}"` }));
}

/** Sessions matching the text (BM25, fused with their vectors' ranks when there are hits); the files the best of them changed (produced_by) get votes. */
async function sessionVotes(context: QueryContext, text: string, hits: readonly VectorHit[]): Promise<Ranked[]> {
  const fields = `
    SELECT id, 3.0 AS w, title AS body FROM sessions
    UNION ALL SELECT id, 1.0, goal FROM sessions WHERE goal IS DISTINCT FROM title
    UNION ALL SELECT id, 1.0, recap FROM sessions`;
  const lexical = await context.reader.all<{ id: string; score: number }>(
    `WITH ranked AS (${bm25Sql(fields)}) SELECT id, score FROM ranked ORDER BY score DESC, id LIMIT ${VOTING_SESSIONS}`,
    bm25Params(text),
  );
  const near = bestPerNode(hits.filter((hit) => hit.kind === 'session')).slice(0, VOTING_SESSIONS);
  // Votes weigh by BM25 score alone, as before vectors; with vectors by the fused score (BM25 scores and cosines do not add).
  const best =
    near.length === 0
      ? lexical
      : fuseByRank([{ ids: lexical.map((r) => r.id), weight: 1 }, { ids: near.map((hit) => hit.node.slice('session:'.length)), weight: 1 }], RRF_K)
          .slice(0, VOTING_SESSIONS)
          .map((f) => ({ id: f.id, score: f.score }));
  if (best.length === 0) return [];
  const rows = await context.reader.all<{ path: string; votes: number; session: string }>(
    `WITH best AS (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::DOUBLE[]) AS score),
     voted AS (
       SELECT substr(e.dst, 6) AS path, b.score AS vote, coalesce(s.title, s.id) AS session
       FROM best b JOIN sessions s ON s.id = b.id JOIN edges e ON e.kind = 'produced_by' AND e.src = 'session:' || b.id
       WHERE e.dst IN (SELECT 'file:' || path FROM files))
     SELECT path, sum(vote) AS votes, arg_max(session, vote) AS session
     FROM voted GROUP BY path ORDER BY votes DESC, path LIMIT ${POOL}`,
    [best.map((b) => b.id), best.map((b) => b.score)],
  );
  return rows.map((r) => ({ path: r.path, detail: `changed in session "${clip(r.session)}"` }));
}

interface Prior {
  path: string;
  churn: number;
  recency: number;
  ageDays: number;
}

/** Churn (recent commits) and recency (the newest commit's weight, halved per 30 days before HEAD) of `paths`. */
async function historyPriors(context: QueryContext, paths: readonly string[]): Promise<Prior[]> {
  const churn = await fileChurn(context, paths);
  return [...churn].map(([path, c]) => ({
    path,
    churn: c.recent,
    recency: c.ageDays === null ? 0 : Math.pow(0.5, c.ageDays / CHURN_HALF_LIFE_DAYS),
    ageDays: c.ageDays ?? 0,
  }));
}

/**
 * Symbols of the best files whose name shares terms with the text, most shared terms first; with vectors, fused with
 * the symbols whose own text (name, signature, doc comment) is nearest.
 */
async function rankSymbols(context: QueryContext, terms: readonly string[], files: readonly RelatedItem[], hits: readonly VectorHit[]): Promise<RelatedItem[]> {
  const byName = await symbolsByName(context, terms, files);
  const near = hits.filter((hit) => hit.kind === 'symbol');
  if (near.length === 0) return byName;
  const fused = fuseByRank([{ ids: byName.map((item) => item.id), weight: WEIGHTS.text }, { ids: near.map((hit) => hit.node), weight: WEIGHTS.vectors }], RRF_K);
  const rows = await context.reader.all<{ id: string; name: string; kind: string; file: string }>(
    `SELECT id, name, kind, file FROM symbols WHERE id IN (SELECT unnest(?::VARCHAR[]))`,
    [fused.map((f) => f.id)],
  );
  const symbols = new Map(rows.map((row) => [row.id, row]));
  const nameRank = new Map(byName.map((item, i) => [item.id, { rank: i + 1, detail: item.why[0]!.detail }]));
  const vectorRank = new Map(near.map((hit, i) => [hit.node, { rank: i + 1, score: hit.score }]));
  return fused.flatMap(({ id, score }): RelatedItem[] => {
    const row = symbols.get(id);
    if (!row) return []; // the vector of a symbol the graph no longer has (the vectors lag)
    const why: RelatedItem['why'] = [];
    const named = nameRank.get(id);
    if (named) why.push({ signal: 'text', rank: named.rank, detail: named.detail });
    const similar = vectorRank.get(id);
    if (similar) why.push({ signal: 'vectors', rank: similar.rank, detail: `its name, signature or doc is similar (${similar.score.toFixed(2)}); in ${row.file}` });
    return [{ kind: 'symbol', id, path: row.file, title: `${row.name} (${row.kind})`, score: Math.round(score * 1e6) / 1e6, why }];
  });
}

/** Symbols of the best files whose name shares terms with the text, most shared terms first. */
async function symbolsByName(context: QueryContext, terms: readonly string[], files: readonly RelatedItem[]): Promise<RelatedItem[]> {
  if (files.length === 0 || terms.length === 0) return [];
  const fileRank = new Map(files.map((f, i) => [f.path!, i]));
  const rows = await context.reader.all<{ id: string; name: string; kind: string; file: string }>(
    `SELECT id, name, kind, file FROM symbols WHERE file IN (SELECT unnest(?::VARCHAR[]))`,
    [[...fileRank.keys()]],
  );
  const wanted = new Set(terms);
  const scored = rows
    .map((row) => ({ row, shared: queryTerms(row.name).filter((t) => wanted.has(t)) }))
    .filter((s) => s.shared.length > 0)
    .sort((a, b) => b.shared.length - a.shared.length || fileRank.get(a.row.file)! - fileRank.get(b.row.file)! || a.row.name.localeCompare(b.row.name));
  return scored.map(({ row, shared }, i) => ({
    kind: 'symbol',
    id: row.id,
    path: row.file,
    title: `${row.name} (${row.kind})`,
    score: shared.length,
    why: [{ signal: 'text', rank: i + 1, detail: `its name has ${shared.join(', ')}; in ${row.file}` }],
  }));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
