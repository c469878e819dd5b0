// The packages of a monorepo (`workspaces` in package.json, `pnpm-workspace.yaml`) and their entry files, mapped to
// the sources they are built from: an import of `@scope/lib` is an edge to the package node, as the compiler sees it;
// this links that node to the files behind it, so the package's consumers in the repository can be found.

import { lstatSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { EdgeRow, Warning } from '../../graph/records.js';
import { nodeId } from '../../graph/records.js';
import { readConfined, realPathOf } from '../confine.js';

/** Where a package's tsconfig builds from (`rootDir`) and to (`outDir`), workspace-relative. */
export interface BuiltFrom {
  outDir: string;
  rootDir: string | null;
}

export interface WorkspacePackage {
  name: string;
  /** The package's folder, workspace-relative. */
  folder: string;
  /** Its entry files as indexed sources, workspace-relative. */
  entries: string[];
}

const MAX_MANIFEST_BYTES = 1024 * 1024;
// Globs like `packages/**` are walked this deep at most, and never into these.
const MAX_GLOB_DEPTH = 6;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const BUILD_FOLDERS = ['dist', 'build', 'lib', 'out', 'esm', 'cjs', 'types'];

/** The workspace packages of `root` whose folder holds a package.json with a name; `indexed`: the files the index has. */
export function workspacePackages(
  root: string,
  indexed: ReadonlySet<string>,
  /** By folder (workspace-relative): the outDir and rootDir its tsconfig builds from and to. */
  outDirs: ReadonlyMap<string, BuiltFrom> = new Map(),
): { packages: WorkspacePackage[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const realRoot = realPathOf(root);
  const globs = [...packageJsonWorkspaces(realRoot, warnings), ...pnpmWorkspaces(realRoot)];
  const include = globs.filter((glob) => !glob.startsWith('!'));
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  const folders = new Set<string>();
  for (const glob of include) for (const folder of expand(realRoot, normalize(glob))) folders.add(folder);
  const packages: WorkspacePackage[] = [];
  for (const folder of [...folders].sort()) {
    if (exclude.some((glob) => matches(normalize(glob), folder))) continue;
    const manifest = readJson(realRoot, join(realRoot, folder, 'package.json'));
    if (!manifest || typeof manifest.name !== 'string' || manifest.name === '') continue;
    packages.push({ name: manifest.name, folder, entries: entriesOf(folder, manifest, indexed, outDirs.get(folder) ?? null) });
  }
  return { packages, warnings };
}

/** `workspace_package` edges: each package node to its entry files. */
export function workspacePackageEdges(packages: readonly WorkspacePackage[]): EdgeRow[] {
  return packages.flatMap((p) => p.entries.map((entry) => ({ src: nodeId.package(p.name), dst: nodeId.file(entry), kind: 'workspace_package', attrs: { folder: p.folder } })));
}

function packageJsonWorkspaces(realRoot: string, warnings: Warning[]): string[] {
  const manifest = readJson(realRoot, join(realRoot, 'package.json'));
  if (!manifest) return [];
  const value = manifest.workspaces;
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { packages?: unknown }).packages) ? (value as { packages: unknown[] }).packages : [];
  const globs = list.filter((glob): glob is string => typeof glob === 'string');
  if (value !== undefined && globs.length === 0) warnings.push({ code: 'workspaces_invalid', path: 'package.json', message: 'package.json: `workspaces` lists no folder glob' });
  return globs;
}

/** The `packages:` list of pnpm-workspace.yaml, read line by line (the list is all kg needs of that file). */
function pnpmWorkspaces(realRoot: string): string[] {
  const read = readConfined(realRoot, join(realRoot, 'pnpm-workspace.yaml'), MAX_MANIFEST_BYTES);
  if (!read.ok) return [];
  const globs: string[] = [];
  let inPackages = false;
  for (const raw of read.bytes.toString('utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^\S/.test(line)) inPackages = /^packages\s*:\s*$/.test(line);
    else if (inPackages) {
      const item = /^\s+-\s*(['"]?)(.+?)\1\s*$/.exec(line);
      if (item) globs.push(item[2]!);
    }
  }
  return globs;
}

function readJson(realRoot: string, abs: string): Record<string, unknown> | null {
  const read = readConfined(realRoot, abs, MAX_MANIFEST_BYTES);
  if (!read.ok) return null;
  try {
    const value: unknown = JSON.parse(read.bytes.toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function normalize(glob: string): string {
  return posix.normalize(glob.replaceAll('\\', '/')).replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The folders (workspace-relative) a glob of `*` and `**` segments matches; links are not followed. */
function expand(realRoot: string, glob: string): string[] {
  if (glob === '' || glob.startsWith('../') || glob === '..' || posix.isAbsolute(glob)) return [];
  const segments = glob.split('/');
  const out: string[] = [];
  const walk = (folder: string, index: number, depth: number): void => {
    if (depth > MAX_GLOB_DEPTH + segments.length) return;
    if (index === segments.length) {
      out.push(folder);
      return;
    }
    const segment = segments[index]!;
    if (segment === '**') {
      walk(folder, index + 1, depth);
      for (const child of subfolders(realRoot, folder)) walk(child, index, depth + 1);
      return;
    }
    if (!segment.includes('*')) {
      const child = under(folder, segment);
      if (isFolder(join(realRoot, child))) walk(child, index + 1, depth + 1);
      return;
    }
    const pattern = segmentPattern(segment);
    for (const child of subfolders(realRoot, folder)) if (pattern.test(child.slice(child.lastIndexOf('/') + 1))) walk(child, index + 1, depth + 1);
  };
  walk('', 0, 0);
  return out;
}

function matches(glob: string, folder: string): boolean {
  const source = glob
    .split('/')
    .map((segment) => (segment === '**' ? '.*' : segmentPattern(segment).source.slice(1, -1)))
    .join('/');
  return new RegExp(`^${source}$`).test(folder);
}

function segmentPattern(segment: string): RegExp {
  return new RegExp(`^${segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

function subfolders(realRoot: string, folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(realRoot, folder));
  } catch {
    return [];
  }
  return names
    .filter((name) => !SKIPPED_FOLDERS.has(name) && !name.startsWith('.'))
    .map((name) => under(folder, name))
    .filter((child) => isFolder(join(realRoot, child)));
}

/** `path` inside the workspace-relative `folder` ('' for the root). */
function under(folder: string, path: string): string {
  return folder === '' ? path : `${folder}/${path}`;
}

function isFolder(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** The package's entry files (`exports` ".", `types`, `module`, `main`), as the indexed sources they are built from. */
function entriesOf(folder: string, manifest: Record<string, unknown>, indexed: ReadonlySet<string>, built: BuiltFrom | null): string[] {
  const declared = [...exportTargets(manifest.exports), ...['types', 'typings', 'module', 'main'].map((key) => manifest[key]).filter((v): v is string => typeof v === 'string')];
  const found = new Set<string>();
  for (const entry of declared) {
    const source = sourceOf(folder, entry, indexed, built);
    if (source) found.add(source);
  }
  if (found.size === 0) {
    for (const fallback of ['src/index.ts', 'src/index.tsx', 'index.ts', 'index.tsx', 'src/index.js', 'index.js']) {
      const path = under(folder, fallback);
      if (indexed.has(path)) {
        found.add(path);
        break;
      }
    }
  }
  return [...found].sort();
}

/** The targets of `exports` for the package itself ("." or the whole value), every condition's. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(exportTargets);
  if (!value || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  // Subpath keys start with "."; conditions do not. Only the package's own entry (".") is followed.
  if (entries.some(([key]) => key.startsWith('.'))) return exportTargets((value as Record<string, unknown>)['.']);
  return entries.flatMap(([, target]) => exportTargets(target));
}

/**
 * The indexed source behind a declared entry: itself; under the package tsconfig's rootDir when it is under its
 * outDir; else the same path under `src/` (or without the build folder); each with a source extension.
 */
function sourceOf(folder: string, entry: string, indexed: ReadonlySet<string>, built: BuiltFrom | null): string | null {
  const relative = normalize(entry);
  if (relative.startsWith('../') || posix.isAbsolute(relative)) return null;
  const bases = [relative];
  const full = under(folder, relative);
  if (built && built.rootDir !== null && full.startsWith(`${built.outDir}/`)) {
    // A path of the workspace, made the package's again below (inFolder): only when the rootDir is inside the package.
    const mapped = `${built.rootDir}/${full.slice(built.outDir.length + 1)}`;
    const prefix = folder === '' ? '' : `${folder}/`;
    if (mapped.startsWith(prefix)) bases.unshift(mapped.slice(prefix.length));
  }
  const [first, ...rest] = relative.split('/');
  if (first && BUILD_FOLDERS.includes(first) && rest.length > 0) bases.push(`src/${rest.join('/')}`, rest.join('/'));
  for (const base of bases) {
    const stem = base.replace(/\.d\.[cm]?ts$|\.[cm]?[jt]sx?$/, '');
    for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${stem}/index.ts`, `${stem}/index.tsx`]) {
      if (indexed.has(under(folder, candidate)) && !/\.d\.[cm]?ts$/.test(candidate)) return under(folder, candidate);
    }
  }
  return indexed.has(under(folder, relative)) ? under(folder, relative) : null;
}
