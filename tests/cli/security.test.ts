// What the CLI promises about a user's data and its own errors: a graph is there only once an index of it completed,
// every usage error is one `kg:` line, the files holding a user's data are the user's alone, and inputs are bounded.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workspaceId } from '../../graph/location.js';
import { writeLargeWorkspace } from '../fixtures/edits.js';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner, type KgResult } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..');
const noData = join(tempDir(), 'no-data');

/** A kg whose graphs live under a fresh KG_HOME (made by kg itself) and that reads no agent data dir. */
function freshKg(): { home: string; kg: (args: string[], cwd?: string) => Promise<KgResult> } {
  const home = join(tempDir('kg-home-'), 'kg');
  const run = kgRunner(home);
  return { home, kg: (args, cwd) => run(args, { ...(cwd ? { cwd } : {}), env: { WORKRAIL_DATA_DIR: noData, KG_NO_SERVER: '1' } }) };
}

const graphFolder = (home: string, workspace: string) => join(home, workspaceId(workspace));
const graphFile = (home: string, workspace: string) => join(graphFolder(home, workspace), 'graph.duckdb');
const modeOf = (path: string) => statSync(path).mode & 0o777;
const NO_GRAPH = /^kg: no graph [^\n]*\n$/;

/**
 * Runs `script` (an ES module, in the repo so it resolves kg's packages) in a child process that prints a line once it
 * is where the test wants it, then kills it with SIGKILL there. Resolves to what it printed.
 */
async function killWhenReady(script: string, home: string): Promise<string> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO,
    env: { ...process.env, KG_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const printed = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    void exited.then(() => reject(new Error(`the child exited before it was ready: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return printed;
}

const dist = (path: string) => JSON.stringify(pathToFileURL(join(REPO, 'dist', path)).href);

/** Every read command says there is no graph of `workspace`, in one line, exit 1 (from the workspace and with -w). */
async function expectNoGraph(kg: (args: string[], cwd?: string) => Promise<KgResult>, workspace: string): Promise<void> {
  for (const args of [
    ['status', '--workspace', workspace],
    ['status'],
    ['query', 'hotspots', '--workspace', workspace],
    ['query', 'hotspots'],
    ['export', '--workspace', workspace],
    ['enrich', '--workspace', workspace, '--goal', 'fix src/cli.ts', '--budget-tokens', '200'],
    ['enrich', '--workspace', workspace, '--goal', 'fix src/cli.ts', '--budget-tokens', '200', '--no-record'],
  ]) {
    const result = await kg(args, workspace);
    expect({ args, code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
      args,
      code: 1,
      stderr: expect.stringMatching(NO_GRAPH),
      stdout: '',
    });
  }
}

describe('a graph no index of which completed', () => {
  it('is not left behind by `kg index` of a folder that does not exist', async () => {
    const { home, kg } = freshKg();
    const missing = join(tempDir(), 'missing', 'path');
    const result = await kg(['index', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kg: not a workspace: .*missing\/path does not exist\n$/);
    expect(existsSync(graphFolder(home, missing))).toBe(false);
    // Nothing but start-up caches in KG_HOME, if kg made it at all.
    expect(existsSync(home) ? readdirSync(home).filter((name) => name !== 'cache') : []).toEqual([]);
    for (const args of [['status', '--workspace', missing], ['query', 'hotspots', '--workspace', missing]]) {
      const after = await kg(args);
      expect({ args, code: after.code, stderr: after.stderr }).toEqual({ args, code: 1, stderr: expect.stringMatching(NO_GRAPH) });
    }
    const reindexed = await kg(['reindex', '--workspace', missing]);
    expect(reindexed.code).toBe(1);
    expect(reindexed.stderr).toMatch(/^kg: not a workspace: [^\n]*\n$/);
    expect(existsSync(graphFolder(home, missing))).toBe(false);
  });

  it('reads as no graph when a first index was killed once DuckDB had made the file, and the next index replaces it', async () => {
    const { home, kg } = freshKg();
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    const db = graphFile(home, workspace);
    // What a first `kg index` killed right after DuckDB created its file leaves: a database with no tables.
    await killWhenReady(
      `import { mkdirSync } from 'node:fs';
       import { DuckDBInstance } from '@duckdb/node-api';
       mkdirSync(${JSON.stringify(dirname(db))}, { recursive: true });
       const instance = await DuckDBInstance.create(${JSON.stringify(db)});
       await instance.connect();
       setInterval(() => undefined, 1000);
       console.log('ready');`,
      home,
    );
    expect(existsSync(db)).toBe(true);
    await expectNoGraph(kg, workspace);
    const indexed = await kg(['index', workspace, '--json']);
    expect(indexed.code).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ files: 9 });
    const status = await kg(['status', '--json'], workspace);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ indexedAt: expect.any(String), tables: { files: 9 } });
  });

  it('reads as no graph when a first index was killed (SIGKILL) inside its write, and the next index replaces it', async () => {
    const { home, kg } = freshKg();
    const workspace = join(tempDir(), 'large');
    const count = 1000;
    mkdirSync(workspace);
    writeLargeWorkspace(workspace, count);
    const files = count + 1; // and its tsconfig.json
    const db = graphFile(home, workspace);
    // The real index of the workspace, its every row appended in its transaction (it prints the rows appended per
    // table), held there until killed.
    const printed = await killWhenReady(
      `import { GraphStore } from ${dist('graph/store.js')};
       import { indexWorkspaceInto } from ${dist('indexers/index.js')};
       const store = await GraphStore.open({ path: ${JSON.stringify(db)} });
       setInterval(() => undefined, 1000);
       const held = Object.create(store);
       held.write = (work) => store.write(async (tx) => {
         const written = await work(tx);
         console.log(JSON.stringify(written.appended));
         return new Promise(() => undefined);
       });
       await indexWorkspaceInto(held, ${JSON.stringify(workspace)}, { dataDir: ${JSON.stringify(noData)} });`,
      home,
    );
    expect(JSON.parse(printed)).toMatchObject({ files });
    expect(existsSync(db)).toBe(true);
    await expectNoGraph(kg, workspace);
    const indexed = await kg(['index', workspace, '--json']);
    expect(indexed.code).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ files });
    const status = await kg(['status', '--json'], workspace);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ indexedAt: expect.any(String), tables: { files } });
    const hotspots = await kg(['query', 'hotspots', '--limit', '3', '--json'], workspace);
    expect(hotspots.code).toBe(0);
    expect(JSON.parse(hotspots.stdout).items).toHaveLength(3);
  });

  it('reads as no graph from an empty file, and the next index replaces it', async () => {
    const { home, kg } = freshKg();
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    const db = graphFile(home, workspace);
    mkdirSync(dirname(db), { recursive: true });
    writeFileSync(db, '');
    await expectNoGraph(kg, workspace);
    const indexed = await kg(['index', workspace, '--json']);
    expect(indexed.code).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ files: 9 });
  });
});

describe('usage errors', () => {
  const { kg } = freshKg();
  const cases: [what: string, args: string[], says: RegExp][] = [
    ['a negative --limit', ['query', 'hotspots', '--limit', '-1'], /--limit .*-1.* is invalid: expected a whole number from 1 to 1000/],
    ['a word for --limit', ['query', 'hotspots', '--limit', 'lots'], /expected a whole number from 1 to 1000/],
    ['an unknown option', ['query', 'hotspots', '--limitt', '3'], /unknown option '--limitt'/],
    ['an unknown command', ['indx', '.'], /unknown command 'indx'.*index/],
    ['a missing argument', ['query'], /missing required argument 'kind'/],
    ['a missing required option', ['enrich', '--goal', 'x'], /required option '--budget-tokens <n>' not specified/],
    ['an option value not among the choices', ['export', '--format', 'xml'], /--format .*xml.* is invalid/],
    ['too many arguments', ['status', 'extra'], /too many arguments/],
    ['a bad port', ['serve', '--port', '70000'], /expected a port number/],
  ];
  for (const [what, args, says] of cases) {
    it(`prints one kg: line for ${what} and exits 2`, async () => {
      const result = await kg(args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^kg: [^\n]*\n$/);
      expect(result.stderr).toMatch(says);
      expect(result.code).toBe(2);
    });
  }
});

describe('file modes', () => {
  it('makes KG_HOME, the graph folder and the cache 0700 and the graph and caches 0600', async () => {
    const { home, kg } = freshKg();
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    expect((await kg(['index', workspace])).code).toBe(0);
    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(graphFolder(home, workspace))).toBe(0o700);
    expect(modeOf(graphFile(home, workspace))).toBe(0o600);
    const cache = join(home, 'cache');
    expect(modeOf(cache)).toBe(0o700);
    const cached = readdirSync(cache);
    expect(cached.length).toBeGreaterThan(0);
    for (const name of cached) expect({ name, mode: modeOf(join(cache, name)) }).toEqual({ name, mode: 0o600 });
  });

  it("narrows kg's own folders and files found wider, and leaves KG_HOME itself and the user's folders as they were", async () => {
    const { home, kg } = freshKg();
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    // As an earlier kg left them (umask 022): everything readable by all.
    const folder = graphFolder(home, workspace);
    const cache = join(home, 'cache');
    for (const dir of [home, folder, cache]) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o755);
    }
    const stale = join(cache, 'stale-cache.bin');
    writeFileSync(stale, 'x');
    chmodSync(stale, 0o644);
    expect((await kg(['index', workspace])).code).toBe(0);
    const db = graphFile(home, workspace);
    chmodSync(db, 0o644);
    expect((await kg(['index', workspace])).code).toBe(0);
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(cache)).toBe(0o700);
    expect(modeOf(stale)).toBe(0o600);
    expect(modeOf(home)).toBe(0o755);
  });

  it('makes a --db file 0600 in a new folder 0700, without touching the folder the user gave it in', async () => {
    const { kg } = freshKg();
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    const mine = join(tempDir(), 'mine');
    mkdirSync(mine);
    chmodSync(mine, 0o755);
    const db = join(mine, 'graphs', 'app.duckdb');
    expect((await kg(['index', workspace, '--db', db])).code).toBe(0);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(dirname(db))).toBe(0o700);
    expect(modeOf(mine)).toBe(0o755);
  });
});

describe('--max-file-kb', () => {
  const { kg } = freshKg();
  it('takes up to 65536 KiB (64 MiB)', async () => {
    const workspace = writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP);
    const result = await kg(['index', workspace, '--max-file-kb', '65536', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files: 9 });
  });

  it('refuses more, in one kg: line, exit 2', async () => {
    const result = await kg(['index', writeWorkspace(join(tempDir(), 'small-app'), SMALL_APP), '--max-file-kb', '65537']);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^kg: option '--max-file-kb <n>' argument '65537' is invalid: [^\n]*65536[^\n]*\n$/);
    expect(result.code).toBe(2);
  });
});
