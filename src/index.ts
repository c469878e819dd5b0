// kg's public library API.

export { openGraph, indexWorkspace, reindexWorkspace, queryKnowledge, Graph } from './api.js';
export type { OpenGraphOptions, IndexWorkspaceOptions, ReindexWorkspaceOptions, QueryKnowledgeRequest } from './api.js';
export type { ReindexReport, ReindexOptions } from '../indexers/reindex.js';
export type { IndexReport, IndexOptions } from '../indexers/index.js';
export type { Answer, Freshness, Intent, IntentKind } from '../queries/index.js';
export { INTENT_KINDS, intentSchema, queryRequestSchema } from '../queries/index.js';
export { KgError, type KgErrorCode } from '../graph/errors.js';
