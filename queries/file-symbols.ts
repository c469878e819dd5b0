// file_symbols: what a file defines and exports (name, kind, line, signature, doc), in source order.

import { z } from 'zod';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import { knownFiles } from './files.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';

export const fileSymbolItemSchema = z.object({
  name: z.string(),
  kind: z.string().describe('function, class, interface, type, variable, enum, ...'),
  line: z.number().int(),
  signature: z.string().nullable(),
  doc: z.string().nullable().describe('The first sentence of its doc comment, if any.'),
});
export type FileSymbolItem = z.infer<typeof fileSymbolItemSchema>;

export const fileSymbolsAnswerSchema = answerSchema('file_symbols', fileSymbolItemSchema).extend({ file: z.string() });
export type FileSymbolsAnswer = z.infer<typeof fileSymbolsAnswerSchema>;

export async function fileSymbols(context: QueryContext, intent: IntentOf<'file_symbols'>): Promise<FileSymbolsAnswer> {
  const [file] = await knownFiles(context, [intent.file]);
  const limit = intent.limit ?? DEFAULT_LIMIT;
  const rows = await context.reader.all<FileSymbolItem & { total: number }>(
    `SELECT name, kind, line, signature, doc, count(*) OVER () AS total FROM symbols WHERE file = ? ORDER BY line, name LIMIT ?`,
    [file!, limit],
  );
  const total = rows[0]?.total ?? 0;
  const items = rows.map(({ total: _total, ...item }) => item);
  return {
    kind: 'file_symbols',
    file: file!,
    items,
    total,
    truncated: total > items.length,
    text: renderList(`${total} exported symbol(s) in ${file}`, items.map((s) => `${s.kind} ${s.name} (line ${s.line})${s.signature ? `: ${s.signature}` : ''}`), total > items.length),
    freshness: await freshnessOf(context, [file!]),
  };
}
