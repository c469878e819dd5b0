// The CLI's one mapping from failures to exit codes: every failure exits non-zero, whatever code it carries.

import { describe, expect, it } from 'vitest';
import { KgError, type KgErrorCode } from '../../graph/errors.js';
import { EXIT, reportFailure, type Io } from '../../src/cli/io.js';

function captured(): Io & { err: string } {
  let code = 0;
  const io = {
    err: '',
    stdout: () => undefined,
    stderr: (text: string) => void (io.err += text),
    stderrIsTTY: false,
    exitCode: () => code,
    setExitCode: (next: number) => void (code = next),
  };
  return io;
}

describe('reportFailure', () => {
  it('exits 1 for a code it does not know (a server job that failed as internal), with one kg: line', () => {
    const io = captured();
    expect(reportFailure(io, new KgError('internal' as KgErrorCode, 'internal error: boom'))).toBe(EXIT.failure);
    expect(io.err).toBe('kg: internal error: boom\n');
  });

  it('keeps bad input a usage error and the rest failures', () => {
    expect(reportFailure(captured(), new KgError('bad_input', 'x'))).toBe(EXIT.usage);
    for (const code of ['no_graph', 'forbidden', 'locked', 'io'] as const) expect(reportFailure(captured(), new KgError(code, 'x')), code).toBe(EXIT.failure);
  });
});
