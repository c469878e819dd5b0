// A coordinator run from a request (the CLI's flags, an HTTP body): the options with their defaults, the coordinator
// that takes them, and its report.

import { KgError } from '../../graph/errors.js';
import { chooseDataDir } from '../../indexers/sessions/location.js';
import { agentModel, DEFAULT_AGENT_BUDGET_TOKENS, DEFAULT_LIMITS } from '../agent/limits.js';
import type { KgBackend } from '../backend/backend.js';
import type { CoordinateRequest } from '../tools.js';
import { coordinateImplement } from './implement.js';
import type { CoordinatorOptions } from './phase.js';
import type { ImplementReport, ReviewReport } from './report-schema.js';
import { coordinateReview } from './review.js';

export const DEFAULT_SUMMARY_BYTES = 8192;

export interface CoordinatorRuntime {
  backend: KgBackend;
  /** The workspace root, a real path (the request's, resolved). */
  workspace: string;
  client?: CoordinatorOptions['client'];
  now?: () => number;
  onProgress?(line: string): void;
}

/** Refuses, in one line, to start a coordinator that could not call a model; `server`: said of a kg serve. */
export function assertModelKey(env: NodeJS.ProcessEnv = process.env, server = false): void {
  if (env.ANTHROPIC_API_KEY?.trim()) return;
  throw new KgError(
    'bad_input',
    server
      ? 'kg serve has no ANTHROPIC_API_KEY: start it with the key in its environment (and ANTHROPIC_BASE_URL for another endpoint) to run coordinators'
      : 'ANTHROPIC_API_KEY is not set: export it (and ANTHROPIC_BASE_URL for another endpoint)',
  );
}

export function coordinatorOptions(request: CoordinateRequest, runtime: CoordinatorRuntime): CoordinatorOptions {
  const now = runtime.now ?? Date.now;
  return {
    workspace: runtime.workspace,
    backend: runtime.backend,
    dataDir: chooseDataDir(request.dataDir).path,
    model: agentModel(request.model),
    limits: { ...DEFAULT_LIMITS, maxTurns: request.maxTurns ?? DEFAULT_LIMITS.maxTurns, wallClockMs: request.phaseTimeoutMs ?? DEFAULT_LIMITS.wallClockMs },
    budgetTokens: request.budgetTokens ?? DEFAULT_AGENT_BUDGET_TOKENS,
    summaryBytes: request.summaryBytes ?? DEFAULT_SUMMARY_BYTES,
    ...(request.deadlineMs !== undefined ? { deadlineAt: now() + request.deadlineMs } : {}),
    ...(runtime.client ? { client: runtime.client } : {}),
    ...(runtime.now ? { now: runtime.now } : {}),
    ...(runtime.onProgress ? { onProgress: runtime.onProgress } : {}),
  };
}

export function runCoordinator(request: CoordinateRequest, runtime: CoordinatorRuntime): Promise<ReviewReport | ImplementReport> {
  const options = coordinatorOptions(request, runtime);
  if (request.coordinator === 'review') {
    return coordinateReview({ ...options, ...(request.base !== undefined ? { base: request.base } : {}), ...(request.head !== undefined ? { head: request.head } : {}) });
  }
  return coordinateImplement({ ...options, goal: request.goal });
}
