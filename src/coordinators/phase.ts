// One phase of a coordinator: a session through kg's runner with the coordinator's summary as its coordinator slot,
// within the phase's limits and never past the run's deadline, recorded in the run.

import type { KgBackend } from '../backend/backend.js';
import type { SessionLimits } from '../agent/limits.js';
import { runAgentSession, type AgentSessionOptions, type AgentSessionResult } from '../agent/run-session.js';
import { budgetForSummary } from '../enricher/render.js';

export interface CoordinatorOptions {
  /** The workspace root, a real path. */
  workspace: string;
  backend: KgBackend;
  dataDir: string;
  model: string;
  /** The Messages API client (the runner's default when absent). */
  client?: AgentSessionOptions['client'];
  /** Each phase's session limits; `wallClockMs` is the phase timeout. */
  limits: SessionLimits;
  /** The token budget of each session's slots (raised when the summary needs more, so it is never shortened). */
  budgetTokens: number;
  /** The byte budget of a coordinator summary. */
  summaryBytes: number;
  /** No session starts after this time (ms since the epoch). */
  deadlineAt?: number;
  now?: () => number;
  /** A line per step, for a terminal. */
  onProgress?(line: string): void;
}

export interface PhaseSession {
  goal: string;
  summary: string;
  allowWrite: boolean;
}

/** The time left before the deadline, or null when there is none. */
export function timeLeft(options: CoordinatorOptions): number | null {
  return options.deadlineAt === undefined ? null : options.deadlineAt - (options.now ?? Date.now)();
}

export async function runPhaseSession(options: CoordinatorOptions, phase: PhaseSession): Promise<AgentSessionResult> {
  const left = timeLeft(options);
  const limits = left === null ? options.limits : { ...options.limits, wallClockMs: Math.max(1, Math.min(options.limits.wallClockMs, left)) };
  return runAgentSession({
    workspace: options.workspace,
    goal: phase.goal,
    model: options.model,
    limits,
    allowWrite: phase.allowWrite,
    allowBash: false,
    budgetTokens: budgetForSummary(phase.summary, options.budgetTokens),
    dataDir: options.dataDir,
    backend: options.backend,
    ...(phase.summary.trim() !== '' ? { coordinatorSummary: phase.summary } : {}),
    ...(options.client ? { client: options.client } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
