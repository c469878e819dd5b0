// Answers a query_knowledge intent against a graph: one module per intent kind, dispatched here.

import type { Answer, QueryContext } from './answer.js';
import { cliCommands, routes } from './catalog.js';
import { conventions } from './conventions.js';
import { cycles } from './cycles.js';
import { hotspots } from './hotspots.js';
import { impact } from './impact.js';
import { dependencies, importers } from './importers.js';
import type { Intent } from './intents.js';
import { filesTouched, recentSessions, sessionsByGoal, sessionsTouching } from './sessions.js';
import { symbol } from './symbol.js';

export function runQuery(context: QueryContext, intent: Intent): Promise<Answer> {
  switch (intent.kind) {
    case 'importers':
      return importers(context, intent);
    case 'dependencies':
      return dependencies(context, intent);
    case 'impact':
      return impact(context, intent);
    case 'symbol':
      return symbol(context, intent);
    case 'cli_commands':
      return cliCommands(context, intent);
    case 'routes':
      return routes(context, intent);
    case 'cycles':
      return cycles(context, intent);
    case 'hotspots':
      return hotspots(context, intent);
    case 'recent_sessions':
      return recentSessions(context, intent);
    case 'files_touched':
      return filesTouched(context, intent);
    case 'sessions_touching':
      return sessionsTouching(context, intent);
    case 'sessions_by_goal':
      return sessionsByGoal(context, intent);
    case 'conventions':
      return conventions(context, intent);
  }
}

export type { Answer, Freshness, FreshnessProbe, QueryContext } from './answer.js';
export { loadSnapshot, type GraphSnapshot } from './snapshot.js';
export { INTENT_KINDS, intentSchema, parseIntent, queryRequestSchema, type Intent, type IntentKind } from './intents.js';
