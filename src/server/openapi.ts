// The OpenAPI document of the HTTP API, its request schemas generated from the same zod schemas that validate.

import { enrichRequestSchema } from '../enricher/schema.js';
import { queryKnowledgeSchema, reindexRequestSchema, toolInputSchema } from '../tools.js';
import { KG_VERSION } from '../version.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description:
            'bad_input, not_a_workspace, no_graph, unknown_file, unknown_session, unknown_job, locked, too_large, unauthorized, forbidden, forbidden_host, forbidden_origin, unsupported_media_type, ...',
        },
        message: { type: 'string' },
        field: { type: 'string', description: 'The offending request field, for bad_input (e.g. intent.file).' },
      },
    },
  },
};

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const failures = {
  '400': { description: 'The request does not match the schema; `error.field` names the field.', ...json(errorSchema) },
  '401': { description: 'A token is configured and the request has no or a wrong bearer token.', ...json(errorSchema) },
  '403': {
    description:
      '`Host` does not name this server, `Origin` is another site, or the workspace is not one this server serves (indexed in its KG_HOME or under --allow-root).',
    ...json(errorSchema),
  },
  '404': { description: 'Unknown workspace, graph, file, session or job.', ...json(errorSchema) },
  '413': { description: 'The body is over the size limit.', ...json(errorSchema) },
  '415': { description: 'The body is not sent as Content-Type: application/json.', ...json(errorSchema) },
  '503': { description: 'The graph is locked by another process; retry after `Retry-After` seconds.', ...json(errorSchema) },
};

let document: unknown;

export function openApiDocument(): unknown {
  document ??= {
    openapi: '3.1.0',
    info: { title: 'kg', version: KG_VERSION, description: 'The knowledge graph of AI coding agents\' workspaces.' },
    paths: {
      '/v1/query': {
        post: {
          summary: 'Answer one query_knowledge intent',
          requestBody: { required: true, ...json(toolInputSchema(queryKnowledgeSchema)) },
          responses: { '200': { description: 'The answer: items, text, freshness, truncated, total.' }, ...failures },
        },
      },
      '/v1/enrich': {
        post: {
          summary: "Build a session's context slots within a token budget",
          requestBody: { required: true, ...json(toolInputSchema(enrichRequestSchema)) },
          responses: { '200': { description: '{ slots, rendered, manifest }' }, ...failures },
        },
      },
      '/v1/reindex': {
        post: {
          summary: 'Queue a reindex (or with `full`, an index) through the single writer',
          requestBody: { required: true, ...json(toolInputSchema(reindexRequestSchema)) },
          responses: { '202': { description: 'The job: id, status; poll GET /v1/jobs/{id}.' }, ...failures },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'A reindex job: queued, running, done (with its report) or failed (with its error)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The job.' }, ...failures },
        },
      },
      '/v1/status': {
        get: {
          summary: "What a workspace's graph holds and whether it is stale",
          parameters: [{ name: 'workspace', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The status.' }, ...failures },
        },
      },
      '/v1/health': { get: { summary: 'Liveness', responses: { '200': { description: '{ ok, version, pid, uptimeS }' } } } },
      '/v1/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/mcp': {
        post: {
          summary: 'MCP streamable HTTP (stateless, JSON responses): tools query_knowledge and reindex',
          responses: { '200': { description: 'A JSON-RPC response.' }, ...failures },
        },
      },
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
  return document;
}
