// The failures a user can cause or meet (as opposed to bugs), each with a stable code.

export type KgErrorCode =
  | 'bad_input'
  | 'not_a_workspace'
  | 'no_graph'
  | 'unknown_file'
  | 'unknown_session'
  | 'forbidden'
  | 'locked'
  | 'schema_too_new'
  | 'io';

/** An expected failure with a one-line message meant for the user; surfaces map `code` to exit codes and statuses. */
export class KgError extends Error {
  constructor(
    readonly code: KgErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KgError';
  }
}

export function isKgError(error: unknown): error is KgError {
  return error instanceof KgError;
}

/** An error as one line for a user: its first non-empty line, whitespace collapsed, at most 300 characters. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = (message.split('\n').find((line) => line.trim() !== '') ?? 'unknown error').trim().replace(/\s+/g, ' ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
