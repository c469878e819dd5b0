// cli_commands and routes: what the workspace offers to its users, found in its source.

import { freshnessOf, limitItems, type Answer, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';

export interface CliCommandItem {
  name: string;
  spec: string;
  description: string | null;
  path: string;
  line: number;
}

export interface RouteItem {
  method: string;
  route: string;
  path: string;
  line: number;
}

export async function cliCommands(context: QueryContext, intent: IntentOf<'cli_commands'>): Promise<Answer<CliCommandItem>> {
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

export async function routes(context: QueryContext, intent: IntentOf<'routes'>): Promise<Answer<RouteItem>> {
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
