// The operator console's routes, under /console on `kg serve`: server-rendered pages over the same backend as the API
// (confined to the workspaces the client may use), each at a URL that can be shared and reloaded. Only GET: a page
// changes nothing (the playground's enrich records no manifest).

import { isAbsolute } from 'node:path';
import { Hono, type Context } from 'hono';
import type { KgBackend } from '../backend/backend.js';
import { failureOf, InputError } from '../server/errors.js';
import { consoleAsset } from './assets.js';
import { secureConsoleHeaders } from './headers.js';
import { type Html } from './html.js';
import { errorPage } from './layout.js';
import { MAX_NEIGHBOURHOOD_DEPTH } from './neighbourhood.js';
import { DEFAULT_PLAYGROUND_BUDGET, enrichPage } from './pages/enrich.js';
import { filePage } from './pages/file.js';
import { hotspotsPage } from './pages/hotspots.js';
import { runPage } from './pages/run.js';
import { sessionPage } from './pages/session.js';
import { sessionsPage, type TimelineFilters } from './pages/sessions.js';
import { workspacesPage } from './pages/workspaces.js';

export function consoleApp(backendFor: (c: Context) => KgBackend): Hono {
  const app = new Hono();
  const page = (render: (c: Context, backend: KgBackend) => Promise<Html>) => async (c: Context) => {
    secureConsoleHeaders(c);
    try {
      return c.html((await render(c, backendFor(c))).value);
    } catch (error) {
      const failure = failureOf(error);
      return c.html(errorPage(failure.status, failure.message, c.req.query('workspace')).value, failure.status);
    }
  };

  app.get('/', page((_c, backend) => workspacesPage(backend)));
  app.get('/file', page((c, backend) => filePage(backend, workspaceOf(c), text(c, 'path', 1000), whole(c, 'depth', 1, MAX_NEIGHBOURHOOD_DEPTH, 1))));
  app.get('/sessions', page((c, backend) => sessionsPage(backend, workspaceOf(c), filtersOf(c), whole(c, 'page', 1, 100_000, 1))));
  app.get('/runs', page((c, backend) => sessionsPage(backend, workspaceOf(c), { ...filtersOf(c), type: 'run' }, whole(c, 'page', 1, 100_000, 1), 'runs')));
  app.get('/session', page((c, backend) => sessionPage(backend, workspaceOf(c), required(c, 'id', 200))));
  app.get('/run', page((c, backend) => runPage(backend, workspaceOf(c), required(c, 'id', 200))));
  app.get('/enrich', page((c, backend) => enrichPage(backend, workspaceOf(c), text(c, 'goal', 20_000), whole(c, 'budget', 1, 1_000_000, DEFAULT_PLAYGROUND_BUDGET))));
  app.get('/hotspots', page((c, backend) => hotspotsPage(backend, workspaceOf(c))));
  app.get('/assets/:name', (c) => {
    const asset = consoleAsset(c.req.param('name'));
    if (!asset) return c.text('no such asset', 404);
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'private, max-age=300');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(asset.body);
  });
  app.all('*', (c) => {
    secureConsoleHeaders(c);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET');
      return c.html(errorPage(405, `the console's pages take GET, not ${c.req.method}`).value, 405);
    }
    return c.html(errorPage(404, `no console page ${c.req.path}`).value, 404);
  });
  return app;
}

function workspaceOf(c: Context): string {
  const workspace = required(c, 'workspace', 4096);
  if (!isAbsolute(workspace)) throw new InputError('workspace', 'workspace: the query parameter must be an absolute path');
  return workspace;
}

function text(c: Context, name: string, max: number): string | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (value.length > max) throw new InputError(name, `${name}: at most ${max} characters`);
  return value;
}

function required(c: Context, name: string, max: number): string {
  const value = text(c, name, max);
  if (value === undefined) throw new InputError(name, `${name}: the query parameter is required`);
  return value;
}

function whole(c: Context, name: string, min: number, max: number, fallback: number): number {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new InputError(name, `${name}: a whole number from ${min} to ${max}`);
  return n;
}

function filtersOf(c: Context): TimelineFilters {
  const type = text(c, 'type', 10);
  if (type !== undefined && type !== 'session' && type !== 'run') throw new InputError('type', 'type: session or run');
  return { type, status: text(c, 'status', 200), outcome: text(c, 'outcome', 200), branch: text(c, 'branch', 200), workflow: text(c, 'workflow', 200), text: text(c, 'text', 200) };
}
