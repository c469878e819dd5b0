// The OpenAPI document of the HTTP API: its request schemas generated from the same zod schemas that validate, its
// response schemas from the zod schemas of what each route answers.

import { z } from 'zod';
import { anyAnswerSchema } from '../../queries/index.js';
import { analyzeReportSchema } from '../analyze/schema.js';
import { MAX_LISTED_WORKSPACES } from '../backend/backend.js';
import { jobViewSchema } from '../backend/jobs.js';
import { enrichRequestSchema, enrichResultSchema } from '../enricher/schema.js';
import { workspaceListingSchema, workspaceStatusSchema } from '../status-schema.js';
import { analyzeRequestSchema, coordinateImplementRequestSchema, coordinateReviewRequestSchema, queryKnowledgeSchema, reindexRequestSchema, toolInputSchema } from '../tools.js';
import { KG_VERSION } from '../version.js';

/** What `GET /v1/health` answers. */
export const healthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  pid: z.number().int(),
  uptimeS: z.number().int().describe('Seconds since the server started.'),
  answers: z
    .object({ hits: z.number().int(), misses: z.number().int() })
    .nullable()
    .describe("Answers served from the graphs' caches and computed, since the start; null for a backend without a cache."),
});

/** What `GET /v1/workspaces` answers. */
export const workspacesSchema = z.object({
  workspaces: z.array(workspaceListingSchema).describe(`Sorted by workspace; at most ${MAX_LISTED_WORKSPACES}, the first by graph folder name.`),
});

/**
 * A zod schema as the JSON Schema of a response body: what the server sends (`io: 'output'`), in OpenAPI 3.1's own
 * dialect, every part inlined (a `$ref` inside it would be read against this document's root).
 */
export function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

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
          responses: {
            '200': {
              description: "The answer: its kind, items, text, freshness, truncated, total, and the fields only its kind has.",
              ...json(responseSchema(anyAnswerSchema)),
            },
            ...failures,
          },
        },
      },
      '/v1/enrich': {
        post: {
          summary: "Build a session's context slots within a token budget",
          requestBody: { required: true, ...json(toolInputSchema(enrichRequestSchema)) },
          responses: { '200': { description: '{ slots, rendered, sections, manifest }', ...json(responseSchema(enrichResultSchema)) }, ...failures },
        },
      },
      '/v1/reindex': {
        post: {
          summary: 'Queue a reindex (or with `full`, an index) through the single writer',
          requestBody: { required: true, ...json(toolInputSchema(reindexRequestSchema)) },
          responses: { '202': { description: 'The job: id, status; poll GET /v1/jobs/{id}.', ...json(responseSchema(jobViewSchema)) }, ...failures },
        },
      },
      '/v1/coordinate/review': {
        post: {
          summary: 'Start `kg coordinate review` as a job (the server needs ANTHROPIC_API_KEY); its result is the review report',
          requestBody: { required: true, ...json(toolInputSchema(coordinateReviewRequestSchema)) },
          responses: { '202': { description: 'The job: poll GET /v1/jobs/{id} (with waitMs to wait).', ...json(responseSchema(jobViewSchema)) }, ...failures },
        },
      },
      '/v1/coordinate/implement': {
        post: {
          summary: 'Start `kg coordinate implement` as a job (the server needs ANTHROPIC_API_KEY); its result is the implement report',
          requestBody: { required: true, ...json(toolInputSchema(coordinateImplementRequestSchema)) },
          responses: { '202': { description: 'The job: poll GET /v1/jobs/{id} (with waitMs to wait).', ...json(responseSchema(jobViewSchema)) }, ...failures },
        },
      },
      '/v1/analyze': {
        post: {
          summary: 'Whether agents used the context they were given: one session (`session`) or every session of the workspace',
          requestBody: { required: true, ...json(toolInputSchema(analyzeRequestSchema)) },
          responses: { '200': { description: 'The report `kg session analyze --json` prints.', ...json(responseSchema(analyzeReportSchema)) }, ...failures },
        },
      },
      '/v1/jobs/{id}': {
        get: {
          summary: 'A reindex job: queued, running, done (with its report) or failed (with its error)',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'waitMs',
              in: 'query',
              required: false,
              description: 'Hold the answer until the job has ended, at most this long (a long poll).',
              schema: { type: 'integer', minimum: 0, maximum: 10000 },
            },
          ],
          responses: { '200': { description: 'The job.', ...json(responseSchema(jobViewSchema)) }, ...failures },
        },
      },
      '/v1/status': {
        get: {
          summary: "What a workspace's graph holds and whether it is stale",
          parameters: [{ name: 'workspace', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The status.', ...json(responseSchema(workspaceStatusSchema)) }, ...failures },
        },
      },
      '/v1/workspaces': {
        get: {
          summary: "Every workspace indexed in the server's KG_HOME, with its status, or the error that kept its graph from one",
          responses: { '200': { description: '{ workspaces }', ...json(responseSchema(workspacesSchema)) }, ...failures },
        },
      },
      '/v1/health': {
        get: { summary: 'Liveness', responses: { '200': { description: '{ ok, version, pid, uptimeS, answers }', ...json(responseSchema(healthSchema)) } } },
      },
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
