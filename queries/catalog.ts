// cli_commands and routes: what the workspace offers to its users, found in its source.

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';

export const cliCommandItemSchema = z.object({
  name: z.string(),
  spec: z.string(),
  description: z.string().nullable(),
  path: z.string(),
  line: z.number().int(),
});
export type CliCommandItem = z.infer<typeof cliCommandItemSchema>;

export const routeItemSchema = z.object({ method: z.string(), route: z.string(), path: z.string(), line: z.number().int() });
export type RouteItem = z.infer<typeof routeItemSchema>;

export const cliCommandsAnswerSchema = answerSchema('cli_commands', cliCommandItemSchema);
export type CliCommandsAnswer = z.infer<typeof cliCommandsAnswerSchema>;

export const routesAnswerSchema = answerSchema('routes', routeItemSchema);
export type RoutesAnswer = z.infer<typeof routesAnswerSchema>;

export async function cliCommands(context: QueryContext, intent: IntentOf<'cli_commands'>): Promise<CliCommandsAnswer> {
  const rows = await context.reader.all<CliCommandItem>(
    `SELECT name, spec, description, file AS path, line FROM cli_commands
     WHERE ? IS NULL OR contains(lower(spec), lower(?)) OR contains(lower(file), lower(?))
     ORDER BY name, file, line`,
    [intent.text ?? null, intent.text ?? null, intent.text ?? null],
  );
  const cut = limitItems(rows, intent.limit ?? DEFAULT_LIMIT);
  const lines = cut.items.map(
    (c) => `${c.spec}${c.description ? ` — ${c.description}` : ''} (${c.path}:${c.line})`,
  );
  return {
    kind: 'cli_commands',
    ...cut,
    text: renderList(`${cut.total} CLI command(s)`, lines, cut.truncated),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}

export async function routes(context: QueryContext, intent: IntentOf<'routes'>): Promise<RoutesAnswer> {
  const rows = await context.reader.all<RouteItem>(
    `SELECT method, path AS route, file AS path, line FROM routes
     WHERE ? IS NULL OR contains(lower(path), lower(?)) OR contains(lower(file), lower(?)) OR lower(method) = lower(?)
     ORDER BY route, method, file, line`,
    [intent.text ?? null, intent.text ?? null, intent.text ?? null, intent.text ?? null],
  );
  const cut = limitItems(rows, intent.limit ?? DEFAULT_LIMIT);
  const lines = cut.items.map((r) => `${r.method} ${r.route} (${r.path}:${r.line})`);
  return {
    kind: 'routes',
    ...cut,
    text: renderList(`${cut.total} route(s)`, lines, cut.truncated),
    freshness: await freshnessOf(context, cut.items.map((item) => item.path)),
  };
}
