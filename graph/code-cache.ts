// V8 code caches under $KG_HOME/cache: a large script compiled with its cache skips most of its compile, which every
// short kg process would otherwise pay again. A cache that is missing, unreadable or rejected only costs time. The
// folder is 0700 and its files 0600, like the graphs.

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { kgHome } from './location.js';
import { makePrivateFolder, narrowFolderAndFiles } from './private-files.js';

/** The part of a cache's name that changes with V8 and with the file it was made from (its size and time). */
export function codeCacheKey(file: string, ...more: string[]): string {
  const stat = statSync(file);
  return [process.versions.v8, ...more, stat.size, Math.trunc(stat.mtimeMs)].join('-').replace(/[^\w.-]/g, '_');
}

/** Where the cache named `name` lives; names carry what they depend on (V8 version, file size and time). */
export function codeCachePath(name: string): string {
  return join(kgHome(), 'cache', name);
}

let narrowed = false;

/** The cached data of `name`, if there is any. */
export function readCodeCache(name: string): Buffer | undefined {
  // Once a process (a stat): a cache folder an earlier kg left readable by all is narrowed, with its files.
  if (!narrowed) {
    narrowed = true;
    try {
      narrowFolderAndFiles(join(kgHome(), 'cache'));
    } catch {
      // A cache kg cannot narrow is still only a cache.
    }
  }
  try {
    return readFileSync(codeCachePath(name));
  } catch {
    return undefined;
  }
}

/** Writes `data` as cache `name`, atomically (a concurrent kg process reads a whole cache or none). */
export function writeCodeCache(name: string, data: Buffer | string): void {
  const file = codeCachePath(name);
  try {
    makePrivateFolder(join(kgHome(), 'cache'));
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // A read-only home only costs start-up time.
  }
}

/** A script compiled with the code cache `name`; `save` writes the cache when there was none or V8 rejected it. */
export function compileCached(source: string, filename: string, name: string, cachedData = readCodeCache(name)): { script: Script; save(): void } {
  const script = new Script(source, { filename, ...(cachedData ? { cachedData } : {}) });
  let usable = cachedData !== undefined && !script.cachedDataRejected;
  return {
    script,
    save() {
      if (usable) return;
      writeCodeCache(name, script.createCachedData());
      usable = true;
    },
  };
}
