import type { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import type { StoredImport } from '../../../graph/records.js';
import { AffectedImports, type PathProbe } from '../../../indexers/code/affected-imports.js';
import { tsc } from '../../../indexers/code/ts.js';

const ROOT = '/ws';
const BUNDLER = { module: tsc.ModuleKind.ESNext, moduleResolution: tsc.ModuleResolutionKind.Bundler };
const KNOWN = ['src/a.ts', 'src/b.ts', 'src/foo/index.ts', 'src/foo/bar.ts', 'src/lib/util.ts', 'package.json', 'tsconfig.json'];

/** A file system of regular files and folders, plus what a test says is a link, a package name or a node_modules. */
function fixtureProbe(extra: {
  links?: Record<string, string>;
  packages?: Record<string, string>;
  nodeModules?: Record<string, string[]>;
  folders?: string[];
} = {}): PathProbe & { probes: string[] } {
  const probes: string[] = [];
  const files = new Set(KNOWN.map((path) => `${ROOT}/${path}`));
  const folders = new Set([ROOT, ...(extra.folders ?? []).map((f) => `${ROOT}/${f}`)]);
  for (const file of files) for (let d = file.slice(0, file.lastIndexOf('/')); d.length > ROOT.length; d = d.slice(0, d.lastIndexOf('/'))) folders.add(d);
  return {
    probes,
    kind: (abs) => {
      probes.push(abs);
      if (extra.links?.[abs] !== undefined) return 'link';
      if (extra.nodeModules?.[abs] !== undefined) return 'folder';
      return files.has(abs) ? 'file' : folders.has(abs) ? 'folder' : 'missing';
    },
    realPath: (abs) => extra.links?.[abs] ?? (files.has(abs) || folders.has(abs) ? abs : null),
    linksIn: (abs) => extra.nodeModules?.[abs] ?? [],
    packageName: (abs) => extra.packages?.[abs] ?? null,
  };
}

function imports(...specifiers: string[]): StoredImport[] {
  return specifiers.map((specifier, i) => ({ specifier, line: i + 1, typeOnly: false, dynamic: false, reExport: false, form: 'import', mode: null }));
}

function affected(names: string[], probe: PathProbe = fixtureProbe(), known: string[] = KNOWN) {
  const decision = new AffectedImports(ROOT, { names, known: [...known, ...names] }, probe);
  return (importer: string, specifiers: string[], options: ts.CompilerOptions = BUNDLER) =>
    decision.anyCouldChange(importer, imports(...specifiers), options);
}

describe('which imports could resolve differently after files appeared or disappeared', () => {
  it('a relative specifier only when it names the path, with or without an extension, or its folder index', () => {
    const could = affected(['src/c.ts']);
    for (const specifier of ['./c', './c.js', './c.ts', './c.mjs', '../src/c', './c/', './lib/../c']) expect(could('src/a.ts', [specifier]), specifier).toBe(true);
    for (const specifier of ['./b', './b.js', './foo', './lib/util', '../c', './cc', './c2']) expect(could('src/a.ts', [specifier]), specifier).toBe(false);
    expect(could('src/lib/util.ts', ['../c.js'])).toBe(true);
    expect(could('src/lib/util.ts', ['./c.js'])).toBe(false);
  });

  it('a file shadowing a folder index, and a folder index appearing', () => {
    const shadow = affected(['src/foo.ts']);
    expect(shadow('src/a.ts', ['./foo'])).toBe(true);
    expect(shadow('src/foo/bar.ts', ['..', '../foo', '.'])).toBe(true);
    expect(shadow('src/a.ts', ['./foo/index.js', './foo/bar'])).toBe(false);
    const index = affected(['src/lib/index.ts']);
    expect(index('src/a.ts', ['./lib'])).toBe(true);
    expect(index('src/lib/util.ts', ['.'])).toBe(true);
    expect(index('src/a.ts', ['./lib/util'])).toBe(false);
  });

  it('an import that did not resolve, once a file it names appears, also in a new folder', () => {
    const before = affected([]);
    expect(before('src/a.ts', ['./gen/later', './later'])).toBe(false);
    const after = affected(['src/gen/later.ts']);
    expect(after('src/a.ts', ['./gen/later.js'])).toBe(true);
    expect(after('src/a.ts', ['./gen', './later'])).toBe(false);
  });

  it('a folder with a package.json may point anywhere', () => {
    const probe = fixtureProbe();
    const could = affected(['src/x.ts'], probe, [...KNOWN, 'src/lib/package.json']);
    expect(could('src/a.ts', ['./lib'])).toBe(true);
    expect(could('src/a.ts', ['./foo'])).toBe(false);
  });

  it('a link on the way may lead anywhere; a missing folder leads nowhere', () => {
    const probe = fixtureProbe({ links: { [`${ROOT}/src/vendor`]: `${ROOT}/lib`, [`${ROOT}/src/shim.ts`]: `${ROOT}/src/b.ts` } });
    const could = affected(['src/lib/new.ts'], probe);
    expect(could('src/a.ts', ['./vendor/thing'])).toBe(true);
    expect(could('src/a.ts', ['./vendor'])).toBe(true);
    expect(could('src/a.ts', ['./nowhere/deep/thing', './shim'])).toBe(false);
  });

  it('paths: only a specifier a pattern maps onto the path', () => {
    const options = { ...BUNDLER, paths: { '@/*': ['src/*'], '@lib': ['src/lib/index.ts'], '~/*': ['src/lib/*', 'src/*'] }, pathsBasePath: ROOT };
    const could = affected(['src/lib/index.ts', 'src/c.ts']);
    expect(could('src/a.ts', ['@/c'], options)).toBe(true);
    expect(could('src/a.ts', ['@lib'], options)).toBe(true);
    expect(could('src/a.ts', ['~/c'], options)).toBe(true);
    expect(could('src/a.ts', ['@/lib'], options)).toBe(true);
    expect(could('src/a.ts', ['@/b', '~/util', '@libx', 'react'], options)).toBe(false);
    // Without a base to map onto, any matching specifier counts.
    expect(could('src/a.ts', ['@/b'], { ...options, pathsBasePath: undefined })).toBe(true);
  });

  it('baseUrl: a bare specifier is also a path from it', () => {
    const options = { ...BUNDLER, baseUrl: ROOT };
    const could = affected(['src/c.ts']);
    expect(could('src/lib/util.ts', ['src/c'], options)).toBe(true);
    expect(could('src/lib/util.ts', ['c', 'react', 'src/b'], options)).toBe(false);
    expect(could('src/lib/util.ts', ['c'], { ...BUNDLER, baseUrl: `${ROOT}/src` })).toBe(true);
    expect(could('src/lib/util.ts', ['c'], { ...BUNDLER, baseUrl: '/elsewhere' })).toBe(true);
  });

  it('what cannot be bounded counts: rootDirs, classic resolution, type references, #imports', () => {
    const could = affected(['src/c.ts']);
    expect(could('src/a.ts', ['./b'], { ...BUNDLER, rootDirs: [`${ROOT}/src`, `${ROOT}/gen`] })).toBe(true);
    expect(could('src/a.ts', ['react'], { module: tsc.ModuleKind.ESNext, moduleResolution: tsc.ModuleResolutionKind.Classic })).toBe(true);
    expect(could('src/a.ts', ['#internal/x'])).toBe(true);
    const decision = new AffectedImports(ROOT, { names: ['src/c.ts'], known: KNOWN }, fixtureProbe());
    expect(decision.anyCouldChange('src/a.ts', [{ ...imports('node')[0]!, form: 'reference_types' }], BUNDLER)).toBe(true);
    expect(could('src/a.ts', ['react', 'node:fs', '@scope/pkg/sub', './b'])).toBe(false);
  });

  it('a bare specifier naming a workspace package, or a node_modules link into the workspace', () => {
    const probe = fixtureProbe({
      packages: { [`${ROOT}/package.json`]: 'app', [`${ROOT}/packages/lib/package.json`]: '@ws/lib' },
      nodeModules: { [`${ROOT}/node_modules`]: ['@ws/linked', 'pnpm-dep', 'typed.d.ts'] },
      links: {
        [`${ROOT}/node_modules/@ws/linked`]: `${ROOT}/packages/linked`,
        [`${ROOT}/node_modules/pnpm-dep`]: `${ROOT}/node_modules/.pnpm/pnpm-dep@1.0.0/node_modules/pnpm-dep`,
        [`${ROOT}/node_modules/typed.d.ts`]: `${ROOT}/src/b.ts`,
      },
    });
    const could = affected(['src/c.ts'], probe, [...KNOWN, 'packages/lib/package.json']);
    expect(could('src/a.ts', ['@ws/lib'])).toBe(true);
    expect(could('src/a.ts', ['app/sub'])).toBe(true);
    expect(could('src/a.ts', ['@ws/linked/deep'])).toBe(true);
    expect(could('src/lib/util.ts', ['typed'])).toBe(true);
    expect(could('src/a.ts', ['pnpm-dep', 'react', '@ws/other'])).toBe(false);
  });

  it('a bare specifier of a package a changed path in node_modules belongs to', () => {
    const could = affected(['node_modules/@types/react/index.d.ts', 'node_modules/dep/sub.d.ts', 'node_modules/@types/scope__x/index.d.ts', 'node_modules/loose.d.ts']);
    for (const specifier of ['react', 'dep/sub', 'dep', '@scope/x', 'loose']) expect(could('src/a.ts', [specifier]), specifier).toBe(true);
    expect(could('src/a.ts', ['lodash', '@types/other', 'sub'])).toBe(false);
  });

  it('asks the file system once per folder and specifier', () => {
    const probe = fixtureProbe();
    const could = affected(['src/c.ts'], probe);
    for (let i = 0; i < 3; i++) expect(could(`src/f${i}.ts`, ['./missing', 'react'])).toBe(false);
    const asked = probe.probes.length;
    expect(asked).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(could(`src/g${i}.ts`, ['./missing', 'react'])).toBe(false);
    expect(probe.probes.length).toBe(asked);
  });
});
