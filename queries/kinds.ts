// The names of the query kinds, without the schema, for callers that only need the list (the CLI's help).
// intents.ts checks, at compile time, that its schema has exactly these kinds.

export const INTENT_KINDS = ['importers', 'dependencies', 'impact', 'symbol', 'cli_commands', 'routes', 'cycles', 'hotspots'] as const;

export type IntentKindName = (typeof INTENT_KINDS)[number];
