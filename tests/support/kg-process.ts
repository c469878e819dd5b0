// Runs the real `kg` command as a child process, and holds a database's lock from another process, for CLI tests.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const KG = join(REPO, 'bin', 'kg.js');

export interface KgResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KgRun {
  cwd?: string;
  /** Extra environment on top of this process's and KG_HOME. */
  env?: Record<string, string>;
}

/** A `kg` runner whose graphs live under `home`; resolves with the exit code instead of throwing. */
export function kgRunner(home: string): (args: string[], options?: KgRun) => Promise<KgResult> {
  return async (args, options = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [KG, ...args], {
        ...(options.cwd ? { cwd: options.cwd } : {}),
        env: { ...process.env, KG_HOME: home, ...options.env },
        maxBuffer: 256 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}

/** Opens `db` for writing in another process (so it holds DuckDB's file lock) until `release()` or `ms` pass. */
export async function holdDatabaseLock(db: string, ms: number): Promise<{ release(): Promise<void> }> {
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const db = await DuckDBInstance.create(${JSON.stringify(db)}); await db.connect();
       console.log('ready'); setTimeout(() => process.exit(0), ${ms});`,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => holder.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', () => resolve());
    void exited.then(() => reject(new Error('the lock holder exited before it held the lock')));
  });
  return {
    async release() {
      holder.kill();
      await exited;
    },
  };
}
