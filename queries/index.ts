// Answers a query_knowledge intent against a graph: one module per intent kind, dispatched here.

import type { QueryContext } from './answer.js';
import type { AnswerOf } from './answer-schemas.js';
import { cliCommands, routes } from './catalog.js';
import { coChanges } from './co-changes.js';
import { conventions } from './conventions.js';
import { cycles } from './cycles.js';
import { diffImpact } from './diff-impact.js';
import { fileHistory } from './file-history.js';
import { hotspots } from './hotspots.js';
import { impact } from './impact.js';
import { dependencies, importers } from './importers.js';
import type { IntentKind, IntentOf } from './intents.js';
import { pipelineRun } from './pipeline-run.js';
import { related } from './related.js';
import { session } from './session.js';
import { filesTouched, recentSessions, sessionsByGoal, sessionsTouching } from './sessions.js';
import { symbol } from './symbol.js';
import { timeline } from './timeline.js';
import { fileSymbols } from './file-symbols.js';

type QueryOf<K extends IntentKind> = (context: QueryContext, intent: IntentOf<K>) => Promise<AnswerOf<K>>;

// One entry per kind, each checked at compile time to answer its own kind's intent with its own kind's answer.
const QUERIES: { [K in IntentKind]: QueryOf<K> } = {
  importers,
  dependencies,
  impact,
  symbol,
  file_symbols: fileSymbols,
  cli_commands: cliCommands,
  routes,
  cycles,
  hotspots,
  recent_sessions: recentSessions,
  files_touched: filesTouched,
  sessions_touching: sessionsTouching,
  sessions_by_goal: sessionsByGoal,
  conventions,
  co_changes: coChanges,
  file_history: fileHistory,
  diff_impact: diffImpact,
  related,
  pipeline_run: pipelineRun,
  timeline,
  session,
};

/** The answer to `intent`: typed by its kind when the kind is known, else `AnyAnswer`. */
export function runQuery<K extends IntentKind>(context: QueryContext, intent: IntentOf<K> & { kind: K }): Promise<AnswerOf<K>> {
  const query: QueryOf<K> = QUERIES[intent.kind];
  return query(context, intent);
}

export type {
  Answer,
  Freshness,
  FreshnessProbe,
  GitChangedFile,
  GitChanges,
  GitChangesProbe,
  GitRange,
  QueryContext,
} from './answer.js';
export { loadSnapshot, loadSnapshotMeta, type GraphSnapshot } from './snapshot.js';
export { WORK_TREE_KINDS } from './kinds.js';
export {
  INTENT_KINDS,
  intentSchema,
  parseIntent,
  queryRequestSchema,
  type Intent,
  type IntentKind,
  type IntentOf,
} from './intents.js';
export { answerSchemas, anyAnswerSchema, isAnswerOf, type AnswerOf, type AnyAnswer } from './answer-schemas.js';
export { freshnessSchema } from './answer.js';
export { importItemSchema, type ImportItem, type ImportersAnswer, type DependenciesAnswer } from './importers.js';
export {
  impactItemSchema,
  impactSessionSchema,
  impactConventionSchema,
  type ImpactItem,
  type ImpactSession,
  type ImpactConvention,
  type ImpactAnswer,
} from './impact.js';
export { coChangePartnerSchema, BULK_COMMIT_FILES, type CoChangePartner } from './git-history.js';
export { coChangeItemSchema, type CoChangeItem, type CoChangesAnswer } from './co-changes.js';
export {
  fileHistoryItemSchema,
  fileCommitItemSchema,
  fileSessionItemSchema,
  type FileHistoryItem,
  type FileCommitItem,
  type FileSessionItem,
  type FileHistoryAnswer,
} from './file-history.js';
export { changedFileSchema, type ChangedFile, type DiffImpactAnswer } from './diff-impact.js';
export { symbolItemSchema, type SymbolItem, type SymbolAnswer } from './symbol.js';
export {
  cliCommandItemSchema,
  routeItemSchema,
  type CliCommandItem,
  type RouteItem,
  type CliCommandsAnswer,
  type RoutesAnswer,
} from './catalog.js';
export { cycleItemSchema, type CycleItem, type CyclesAnswer } from './cycles.js';
export { hotspotItemSchema, type HotspotItem, type HotspotsAnswer } from './hotspots.js';
export {
  sessionItemSchema,
  touchingItemSchema,
  goalItemSchema,
  touchedFileItemSchema,
  type SessionItem,
  type TouchingItem,
  type GoalItem,
  type TouchedFileItem,
  type RecentSessionsAnswer,
  type FilesTouchedAnswer,
  type SessionsTouchingAnswer,
  type SessionsByGoalAnswer,
} from './sessions.js';
export {
  timelineItemSchema,
  timelineFacetsSchema,
  type TimelineItem,
  type TimelineFacets,
  type TimelineAnswer,
} from './timeline.js';
export {
  sessionDetailSchema,
  sessionRunSchema,
  type SessionDetail,
  type SessionRun,
  type SessionAnswer,
} from './session.js';
export { conventionItemSchema, type ConventionItem, type ConventionsAnswer } from './conventions.js';
