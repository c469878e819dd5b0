// kg's public library API.

export { openGraph, indexWorkspace, reindexWorkspace, queryKnowledge, Graph } from './api.js';
export type { OpenGraphOptions, IndexWorkspaceOptions, ReindexWorkspaceOptions, QueryKnowledgeRequest } from './api.js';
export type { ReindexReport, ReindexOptions } from '../indexers/reindex.js';
export type { IndexReport, IndexOptions } from '../indexers/index.js';
export type { Answer, AnswerOf, AnyAnswer, Freshness, Intent, IntentKind, IntentOf } from '../queries/index.js';
export { INTENT_KINDS, intentSchema, queryRequestSchema, answerSchemas, anyAnswerSchema, isAnswerOf } from '../queries/index.js';
export { KgError, type KgErrorCode } from '../graph/errors.js';
export { enrich } from './enrich.js';
export type { EnrichRequest, EnrichResult, EnrichManifest, SlotManifest, WorkflowContextSlots } from './enricher/schema.js';
export { enrichRequestSchema, enrichResultSchema } from './enricher/schema.js';
export { jobViewSchema, type JobView, type JobKind, type JobStatus } from './backend/jobs.js';
export { indexReportSchema, reindexReportSchema, jobResultSchema, type JobResult } from './reports.js';
export { workspaceStatusSchema } from './status-schema.js';
export type { WorkspaceStatus } from './status.js';
export { startServer, type ServeOptions, type RunningServer } from './server/serve.js';
export {
  anthropicTools,
  toolDefinitions,
  queryKnowledgeSchema,
  reindexRequestSchema,
  QUERY_TOOL_NAME,
  REINDEX_TOOL_NAME,
  type QueryKnowledgeInput,
  type ReindexRequest,
} from './tools.js';
export { fitAnswer, MAX_ANSWER_BYTES } from './answer-size.js';
export type {
  ImportItem,
  ImportersAnswer,
  DependenciesAnswer,
  ImpactAnswer,
  ImpactItem,
  ImpactSession,
  ImpactConvention,
  SymbolItem,
  SymbolAnswer,
  CliCommandItem,
  CliCommandsAnswer,
  RouteItem,
  RoutesAnswer,
  CycleItem,
  CyclesAnswer,
  HotspotItem,
  HotspotsAnswer,
  SessionItem,
  TouchingItem,
  GoalItem,
  TouchedFileItem,
  RecentSessionsAnswer,
  FilesTouchedAnswer,
  SessionsTouchingAnswer,
  SessionsByGoalAnswer,
  ConventionItem,
  ConventionsAnswer,
} from '../queries/index.js';
export type { GitHistory } from '../indexers/sessions/index.js';
