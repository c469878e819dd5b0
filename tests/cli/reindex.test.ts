import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prng, writeLargeWorkspace } from '../fixtures/edits.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { holdDatabaseLock, kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const KG = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');
const home = tempDir('kg-home-');
const kg = kgRunner(home);

/** The graph of `db`, as `kg export` prints it. */
async function exportOf(db: string): Promise<string> {
  const result = await kg(['export', '--db', db]);
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** What a fresh full index of `root` exports. */
async function fullIndexExport(root: string): Promise<string> {
  const db = join(tempDir('kg-fresh-'), 'graph.duckdb');
  expect((await kg(['index', root, '--db', db])).code).toBe(0);
  return exportOf(db);
}

function smallWorkspace(files: number): string {
  const contents: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, include: ['src'] }),
  };
  for (let i = 0; i < files; i++) contents[`src/f${i}.ts`] = `import './f${(i + 1) % files}';\nexport const v${i} = ${i};\n`;
  return writeWorkspace(join(tempDir('kg-ws-'), 'ws'), contents);
}

describe('kg reindex', () => {
  it('redoes only the files given with --files, and reports what it did', async () => {
    const root = smallWorkspace(5);
    const db = join(tempDir(), 'graph.duckdb');
    await kg(['index', root, '--db', db]);
    appendFileSync(join(root, 'src/f1.ts'), "import './f3';\n");
    writeFileSync(join(root, 'src/new.ts'), "import './f0';\n");
    const result = await kg(['reindex', '--workspace', root, '--db', db, '--files', join(root, 'src/f1.ts'), join(root, 'src/new.ts'), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ mode: 'incremental', added: ['src/new.ts'], modified: ['src/f1.ts'], deleted: [] });
    expect(await exportOf(db)).toBe(await fullIndexExport(root));
  });

  it('lands all of 8 reindexes started at once on one database', async () => {
    const root = smallWorkspace(8);
    const db = join(tempDir(), 'graph.duckdb');
    await kg(['index', root, '--db', db]);
    for (let i = 0; i < 8; i++) appendFileSync(join(root, `src/f${i}.ts`), `import './f${(i + 3) % 8}';\nexport const w${i} = 1;\n`);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => kg(['reindex', '--workspace', root, '--db', db, '--files', join(root, `src/f${i}.ts`), '--json'])),
    );
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    }
    expect(results.map((r) => JSON.parse(r.stdout).modified).flat().sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `src/f${i}.ts`).sort(),
    );
    expect(await exportOf(db)).toBe(await fullIndexExport(root));
  });

  it('gives up with the documented message when the lock is held past a tiny bound', async () => {
    const root = smallWorkspace(3);
    const db = join(tempDir(), 'graph.duckdb');
    await kg(['index', root, '--db', db]);
    const before = await exportOf(db);
    appendFileSync(join(root, 'src/f0.ts'), 'export const late = 1;\n');
    const lock = await holdDatabaseLock(db, 4000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => kg(['reindex', '--workspace', root, '--db', db], { env: { KG_LOCK_TIMEOUT_MS: '100' } })),
    );
    await lock.release();
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^kg: graph .* is locked by another process \(PID \d+\); gave up after 0\.\d s \(set KG_LOCK_TIMEOUT_MS to wait longer\)\n$/);
    }
    expect(await exportOf(db)).toBe(before);
  });
});

describe('crash safety', () => {
  it('keeps the last committed graph when indexing is killed with SIGKILL, and a reindex then completes it', async () => {
    const root = join(tempDir('kg-large-'), 'ws');
    mkdirSync(root, { recursive: true });
    writeLargeWorkspace(root, 1200);
    const db = join(tempDir(), 'graph.duckdb');
    expect((await kg(['index', root, '--db', db])).code).toBe(0);
    const committed = await exportOf(db);

    // Change the workspace so the interrupted runs have something new to write.
    for (let i = 0; i < 1200; i += 7) appendFileSync(join(root, 'src', `m${i % 40}`, `f${i}.ts`), `export const extra${i} = ${i};\n`);
    writeFileSync(join(root, 'src', 'added.ts'), "import { v1 } from './m1/f1';\nexport const added = v1;\n");
    const updated = await fullIndexExport(root);
    expect(updated).not.toBe(committed);

    const random = prng(42);
    let killedMidWrite = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const child = spawn(process.execPath, [KG, 'index', root, '--db', db], { env: { ...process.env, KG_HOME: home }, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 900));
      child.kill('SIGKILL');
      if ((await exited) === 'SIGKILL') killedMidWrite++;
      // The database opens and holds a whole graph: the one before, or the new one if the kill came after the commit.
      const now = await exportOf(db);
      expect([committed, updated]).toContain(now);
    }
    expect(killedMidWrite).toBeGreaterThan(0);

    const finished = await kg(['reindex', '--workspace', root, '--db', db]);
    expect(finished.code).toBe(0);
    expect(await exportOf(db)).toBe(updated);
  });
});
