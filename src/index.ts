// kg's public library API.

export { openGraph, indexWorkspace, queryKnowledge, Graph } from './api.js';
export type { OpenGraphOptions, IndexWorkspaceOptions, QueryKnowledgeRequest } from './api.js';
export type { IndexReport, IndexOptions } from '../indexers/index.js';
export type { Answer, Freshness, Intent, IntentKind } from '../queries/index.js';
export { INTENT_KINDS, intentSchema, queryRequestSchema } from '../queries/index.js';
export { KgError, type KgErrorCode } from '../graph/errors.js';
