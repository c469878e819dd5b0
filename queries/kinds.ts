// The names of the query kinds, without the schema, for callers that only need the list (the CLI's help).
// intents.ts checks, at compile time, that its schema has exactly these kinds.

export const INTENT_KINDS = [
  'importers',
  'dependencies',
  'impact',
  'symbol',
  'file_symbols',
  'cli_commands',
  'routes',
  'cycles',
  'hotspots',
  'recent_sessions',
  'files_touched',
  'sessions_touching',
  'sessions_by_goal',
  'conventions',
  'co_changes',
  'file_history',
  'diff_impact',
  'related',
  'pipeline_run',
  'timeline',
  'session',
] as const;

/** The most items one answer may hold (`limit`): said in the schema, the CLI's help and its errors alike. */
export const MAX_LIMIT = 1000;
/** The most import hops a walk follows (`depth`). */
export const MAX_DEPTH = 100;

/** `timeline`: the most items one page may hold, the furthest it may skip, the longest a filter value may be. */
export const TIMELINE_MAX_LIMIT = 200;
export const TIMELINE_MAX_OFFSET = 1_000_000;
export const TIMELINE_FILTER_MAX = 200;
/** `timeline`: what its items are (the `type` filter and each item's `type`). */
export const TIMELINE_TYPES = ['session', 'run'] as const;

export type IntentKindName = (typeof INTENT_KINDS)[number];

/** The signals `related` fuses, and the kinds of items it returns (for its schema, its module and the CLI). */
export const RELATED_SIGNALS = ['text', 'vectors', 'commits', 'sessions', 'imports', 'churn', 'recency'] as const;
export const RELATED_KINDS = ['file', 'symbol', 'session', 'convention'] as const;

/** Kinds whose answer depends on the work tree and git refs as well as the graph: an answer cache never keeps them. */
export const WORK_TREE_KINDS: readonly IntentKindName[] = ['diff_impact'];
