// Runs one slot source under a deadline: what it finished, else the last partial result it handed over, else nothing.

import { isKgError } from '../../graph/errors.js';

export interface DeadlineRun<V> {
  value: V | undefined;
  outcome: 'ok' | 'partial' | 'timeout' | 'error';
  /** Why it is partial, empty or failed. */
  reason: string | null;
  latencyMs: number;
}

export interface DeadlineWork<V> {
  /** Aborted when the deadline passes: the work should stop (queries in flight finish on their own). */
  signal: AbortSignal;
  /** Hands over what the work has so far; kept if the deadline passes before it finishes. */
  partial(value: V): void;
}

export async function runWithDeadline<V>(work: (context: DeadlineWork<V>) => Promise<V>, deadlineMs: number): Promise<DeadlineRun<V>> {
  const controller = new AbortController();
  const started = performance.now();
  let latest: V | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deadlineMs);
  });
  const finished = Promise.resolve()
    .then(() => work({ signal: controller.signal, partial: (value) => void (latest = value) }))
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const result = await Promise.race([finished, timeout]);
  clearTimeout(timer);
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  if (result === 'timeout') {
    controller.abort();
    return latest === undefined
      ? { value: undefined, outcome: 'timeout', reason: `no answer within the ${deadlineMs} ms deadline`, latencyMs }
      : { value: latest, outcome: 'partial', reason: `cut at the ${deadlineMs} ms deadline`, latencyMs };
  }
  if (result.ok) return { value: result.value, outcome: 'ok', reason: null, latencyMs };
  const message = isKgError(result.error) || result.error instanceof Error ? result.error.message : String(result.error);
  return latest === undefined
    ? { value: undefined, outcome: 'error', reason: message.split('\n')[0] ?? message, latencyMs }
    : { value: latest, outcome: 'partial', reason: `failed part way: ${message.split('\n')[0]}`, latencyMs };
}
