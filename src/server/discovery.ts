// How the CLI and `kg mcp` find a running `kg serve`: it leaves its address in $KG_HOME/serve.json while it runs.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kgHome } from '../../graph/location.js';

export interface ServerRecord {
  pid: number;
  /** Base URL, e.g. http://127.0.0.1:7411. */
  url: string;
  /** The bearer token the server requires, or null. The file is readable by its owner only. */
  token: string | null;
  /** Sent by kg processes of this user (they can read this file) to show they are local; they may index new folders. */
  localSecret: string | null;
  kgHome: string;
  startedAt: string;
}

export function recordPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(kgHome(env), 'serve.json');
}

export function writeServerRecord(record: ServerRecord): void {
  mkdirSync(record.kgHome, { recursive: true, mode: 0o700 });
  // Written whole under another name, then renamed: a reader never sees half a record, and a file left 0644 by an
  // older kg is replaced, not rewritten in place with its old mode.
  const temporary = `${recordPath()}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, recordPath());
}

/** Removes the record if it is still this process's (a newer server may have replaced it). */
export function removeServerRecord(pid = process.pid): void {
  const record = readServerRecord();
  if (record && record.pid === pid) rmSync(recordPath(), { force: true });
}

export function readServerRecord(env: NodeJS.ProcessEnv = process.env): ServerRecord | null {
  try {
    const value = JSON.parse(readFileSync(recordPath(env), 'utf8')) as Partial<ServerRecord>;
    if (typeof value.pid !== 'number' || typeof value.url !== 'string') return null;
    return {
      pid: value.pid,
      url: value.url,
      token: value.token ?? null,
      localSecret: typeof value.localSecret === 'string' ? value.localSecret : null,
      kgHome: value.kgHome ?? kgHome(env),
      startedAt: value.startedAt ?? '',
    };
  } catch {
    return null;
  }
}

/**
 * The running server of this KG_HOME, or null: none recorded, its process gone (a crash left the file), it does not
 * answer its health check within `timeoutMs`, or `KG_NO_SERVER=1` asks to work without it.
 */
export async function findServer(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1000): Promise<ServerRecord | null> {
  if (env.KG_NO_SERVER === '1') return null;
  const record = readServerRecord(env);
  if (!record || record.pid === process.pid || !alive(record.pid)) return null;
  try {
    const response = await fetch(`${record.url}/v1/health`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: record.token ? { authorization: `Bearer ${record.token}` } : {},
    });
    return response.ok ? record : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
