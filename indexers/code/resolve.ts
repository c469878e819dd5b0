// Resolves import specifiers exactly as the compiler does, under the options of the tsconfig owning each file.

import { dirname, relative, resolve as resolvePath, sep } from 'node:path';
import type { ts } from 'ts-morph';
import { tsc } from './ts.js';
import type { FolderListings } from './discover.js';
import type { ImportFact } from './extract.js';
import type { Project } from './tsconfig.js';
import { mayBeAsset } from '../changes.js';

export type ImportTarget =
  | { kind: 'file'; path: string }
  | { kind: 'package'; name: string; resolved: boolean }
  /** A file that exists but is no module (a stylesheet, an image, a font): bundlers import it, the compiler cannot. */
  | { kind: 'asset'; path: string }
  | { kind: 'unresolved' };


/**
 * A module resolution host whose file-system probes are cached for one index run. Probes in a folder the discovery
 * read (`listings`) are answered from its entries, as a stat would answer them (a stat each cost ~10 us here, most
 * of it building the Stats object); links, and every probe where names may differ in case only, still stat.
 */
export function cachedHost(listings: FolderListings = new Map()): ts.ModuleResolutionHost {
  const files = new Map<string, boolean>();
  const dirs = new Map<string, boolean>();
  const real = new Map<string, string>();
  const listed = tsc.sys.useCaseSensitiveFileNames && sep === '/' ? listings : new Map<string, never>();
  const probe = (path: string, kind: 'file' | 'folder'): boolean | undefined => {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    const listing = slash > 0 && name !== '' && name !== '.' && name !== '..' ? listed.get(path.slice(0, slash)) : undefined;
    if (!listing) return undefined; // a folder the walk did not read: ask the file system
    const entry = listing.get(name);
    if (entry === undefined) return false;
    return entry === 'other' ? undefined : entry === kind;
  };
  return {
    fileExists: (path) => memo(files, path, () => probe(path, 'file') ?? tsc.sys.fileExists(path)),
    directoryExists: (path) => memo(dirs, path, () => probe(path, 'folder') ?? tsc.sys.directoryExists(path)),
    readFile: (path) => tsc.sys.readFile(path),
    realpath: (path) => memo(real, path, () => tsc.sys.realpath?.(path) ?? path),
    getCurrentDirectory: () => process.cwd(),
    useCaseSensitiveFileNames: tsc.sys.useCaseSensitiveFileNames,
  };
}

/** Resolution state for one project: its options and the compiler's caches. */
export class ProjectResolver {
  readonly moduleCache: ts.ModuleResolutionCache;
  private readonly typeCache: ts.TypeReferenceDirectiveResolutionCache;
  /**
   * Targets by folder, mode and specifier. The compiler's own cache is kept per folder too (a resolution depends on
   * where the importing file is, never on which file it is), so this holds exactly its answers, without the lookups.
   */
  private readonly targets = new Map<string, ImportTarget>();
  private readonly formats = new Map<string, ts.ResolutionMode>();

  constructor(
    readonly project: Project,
    private readonly root: string,
    private readonly host: ts.ModuleResolutionHost,
  ) {
    const canonical = (name: string) => (tsc.sys.useCaseSensitiveFileNames ? name : name.toLowerCase());
    this.moduleCache = tsc.createModuleResolutionCache(root, canonical, project.options);
    this.typeCache = tsc.createTypeReferenceDirectiveResolutionCache(
      root,
      canonical,
      project.options,
      this.moduleCache.getPackageJsonInfoCache(),
    );
  }

  /** ESM or CommonJS for a file, from its extension and the nearest package.json `type`, as the compiler decides. */
  impliedNodeFormat(abs: string): ts.ResolutionMode {
    // Those two are all the compiler looks at, so files sharing a folder and an extension share the answer.
    const key = `${dirname(abs)}\0${/\.d\.[cm]?ts$|\.[^./]*$/.exec(abs)?.[0] ?? ''}`;
    if (this.formats.has(key)) return this.formats.get(key);
    const format = tsc.getImpliedNodeFormatForFile(
      abs as ts.Path,
      this.moduleCache.getPackageJsonInfoCache(),
      this.host,
      this.project.options,
    );
    this.formats.set(key, format);
    return format;
  }

  /** The resolution mode the compiler would use for this import in this file. */
  modeOf(file: ts.SourceFile, fact: ImportFact): ts.ResolutionMode {
    if (fact.form === 'reference_types') return tsc.getModeForFileReference(fact.reference ?? fact.specifier, file.impliedNodeFormat);
    return resolutionModeOf(file, fact, this.project.options);
  }

  /** Resolves one import of the file at `containing` (absolute) in the given mode; needs no AST, so it can be redone later. */
  resolve(containing: string, fact: { specifier: string; form: string }, mode: ts.ResolutionMode): ImportTarget {
    if (fact.form === 'reference_path') return this.resolveReferencePath(containing, fact.specifier);
    if (fact.form === 'reference_types') {
      const result = tsc.resolveTypeReferenceDirective(
        fact.specifier,
        containing,
        this.project.options,
        this.host,
        undefined,
        this.typeCache,
        mode,
      );
      const resolved = result.resolvedTypeReferenceDirective;
      return this.target(fact.specifier, resolved?.resolvedFileName, resolved?.isExternalLibraryImport);
    }
    const key = `${dirname(containing)}\0${mode ?? ''}\0${fact.specifier}`;
    let target = this.targets.get(key);
    if (!target) {
      const result = tsc.resolveModuleName(fact.specifier, containing, this.project.options, this.host, this.moduleCache, undefined, mode);
      target = this.target(fact.specifier, result.resolvedModule?.resolvedFileName, result.resolvedModule?.isExternalLibraryImport);
      if (target.kind === 'unresolved') target = this.asset(containing, fact.specifier) ?? target;
      this.targets.set(key, target);
    }
    return target;
  }

  private target(specifier: string, resolved: string | undefined, external: boolean | undefined): ImportTarget {
    if (resolved === undefined) {
      return isBare(specifier) ? { kind: 'package', name: packageName(specifier), resolved: false } : { kind: 'unresolved' };
    }
    const rel = relative(this.root, resolvePath(resolved)).split(sep).join('/');
    if (external || rel.startsWith('../') || rel === '..' || rel.split('/').includes('node_modules')) {
      return { kind: 'package', name: isBare(specifier) ? packageName(specifier) : packageFromPath(rel) ?? specifier, resolved: true };
    }
    return { kind: 'file', path: rel };
  }

  /** A relative specifier the compiler could not resolve that names an existing non-code file of the workspace. */
  private asset(containing: string, specifier: string): ImportTarget | null {
    if (!/^\.{1,2}\//.test(specifier)) return null;
    // Bundlers take `./logo.svg?url` and `./font.woff2#iefix`: the file is what comes before.
    const path = specifier.replace(/[?#].*$/, '');
    if (!mayBeAsset(path)) return null;
    const abs = resolvePath(dirname(containing), path);
    const rel = relative(this.root, abs).split(sep).join('/');
    if (rel === '..' || rel.startsWith('../') || rel.split('/').includes('node_modules')) return null;
    return this.host.fileExists(abs) ? { kind: 'asset', path: rel } : null;
  }

  // `/// <reference path>` names a file relative to the referencing one; the compiler adds
  // a supported extension when the name has none it knows.
  private resolveReferencePath(containing: string, name: string): ImportTarget {
    const base = resolvePath(dirname(containing), name);
    const candidates = /\.(?:[cm]?[jt]sx?|json)$/.test(name)
      ? [base]
      : [base, ...['.ts', '.tsx', '.d.ts', ...(this.project.options.allowJs ? ['.js', '.jsx'] : [])].map((ext) => base + ext)];
    const found = candidates.find((candidate) => this.host.fileExists(candidate));
    if (found === undefined) return { kind: 'unresolved' };
    return this.target(name, found, false);
  }
}

/** The resolution mode the compiler uses for this import, CommonJS for require(). */
export function resolutionModeOf(file: ts.SourceFile, fact: ImportFact, options: ts.CompilerOptions): ts.ResolutionMode {
  if (fact.form === 'require') return tsc.ModuleKind.CommonJS;
  if (!fact.literal) return file.impliedNodeFormat;
  return tsc.getModeForUsageLocation(file, fact.literal, options);
}

/** `@scope/pkg/sub` -> `@scope/pkg`, `lodash/fp` -> `lodash`; `node:fs` stays whole. */
export function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function packageFromPath(rel: string): string | null {
  const parts = rel.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return null;
  const first = parts[at + 1]!;
  return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
}

function isBare(specifier: string): boolean {
  return !(specifier.startsWith('.') || specifier.startsWith('/') || /^[A-Za-z]:[\\/]/.test(specifier));
}

function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}
