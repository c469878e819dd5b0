// Decides which stored imports could resolve differently once some files appeared or disappeared, so that a reindex
// resolves only those again; whatever it cannot bound from the specifier, the options and the file set, it counts in.

import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, posix, relative, resolve as resolvePath, sep } from 'node:path';
import type { ts } from 'ts-morph';
import type { StoredImport } from '../../graph/records.js';
import { packageName } from './resolve.js';
import { tsc } from './ts.js';

/** What the decision reads from the file system, so tests can hand it a fixture. Paths are absolute. */
export interface PathProbe {
  /** `link` for a symbolic link, `missing` when nothing is there. */
  kind(abs: string): 'link' | 'folder' | 'file' | 'missing';
  /** The real path, or null when it does not exist. */
  realPath(abs: string): string | null;
  /** The names of a folder's entries that are links (those in `@scope` folders as `@scope/name`); [] when missing. */
  linksIn(abs: string): string[];
  /** A package.json's `name`, or null when it has none or cannot be read. */
  packageName(abs: string): string | null;
}

export function fileSystemProbe(): PathProbe {
  return {
    kind: (abs) => {
      try {
        const stat = lstatSync(abs);
        return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'file';
      } catch {
        return 'missing';
      }
    },
    realPath: (abs) => {
      try {
        return realpathSync(abs);
      } catch {
        return null;
      }
    },
    linksIn: (abs) => {
      const links: string[] = [];
      const read = (folder: string, prefix: string) => {
        try {
          for (const entry of readdirSync(folder, { withFileTypes: true })) {
            if (entry.isSymbolicLink()) links.push(prefix + entry.name);
            else if (prefix === '' && entry.isDirectory() && entry.name.startsWith('@')) read(`${folder}/${entry.name}`, `${entry.name}/`);
          }
        } catch {
          // a missing or unreadable folder holds no links
        }
      };
      read(abs, '');
      return links;
    },
    packageName: (abs) => {
      try {
        const name = (JSON.parse(readFileSync(abs, 'utf8')) as { name?: unknown }).name;
        return typeof name === 'string' ? name : null;
      } catch {
        return null;
      }
    },
  };
}

export interface FileSetChange {
  /** Workspace-relative paths that appeared or disappeared, and other names their contents go by (links). */
  names: Iterable<string>;
  /** Every path indexed before or after the change: their folders are real folders the discovery walked. */
  known: Iterable<string>;
}

/** What one project's options add to relative lookups, and the answers given under them. */
interface Lookups {
  answers: Map<string, boolean>;
  /** `rootDirs` merges folders: a relative specifier may name a file in any of them. */
  rootDirs: boolean;
  /** Classic resolution looks a bare specifier up in every folder above the importer. */
  classic: boolean;
  /** Workspace-relative; null when outside the workspace. */
  baseUrl: string | null | undefined;
  /** `base` is workspace-relative, null when outside the workspace or unknown. */
  paths: { patterns: { prefix: string; suffix: string; exact: boolean; substitutions: string[] }[]; base: string | null } | null;
}

const CASE_SENSITIVE = tsc.sys.useCaseSensitiveFileNames;

export class AffectedImports {
  /** Each changed name without its extensions (see `stem`), and each `folder/index` stem. */
  private readonly stems = new Set<string>();
  private readonly knownFiles = new Set<string>();
  private readonly knownFolders = new Set<string>(['']);
  private readonly packageJsonFolders = new Set<string>();
  private readonly lookups = new Map<ts.CompilerOptions, Lookups>();
  private readonly linkOnTheWay = new Map<string, boolean>();
  private readonly kinds = new Map<string, ReturnType<PathProbe['kind']>>();
  private readonly workspaceLinks = new Map<string, WorkspaceLinks>();
  private readonly nodeModulesAbove = new Map<string, string[]>();
  private workspacePackages: Set<string> | undefined;
  /** Packages in a node_modules of the workspace that a changed name is in (never indexed, but resolved to). */
  private readonly installedPackages = new Set<string>();

  constructor(
    private readonly root: string,
    change: FileSetChange,
    private readonly probe: PathProbe = fileSystemProbe(),
  ) {
    for (const name of change.names) {
      this.stems.add(stem(canonical(name)));
      if (name.includes('node_modules/')) for (const installed of installedPackagesOf(name)) this.installedPackages.add(installed);
    }
    for (const path of change.known) {
      const key = canonical(path);
      this.knownFiles.add(key);
      if (posix.basename(key) === 'package.json') this.packageJsonFolders.add(parentOf(key));
      for (let folder = parentOf(key); !this.knownFolders.has(folder); folder = parentOf(folder)) this.knownFolders.add(folder);
    }
  }

  /** Whether any import of the file at `path` (workspace-relative), under its project's options, could resolve differently. */
  anyCouldChange(path: string, imports: readonly StoredImport[], options: ts.CompilerOptions): boolean {
    const lookups = this.lookupsOf(options);
    const folder = parentOf(path);
    return imports.some((fact) => {
      // Type references look in typeRoots and every node_modules/@types; `#name` in the nearest package.json's imports.
      if (fact.form === 'reference_types' || fact.specifier.startsWith('#')) return true;
      // What a specifier can reach depends on the importer's folder only, as the compiler's own caches assume.
      const key = `${folder}\0${fact.form === 'reference_path' ? 'r' : ''}\0${fact.specifier}`;
      let could = lookups.answers.get(key);
      if (could === undefined) {
        could = this.couldChange(folder, fact.form === 'reference_path', fact.specifier.replaceAll('\\', '/'), lookups);
        lookups.answers.set(key, could);
      }
      return could;
    });
  }

  private couldChange(folder: string, referencePath: boolean, specifier: string, lookups: Lookups): boolean {
    if (referencePath || /^\.\.?(?:$|\/)/.test(specifier)) {
      if (lookups.rootDirs) return true;
      return specifier.startsWith('/') ? this.couldNameAbs(specifier) : this.couldNameIn(folder, specifier);
    }
    if (/^[A-Za-z]:\//.test(specifier)) return true;
    if (lookups.paths) {
      const { patterns, base } = lookups.paths;
      for (const pattern of patterns) {
        const star = matchStar(pattern, specifier);
        if (star === null) continue;
        if (base === null) return true;
        for (const substitution of pattern.substitutions) {
          const path = pattern.exact ? substitution : substitution.replace('*', star);
          if (path.startsWith('/') ? this.couldNameAbs(path) : this.couldNameIn(base, path)) return true;
        }
      }
    }
    if (specifier.startsWith('/')) return lookups.rootDirs || this.couldNameAbs(specifier);
    if (lookups.baseUrl !== undefined && (lookups.baseUrl === null || this.couldNameIn(lookups.baseUrl, specifier))) return true;
    if (lookups.classic) return true;
    const name = packageName(specifier);
    return this.installedPackages.has(name) || this.isWorkspacePackage(name) || this.linkedIntoWorkspace(folder, name);
  }

  private couldNameAbs(abs: string): boolean {
    const rel = this.inside(abs);
    return rel === null || this.couldName(rel);
  }

  /** `path` (relative, forward slashes) from the workspace folder `folder`. */
  private couldNameIn(folder: string, path: string): boolean {
    const target = joinInside(folder, path);
    return target === null || this.couldName(target);
  }

  /** The workspace-relative form of an absolute path, null when it is outside the workspace. */
  private inside(abs: string): string | null {
    const rel = relative(this.root, abs).split(sep).join('/');
    return rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel) ? null : rel;
  }

  /**
   * Whether a lookup of `target` (workspace-relative, as the specifier names it) could land on a changed name: it is
   * the name without extensions, or the folder whose index or package.json it is, or a link on the way may lead to it.
   */
  private couldName(target: string): boolean {
    const key = canonical(target);
    if (this.stems.has(stem(key)) || this.stems.has(key === '' ? 'index' : `${key}/index`)) return true;
    // A folder with a package.json: its `main`, `types` or `typesVersions` may name any file.
    if (this.knownFolders.has(key)) return this.hasPackageJson(key);
    // A known file is not a folder, and its folder is walked: nothing on the way is a link.
    if (this.knownFiles.has(key)) return false;
    return this.hasLinkOnTheWay(key);
  }

  /** Whether `key` or a folder between it and the nearest walked folder is a link (which may lead to any file). */
  private hasLinkOnTheWay(key: string): boolean {
    let found = this.linkOnTheWay.get(key);
    if (found !== undefined) return found;
    const parent = parentOf(key);
    if (this.knownFolders.has(parent)) found = this.kindOf(key) === 'link';
    else if (this.hasLinkOnTheWay(parent)) found = true;
    // Below a folder the walk did not read (ignored, build output): only what is really there can be a link.
    else found = this.kindOf(parent) === 'folder' && this.kindOf(key) === 'link';
    this.linkOnTheWay.set(key, found);
    return found;
  }

  /** A folder's package.json, indexed or not (a .gitignored one still steers the compiler). */
  private hasPackageJson(folder: string): boolean {
    return this.packageJsonFolders.has(folder) || this.kindOf(folder === '' ? 'package.json' : `${folder}/package.json`) !== 'missing';
  }

  private kindOf(path: string): ReturnType<PathProbe['kind']> {
    let kind = this.kinds.get(path);
    if (kind === undefined) {
      kind = this.probe.kind(this.abs(path));
      this.kinds.set(path, kind);
    }
    return kind;
  }

  /** A package of the workspace can be imported by its name (its own files, with `exports`). */
  private isWorkspacePackage(name: string): boolean {
    if (!this.workspacePackages) {
      this.workspacePackages = new Set();
      for (const folder of this.packageJsonFolders) {
        const found = this.probe.packageName(this.abs(folder === '' ? 'package.json' : `${folder}/package.json`));
        if (found !== null) this.workspacePackages.add(found);
      }
    }
    return this.workspacePackages.has(name);
  }

  /** Whether a node_modules the lookup of `name` from `folder` passes holds a link into the workspace that it could take. */
  private linkedIntoWorkspace(folder: string, name: string): boolean {
    const typesName = `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
    for (const nodeModules of this.nodeModulesFrom(folder)) {
      const links = this.workspaceLinksIn(nodeModules);
      if (links === 'all') return true;
      for (const link of links) {
        // The package's folder, a file beside it (`name.d.ts`), or its `@scope` folder.
        if ([name, typesName].some((wanted) => link === wanted || link.startsWith(`${wanted}.`) || wanted.startsWith(`${link}/`))) return true;
      }
    }
    return false;
  }

  /** The node_modules folders from `folder` (workspace-relative) up to the file-system root, as the compiler looks. */
  private nodeModulesFrom(folder: string): string[] {
    let found = this.nodeModulesAbove.get(folder);
    if (found) return found;
    const abs = this.abs(folder);
    const up = resolvePath(abs, '..');
    const above = folder === '' ? (up === abs ? [] : this.nodeModulesAt(up)) : this.nodeModulesFrom(parentOf(folder));
    found = this.probe.kind(`${abs}/node_modules`) === 'missing' ? above : [`${abs}/node_modules`, ...above];
    this.nodeModulesAbove.set(folder, found);
    return found;
  }

  /** Above the workspace: absolute folders, not cached by folder name. */
  private nodeModulesAt(abs: string): string[] {
    const out: string[] = [];
    for (let dir = abs; ; dir = resolvePath(dir, '..')) {
      const nodeModules = join(dir, 'node_modules');
      if (this.probe.kind(nodeModules) !== 'missing') out.push(nodeModules);
      if (resolvePath(dir, '..') === dir) return out;
    }
  }

  /** The links of a node_modules folder whose real path is a workspace folder outside any node_modules; `all` when the folder itself is one. */
  private workspaceLinksIn(nodeModules: string): WorkspaceLinks {
    let links = this.workspaceLinks.get(nodeModules);
    if (links) return links;
    if (this.leadsIntoWorkspace(nodeModules)) links = 'all';
    else links = this.probe.linksIn(nodeModules).filter((link) => this.leadsIntoWorkspace(`${nodeModules}/${link}`));
    this.workspaceLinks.set(nodeModules, links);
    return links;
  }

  private leadsIntoWorkspace(abs: string): boolean {
    const real = this.probe.realPath(abs);
    if (real === null) return false;
    const rel = relative(this.root, real).split(sep);
    return !(rel[0] === '..' || posix.isAbsolute(rel.join('/')) || rel.includes('node_modules'));
  }

  private lookupsOf(options: ts.CompilerOptions): Lookups {
    let lookups = this.lookups.get(options);
    if (lookups) return lookups;
    const paths = options.paths
      ? {
          patterns: Object.entries(options.paths).flatMap(([key, substitutions]) => {
            const star = key.indexOf('*');
            if (star !== -1 && key.indexOf('*', star + 1) !== -1) return []; // the compiler ignores such a pattern
            return [{ prefix: star === -1 ? key : key.slice(0, star), suffix: star === -1 ? '' : key.slice(star + 1), exact: star === -1, substitutions }];
          }),
          // As the compiler: baseUrl, else the folder of the tsconfig that set `paths`.
          base: this.insideOrNull(options.baseUrl ?? (options as { pathsBasePath?: string }).pathsBasePath),
        }
      : null;
    lookups = {
      answers: new Map(),
      rootDirs: (options.rootDirs?.length ?? 0) > 0,
      classic: resolutionKindOf(options) === tsc.ModuleResolutionKind.Classic,
      baseUrl: options.baseUrl === undefined ? undefined : this.inside(resolvePath(options.baseUrl)),
      paths,
    };
    this.lookups.set(options, lookups);
    return lookups;
  }

  private insideOrNull(abs: string | undefined): string | null {
    return abs === undefined ? null : this.inside(resolvePath(abs));
  }

  private abs(path: string): string {
    return path === '' ? this.root : `${this.root}/${path}`;
  }
}

type WorkspaceLinks = string[] | 'all';

/** The compiler's own reading of `moduleResolution` and its defaults (not in its public types); Classic if it is gone. */
function resolutionKindOf(options: ts.CompilerOptions): ts.ModuleResolutionKind {
  const compiler = tsc as unknown as { getEmitModuleResolutionKind?: (options: ts.CompilerOptions) => ts.ModuleResolutionKind };
  return compiler.getEmitModuleResolutionKind?.(options) ?? tsc.ModuleResolutionKind.Classic;
}

/** The packages a path inside node_modules belongs to, as specifiers name them (`@types/scope__pkg` as `@scope/pkg`). */
function installedPackagesOf(path: string): string[] {
  const names: string[] = [];
  const parts = path.split('/');
  parts.forEach((part, at) => {
    if (part !== 'node_modules' || at + 1 >= parts.length) return;
    const first = parts[at + 1]!;
    // A file right in node_modules (`foo.d.ts`) is found for `foo` too.
    const name = at + 2 >= parts.length ? stem(first) : first.startsWith('@') ? `${first}/${parts[at + 2]}` : first;
    const typed = name.startsWith('@types/') ? name.slice('@types/'.length) : null;
    names.push(typed === null ? name : typed.includes('__') ? `@${typed.replace('__', '/')}` : typed);
  });
  return names;
}

/** `folder` (workspace-relative) joined with a relative path, `.` and `..` folded; null when it leaves the workspace. */
function joinInside(folder: string, path: string): string | null {
  // The usual `./name`, nothing to fold.
  if (path.startsWith('./') && !path.includes('/.', 1) && !path.includes('//') && !path.endsWith('/')) {
    return folder === '' ? path.slice(2) : `${folder}/${path.slice(2)}`;
  }
  const parts = folder === '' ? [] : folder.split('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return null;
  }
  return parts.join('/');
}

/** What `*` stands for when `specifier` matches the pattern (`''` for an exact one), else null. */
function matchStar(pattern: { prefix: string; suffix: string; exact: boolean }, specifier: string): string | null {
  if (pattern.exact) return specifier === pattern.prefix ? '' : null;
  if (specifier.length < pattern.prefix.length + pattern.suffix.length) return null;
  if (!specifier.startsWith(pattern.prefix) || !specifier.endsWith(pattern.suffix)) return null;
  return specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length);
}

/**
 * A path without what follows the first dot of its last segment: `src/a.ts`, `src/a.js`, `src/a.d.ts`, `src/a.ios.ts`,
 * `src/a.d.css.ts` and `src/a` are all `src/a`. Every file a lookup of a path can find, by adding an extension or
 * swapping one, has that path's stem.
 */
function stem(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.indexOf('.', slash + 2);
  return dot === -1 ? path : path.slice(0, dot);
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function canonical(path: string): string {
  return CASE_SENSITIVE ? path : path.toLowerCase();
}
