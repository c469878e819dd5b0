import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../graph/schema.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { holdDatabaseLock, kgRunner, type KgRun } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
const home = tempDir('kg-home-');
const runKg = kgRunner(home);
/** `kg` run from the workspace unless told otherwise. */
const kg = (args: string[], options: KgRun = {}) => runKg(args, { cwd: workspace, ...options });

beforeAll(async () => {
  const indexed = await kg(['index', '.', '--json']);
  expect(indexed.stderr).toBe('');
  expect(indexed.code).toBe(0);
});

describe('kg index', () => {
  it('prints one JSON report with counts, quiet on stderr when piped', async () => {
    const result = await kg(['index', workspace, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ workspace: expect.any(String), files: 9, cliCommands: 2, routes: 2 });
    expect(report.edges).toBeGreaterThan(0);
    expect(report.db).toContain(home);
  });

  it('explains in one line that a missing folder is not a workspace (exit 1)', async () => {
    const result = await kg(['index', join(workspace, 'nope')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: not a workspace: .*nope does not exist\n$/);
  });
});

describe('kg query', () => {
  it('answers importers as JSON items with workspace-relative paths', async () => {
    const result = await kg(['query', 'importers', 'src/store.ts', '--json']);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.items.map((i: { path: string }) => i.path)).toEqual(['src/cli.ts', 'src/server.ts', 'tests/store.test.ts']);
    expect(answer.freshness.indexedAt).toEqual(expect.any(String));
    expect(answer.truncated).toBe(false);
  });

  it('answers dependencies and impact with the same item shape', async () => {
    const deps = JSON.parse((await kg(['query', 'dependencies', 'src/cli.ts', '--json'])).stdout);
    expect(deps.items.map((i: { path: string }) => i.path)).toEqual(['src/store.ts']);
    expect(deps.packages).toEqual(['commander']);
    const impact = JSON.parse((await kg(['query', 'impact', 'src/schema.ts', '--json'])).stdout);
    expect(impact.items.map((i: { path: string }) => i.path)).toEqual([
      'src/store.ts',
      'src/cli.ts',
      'src/server.ts',
      'tests/store.test.ts',
    ]);
    expect(impact.tests).toEqual(['tests/store.test.ts']);
  });

  it('takes paths relative to the current folder and finds the workspace from a subfolder', async () => {
    const result = await kg(['query', 'importers', 'schema.ts', '--json'], { cwd: join(workspace, 'src') });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).items.map((i: { path: string }) => i.path)).toEqual(['src/store.ts']);
  });

  it('prints a readable answer without --json', async () => {
    const result = await kg(['query', 'cycles']);
    expect(result.stdout).toContain('src/ping.ts -> src/pong.ts -> src/ping.ts');
    const commands = await kg(['query', 'cli-commands']);
    expect(commands.stdout).toContain('serve [port] — start the server (src/cli.ts:5)');
  });

  it('fails in one line for an unknown file (exit 1) and for bad usage (exit 2)', async () => {
    const unknown = await kg(['query', 'importers', 'src/nope.ts']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^kg: unknown file: src\/nope\.ts is not in the graph[^\n]*\n$/);
    const badKind = await kg(['query', 'importerz', 'src/store.ts']);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('unknown query kind "importerz"');
    const missingArg = await kg(['query', 'importers']);
    expect(missingArg.code).toBe(2);
    const badLimit = await kg(['query', 'hotspots', '--limit', 'lots']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('expected a whole number from 1 to 1000');
  });

  it('says there is no graph when run outside any indexed workspace', async () => {
    const elsewhere = tempDir('kg-elsewhere-');
    const result = await kg(['query', 'hotspots'], { cwd: elsewhere });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: no graph for .* run `kg index` in the workspace first\n$/);
  });
});

describe('kg export', () => {
  it('prints one JSON object per line, edges with kind, from, to and attrs', async () => {
    const result = await kg(['export', '--format', 'jsonl']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const edge = lines.find((l) => l.type === 'edge' && l.kind === 'imports' && l.from === 'src/store.ts');
    expect(edge).toEqual({
      type: 'edge',
      kind: 'imports',
      from: 'src/store.ts',
      to: 'src/schema.ts',
      attrs: expect.objectContaining({ specifier: './schema.js', line: 1, type_only: false, dynamic: false, re_export: false }),
    });
    expect(lines.filter((l) => l.type === 'node' && l.table === 'files')).toHaveLength(9);
  });

  it('prints one JSON document with --json (the same as --format json)', async () => {
    const result = await kg(['export', '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.nodes.filter((n: { table: string }) => n.table === 'files')).toHaveLength(9);
    expect(document.edges.some((e: { kind: string; from: string; to: string }) => e.kind === 'imports' && e.from === 'src/store.ts' && e.to === 'src/schema.ts')).toBe(true);
  });

  it('is deterministic: two exports of the same graph are identical', async () => {
    const a = await kg(['export']);
    const b = await kg(['export']);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('kg status', () => {
  it('reports the graph location and counts', async () => {
    const status = JSON.parse((await kg(['status', '--json'])).stdout);
    expect(status).toMatchObject({ tables: { files: 9, cli_commands: 2, routes: 2 }, schemaVersion: SCHEMA_VERSION });
    expect(status.edges.imports).toBeGreaterThan(0);
  });
});

describe('locking', () => {
  it('gives up on a database another process holds, after the configured bound, in one line', async () => {
    const db = join(tempDir(), 'held.duckdb');
    mkdirSync(join(db, '..'), { recursive: true });
    const lock = await holdDatabaseLock(db, 3000);
    const result = await kg(['index', '.', '--db', db], { env: { KG_LOCK_TIMEOUT_MS: '200' } });
    await lock.release();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: graph .*held\.duckdb is locked by another process \(PID \d+\); gave up after/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('keeps indexing through an invalid tsconfig, with a warning', async () => {
    const broken = writeWorkspace(join(tempDir(), 'broken'), {
      'tsconfig.json': '{ "compilerOptions": { "module": ',
      'src/a.ts': "import './b.js';\n",
      'src/b.ts': 'export {};\n',
    });
    writeFileSync(join(broken, '.gitignore'), 'dist\n');
    const result = await kg(['index', broken, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.files).toBeGreaterThanOrEqual(2);
    expect(report.warnings.some((w: { path?: string }) => w.path === 'tsconfig.json')).toBe(true);
  });
});
