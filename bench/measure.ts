// Runs a command as a child process and measures its wall time and peak resident memory.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  wallMs: number;
  /** Peak RSS in MB of the whole process lifetime (see `RSS_METHOD`). */
  peakRssMb: number;
  stdout: string;
  code: number;
}

const GNU_TIME = '/usr/bin/time';

/**
 * GNU time reads the child's rusage when it is reaped, so the peak is exact; the project installs nothing for
 * it, so where it is missing we sample VmHWM from /proc, which can miss growth in the last 10 ms before exit.
 */
export const RSS_METHOD: 'gnu-time' | 'proc-vmhwm' = hasGnuTime() ? 'gnu-time' : 'proc-vmhwm';

export function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measurement> {
  return RSS_METHOD === 'gnu-time' ? measureWithTime(command, args, options) : measureBySampling(command, args, options);
}

async function measureWithTime(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Measurement> {
  const scratch = mkdtempSync(join(tmpdir(), 'kg-bench-time-'));
  try {
    const report = join(scratch, 'rss');
    const run = await runChild(GNU_TIME, ['-f', '%M', '-o', report, command, ...args], options, () => undefined);
    const kb = Number(readFileSync(report, 'utf8').trim().split('\n').pop());
    return { ...run, peakRssMb: kb / 1024 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function measureBySampling(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Measurement> {
  let peakKb = 0;
  const run = await runChild(command, args, options, (pid) => {
    const kb = highWaterMarkKb(pid);
    if (kb > peakKb) peakKb = kb;
  });
  return { ...run, peakRssMb: peakKb / 1024 };
}

/** Spawns, collects stdout, calls `sample` every 10 ms while the child lives, and rejects on a non-zero exit. */
function runChild(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
  sample: (pid: number | undefined) => void,
): Promise<Omit<Measurement, 'peakRssMb'>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    const timer = setInterval(() => sample(child.pid), 10);
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      sample(child.pid);
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    // 'close' rather than 'exit': stdout is complete only once the pipes are closed.
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(errors).toString().slice(0, 500)}`));
        return;
      }
      resolve({ wallMs, stdout: Buffer.concat(chunks).toString(), code: code ?? 0 });
    });
  });
}

function hasGnuTime(): boolean {
  try {
    // Only GNU time has -f/-o as used above; busybox's and the shell keyword's do not report to a file.
    return readFileSync(GNU_TIME).includes('GNU');
  } catch {
    return false;
  }
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
