// Which backend each command works through: a running `kg serve` of this KG_HOME (as its serve.json describes it) gets
// index, reindex, query, status and enrich; `--db`, KG_NO_SERVER=1 and a stale serve.json keep the work here; export
// needs the graph to itself. The server is a stand-in on 127.0.0.1 that records what it is asked.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner, type KgRun } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-backend-home-');
// An empty agent data dir: an index has no warning to print.
const env = { WORKRAIL_DATA_DIR: join(home, 'data') };
mkdirSync(env.WORKRAIL_DATA_DIR);
const workspace = realpathSync(writeWorkspace(tempDir('kg-backend-ws-'), SMALL_APP));
const ownDb = join(tempDir('kg-backend-db-'), 'graph.duckdb');
const runKg = kgRunner(home);
const kg = (args: string[], options: KgRun = {}) => runKg(args, { cwd: workspace, ...options, env: { ...env, ...options.env } });
const TOKEN = 'stand-in-token';
const SECRET = 'stand-in-secret';

interface Asked {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
  secret: string | undefined;
}

const JOB_ID = 'job-of-the-stand-in';
const INDEX_REPORT = { workspace, db: '/graph/of/the/stand-in.duckdb', durationMs: 5, counts: { files: 77 }, history: { dataDir: '/stand-in' }, skipped: [], warnings: [] };
const ANSWER = { kind: 'importers', items: [], text: 'answered by the stand-in', freshness: { changedSinceIndex: false }, truncated: false, total: 0 };
const STATUS = { workspace, db: '/graph/of/the/stand-in.duckdb' };
const ENRICH = { rendered: 'context from the stand-in', manifest: { slots: [] } };

/** A `kg serve` stand-in: what it was asked, and the answers it gives. */
let asked: Asked[] = [];
let jobOutcome: Record<string, unknown> = { status: 'done', result: INDEX_REPORT, error: null };
let standIn: Server;
let url: string;

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? undefined : JSON.parse(text);
}

function answerFor(method: string, path: string): [number, unknown] {
  const job = { id: JOB_ID, kind: 'index', workspace, createdAt: '', startedAt: null, finishedAt: null, result: null, error: null };
  if (method === 'GET' && path === '/v1/health') return [200, { ok: true }];
  if (method === 'POST' && path === '/v1/reindex') return [202, { ...job, status: 'queued' }];
  // A client waiting for the job asks with `?waitMs=`: the stand-in answers at once, as an older server would.
  if (method === 'GET' && path.split('?')[0] === `/v1/jobs/${JOB_ID}`) return [200, { ...job, ...jobOutcome }];
  if (method === 'POST' && path === '/v1/query') return [200, ANSWER];
  if (method === 'GET' && path.startsWith('/v1/status?')) return [200, STATUS];
  if (method === 'POST' && path === '/v1/enrich') return [200, ENRICH];
  return [404, { error: { code: 'bad_input', message: `the stand-in has no ${method} ${path}` } }];
}

/** serve.json as a running server leaves it; `pid` says whose it is. */
function writeRecord(pid: number): void {
  const record = { pid, url, token: TOKEN, localSecret: SECRET, kgHome: home, startedAt: new Date().toISOString() };
  writeFileSync(join(home, 'serve.json'), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

const pathsAsked = () => asked.map((a) => `${a.method} ${a.path.split('?')[0]}`);

beforeAll(async () => {
  // The graphs kg itself reads when the work stays here: the workspace's own, and one named by --db.
  for (const args of [['index', workspace], ['index', workspace, '--db', ownDb]]) {
    const indexed = await kg(args, { env: { KG_NO_SERVER: '1' } });
    expect(indexed.code, indexed.stderr).toBe(0);
  }
  standIn = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '/';
      asked.push({
        method: request.method ?? '',
        path,
        body,
        authorization: request.headers.authorization,
        secret: request.headers['x-kg-local-secret'] as string | undefined,
      });
      const [status, value] = answerFor(request.method ?? '', path);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    });
  });
  standIn.listen(0, '127.0.0.1');
  await once(standIn, 'listening');
  url = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
});

afterAll(async () => {
  standIn.closeAllConnections();
  standIn.close();
  await once(standIn, 'close');
});

beforeEach(() => {
  asked = [];
  jobOutcome = { status: 'done', result: INDEX_REPORT, error: null };
  // A running server: this test process's parent is alive, and is no kg process the test starts.
  writeRecord(process.ppid);
});

describe('with kg serve running', () => {
  it('hands kg index to it as a full reindex, waits for the job and prints its report', async () => {
    const result = await kg(['index', '.', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ workspace, db: INDEX_REPORT.db, files: 77, dataDir: '/stand-in' });
    expect(pathsAsked()).toEqual(['GET /v1/health', 'POST /v1/reindex', `GET /v1/jobs/${JOB_ID}`]);
    expect(asked[1]!.body).toEqual({ workspace, full: true, maxFileBytes: 1024 * 1024, dataDir: env.WORKRAIL_DATA_DIR });
    // As a local client of its own user: the token and the secret of serve.json on every request.
    expect(asked[0]).toMatchObject({ authorization: `Bearer ${TOKEN}` });
    for (const request of asked.slice(1)) expect(request).toMatchObject({ authorization: `Bearer ${TOKEN}`, secret: SECRET });
  });

  it('says a folder kg index cannot index is no workspace before asking it anything', async () => {
    const result = await kg(['index', 'nope']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^kg: not a workspace: .*nope does not exist\n$/);
    expect(asked).toEqual([]);
  });

  it('hands kg reindex to it, files made workspace-relative', async () => {
    const result = await kg(['reindex', '--files', 'schema.ts', '--json'], { cwd: join(workspace, 'src') });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(INDEX_REPORT);
    expect(asked[1]).toMatchObject({ path: '/v1/reindex', body: { workspace, files: ['src/schema.ts'] } });
  });

  it('asks it kg query about the nearest indexed folder upwards, paths relative to that folder', async () => {
    const result = await kg(['query', 'importers', 'schema.ts', '--json'], { cwd: join(workspace, 'src') });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(ANSWER);
    expect(pathsAsked()).toEqual(['GET /v1/health', 'POST /v1/query']);
    expect(asked[1]!.body).toEqual({ workspace, intent: { kind: 'importers', file: 'src/schema.ts' } });
  });

  it('checks an intent before asking: a bad one is bad usage, said here', async () => {
    const result = await kg(['query', 'hotspots', '--limit', '5000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^kg: [^\n]*from 1 to 1000[^\n]*\n$/);
    // Out of its range, the flag is refused before the server is looked for.
    expect(pathsAsked()).toEqual([]);
  });

  it('asks it kg status and kg enrich', async () => {
    const status = await kg(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual(STATUS);
    const enrich = await kg(['enrich', '--goal', 'fix src/store.ts', '--budget-tokens', '300', '--json']);
    expect(enrich.code, enrich.stderr).toBe(0);
    expect(JSON.parse(enrich.stdout)).toEqual(ENRICH);
    expect(pathsAsked()).toEqual(['GET /v1/health', `GET /v1/status`, 'GET /v1/health', 'POST /v1/enrich']);
    expect(asked[1]!.path).toBe(`/v1/status?workspace=${encodeURIComponent(workspace)}`);
    expect(asked[3]!.body).toMatchObject({ workspace, goal: 'fix src/store.ts', budgetTokens: 300 });
  });

  it('says a job it failed in one kg: line, with the exit code of the failure', async () => {
    jobOutcome = { status: 'failed', result: null, error: { code: 'unknown_session', message: 'unknown session: s-1 is not a session of it' } };
    const result = await kg(['reindex', '--session', 's-1']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'kg: unknown session: s-1 is not a session of it\n' });
  });

  it('makes kg export say at once that it must be stopped', async () => {
    const result = await kg(['export']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`kg: kg serve at ${url} may hold this graph open: stop it (Ctrl-C) to export, or set KG_NO_SERVER=1 to try anyway\n`);
    expect(pathsAsked()).toEqual(['GET /v1/health']);
  });

  it('is not used with --db: every command works on that graph here, and never asks it anything', async () => {
    const index = await kg(['index', '.', '--db', ownDb, '--json']);
    expect(index.code, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ workspace, db: ownDb, files: 9 });
    const reindex = await kg(['reindex', '--db', ownDb, '--files', 'src/schema.ts', '--json']);
    expect(reindex.code, reindex.stderr).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ workspace, db: ownDb, mode: 'incremental' });
    // From a subfolder: paths are relative to the root the graph was indexed from.
    const query = await kg(['query', 'importers', 'schema.ts', '--db', ownDb, '--json'], { cwd: join(workspace, 'src') });
    expect(query.code, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout).items.map((i: { path: string }) => i.path)).toEqual(['src/store.ts']);
    const status = await kg(['status', '--db', ownDb, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workspace, db: ownDb, tables: { files: 9 } });
    const exported = await kg(['export', '--db', ownDb]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('"id":"src/schema.ts"');
    expect(asked).toEqual([]);
  });
});

describe('without a server', () => {
  /** Every command, on the workspace's own graph; each must work here. */
  async function expectAllLocal(extraEnv: Record<string, string>): Promise<void> {
    const index = await kg(['index', '.', '--json'], { env: extraEnv });
    expect(index.code, index.stderr).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ workspace, files: 9, db: expect.stringContaining(home) });
    const reindex = await kg(['reindex', '--json'], { env: extraEnv });
    expect(reindex.code, reindex.stderr).toBe(0);
    expect(JSON.parse(reindex.stdout)).toMatchObject({ workspace, db: expect.stringContaining(home) });
    const query = await kg(['query', 'importers', 'src/store.ts', '--json'], { env: extraEnv });
    expect(query.code, query.stderr).toBe(0);
    expect(JSON.parse(query.stdout).items.map((i: { path: string }) => i.path)).toEqual(['src/cli.ts', 'src/server.ts', 'tests/store.test.ts']);
    const status = await kg(['status', '--json'], { env: extraEnv });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workspace, tables: { files: 9 }, db: expect.stringContaining(home) });
    const enrich = await kg(['enrich', '--goal', 'fix src/store.ts', '--budget-tokens', '300', '--no-record', '--json'], { env: extraEnv });
    expect(enrich.code, enrich.stderr).toBe(0);
    expect(JSON.parse(enrich.stdout).manifest.goalPaths).toEqual(['src/store.ts']);
    const exported = await kg(['export'], { env: extraEnv });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('"id":"src/schema.ts"');
    expect(asked).toEqual([]);
  }

  it('works here when serve.json is stale (its process is gone), without asking its address anything', async () => {
    writeRecord(await deadPid());
    await expectAllLocal({});
  });

  it('works here with KG_NO_SERVER=1 while a server runs', async () => {
    await expectAllLocal({ KG_NO_SERVER: '1' });
  });
});

describe('on a terminal', () => {
  /** kg in this process, its stderr a terminal; KG_HOME and the data dir are this test's while it runs. */
  async function onTerminal(args: string[]): Promise<{ code: number; stderr: string }> {
    const saved = { KG_HOME: process.env.KG_HOME, WORKRAIL_DATA_DIR: process.env.WORKRAIL_DATA_DIR };
    Object.assign(process.env, { KG_HOME: home, ...env });
    let stderr = '';
    let exit = 0;
    const io: Io = {
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
      stderrIsTTY: true,
      exitCode: () => exit,
      setExitCode: (code) => void (exit = code),
    };
    try {
      return { code: await main(args, io), stderr };
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it('says where kg index and kg reindex went when a server takes them, and nothing with --json', async () => {
    for (const args of [['index', workspace], ['reindex', '-w', workspace, '--json'], ['index', workspace, '--json']]) {
      asked = [];
      const { code, stderr } = await onTerminal(args);
      expect({ args, code }).toEqual({ args, code: 0 });
      expect({ args, stderr }).toEqual({ args, stderr: args.includes('--json') ? '' : `handed to kg serve at ${url} (job ${JOB_ID})\n` });
      expect(pathsAsked()).toContain('POST /v1/reindex');
    }
  });

  it('shows the progress of an index here, clears it at the end, and says nothing of a server', async () => {
    const { code, stderr } = await onTerminal(['index', workspace, '--db', ownDb]);
    expect(code, stderr).toBe(0);
    // Each update rewrites the line (`phase done/total`); the last clears it.
    const CLEAR = '\r\x1b[2K';
    expect(stderr.startsWith(CLEAR) && stderr.endsWith(CLEAR)).toBe(true);
    const shown = stderr.split(CLEAR).slice(1, -1);
    expect(shown.length).toBeGreaterThan(0);
    for (const line of shown) expect(line).toMatch(/^[\w-]+ \d+\/\d+$/);
    expect(asked).toEqual([]);
  });
});
