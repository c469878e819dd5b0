// Progress on a terminal: one line rewritten in place, throttled; nothing when stderr is piped.

import type { Io } from './io.js';

export type ProgressFn = (phase: string, done: number, total: number) => void;

export interface Progress {
  update: ProgressFn;
  /** Clears the line, once the work has ended. */
  done(): void;
}

export function terminalProgress(io: Io, enabled: boolean): Progress {
  if (!enabled || !io.stderrIsTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(phase, done, total) {
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      shown = true;
      io.stderr(`\r\x1b[2K${phase} ${done}/${total}`);
    },
    done() {
      if (shown) io.stderr('\r\x1b[2K');
    },
  };
}
