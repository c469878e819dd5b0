// Finds the files of a workspace worth indexing: honours .gitignore, skips node_modules, binaries and large files.

import { existsSync, lstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as IgnoreModule from 'ignore';
import type { Ignore } from 'ignore';
import { confine, realPathOf } from '../confine.js';

// ignore is CommonJS: required directly, Node does not scan its source for named exports first (~3 ms a process).
const ignore = createRequire(import.meta.url)('ignore') as typeof IgnoreModule.default;

export interface DiscoveredFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedFile {
  path: string;
  /** `build_output` names a whole folder (a package's dist/, a framework's cache) left out. */
  reason: 'too_large' | 'binary' | 'unreadable' | 'build_output';
  size?: number;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  /** What every folder the walk read holds (ignored entries too), by absolute folder path. */
  listings: FolderListings;
  /** Links that would be indexed but lead out of the workspace: not read. */
  outside: OutsideLink[];
}

/** A link (workspace-relative) whose real path is outside the workspace. */
export interface OutsideLink {
  path: string;
  target: string;
  /** A linked folder, not a file. */
  folder?: boolean;
}

/** A folder's entries by name: a regular file, a folder, or anything else (a link: only a stat can tell). */
export type FolderListings = Map<string, Map<string, 'file' | 'folder' | 'other'>>;

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** Folders never worth indexing, whatever .gitignore says. */
const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);
/** Build output and caches of common tools: left out, and reported, even without a .gitignore. */
const BUILD_OUTPUT_DIRS = new Set(['coverage', '.next', '.nuxt', '.svelte-kit', '.turbo', '.cache', '.output', '.vercel', '.parcel-cache']);
/** Left out when they sit beside a package.json or tsconfig.json: a package's compiled output. */
const PACKAGE_OUTPUT_DIRS = new Set(['dist', 'build', 'out', 'lib-esm', 'esm', 'cjs']);

/** Whether the folder `name` inside `parentAbs` is build output. */
function isBuildOutput(parentAbs: string, name: string): boolean {
  if (BUILD_OUTPUT_DIRS.has(name)) return true;
  if (!PACKAGE_OUTPUT_DIRS.has(name)) return false;
  return existsSync(join(parentAbs, 'package.json')) || existsSync(join(parentAbs, 'tsconfig.json'));
}

const INDEXED_FILE = /\.(?:[cm]?[jt]sx?|json)$/;

interface IgnoreScope {
  /** Workspace-relative folder the .gitignore lives in ('' for the root). */
  base: string;
  rules: Ignore;
}

export interface WalkHandlers {
  /** Only file names this accepts are checked against .gitignore and handed to `onFile`. */
  wants(name: string): boolean;
  onFile(path: string, abs: string): void;
  /** A wanted link whose real path leaves the workspace: never handed to `onFile`. */
  onOutside?(path: string, target: string): void;
  /** A link to a folder outside the workspace (not ignored): not walked, as no linked folder is. */
  onOutsideFolder?(path: string, target: string): void;
  onBuildOutput?(path: string): void;
  onUnreadable?(path: string): void;
  /** Every folder read, with all its entries, before any is filtered. */
  onFolder?(abs: string, entries: readonly Dirent[]): void;
}

/**
 * Walks `root` as kg sees a workspace: .gitignore files honoured as git does (root and nested), VCS folders and
 * node_modules never entered (nor linked folders), build output left out; entries in name order. A wanted link is
 * followed only when its real path stays inside the workspace's; only links cost a realpath, other entries none.
 */
export function walkWorkspace(root: string, handlers: WalkHandlers): void {
  let realRoot: string | undefined;
  const walk = (dir: string, scopes: IgnoreScope[]) => {
    const abs = dir === '' ? root : join(root, dir);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      handlers.onUnreadable?.(dir || '.');
      return;
    }
    handlers.onFolder?.(abs, entries);
    const own = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? readIgnore(join(abs, '.gitignore')) : null;
    const active = own ? [...scopes, { base: dir, rules: own }] : scopes;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRS.has(entry.name) || isIgnored(active, path, true)) continue;
        if (isBuildOutput(abs, entry.name)) {
          handlers.onBuildOutput?.(path);
          continue;
        }
        walk(path, active);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && handlers.wants(entry.name) && !isIgnored(active, path, false)) {
        const file = join(abs, entry.name);
        if (entry.isSymbolicLink()) {
          // A dangling link goes on to onFile, which finds it unreadable, as before.
          const confined = confine((realRoot ??= realPathOf(root)), file);
          if (!confined.ok && confined.reason === 'outside') {
            handlers.onOutside?.(path, confined.real!);
            continue;
          }
        }
        handlers.onFile(path, file);
      } else if (entry.isSymbolicLink() && handlers.onOutsideFolder && !ALWAYS_SKIPPED_DIRS.has(entry.name) && !isIgnored(active, path, true)) {
        // Linked folders are never walked; one that leads out of the workspace is worth saying so.
        const confined = confine((realRoot ??= realPathOf(root)), join(abs, entry.name));
        if (!confined.ok && confined.reason === 'outside' && isDirectory(confined.real!)) handlers.onOutsideFolder(path, confined.real!);
      }
    }
  };
  walk('', []);
}

/** Walks `root` and returns the indexable files (sorted by path) and the ones it had to skip. */
export function discoverFiles(root: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Discovery {
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const listings: FolderListings = new Map();
  const outside: OutsideLink[] = [];
  walkWorkspace(root, {
    wants: (name) => INDEXED_FILE.test(name),
    onFolder(abs, entries) {
      listings.set(abs, new Map(entries.map((entry) => [entry.name, entry.isFile() ? 'file' : entry.isDirectory() ? 'folder' : 'other'])));
    },
    onBuildOutput: (path) => skipped.push({ path, reason: 'build_output' }),
    onUnreadable: (path) => skipped.push({ path, reason: 'unreadable' }),
    onOutside: (path, target) => outside.push({ path, target }),
    onOutsideFolder: (path, target) => outside.push({ path, target, folder: true }),
    onFile(path, abs) {
      let stat;
      try {
        stat = statSync(abs);
      } catch {
        skipped.push({ path, reason: 'unreadable' });
        return;
      }
      if (!stat.isFile()) return;
      if (stat.size > maxFileBytes) skipped.push({ path, reason: 'too_large', size: stat.size });
      else files.push({ path, abs, size: stat.size, mtimeMs: stat.mtimeMs });
    },
  });
  return { files, skipped, listings, outside };
}

export type Admission =
  | { ok: true; file: DiscoveredFile }
  | { ok: false; reason: 'missing' | 'excluded' }
  | { ok: false; reason: 'outside'; target: string }
  | { ok: false; reason: 'too_large'; size: number };

/**
 * Decides for single paths what `discoverFiles` would decide for them, without walking the tree:
 * for incremental work on a known list of changed paths.
 */
export class DiscoveryFilter {
  private readonly ignoreFiles = new Map<string, Ignore | null>();
  private realRoot: string | undefined;

  constructor(
    private readonly root: string,
    private readonly maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  ) {}

  admit(path: string): Admission {
    const parts = path.split('/');
    if (!INDEXED_FILE.test(path) || parts.some((part) => ALWAYS_SKIPPED_DIRS.has(part))) return { ok: false, reason: 'excluded' };
    const scopes: IgnoreScope[] = [];
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (depth > 0 && isIgnored(scopes, dir, true)) return { ok: false, reason: 'excluded' };
      if (depth > 0 && isBuildOutput(join(this.root, parts.slice(0, depth - 1).join('/')), parts[depth - 1]!)) {
        return { ok: false, reason: 'excluded' };
      }
      const rules = this.rulesOf(dir);
      if (rules) scopes.push({ base: dir, rules });
    }
    if (isIgnored(scopes, path, false)) return { ok: false, reason: 'excluded' };
    const abs = join(this.root, path);
    // As the walk sees it: a file under a linked folder is never reached, a linked file only if it stays inside.
    this.realRoot ??= realPathOf(this.root);
    const folder = confine(this.realRoot, dirname(abs));
    if (!folder.ok) return folder.reason === 'outside' ? { ok: false, reason: 'outside', target: folder.real! } : { ok: false, reason: 'missing' };
    if (folder.real !== join(this.realRoot, dirname(path))) return { ok: false, reason: 'excluded' };
    let stat;
    try {
      if (lstatSync(abs).isSymbolicLink()) {
        const file = confine(this.realRoot, abs);
        if (!file.ok && file.reason === 'outside') return { ok: false, reason: 'outside', target: file.real! };
      }
      stat = statSync(abs);
    } catch {
      return { ok: false, reason: 'missing' };
    }
    if (!stat.isFile()) return { ok: false, reason: 'missing' };
    if (stat.size > this.maxFileBytes) return { ok: false, reason: 'too_large', size: stat.size };
    return { ok: true, file: { path, abs, size: stat.size, mtimeMs: stat.mtimeMs } };
  }

  private rulesOf(dir: string): Ignore | null {
    if (!this.ignoreFiles.has(dir)) this.ignoreFiles.set(dir, readIgnore(join(this.root, dir, '.gitignore')));
    return this.ignoreFiles.get(dir)!;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A NUL byte in the first 8 KB marks a binary file, as git decides it. */
export function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

function readIgnore(path: string): Ignore | null {
  try {
    return ignore().add(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function isIgnored(scopes: readonly IgnoreScope[], path: string, isDir: boolean): boolean {
  let ignored = false;
  // Deeper .gitignore files are consulted last, so their negations win, as in git.
  for (const scope of scopes) {
    const rel = scope.base === '' ? path : path.slice(scope.base.length + 1);
    const result = scope.rules.test(isDir ? `${rel}/` : rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
