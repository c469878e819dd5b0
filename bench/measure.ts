// Runs a command as a child process and measures its wall time and peak resident memory.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement {
  wallMs: number;
  /** Peak RSS in MB (VmHWM of the process, sampled until it exits). */
  peakRssMb: number;
  stdout: string;
  code: number;
}

export function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    let peakKb = 0;
    const sample = () => {
      const kb = highWaterMarkKb(child.pid);
      if (kb > peakKb) peakKb = kb;
    };
    const timer = setInterval(sample, 10);
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      sample();
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(errors).toString().slice(0, 500)}`));
        return;
      }
      resolve({ wallMs, peakRssMb: peakKb / 1024, stdout: Buffer.concat(chunks).toString(), code: code ?? 0 });
    });
  });
}

function highWaterMarkKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
