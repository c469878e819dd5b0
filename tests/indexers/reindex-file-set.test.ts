// A reindex after files appeared or disappeared resolves again only the files that could name them, and still yields
// the graph of a full index: every file of every resolution fixture deleted and restored, files added beside them.

import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLines } from '../../graph/export.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { reindexWorkspaceInto, type ReindexReport } from '../../indexers/reindex.js';
import { RESOLUTION_FIXTURES } from '../fixtures/resolution.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);
const base = tempDir('kg-file-set-');
const dataDir = join(base, 'no-sessions');
mkdirSync(dataDir);

interface Case {
  files: Record<string, string>;
  /** Files that do not exist at first: each is added, then deleted again. */
  adds: Record<string, string>;
  /** Symbolic links (path -> target as written), made after the files. */
  links?: Record<string, string>;
}

const CASES: Record<string, Case> = {
  ...Object.fromEntries(Object.entries(RESOLUTION_FIXTURES).map(([name, files]) => [name, { files, adds: {} }])),
  // Files the fixtures' imports name, or would name first, once they exist.
  'shadowing-and-later': {
    files: {
      'tsconfig.json': json({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true }, include: ['src'] }),
      'src/foo/index.ts': 'export const foo = 1;\n',
      'src/foo/bar.ts': "import { foo } from '.';\nimport '..';\nexport const bar = foo;\n",
      'src/main.ts':
        "import { foo } from './foo';\nimport './foo/index.js';\nimport './later';\nimport './gen/later.js';\nimport type { T } from './types';\nexport const x: T = foo as T;\n",
      'src/types.d.ts': 'export type T = 1;\n',
      'src/index.ts': "export * from './main';\n",
      'src/deep/user.ts': "import '../foo';\nimport '../later.js';\n",
    },
    adds: {
      'src/foo.ts': 'export const foo = 2;\n',
      'src/foo.d.ts': 'export declare const foo: 3;\n',
      'src/later.ts': 'export {};\n',
      'src/later/index.ts': 'export {};\n',
      'src/gen/later.ts': 'export {};\n',
      'src/types.ts': 'export type T = 2;\n',
      'src/deep/index.ts': "import '../foo/bar';\n",
    },
  },
  // `paths` without baseUrl (mapped from the tsconfig's folder), with two substitutions; `rootDirs` in another project.
  'paths-and-rootdirs': {
    files: {
      'tsconfig.json': json({
        compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', paths: { '~/*': ['./src/*', './gen/*'], '@gen': ['./gen/index.ts'] } },
        include: ['src', 'gen'],
      }),
      'src/a.ts': "import '~/b';\nimport '~/c';\nimport '@gen';\nimport 'react';\n",
      'src/b.ts': 'export {};\n',
      'gen/c.ts': 'export {};\n',
      'other/tsconfig.json': json({
        compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', rootDirs: ['./src', './generated'] },
        include: ['src', 'generated'],
      }),
      'other/src/view.ts': "import './template';\nimport './x';\n",
      'other/generated/x.ts': 'export {};\n',
    },
    adds: {
      'src/c.ts': 'export {};\n',
      'gen/b.ts': 'export {};\n',
      'gen/index.ts': 'export {};\n',
      'other/generated/template.ts': 'export {};\n',
      'other/src/template.ts': 'export {};\n',
    },
  },
  // rxjs's way: Node10 resolution, baseUrl `.`, and `paths` onto the sources.
  'baseurl-node10': {
    files: {
      'tsconfig.json': json({
        compilerOptions: {
          module: 'CommonJS',
          moduleResolution: 'node',
          baseUrl: '.',
          paths: { app: ['./src/index'], 'app/internal/*': ['./src/internal/*'] },
          ignoreDeprecations: '6.0',
        },
        include: ['src'],
      }),
      'src/index.ts': "export * from './internal/a';\n",
      'src/internal/a.ts': "import { b } from 'app/internal/b';\nimport 'src/internal/c';\nimport 'lodash';\nexport const a = b;\n",
      'src/internal/b.ts': 'export const b = 1;\n',
      'src/user.ts': "import 'app';\n",
    },
    adds: {
      'src/internal/c.ts': 'export {};\n',
      'src/internal/c/index.ts': 'export {};\n',
      'lodash.ts': 'export {};\n',
      'src/index.d.ts': 'export {};\n',
    },
  },
  // A workspace package linked into node_modules under another name, a linked folder and a linked file.
  links: {
    files: {
      'package.json': json({ name: 'root', private: true }),
      'tsconfig.json': json({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, include: ['src', 'packages'] }),
      'packages/lib/package.json': json({ name: '@ws/lib', types: './src/index.ts' }),
      'packages/lib/src/index.ts': "export * from './util';\n",
      'packages/lib/src/util.ts': 'export const util = 1;\n',
      // One import a file, so that each file is resolved again for its own reason or not at all.
      'src/by-alias.ts': "import 'aliased';\n",
      'src/by-alias-deep.ts': "import 'aliased/src/util';\n",
      'src/by-name.ts': "import '@ws/lib';\n",
      'src/by-folder-link.ts': "import './vendor/util';\n",
      'src/by-folder-link-later.ts': "import './vendor/later';\n",
      'src/by-file-link.ts': "import './shim';\n",
      'src/by-package-folder.ts': "import '../packages/lib';\n",
    },
    links: {
      'node_modules/aliased': '../packages/lib',
      'node_modules/@ws/lib': '../../packages/lib',
      'src/vendor': '../packages/lib/src',
      'src/shim.ts': '../packages/lib/src/util.ts',
    },
    adds: { 'packages/lib/src/later.ts': 'export {};\n', 'packages/lib/src/index.d.ts': 'export {};\n' },
  },
};

/** Extra files for the shared fixtures, each named (or shadowing what is named) by an import there. */
const FIXTURE_ADDS: Record<string, Record<string, string>> = {
  monorepo: { 'packages/app/src/math.ts': 'export const add = 0;\n', 'packages/lib/src/helper.ts': 'export {};\n', 'packages/lib/src/strings/index.ts': 'export {};\n' },
  'esm-js-suffix': { 'src/missing.ts': 'export {};\n', 'src/dir.ts': 'export {};\n', 'src/b.d.ts': 'export declare const b: 1;\n', 'src/c.d.mts': 'export {};\n' },
  json: { 'src/config.ts': 'export default {};\n', 'src/config.json.ts': 'export {};\n' },
  barrels: { 'src/core.ts': 'export {};\n', 'src/utils/index.ts': 'export {};\n', 'src/types/index.ts': 'export {};\n' },
  'ts-extensions': { 'src/x.tsx': 'export {};\n', 'src/view.ts': 'export {};\n' },
  'package-exports': { 'src/internal/other.ts': 'export {};\n', 'src/feature.d.ts': 'export {};\n' },
  'import-forms': { 'src/nope.ts': 'export {};\n', 'src/config.d.ts': 'export {};\n', 'src/legacy.ts': 'export {};\n', 'src/globals.ts': 'export {};\n' },
  discovery: { 'scripts/tool/index.ts': 'export {};\n', 'src/tool.ts': 'export {};\n' },
};
for (const [name, adds] of Object.entries(FIXTURE_ADDS)) CASES[name]!.adds = adds;
// A self-reference and a dependency each alone in a file (the fixture's files import `#internal/*` too, which counts).
CASES['package-exports']!.files = {
  ...CASES['package-exports']!.files,
  'src/self.ts': "import { value } from 'pkgx';\nexport const self = value;\n",
  'src/uses-dep.ts': "import dep from 'dep';\nexport const used = dep;\n",
};
// Packages that appear in node_modules: never indexed, but found by the compiler once there (Node10 needs no package.json).
CASES['import-forms']!.files = { ...CASES['import-forms']!.files, 'src/later-deps.ts': "import 'later-dep';\nimport 'later-types';\n" };
Object.assign(CASES['import-forms']!.adds, {
  'node_modules/later-dep/index.d.ts': 'export {};\n',
  'node_modules/@types/later-types/index.d.ts': 'export {};\n',
});

/** What a full index decides by itself: such a change is a full reindex, not the point here. */
const GLOBAL = /(?:^|\/)(?:tsconfig[^/]*\.json|jsconfig\.json|package\.json|\.gitignore)$/;

async function exported(store: GraphStore): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportLines(store)) lines.push(JSON.stringify(line));
  return lines;
}

/** The lines only one of two exports has (both empty when they are the same graph), and whether their order agrees. */
async function difference(incremental: GraphStore, full: GraphStore) {
  const [got, want] = [await exported(incremental), await exported(full)];
  const [gotSet, wantSet] = [new Set(got), new Set(want)];
  return {
    onlyReindex: got.filter((line) => !wantSet.has(line)),
    onlyFull: want.filter((line) => !gotSet.has(line)),
    sameOrder: got.join('\n') === want.join('\n'),
  };
}

const SAME = { onlyReindex: [], onlyFull: [], sameOrder: true };

describe('a reindex after files appeared or disappeared equals a full index', () => {
  for (const [name, fixture] of Object.entries(CASES)) {
    it(name, async () => {
      const root = writeWorkspace(join(base, name), fixture.files);
      for (const [path, target] of Object.entries(fixture.links ?? {})) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        symlinkSync(target, join(root, path));
      }
      const incremental = await GraphStore.open({ path: join(base, `${name}.incremental.duckdb`) });
      const full = await GraphStore.open({ path: join(base, `${name}.full.duckdb`) });
      // A link that now leads nowhere is only found by a look at the workspace; --files names exactly one path.
      const detect = fixture.links !== undefined;
      const reindex = (path: string) => reindexWorkspaceInto(incremental, root, detect ? { dataDir } : { dataDir, files: [path] });
      const expectFull = async (what: string, report: ReindexReport) => {
        expect(report.mode, what).toBe('incremental');
        await indexWorkspaceInto(full, root, { dataDir });
        expect(await difference(incremental, full), what).toEqual(SAME);
      };
      try {
        await indexWorkspaceInto(incremental, root, { dataDir });
        const paths = Object.keys(fixture.files).filter((path) => !GLOBAL.test(path));
        for (const path of paths) {
          const abs = join(root, path);
          const content = readFileSync(abs);
          rmSync(abs);
          await expectFull(`${name}: ${path} deleted`, await reindex(path));
          writeFileSync(abs, content);
          await expectFull(`${name}: ${path} back`, await reindex(path));
        }
        for (const [path, content] of Object.entries(fixture.adds)) {
          const abs = join(root, path);
          mkdirSync(dirname(abs), { recursive: true });
          writeFileSync(abs, content);
          await expectFull(`${name}: ${path} added`, await reindex(path));
          rmSync(abs);
          await expectFull(`${name}: ${path} gone again`, await reindex(path));
        }
      } finally {
        incremental.close();
        full.close();
      }
    });
  }
});

/** `count` files in `folders` folders; file i imports the next two in its folder and one (`.js`-suffixed) in the next folder. */
function chainWorkspace(root: string, tsconfig: object, count = 60, folders = 6): { importersOf: (path: string) => string[] } {
  const files: Record<string, string> = { 'tsconfig.json': json(tsconfig) };
  const importers = new Map<string, string[]>();
  const perFolder = count / folders;
  const pathOf = (folder: number, i: number) => `src/m${folder % folders}/f${i % perFolder}.ts`;
  for (let folder = 0; folder < folders; folder++) {
    for (let i = 0; i < perFolder; i++) {
      const targets = [pathOf(folder, i + 1), pathOf(folder, i + 2), pathOf(folder + 1, i)];
      const specifiers = [`./f${(i + 1) % perFolder}`, `./f${(i + 2) % perFolder}`, `../m${(folder + 1) % folders}/f${i}.js`];
      for (const target of targets) importers.set(target, [...(importers.get(target) ?? []), pathOf(folder, i)]);
      files[pathOf(folder, i)] = `${specifiers.map((s) => `import '${s}';`).join('\n')}\nimport 'react';\nexport const v${folder}_${i} = ${i};\n`;
    }
  }
  files['src/m0/user.ts'] = "import './later';\nexport {};\n";
  writeWorkspace(root, files);
  return { importersOf: (path) => importers.get(path) ?? [] };
}

describe('how many files a reindex resolves again when files appear or disappear', () => {
  const bundler = { compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, include: ['src'] };

  it('only the importers that could name the added, deleted and shadowing files', async () => {
    const root = join(base, 'chain');
    const { importersOf } = chainWorkspace(root, bundler);
    mkdirSync(join(root, 'src/m2/f3'), { recursive: true });
    writeFileSync(join(root, 'src/m2/f3/index.ts'), 'export {};\n');
    const store = await GraphStore.open({ path: join(base, 'chain.duckdb') });
    const full = await GraphStore.open({ path: join(base, 'chain.full.duckdb') });
    try {
      await indexWorkspaceInto(store, root, { dataDir });
      writeFileSync(join(root, 'src/m0/later.ts'), 'export {};\n'); // user.ts's `./later` did not resolve
      rmSync(join(root, 'src/m1/f4.ts'));
      rmSync(join(root, 'src/m2/f3.ts')); // now `./f3` means src/m2/f3/index.ts
      const files = ['src/m0/later.ts', 'src/m1/f4.ts', 'src/m2/f3.ts'];
      const report = await reindexWorkspaceInto(store, root, { dataDir, files });
      const expected = new Set(['src/m0/user.ts', ...importersOf('src/m1/f4.ts'), ...importersOf('src/m2/f3.ts')]);
      expect(report.mode).toBe('incremental');
      expect(report.reResolved).toBe(expected.size);
      expect(report.reResolved).toBeLessThan(10);
      await indexWorkspaceInto(full, root, { dataDir });
      expect(await difference(store, full)).toEqual(SAME);

      // Adding the file back beside the folder index shadows it again: the same importers, no others.
      writeFileSync(join(root, 'src/m2/f3.ts'), 'export const back = 1;\n');
      const shadowing = await reindexWorkspaceInto(store, root, { dataDir, files: ['src/m2/f3.ts'] });
      expect(shadowing.reResolved).toBe(importersOf('src/m2/f3.ts').length);
      await indexWorkspaceInto(full, root, { dataDir });
      expect(await difference(store, full)).toEqual(SAME);
    } finally {
      store.close();
      full.close();
    }
  });

  it('every file when the lookups cannot be bounded (rootDirs), and a full index when paths or baseUrl change', async () => {
    const root = join(base, 'chain-rootdirs');
    chainWorkspace(root, { compilerOptions: { ...bundler.compilerOptions, rootDirs: ['./src', './generated'] }, include: ['src'] });
    const store = await GraphStore.open({ path: join(base, 'chain-rootdirs.duckdb') });
    const full = await GraphStore.open({ path: join(base, 'chain-rootdirs.full.duckdb') });
    try {
      const indexed = await indexWorkspaceInto(store, root, { dataDir });
      writeFileSync(join(root, 'src/m0/new.ts'), 'export {};\n');
      const report = await reindexWorkspaceInto(store, root, { dataDir, files: ['src/m0/new.ts'] });
      // Every file indexed before but tsconfig.json (JSON has no imports).
      expect(report.reResolved).toBe(indexed.counts.files - 1);
      await indexWorkspaceInto(full, root, { dataDir });
      expect(await difference(store, full)).toEqual(SAME);

      writeFileSync(join(root, 'tsconfig.json'), json({ compilerOptions: { ...bundler.compilerOptions, baseUrl: '.', paths: { '~/*': ['src/*'] } }, include: ['src'] }));
      const changed = await reindexWorkspaceInto(store, root, { dataDir, files: ['tsconfig.json'] });
      expect(changed.mode).toBe('full');
      expect(changed.reason).toBe('tsconfig.json changed');
    } finally {
      store.close();
      full.close();
    }
  });
});
