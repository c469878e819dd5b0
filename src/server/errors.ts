// The one place that maps failures to HTTP statuses and JSON error bodies (the MCP tools reuse the messages).

import { isKgError, KgError, type KgErrorCode } from '../../graph/errors.js';

/** A request that does not match its schema; `field` names the offending part (`intent.file`, `budgetTokens`). */
export class InputError extends KgError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('bad_input', message);
  }
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500 | 503;

export interface Failure {
  status: ErrorStatus;
  code: string;
  message: string;
  field?: string;
  /** For 503: when to try again. */
  retryAfterSeconds?: number;
}

const STATUS_BY_CODE: Record<KgErrorCode, ErrorStatus> = {
  bad_input: 400,
  not_a_workspace: 404,
  no_graph: 404,
  unknown_file: 404,
  unknown_session: 404,
  forbidden: 403,
  locked: 503,
  schema_too_new: 409,
  io: 500,
};

/** Seconds a client should wait after a lock timeout before it asks again. */
export const LOCKED_RETRY_AFTER_S = 5;

export function failureOf(error: unknown): Failure {
  if (error instanceof InputError) return { status: 400, code: 'bad_input', message: error.message, field: error.field };
  if (isKgError(error)) {
    const status = STATUS_BY_CODE[error.code];
    return { status, code: error.code, message: error.message, ...(status === 503 ? { retryAfterSeconds: LOCKED_RETRY_AFTER_S } : {}) };
  }
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { status: 500, code: 'internal', message: `internal error: ${message}` };
}

/** The JSON body of an error response. */
export function errorBody(failure: Failure): { error: { code: string; message: string; field?: string } } {
  return { error: { code: failure.code, message: failure.message, ...(failure.field ? { field: failure.field } : {}) } };
}
