// The query_knowledge and reindex tools, derived at run time from the one intent schema (queries/intents.ts):
// the request schema every surface validates with, the MCP tool list and the Anthropic tool definitions.

import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { gitRef, intentSchema, queryRequestSchema, type Intent } from '../queries/intents.js';
import { MODEL_ID_PATTERN } from '../indexers/embeddings/model-id.js';
import { MAX_HISTORY_DEPTH } from '../indexers/git/indexer.js';

export const QUERY_TOOL_NAME = 'query_knowledge';
export const REINDEX_TOOL_NAME = 'reindex';

// Longer than any path a file system takes: what is over it is not a path.
const MAX_PATH_CHARS = 4096;
// The largest file an index may be asked to read (the CLI's --max-file-kb has the same bound).
const MAX_FILE_BYTES = 64 * 1024 * 1024;

// A path a request names: absolute, as no server's working folder is the caller's.
const absolutePath = z
  .string()
  .min(1)
  .max(MAX_PATH_CHARS)
  .refine((path) => isAbsolute(path), { message: 'must be an absolute path' });

const absoluteWorkspace = absolutePath.describe('Absolute path of the workspace folder (the root the graph was indexed from), e.g. "/home/me/project".');

const absoluteDataDir = absolutePath.optional();

/** `{ workspace, intent }`: the query_knowledge arguments, for the tool, HTTP and the CLI. */
export const queryKnowledgeSchema = queryRequestSchema.extend({ workspace: absoluteWorkspace });
export type QueryKnowledgeInput = z.infer<typeof queryKnowledgeSchema>;

/** The arguments of a reindex: incremental by default, exactly `files` or one `session` when given, or `full`. */
export const reindexRequestSchema = z
  .object({
    workspace: absoluteWorkspace,
    files: z
      .array(z.string().min(1).max(MAX_PATH_CHARS))
      .max(10_000)
      .optional()
      .describe('Exactly these workspace-relative files changed (added, modified or deleted).'),
    session: z.string().min(1).max(500).optional().describe('After this agent session: its record and the files it changed.'),
    full: z.boolean().optional().describe('Index everything again instead of only what changed.'),
    dataDir: absoluteDataDir.describe('The agent data dir to read sessions from (absolute; only for a kg process of the server\'s user).'),
    maxFileBytes: z
      .number()
      .int()
      .min(1)
      .max(MAX_FILE_BYTES)
      .optional()
      .describe(`Skip (and report) files larger than this (at most ${MAX_FILE_BYTES} bytes, 64 MiB).`),
    historyDepth: z
      .number()
      .int()
      .min(0)
      .max(MAX_HISTORY_DEPTH)
      .optional()
      .describe('First-parent commits of git history to keep, back from HEAD (0: none; default the last depth, else 1000).'),
    vectors: z
      .boolean()
      .optional()
      .describe('Embeddings: true turns them on for this workspace (remembered), false turns them off and removes them; default: as remembered.'),
    embedModel: z
      .string()
      .max(200)
      .regex(MODEL_ID_PATTERN, 'a model id is `name` or `owner/name` of letters, digits, `.`, `_` and `-`')
      .optional()
      .describe('The embedding model (a Hugging Face id found in KG_MODEL_DIR or the model cache); default the stored vectors\' model, else Xenova/all-MiniLM-L6-v2.'),
  })
  .refine((r) => !(r.files && r.session), { message: '`files` and `session` cannot be used together', path: ['session'] })
  .refine((r) => !(r.full && (r.files || r.session)), { message: '`full` takes no `files` or `session`', path: ['full'] })
  .describe('Bring the workspace graph up to date after files changed or a session ended.');
export type ReindexRequest = z.infer<typeof reindexRequestSchema>;

/** The arguments of `kg session analyze` over the API: one session by id, else every session of the workspace. */
export const analyzeRequestSchema = z
  .object({
    workspace: absoluteWorkspace,
    session: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'a session id is 1-100 letters, digits, `_` and `-`')
      .optional()
      .describe('The session to analyze; without it, every session of the workspace (the `--all` report).'),
    dataDir: absoluteDataDir.describe('The agent data dir to read sessions from (absolute; only for a kg process of the server\'s user).'),
  })
  .strict()
  .describe('Whether agents used the context they were given, per slot and item.');
export type AnalyzeRequest = z.infer<typeof analyzeRequestSchema>;

// The ref of the intents (diff_impact), held to 200 characters here as the coordinators always were.
const coordinatorRef = gitRef.max(200);

const coordinatorFields = {
  workspace: absoluteWorkspace,
  model: z.string().min(1).max(200).regex(MODEL_ID_PATTERN, 'a model id is letters, digits, `.`, `_`, `-` and one `/` at most').optional().describe('The Messages API model (default $KG_AGENT_MODEL of the server, else claude-sonnet-4-5).'),
  maxTurns: z.number().int().min(1).max(500).optional().describe('Most model calls of each session (default 40).'),
  phaseTimeoutMs: z.number().int().min(1000).max(6 * 3600_000).optional().describe('Longest one phase\'s session may run (default 30 min).'),
  deadlineMs: z.number().int().min(1000).max(24 * 3600_000).optional().describe('No session starts after this long from the start (default none).'),
  budgetTokens: z.number().int().min(100).max(200_000).optional().describe('Token budget of each session\'s context (default 4000; raised so the summary fits whole).'),
  summaryBytes: z.number().int().min(256).max(1024 * 1024).optional().describe('Byte budget of the coordinator summary (default 8192).'),
  dataDir: absoluteDataDir.describe('The agent data dir the sessions are recorded in (absolute; only for a kg process of the server\'s user).'),
};

/** `kg coordinate review` as a job: a review of base..head (default HEAD..the working tree). */
export const coordinateReviewRequestSchema = z
  .object({ ...coordinatorFields, base: coordinatorRef.optional().describe('The base commit (default HEAD).'), head: coordinatorRef.optional().describe('The head commit (default: the working tree).') })
  .strict()
  .describe('Review a change: its impact, prior sessions, conventions and related files as the summary of one review session.');
export type CoordinateReviewRequest = z.infer<typeof coordinateReviewRequestSchema>;

/** `kg coordinate implement` as a job. */
export const coordinateImplementRequestSchema = z
  .object({ ...coordinatorFields, goal: z.string().trim().min(1, 'must not be empty').max(20_000).describe('What to implement.') })
  .strict()
  .describe('Discovery, coding, review and at most 2 fix passes on a minor verdict; escalation on blocking, unknown or a failed phase.');
export type CoordinateImplementRequest = z.infer<typeof coordinateImplementRequestSchema>;

export type CoordinateRequest = ({ coordinator: 'review' } & CoordinateReviewRequest) | ({ coordinator: 'implement' } & CoordinateImplementRequest);

export interface KindDescription {
  kind: string;
  description: string;
}

/** The intent kinds the schema holds now, each with the description written for a model. */
export function intentKinds(): KindDescription[] {
  return intentSchema.options.map((option) => ({ kind: option.shape.kind.value, description: option.description ?? '' }));
}

export function hasIntentKind(kind: string): boolean {
  return intentSchema.options.some((option) => option.shape.kind.value === kind);
}

/** The tool description: what the graph holds, then one line per kind on what it answers and when to use it. */
export function queryToolDescription(): string {
  return [
    'Ask the knowledge graph of a workspace a typed question instead of re-reading files: the import graph ' +
      '(resolved as the TypeScript compiler resolves it), exported symbols, CLI commands and HTTP routes, the past ' +
      'agent sessions and the files they changed, and the workspace conventions (AGENTS.md, CLAUDE.md and similar).',
    'Pass `workspace` (absolute path) and an `intent` whose `kind` is one of:',
    ...intentKinds().map((k) => `- ${k.kind}: ${k.description}`),
    'File arguments are workspace-relative (`file`, or `files` for a list). Every answer has `items`, a short `text`, ' +
      '`freshness` (when `changedSinceIndex` is true, check the named files on disk or call reindex) and `truncated` ' +
      '(raise `limit` or narrow the question to see more).',
  ].join('\n');
}

export const REINDEX_TOOL_DESCRIPTION =
  'Bring the workspace graph up to date after you changed files (pass `files`) or a session ended (pass `session`); ' +
  'with neither, kg finds what changed from git or a file scan. Returns what was redone. Use before query_knowledge ' +
  'when an answer says `changedSinceIndex: true` for files you need.';

export interface JsonSchemaObject {
  type: 'object';
  properties?: Record<string, unknown>;
  required?: string[];
  [key: string]: unknown;
}

/** A zod schema as plain JSON Schema for a tool's input (no `$schema`: tool definitions embed it). */
export function toolInputSchema(schema: z.ZodType): JsonSchemaObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return rest as JsonSchemaObject;
}

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: JsonSchemaObject;
}

/** The tools kg offers agents, for MCP's tools/list. */
export function toolDefinitions(): ToolDefinition[] {
  return [
    { name: QUERY_TOOL_NAME, description: queryToolDescription(), inputSchema: toolInputSchema(queryKnowledgeSchema) },
    { name: REINDEX_TOOL_NAME, description: REINDEX_TOOL_DESCRIPTION, inputSchema: toolInputSchema(reindexRequestSchema) },
  ];
}

/** The same tools in the Anthropic Messages API's `tools` shape, for the agent runner. */
export function anthropicTools(): { name: string; description: string; input_schema: JsonSchemaObject }[] {
  return toolDefinitions().map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** Validates `value` against `schema`; a failure names the first offending field (`intent.file`, `workspace`, ...). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return { ok: false, field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}

export function parseQueryKnowledge(value: unknown): Parsed<{ workspace: string; intent: Intent }> {
  return parseWith(queryKnowledgeSchema, value);
}
