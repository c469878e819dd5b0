// hotspots: the files most other files import.

import { z } from 'zod';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';

export const hotspotItemSchema = z.object({
  path: z.string(),
  importers: z.number().int().describe('How many distinct files import it directly.'),
});
export type HotspotItem = z.infer<typeof hotspotItemSchema>;

export const hotspotsAnswerSchema = answerSchema('hotspots', hotspotItemSchema);
export type HotspotsAnswer = z.infer<typeof hotspotsAnswerSchema>;

export async function hotspots(context: QueryContext, intent: IntentOf<'hotspots'>): Promise<HotspotsAnswer> {
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const rows = await context.reader.all<HotspotItem & { total: number }>(
    `SELECT substr(dst, 6) AS path, count(DISTINCT src) AS importers, count(*) OVER () AS total
     FROM edges WHERE kind = 'imports' GROUP BY dst ORDER BY importers DESC, path LIMIT ?`,
    [limit + 1],
  );
  const total = rows[0]?.total ?? 0;
  const items = rows.slice(0, limit).map(({ path, importers }) => ({ path, importers }));
  return {
    kind: 'hotspots',
    items,
    total,
    truncated: total > items.length,
    text: renderList(
      `the ${items.length} most imported file(s)`,
      items.map((item) => `${item.path} (${item.importers} importers)`),
      total > items.length,
    ),
    freshness: await freshnessOf(context, items.map((item) => item.path)),
  };
}
