// `kg serve` as a real process on 127.0.0.1 (port 0), for tests that talk to it as a client would.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = join(import.meta.dirname, '..', '..');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stop(): void;
}

/** Starts `kg serve --port 0 --json ARGS` with KG_HOME `home`; resolves once it prints where it listens. */
export function startServe(home: string, env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'kg.js'), 'serve', '--port', '0', '--json', ...args], {
    env: { ...process.env, KG_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`kg serve exited ${code}: ${stderr}`)));
    let json = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      json += line;
      try {
        const first = JSON.parse(json) as { url: string };
        const url = first.url;
        resolve({ child, url, port: Number(new URL(url).port), stop: () => void (child.exitCode === null && child.kill('SIGKILL')) });
      } catch {
        // The JSON object spans several lines.
      }
    });
  });
}
