// BM25 relevance ranking in one DuckDB query (the fts extension cannot be installed here, and is not needed).
//
// Documents are made of weighted fields (a title counts more than notes: BM25F-style, a field's term counts are
// multiplied by its weight). Text is lower-cased, split on anything but letters and digits, stop words and
// one-character tokens dropped, and plurals folded (`retries` -> `retry`, `webhooks` -> `webhook`); the query
// text goes through the same steps. Only a bounded prefix of each field is tokenised, so one giant text (a graph an
// older kg wrote, before session text had caps) costs a query no more than a capped one.

import { STOP_WORDS } from '../graph/text-terms.js';

// The stop words are the file terms' too (graph/text-terms.ts), so a query's words are dropped alike on both sides.
export { STOP_WORDS };

/** Each field of a document is tokenised up to this many characters (the indexer's largest text cap, all notes). */
export const MAX_TOKENISED_CHARS = 128 * 1024;

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

// Token list of a text column or parameter (SQL expression over our own constants, never user text).
const tokens = (expr: string) =>
  `string_split_regex(trim(regexp_replace(lower(${expr}), '[^\\p{L}\\p{N}]+', ' ', 'g')), ' ')`;
/** Plural folding of a SQL term, the same for documents and query (and foldPlural in graph/text-terms.ts, for the file terms). */
export const foldPluralSql = (t: string): string =>
  `CASE WHEN length(${t}) > 4 AND suffix(${t}, 'ies') THEN left(${t}, -3) || 'y' ` +
  `WHEN length(${t}) > 3 AND suffix(${t}, 's') AND NOT suffix(${t}, 'ss') THEN left(${t}, -1) ELSE ${t} END`;

/**
 * SQL that ranks documents against a query text. `fields` is a query selecting `(id, w, body)`: one row per field
 * of a document, `w` its weight. The result has columns `id` and `score` (> 0), best first, ties by id.
 * Parameters, in order: the query text, the stop words, the stop words again; then any `fields` needs.
 */
export function bm25Sql(fields: string): string {
  return `
WITH q AS (
  SELECT DISTINCT ${foldPluralSql('t')} AS term
  FROM (SELECT unnest(${tokens('?::VARCHAR')}) AS t)
  WHERE length(t) > 1 AND NOT list_contains(?::VARCHAR[], t)
),
stop AS (SELECT ?::VARCHAR[] AS words),
fields AS (${fields}),
-- Materialised, so the unnest below never carries a whole giant text along (that alone took seconds at 50 MB).
prefixes AS MATERIALIZED (SELECT id, w, left(body, ${MAX_TOKENISED_CHARS}) AS body FROM fields WHERE body IS NOT NULL),
terms AS (
  SELECT id, w, ${foldPluralSql('t')} AS term
  FROM (SELECT id, w, unnest(${tokens('body')}) AS t FROM prefixes), stop
  WHERE length(t) > 1 AND NOT list_contains(stop.words, t)
),
doclen AS (SELECT id, sum(w) AS len FROM terms GROUP BY id),
stats AS (SELECT count(*) AS n, avg(len) AS avglen FROM doclen),
tf AS (SELECT id, term, sum(w) AS tf FROM terms WHERE term IN (SELECT term FROM q) GROUP BY id, term),
df AS (SELECT term, count(*) AS df FROM tf GROUP BY term)
SELECT tf.id AS id,
       sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
           * tf.tf * (${BM25_K1} + 1)
           / (tf.tf + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * doclen.len / stats.avglen))) AS score
FROM tf JOIN df USING (term) JOIN doclen USING (id) CROSS JOIN stats
GROUP BY tf.id
ORDER BY score DESC, tf.id`;
}

/** The leading parameters `bm25Sql` expects for a query text. */
export function bm25Params(text: string): [string, string[], string[]] {
  return [text, [...STOP_WORDS], [...STOP_WORDS]];
}
