// kg's public library API.

export { openGraph, indexWorkspace, reindexWorkspace, queryKnowledge, Graph } from './api.js';
export type { OpenGraphOptions, IndexWorkspaceOptions, ReindexWorkspaceOptions, QueryKnowledgeRequest } from './api.js';
export type { ReindexReport, ReindexOptions } from '../indexers/reindex.js';
export type { IndexReport, IndexOptions } from '../indexers/index.js';
export type { Answer, Freshness, Intent, IntentKind } from '../queries/index.js';
export { INTENT_KINDS, intentSchema, queryRequestSchema } from '../queries/index.js';
export { KgError, type KgErrorCode } from '../graph/errors.js';
export { enrich } from './enrich.js';
export type { EnrichRequest, EnrichResult, EnrichManifest, SlotManifest, WorkflowContextSlots } from './enricher/schema.js';
export { enrichRequestSchema } from './enricher/schema.js';
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
export type { ImportItem, DependenciesAnswer } from '../queries/importers.js';
export type { ImpactAnswer, ImpactItem, ImpactSession, ImpactConvention } from '../queries/impact.js';
export type { SymbolItem } from '../queries/symbol.js';
export type { CliCommandItem, RouteItem } from '../queries/catalog.js';
export type { CycleItem } from '../queries/cycles.js';
export type { HotspotItem } from '../queries/hotspots.js';
export type { SessionItem, TouchingItem, GoalItem, TouchedFileItem, FilesTouchedAnswer } from '../queries/sessions.js';
export type { ConventionItem } from '../queries/conventions.js';
export type { GitHistory } from '../indexers/sessions/index.js';
