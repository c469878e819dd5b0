// The HTTP API of `kg serve`: query_knowledge, enrich, reindex and coordinator jobs, session analysis, health, status, OpenAPI and MCP, as a hono app.
// Everything a client can send gets a 4xx with a JSON error naming the problem; only a bug gives a 500.

import { isAbsolute } from 'node:path';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { fitAnswer } from '../answer-size.js';
import { consoleAuth, consoleAuthorized } from '../console/auth.js';
import { consoleApp } from '../console/routes.js';
import type { KgBackend } from '../backend/backend.js';
import { jobEnded, type JobView } from '../backend/jobs.js';
import { enrichRequestSchema } from '../enricher/schema.js';
import { createMcpServer } from '../mcp/server.js';
import { analyzeRequestSchema, coordinateImplementRequestSchema, coordinateReviewRequestSchema, parseWith, queryKnowledgeSchema, reindexRequestSchema } from '../tools.js';
import { KG_VERSION } from '../version.js';
import { confinedBackend, LOCAL_SECRET_HEADER, WorkspaceAccess } from './access.js';
import { errorBody, failureOf, InputError, type Failure } from './errors.js';
import { allowedHostNames, jsonBodyGuard, originGuard, secretsEqual, type HostRules } from './guard.js';
import { openApiDocument, type healthSchema } from './openapi.js';

export interface AppOptions {
  /** Required as `Authorization: Bearer <token>` on every route when set. */
  token?: string | null;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** The `Host` and `Origin` requests must name (known once the server listens); without it, loopback on any port. */
  hostRules?: () => HostRules;
  /** Which workspaces clients may use (default: those indexed in KG_HOME). */
  access?: WorkspaceAccess;
  /** The secret of serve.json: a request that sends it in `x-kg-local-secret` comes from a kg process of this user. */
  localSecret?: string | null;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Health = z.infer<typeof healthSchema>;

export function createApp(backend: KgBackend & { cacheCounters?(): Promise<{ hits: number; misses: number }> }, options: AppOptions = {}): Hono {
  const app = new Hono();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const started = Date.now();
  const access = options.access ?? new WorkspaceAccess();
  const localSecret = options.localSecret ?? null;
  const hostRules = options.hostRules ?? (() => ({ port: null, names: allowedHostNames('127.0.0.1') }));
  // The backend of one request: its workspaces checked against what this client may use.
  const backendFor = (c: Context): KgBackend => {
    const sent = c.req.header(LOCAL_SECRET_HEADER);
    return confinedBackend(backend, access, localSecret !== null && sent !== undefined && secretsEqual(sent, localSecret));
  };

  app.onError((error, c) => respondFailure(c, failureOf(error)));
  app.notFound((c) => respondFailure(c, { status: 404, code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }));

  app.use('*', originGuard(hostRules, respondFailure));
  if (options.token) {
    app.use('*', consoleAuth(options.token, () => hostRules().port));
    app.use('*', bearer(options.token));
  }
  app.use('*', jsonBodyGuard(respondFailure));
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot carry another request.
        c.header('Connection', 'close');
        return respondFailure(c, { status: 413, code: 'too_large', message: `request body over the ${maxBodyBytes} byte limit` });
      },
    }),
  );

  app.get('/v1/health', async (c) => {
    // Typed by the schema the OpenAPI document gives for it, so the two cannot drift apart.
    const health: Health = {
      ok: true,
      version: KG_VERSION,
      pid: process.pid,
      uptimeS: Math.round((Date.now() - started) / 1000),
      // Answers served from the graphs' caches and computed, since the start.
      answers: (await backend.cacheCounters?.()) ?? null,
    };
    return c.json(health);
  });
  app.get('/v1/openapi.json', (c) => c.json(openApiDocument()));

  app.post('/v1/query', async (c) => {
    const request = await parseBody(c, queryKnowledgeSchema);
    return c.json(fitAnswer(await backendFor(c).query(request)));
  });

  app.post('/v1/enrich', async (c) => {
    const request = await parseBody(c, enrichRequestSchema);
    return c.json(await backendFor(c).enrich(request));
  });

  app.post('/v1/reindex', async (c) => {
    const request = await parseBody(c, reindexRequestSchema);
    return accepted(c, await backendFor(c).reindex(request));
  });

  // A coordinator run as a job: its sessions call the model with the server's ANTHROPIC_API_KEY.
  app.post('/v1/coordinate/review', async (c) => {
    const request = await parseBody(c, coordinateReviewRequestSchema);
    return accepted(c, await backendFor(c).coordinate({ coordinator: 'review', ...request }));
  });

  app.post('/v1/coordinate/implement', async (c) => {
    const request = await parseBody(c, coordinateImplementRequestSchema);
    return accepted(c, await backendFor(c).coordinate({ coordinator: 'implement', ...request }));
  });

  app.post('/v1/analyze', async (c) => {
    const request = await parseBody(c, analyzeRequestSchema);
    return c.json(await backendFor(c).analyze(request));
  });

  app.get('/v1/jobs/:id', async (c) => {
    const id = c.req.param('id');
    const waitMs = jobWaitMs(c.req.query('waitMs'));
    let job = await backend.job(id);
    // A long poll: a client waiting for the job hears of its end at once, not at its next poll.
    if (job && waitMs > 0 && !jobEnded(job)) job = await jobWithin(backend, id, waitMs);
    return job ? c.json(job) : respondFailure(c, { status: 404, code: 'unknown_job', message: `no job ${id}` });
  });

  app.get('/v1/status', async (c) => {
    const workspace = c.req.query('workspace');
    if (!workspace || !isAbsolute(workspace)) throw new InputError('workspace', 'workspace: the query parameter must be an absolute path');
    return c.json(await backendFor(c).status(workspace));
  });

  // Every graph of KG_HOME with its status, or the error that kept a graph from one.
  app.get('/v1/workspaces', async (c) => c.json({ workspaces: await backendFor(c).workspaces() }));

  // MCP over streamable HTTP, stateless: a fresh server and transport per request, so nothing is kept between calls.
  app.all('/mcp', async (c) => {
    if (c.req.method !== 'POST') {
      return respondFailure(c, { status: 405, code: 'method_not_allowed', message: 'the MCP endpoint takes POST (stateless streamable HTTP)' });
    }
    const body = await readJson(c);
    const invalid = invalidJsonRpc(body);
    if (invalid) return c.json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: ${invalid}` } }, 400);
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    const server = createMcpServer(backendFor(c));
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      void server.close();
    }
  });

  // The operator console: pages over the same confined backend.
  app.route('/console', consoleApp(backendFor));

  // A known path asked with the wrong method.
  for (const [path, allowed] of [['/v1/query', 'POST'], ['/v1/enrich', 'POST'], ['/v1/reindex', 'POST'], ['/v1/analyze', 'POST'], ['/v1/coordinate/review', 'POST'], ['/v1/coordinate/implement', 'POST'], ['/v1/health', 'GET'], ['/v1/openapi.json', 'GET'], ['/v1/status', 'GET'], ['/v1/workspaces', 'GET'], ['/v1/jobs/:id', 'GET']] as const) {
    app.all(path, (c) => {
      c.header('Allow', allowed);
      return respondFailure(c, { status: 405, code: 'method_not_allowed', message: `${path} takes ${allowed}` });
    });
  }
  return app;
}

/** 202 with the job queued, and where to ask after it. */
function accepted(c: Context, job: JobView): Response {
  c.header('Location', `/v1/jobs/${job.id}`);
  return c.json(job, 202);
}

/** The longest a `GET /v1/jobs/:id?waitMs=` holds its answer back. */
export const MAX_JOB_WAIT_MS = 10_000;

function jobWaitMs(given: string | undefined): number {
  if (given === undefined) return 0;
  const ms = /^\d{1,6}$/.test(given) ? Number(given) : NaN;
  if (!(ms <= MAX_JOB_WAIT_MS)) throw new InputError('waitMs', `waitMs: milliseconds to wait for the job to end, 0 to ${MAX_JOB_WAIT_MS}`);
  return ms;
}


/** The job once it has ended, or as it is after `waitMs`. */
async function jobWithin(backend: KgBackend, id: string, waitMs: number): Promise<JobView | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    const ended = await Promise.race([backend.waitForJob(id).catch(() => null), deadline]);
    return ended ?? (await backend.job(id));
  } finally {
    clearTimeout(timer);
  }
}

function respondFailure(c: Context, failure: Failure): Response {
  if (failure.retryAfterSeconds !== undefined) c.header('Retry-After', String(failure.retryAfterSeconds));
  return c.json(errorBody(failure), failure.status);
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new InputError('body', 'body: expected a JSON object, got an empty body');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError('body', `body: not valid JSON (${(error as Error).message})`);
  }
}

async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const body = await readJson(c);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InputError('body', 'body: expected a JSON object');
  const parsed = parseWith(schema, body);
  if (!parsed.ok) throw new InputError(parsed.field, parsed.message);
  return parsed.value;
}

// JSON-RPC 2.0 asks for one message object or a non-empty batch of them; the transport would accept `[]` silently.
function invalidJsonRpc(body: unknown): string | null {
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return 'an empty batch';
  for (const message of messages) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) return 'a message must be a JSON object';
    if ((message as { jsonrpc?: unknown }).jsonrpc !== '2.0') return 'jsonrpc must be "2.0"';
  }
  return null;
}

function bearer(token: string) {
  return async (c: Context, next: () => Promise<void>) => {
    if (consoleAuthorized(c)) return next();
    const header = c.req.header('authorization') ?? '';
    if (!secretsEqual(header.startsWith('Bearer ') ? header.slice(7) : '', token)) {
      c.header('WWW-Authenticate', 'Bearer');
      return respondFailure(c, { status: 401, code: 'unauthorized', message: 'this server needs Authorization: Bearer <token>' });
    }
    await next();
    return undefined;
  };
}
