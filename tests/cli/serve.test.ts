// `kg serve` as a real process: the CLI hands its index, reindex, query, status and enrich to it (it holds the
// graph open, so working locally would wait for its lock), and it stops cleanly on SIGTERM.

import type { ChildProcess } from 'node:child_process';
import { existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner } from '../support/kg-process.js';
import { startServe } from '../support/serve-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-serve-home-');
const env = { WORKRAIL_DATA_DIR: join(home, 'no-data'), KG_LOCK_TIMEOUT_MS: '2000' };
const workspace = realpathSync(writeWorkspace(tempDir('kg-serve-ws-'), SMALL_APP));
const kg = kgRunner(home);
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const started = await startServe(home, env);
  server = started.child;
  url = started.url;
});
afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
});

describe('the CLI with kg serve running', () => {
  it('hands kg index to the server and prints the same report', async () => {
    const result = await kg(['index', workspace, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { files: number; workspace: string };
    expect(report).toMatchObject({ workspace, files: Object.keys(SMALL_APP).length });
  });

  it('answers kg query, kg status and kg enrich through the server while it holds the graph', async () => {
    const query = await kg(['query', 'importers', 'src/store.ts', '--json'], { cwd: workspace, env });
    expect(query.code, query.stderr).toBe(0);
    expect((JSON.parse(query.stdout) as { items: { path: string }[] }).items.map((i) => i.path)).toEqual([
      'src/cli.ts',
      'src/server.ts',
      'tests/store.test.ts',
    ]);
    const text = await kg(['query', 'dependencies', 'src/cli.ts'], { cwd: workspace, env });
    expect(text.stdout).toContain('src/store.ts');

    const status = await kg(['status', '--json', '-w', workspace], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ workspace });

    const enrich = await kg(['enrich', '-w', workspace, '--goal', 'fix the schema in src/store.ts', '--budget-tokens', '400', '--json'], { env });
    expect(enrich.code, enrich.stderr).toBe(0);
    const result = JSON.parse(enrich.stdout) as { rendered: string; manifest: { goalPaths: string[] } };
    expect(result.manifest.goalPaths).toEqual(['src/store.ts']);
    expect(result.rendered).toContain('src/store.ts');
  });

  it('hands kg reindex to the server, files and all', async () => {
    writeFileSync(join(workspace, 'src/schema.ts'), "import { openStore } from './store.js';\nexport const SCHEMA = 2;\nopenStore();\n");
    const result = await kg(['reindex', '--files', 'src/schema.ts', '--json'], { cwd: workspace, env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ workspace, mode: 'incremental', modified: ['src/schema.ts'] });
    const importers = await kg(['query', 'importers', 'src/store.ts', '--json'], { cwd: workspace, env });
    expect((JSON.parse(importers.stdout) as { items: { path: string }[] }).items.map((i) => i.path)).toContain('src/schema.ts');
  });

  it('says at once that export needs the server stopped', async () => {
    const result = await kg(['export'], { cwd: workspace, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: kg serve at http:\/\/127\.0\.0\.1:\d+ may hold this graph open: stop it/);
  });

  it('gives one clear line for an error the server reports', async () => {
    const result = await kg(['query', 'importers', 'src/nope.ts'], { cwd: workspace, env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^kg: .*src\/nope\.ts/);
  });

  it('refuses a second server of the same KG_HOME or port, and a non-loopback bind without a token', async () => {
    const port = new URL(url).port;
    // Another KG_HOME, so only the port is in the way.
    const busy = await kg(['serve', '--port', port], { env: { ...env, KG_HOME: tempDir('kg-serve-other-') } });
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/port .* in use/);
    const second = await kg(['serve', '--port', '0'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already running at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
    const open = await kg(['serve', '--host', '0.0.0.0', '--port', '0'], { env });
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/without a token/);
  });

  it('keeps its record for its own user only', () => {
    expect(statSync(join(home, 'serve.json')).mode & 0o777).toBe(0o600);
  });

  it('stops on SIGTERM within its grace even with a client that never finishes its request, removes its record, and the CLI works on its own again', async () => {
    const { port } = new URL(url);
    const slow = connect(Number(port), '127.0.0.1');
    slow.on('error', () => undefined);
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(`POST /v1/query HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(home, 'serve.json'))).toBe(false);
    const query = await kg(['query', 'importers', 'src/store.ts', '--json'], { cwd: workspace, env });
    expect(query.code, query.stderr).toBe(0);
  });
});
