// The limits of an agent session, each with its default, and how a session's end maps to the outcome recorded in
// `execution-stats.jsonl` (the daemon's outcomes; never `unknown`).

export interface SessionLimits {
  /** Model calls in all. */
  maxTurns: number;
  /** The whole session, from the first model call. */
  wallClockMs: number;
  /** One model call (each attempt of it); a call that takes longer is given up as stalled. */
  stallTimeoutMs: number;
  /** `max_tokens` of each model call. */
  maxOutputTokens: number;
  /** Retries of a call answered 429, 529 (or another 5xx) or cut off, with the SDK's backoff and `retry-after`. */
  maxRetries: number;
  /** Longest a `bash` command may run. */
  bashTimeoutMs: number;
}

/** The model when neither a flag nor $KG_AGENT_MODEL names one. */
export const DEFAULT_AGENT_MODEL = 'claude-sonnet-4-5';
/** The token budget of a session's context in its system prompt. */
export const DEFAULT_AGENT_BUDGET_TOKENS = 4000;

/** The model a session uses: `given`, else $KG_AGENT_MODEL, else DEFAULT_AGENT_MODEL. */
export function agentModel(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given ?? (env.KG_AGENT_MODEL?.trim() || DEFAULT_AGENT_MODEL);
}

export const DEFAULT_LIMITS: SessionLimits = {
  maxTurns: 40,
  wallClockMs: 30 * 60_000,
  stallTimeoutMs: 120_000,
  maxOutputTokens: 8192,
  maxRetries: 2,
  bashTimeoutMs: 120_000,
};

/** Why a session ended. */
export const END_REASONS = [
  'finished',
  'end_turn',
  'stuck',
  'max_turns',
  'wall_clock',
  'stalled',
  'rate_limited',
  'overloaded',
  'api_error',
  'auth_failed',
  'bad_request',
  'connection_failed',
  'malformed_response',
  'refusal',
  'interrupted',
] as const;
export type EndReason = (typeof END_REASONS)[number];

export type SessionOutcome = 'success' | 'error' | 'timeout' | 'stuck';

export function outcomeOf(reason: EndReason): SessionOutcome {
  switch (reason) {
    case 'finished':
    case 'end_turn':
      return 'success';
    case 'stuck':
      return 'stuck';
    case 'max_turns':
    case 'wall_clock':
    case 'stalled':
      return 'timeout';
    default:
      return 'error';
  }
}
