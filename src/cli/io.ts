// Where the CLI writes, and the one place that maps failures to messages and exit codes.

import { isKgError, type KgErrorCode } from '../../graph/errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress is shown only then). */
  stderrIsTTY: boolean;
  exitCode(): number;
  setExitCode(code: number): void;
}

export function processIo(): Io {
  let code: number = EXIT.ok;
  // `kg export | head`: the reader went away, which is not a failure worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    exitCode: () => code,
    setExitCode: (next) => {
      code = next;
    },
  };
}

const EXIT_BY_CODE: Record<KgErrorCode, number> = {
  bad_input: EXIT.usage,
  not_a_workspace: EXIT.failure,
  no_graph: EXIT.failure,
  unknown_file: EXIT.failure,
  unknown_session: EXIT.failure,
  forbidden: EXIT.failure,
  locked: EXIT.failure,
  schema_too_new: EXIT.failure,
  io: EXIT.failure,
};

/** Prints one clear line for `error` on stderr and returns the exit code it maps to. */
export function reportFailure(io: Io, error: unknown): number {
  if (isKgError(error)) {
    io.stderr(`kg: ${error.message}\n`);
    // A code from elsewhere (a server's job failed as `internal`) is still a failure, never exit 0.
    return EXIT_BY_CODE[error.code] ?? EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`kg: internal error: ${message.split('\n')[0]}${process.env.KG_DEBUG ? '' : ' (set KG_DEBUG=1 for details)'}\n`);
  if (process.env.KG_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.failure;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A warning as one line: its path first, unless its message already names it (or it is a session's). */
export function warningLine(warning: { path?: string; session?: string; message: string }): string {
  const named = warning.path === undefined || warning.session !== undefined || warning.message.includes(warning.path);
  return named ? warning.message : `${warning.path}: ${warning.message}`;
}
