import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { terminalProgress } from '../../src/cli/progress.js';

function fakeIo(isTTY: boolean): Io & { err: string[] } {
  const err: string[] = [];
  return {
    err,
    stdout: () => undefined,
    stderr: (text) => void err.push(text),
    stderrIsTTY: isTTY,
    exitCode: () => 0,
    setExitCode: () => undefined,
  };
}

describe('progress', () => {
  it('rewrites one line on a terminal and clears it when done', () => {
    const io = fakeIo(true);
    const progress = terminalProgress(io, true);
    progress.update('parse', 0, 10);
    progress.update('parse', 10, 10);
    progress.done();
    expect(io.err[0]).toBe('\r\x1b[2Kparse 0/10');
    expect(io.err.at(-2)).toBe('\r\x1b[2Kparse 10/10');
    expect(io.err.at(-1)).toBe('\r\x1b[2K');
  });

  it('prints nothing when stderr is piped, or with --json', () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const io = fakeIo(tty);
      const progress = terminalProgress(io, enabled);
      progress.update('parse', 1, 2);
      progress.done();
      expect(io.err).toEqual([]);
    }
  });
});
