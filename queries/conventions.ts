// conventions: the sections of the workspace's agent instructions that apply to a path, or are about a topic.

import { z } from 'zod';
import type { VectorHit } from '../graph/vector-store.js';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { bm25Params, bm25Sql } from './bm25.js';
import { normalizePath } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { fuseHybrid, HYBRID_POOL, inFusedOrder, matchModeSchema, modeOf, vectorMatches, vectorNote, vectorUseSchema, type VectorUse } from './vector-signal.js';

export const conventionItemSchema = z.object({
  id: z.string(),
  source: z.string().describe('The document, workspace-relative.'),
  headingPath: z.string().describe("The headings above the section, outermost first, joined by ' > '."),
  scope: z.string().describe("The folder the section applies to ('' for the whole workspace)."),
  body: z.string(),
  score: z
    .number()
    .optional()
    .describe('Relevance to the topic, when one was given: BM25, or with vectors on BM25 fused with embedding similarity by reciprocal rank.'),
});
export type ConventionItem = z.infer<typeof conventionItemSchema>;

export const conventionsAnswerSchema = answerSchema('conventions', conventionItemSchema).extend({
  mode: matchModeSchema.optional().describe('How a topic was matched (absent without one).'),
  vectors: vectorUseSchema.optional(),
});
export type ConventionsAnswer = z.infer<typeof conventionsAnswerSchema>;

/** Sections that apply to a path: their folder is the whole workspace, the path itself, or a folder above it. */
export const APPLIES_TO_PATH = `(c.scope = '' OR c.scope = ? OR starts_with(?, c.scope || '/'))`;

/** Nearest folder first, then the order the daemon hands documents to agents, then document order. */
export const NEAREST_FIRST = `length(c.scope) DESC, c.priority, c.source, c.ordinal`;

const CONVENTION_FIELDS = `
  SELECT id, 2.0 AS w, heading_path AS body FROM conventions
  UNION ALL SELECT id, 1.0, body FROM conventions`;

export async function conventions(context: QueryContext, intent: IntentOf<'conventions'>): Promise<ConventionsAnswer> {
  const path = intent.file === undefined ? null : normalizePath(context.root, intent.file);
  const columns = `c.id, c.source, c.heading_path AS "headingPath", c.scope, c.body`;
  let rows: ConventionItem[];
  let use: VectorUse | null = null;
  if (intent.text === undefined) {
    rows = await context.reader.all<ConventionItem>(
      `SELECT ${columns} FROM conventions c WHERE ${APPLIES_TO_PATH} ORDER BY ${NEAREST_FIRST}`,
      [path, path],
    );
  } else {
    const found = await vectorMatches(context, intent.text, ['convention'], HYBRID_POOL * 2);
    use = found.use;
    const lexical = await context.reader.all<ConventionItem>(
      `WITH ranked AS (${bm25Sql(CONVENTION_FIELDS)})
       SELECT ${columns}, r.score FROM ranked r JOIN conventions c ON c.id = r.id
       WHERE ? IS NULL OR ${APPLIES_TO_PATH}
       ORDER BY r.score DESC, ${NEAREST_FIRST}`,
      [...bm25Params(intent.text), path, path, path],
    );
    rows = use.state === 'used' ? await fuseWithVectors(context, lexical, found.hits, path, columns) : lexical;
  }
  const cut = limitItems(rows, intent.limit ?? DEFAULT_LIMIT);
  const about = [path !== null ? `apply to ${path}` : null, intent.text !== undefined ? `are about "${intent.text}"` : null]
    .filter((part) => part !== null)
    .join(' and ');
  return {
    kind: 'conventions',
    ...cut,
    ...(use ? { mode: modeOf(use), vectors: use } : {}),
    text: renderList(
      `${cut.total} convention section(s) ${about}${use ? vectorNote(use) : ''}`,
      cut.items.map((c) => `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}${c.scope ? ` (for ${c.scope}/)` : ''}: ${snippet(c.body)}`),
      cut.truncated,
    ),
    freshness: await freshnessOf(context, []),
  };
}

/** BM25's ranks and the vectors' ranks fused; sections found by their vector alone must still apply to `path`. */
async function fuseWithVectors(
  context: QueryContext,
  lexical: readonly ConventionItem[],
  hits: readonly VectorHit[],
  path: string | null,
  columns: string,
): Promise<ConventionItem[]> {
  const fused = fuseHybrid(
    lexical.map((c) => c.id),
    hits,
    (node) => node,
  );
  if (fused.length === 0) return [];
  const rows = await context.reader.all<ConventionItem>(
    `SELECT ${columns} FROM conventions c WHERE c.id IN (SELECT unnest(?::VARCHAR[])) AND (? IS NULL OR ${APPLIES_TO_PATH})`,
    [fused.map((f) => f.id), path, path, path],
  );
  return inFusedOrder(fused, rows);
}

// The first line of a body, cut at a word boundary (never mid-character) for the one-line rendering.
function snippet(body: string, max = 100): string {
  const line = body.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : [...line].slice(0, max).join('')}…`;
}
