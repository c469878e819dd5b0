// What the localize section compares: rankers that answer "which files is this task about?" for a workspace at a
// commit. Each is told the commit before it is asked, oldest first, so it can keep an index and redo only what changed.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSourceFile } from './localize-cases.js';

export interface Ranker {
  name: string;
  /** The workspace is now at `sha` (checked out clean): bring the ranker's index up to date. */
  prepare(workspace: string, sha: string): Promise<void>;
  /** The `k` files most likely about `query`, best first, workspace-relative with forward slashes. */
  rank(workspace: string, query: string, k: number): Promise<string[]>;
}

/** The workspace's source files (the cases' kind: not tests, declarations or node_modules), relative, sorted. */
export function listSourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const path = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${path}/`);
      else if (entry.isFile() && isSourceFile(path)) found.push(path);
    }
  };
  walk(root, '');
  return found.sort();
}

/**
 * A file's derived value (its terms), read again only when its size or mtime moved: a checkout rewrites only the
 * files that differ between the two commits.
 */
export class FileCache<V> {
  private readonly entries = new Map<string, { size: number; mtimeMs: number; value: V }>();

  constructor(private readonly derive: (text: string, path: string) => V) {}

  /** The values of exactly `paths` under `root`; entries of other paths are dropped. */
  read(root: string, paths: readonly string[]): Map<string, V> {
    const values = new Map<string, V>();
    for (const path of paths) {
      const stat = statSync(join(root, path));
      let entry = this.entries.get(path);
      if (!entry || entry.size !== stat.size || entry.mtimeMs !== stat.mtimeMs) {
        entry = { size: stat.size, mtimeMs: stat.mtimeMs, value: this.derive(readFileSync(join(root, path), 'utf8'), path) };
        this.entries.set(path, entry);
      }
      values.set(path, entry.value);
    }
    for (const path of this.entries.keys()) if (!values.has(path)) this.entries.delete(path);
    return values;
  }
}
