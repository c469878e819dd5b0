// Each intent kind's answer schema, registered once: `AnswerOf<K>`, the answer union and its schema derive from it.

import { z } from 'zod';
import type { Answer } from './answer.js';
import { cliCommandsAnswerSchema, routesAnswerSchema } from './catalog.js';
import { coChangesAnswerSchema } from './co-changes.js';
import { conventionsAnswerSchema } from './conventions.js';
import { cyclesAnswerSchema } from './cycles.js';
import { diffImpactAnswerSchema } from './diff-impact.js';
import { pipelineRunAnswerSchema } from './pipeline-run.js';
import { relatedAnswerSchema } from './related.js';
import { sessionAnswerSchema } from './session.js';
import { fileHistoryAnswerSchema } from './file-history.js';
import { hotspotsAnswerSchema } from './hotspots.js';
import { impactAnswerSchema } from './impact.js';
import { dependenciesAnswerSchema, importersAnswerSchema } from './importers.js';
import type { IntentKind } from './intents.js';
import {
  filesTouchedAnswerSchema,
  recentSessionsAnswerSchema,
  sessionsByGoalAnswerSchema,
  sessionsTouchingAnswerSchema,
} from './sessions.js';
import { symbolAnswerSchema } from './symbol.js';
import { fileSymbolsAnswerSchema } from './file-symbols.js';
import { timelineAnswerSchema } from './timeline.js';

// `satisfies` makes a kind without a schema, a schema under the wrong kind or a key that is no kind fail to compile.
export const answerSchemas = {
  importers: importersAnswerSchema,
  dependencies: dependenciesAnswerSchema,
  impact: impactAnswerSchema,
  symbol: symbolAnswerSchema,
  file_symbols: fileSymbolsAnswerSchema,
  cli_commands: cliCommandsAnswerSchema,
  routes: routesAnswerSchema,
  cycles: cyclesAnswerSchema,
  hotspots: hotspotsAnswerSchema,
  recent_sessions: recentSessionsAnswerSchema,
  files_touched: filesTouchedAnswerSchema,
  sessions_touching: sessionsTouchingAnswerSchema,
  sessions_by_goal: sessionsByGoalAnswerSchema,
  conventions: conventionsAnswerSchema,
  co_changes: coChangesAnswerSchema,
  file_history: fileHistoryAnswerSchema,
  diff_impact: diffImpactAnswerSchema,
  related: relatedAnswerSchema,
  pipeline_run: pipelineRunAnswerSchema,
  timeline: timelineAnswerSchema,
  session: sessionAnswerSchema,
} as const satisfies { [K in IntentKind]: z.ZodType<Answer & { kind: K }> };

/** The answer to an intent of kind `K`: its items and the fields only that kind has. */
export type AnswerOf<K extends IntentKind> = z.infer<(typeof answerSchemas)[K]>;

/** The answer to any intent; its `kind` says which. */
export type AnyAnswer = AnswerOf<IntentKind>;

export const anyAnswerSchema = z.discriminatedUnion('kind', [
  answerSchemas.importers,
  answerSchemas.dependencies,
  answerSchemas.impact,
  answerSchemas.symbol,
  answerSchemas.file_symbols,
  answerSchemas.cli_commands,
  answerSchemas.routes,
  answerSchemas.cycles,
  answerSchemas.hotspots,
  answerSchemas.recent_sessions,
  answerSchemas.files_touched,
  answerSchemas.sessions_touching,
  answerSchemas.sessions_by_goal,
  answerSchemas.conventions,
  answerSchemas.co_changes,
  answerSchemas.file_history,
  answerSchemas.diff_impact,
  answerSchemas.related,
  answerSchemas.pipeline_run,
  answerSchemas.timeline,
  answerSchemas.session,
]);

// The union schema must list every kind's schema: each assignment fails to compile otherwise.
const _unionHasEveryKind: z.infer<typeof anyAnswerSchema> = null as unknown as AnyAnswer;
const _unionHasOnlyKinds: AnyAnswer = null as unknown as z.infer<typeof anyAnswerSchema>;

/**
 * Whether `answer` is the answer of `kind`. The answers `runQuery` gives are `AnyAnswer`s, whose `kind` names the
 * member: this narrows one that came back typed as the common `Answer` (through a backend or the library API).
 */
export function isAnswerOf<K extends IntentKind>(answer: Answer, kind: K): answer is Answer & AnswerOf<K> {
  return answer.kind === kind;
}
