// Keeps what kg reads inside a folder (the workspace, a session folder) by real path: a link that leaves it is not
// followed, whatever its name says.

import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { Warning } from '../graph/records.js';

/** The warning code for a path (a link, a `--files` entry) that leads out of the workspace. */
export const OUTSIDE_WORKSPACE = 'path_outside_workspace';

/** The real path of `dir`, or `dir` resolved when it has none (it does not exist). */
export function realPathOf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** Whether `real` (a real, absolute path) is `realBase` or inside it. */
export function isInside(realBase: string, real: string): boolean {
  if (real === realBase) return true;
  return real.startsWith(realBase.endsWith(sep) ? realBase : realBase + sep);
}

export type Confined = { ok: true; real: string } | { ok: false; reason: 'missing' | 'outside'; real?: string };

/** The real path of `abs`, when it exists and lies inside `realBase`. */
export function confine(realBase: string, abs: string): Confined {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  return isInside(realBase, real) ? { ok: true, real } : { ok: false, reason: 'outside', real };
}

/**
 * A path given by a caller (workspace-relative, or absolute) as a workspace-relative path with forward slashes, `.`
 * and `..` folded; null when it names the workspace itself or leaves it as written. Lexical only: links are the
 * caller's to check (a deleted file has no real path).
 */
export function lexicalWorkspacePath(root: string, given: string): string | null {
  const rel = isAbsolute(given) ? relative(resolve(root), resolve(given)).split(sep).join('/') : given;
  if (isAbsolute(rel)) return null; // another drive
  const normalized = posix.normalize(rel.split(sep).join('/')).replace(/\/+$/, '');
  if (normalized === '' || normalized === '.' || normalized === '..' || normalized.startsWith('../')) return null;
  return normalized.startsWith('./') ? normalized.slice(2) : normalized;
}

export function outsideWarning(path: string, why: string): Warning {
  return { code: OUTSIDE_WORKSPACE, path, message: `${path} ${why}, outside the workspace: not read` };
}

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'outside' }
  | { ok: false; reason: 'too_large'; size: number }
  | { ok: false; reason: 'size_mismatch'; size: number };

// Not following a link swapped in after the realpath, and not waiting on a FIFO (its open would block).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The bytes of the regular file at `abs`, when its real path is inside `realBase` and it holds at most `maxBytes`
 * (and exactly `expectBytes`, when given), read through one descriptor so the size checked is the size read. Never
 * throws: every failure is a reason.
 */
export function readConfined(realBase: string, abs: string, maxBytes: number, expectBytes?: number): BoundedRead {
  const confined = confine(realBase, abs);
  if (!confined.ok) return confined.reason === 'outside' ? { ok: false, reason: 'outside' } : { ok: false, reason: 'missing' };
  let fd: number;
  try {
    fd = openSync(confined.real, OPEN_FLAGS);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'missing' };
    if (stat.size > maxBytes) return { ok: false, reason: 'too_large', size: stat.size };
    if (expectBytes !== undefined && stat.size !== expectBytes) return { ok: false, reason: 'size_mismatch', size: stat.size };
    const bytes = Buffer.alloc(stat.size);
    let done = 0;
    while (done < bytes.length) {
      const read = readSync(fd, bytes, done, bytes.length - done, done);
      if (read === 0) break;
      done += read;
    }
    return { ok: true, bytes: done === bytes.length ? bytes : bytes.subarray(0, done) };
  } catch {
    return { ok: false, reason: 'missing' };
  } finally {
    closeSync(fd);
  }
}
