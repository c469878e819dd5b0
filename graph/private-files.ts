// Keeps what holds a user's data (graphs, caches) readable by that user only: folders 0700, files 0600.

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { kgHome } from './location.js';

/**
 * Creates `dir` and any missing parent 0700. A folder of kg's own (inside KG_HOME, not KG_HOME itself, which may be a
 * folder the user chose) that exists with a wider mode, as an earlier kg left it, is narrowed to 0700; any other
 * folder that already exists is left as it is.
 */
export function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (isInsideKgHome(dir)) narrowToOwner(dir);
}

/** Takes group and other permissions off `path` when it has any; a missing path is left alone. True when narrowed. */
export function narrowToOwner(path: string): boolean {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return false;
  }
  if ((mode & 0o077) === 0) return false;
  chmodSync(path, mode & 0o700);
  return true;
}

/** Narrows `dir` and, when it was wider, the files in it (a folder of files an earlier kg wrote readable by all). */
export function narrowFolderAndFiles(dir: string): void {
  if (!narrowToOwner(dir)) return;
  for (const name of readdirSync(dir)) narrowToOwner(join(dir, name));
}

function isInsideKgHome(dir: string): boolean {
  const path = relative(kgHome(), resolve(dir));
  return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
}

/**
 * Replaces `path` whole with `bytes`, 0600: a temp file of its own beside it is written and synced, then renamed over
 * it, so a reader (or a crash) sees the old bytes or the new, never part of them.
 */
export function writeFileDurably(path: string, bytes: Buffer | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
