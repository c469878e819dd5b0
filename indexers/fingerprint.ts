// Fingerprints of indexer inputs from sizes and mtimes: cheap to work out, and equal only when nothing was touched.

import { createHash, type Hash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';

export class StatFingerprint {
  private readonly hash: Hash = createHash('sha256');

  /** Adds a file by its size and mtime (or its absence). */
  file(label: string, path: string): this {
    try {
      const stat = statSync(path);
      this.hash.update(`${label}:${stat.size}:${stat.mtimeMs};`);
    } catch {
      this.hash.update(`${label}:-;`);
    }
    return this;
  }

  /** Adds a fact that is not a file's stat. */
  text(value: string): this {
    this.hash.update(`${value};`);
    return this;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The names in `dir`, sorted; none when it cannot be read. */
export function listSorted(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
