// Which tsconfig owns a file, as the editor (tsserver) decides it: the nearest tsconfig.json (else jsconfig.json) up
// its path whose file list includes it, directly or through its references; a config that is only extended never
// owns; a file no project includes gets the nearest tsconfig.json's options. Each case is checked against tsc too.

import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjects } from '../../../indexers/code/tsconfig.js';
import { indexWorkspace, openGraph } from '../../../src/api.js';
import { compilerImportEdges, editorOwnership } from '../../oracle/compiler-oracle.js';
import { writeWorkspace } from '../../fixtures/workspace.js';
import { tempDir } from '../../support/temp.js';

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

// The repro of issue 23: a base config with no include, only extended, and a root config with the paths.
const MONOREPO = {
  'tsconfig.json': json({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', paths: { '@lib/*': ['./packages/lib/src/*'] } }, include: ['packages'] }),
  'packages/tsconfig.base.json': json({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }),
  'packages/app/tsconfig.json': json({ extends: '../../tsconfig.json', include: ['src'] }),
  'packages/lib/src/x.ts': 'export const x = 1;\n',
  'packages/app/src/main.ts': "import { x } from '@lib/x'; export const y = x;\n",
  'packages/app/tests/a.test.ts': "import { x } from '@lib/x'; console.log(x);\n",
};

function owners(files: Record<string, string>, paths: string[]): Record<string, string | null> {
  const root = writeWorkspace(tempDir('kg-owner-'), files);
  const configs = Object.keys(files).filter((path) => /(?:ts|js)config.*\.json$/.test(path)).map((path) => join(root, path));
  const projects = loadProjects(root, configs);
  const kg = Object.fromEntries(paths.map((path) => [path, projects.ownerOf(join(root, path)).config]));
  // The language service itself (tsserver's ProjectService) opens each file in the same project.
  const editor = editorOwnership(root, paths.map((path) => join(root, path)));
  expect(Object.fromEntries(paths.map((path) => [path, editor.has(join(root, path)) ? relative(root, editor.get(join(root, path))!) : null]))).toEqual(kg);
  return kg;
}

describe('tsconfig ownership', () => {
  it('never makes a config that is only extended an owner: the root project owns the tests the package leaves out', () => {
    expect(owners(MONOREPO, ['packages/app/src/main.ts', 'packages/app/tests/a.test.ts', 'packages/lib/src/x.ts'])).toEqual({
      'packages/app/src/main.ts': 'packages/app/tsconfig.json',
      'packages/app/tests/a.test.ts': 'tsconfig.json',
      'packages/lib/src/x.ts': 'tsconfig.json',
    });
  });

  it('yields both edges of the repro, as tsc resolves them', async () => {
    const root = writeWorkspace(tempDir('kg-owner-'), MONOREPO);
    const db = join(tempDir('kg-owner-db-'), 'graph.duckdb');
    await indexWorkspace(root, { db, dataDir: join(root, 'no-data') });
    const graph = await openGraph({ workspace: root, db });
    try {
      const answer = await graph.query({ kind: 'importers', file: 'packages/lib/src/x.ts' });
      expect((answer.items as { path: string }[]).map((i) => i.path)).toEqual(['packages/app/src/main.ts', 'packages/app/tests/a.test.ts']);
      const compiler = compilerImportEdges(root);
      for (const from of ['packages/app/src/main.ts', 'packages/app/tests/a.test.ts']) expect(compiler.has(`${from}|@lib/x|packages/lib/src/x.ts`)).toBe(true);
    } finally {
      graph.close();
    }
  });

  it('follows references from a solution config to the project that includes the file, and prefers tsconfig.json to jsconfig.json', () => {
    const files = {
      'tsconfig.json': json({ files: [], references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.node.json' }] }),
      'tsconfig.app.json': json({ compilerOptions: { jsx: 'react-jsx', module: 'esnext', moduleResolution: 'bundler' }, include: ['src'] }),
      'tsconfig.node.json': json({ compilerOptions: { module: 'nodenext' }, include: ['vite.config.ts'] }),
      'src/main.tsx': 'export const main = 1;\n',
      'vite.config.ts': 'export default {};\n',
      'scripts/build.ts': 'export const build = 1;\n',
      'web/jsconfig.json': json({ compilerOptions: { checkJs: true } }),
      'web/tsconfig.json': json({ include: ['ts'] }),
      'web/ts/a.ts': 'export const a = 1;\n',
      'web/app.js': 'export const b = 1;\n',
    };
    expect(owners(files, ['src/main.tsx', 'vite.config.ts', 'scripts/build.ts', 'web/ts/a.ts', 'web/app.js'])).toEqual({
      'src/main.tsx': 'tsconfig.app.json',
      'vite.config.ts': 'tsconfig.node.json',
      // Included by no project: the nearest tsconfig.json's options.
      'scripts/build.ts': 'tsconfig.json',
      'web/ts/a.ts': 'web/tsconfig.json',
      // web/tsconfig.json leaves it out; web/jsconfig.json (no include: everything) has it.
      'web/app.js': 'web/jsconfig.json',
    });
  });

  it('gives kg\'s defaults to a file with no tsconfig.json above it', () => {
    expect(owners({ 'a/tsconfig.base.json': json({}), 'a/x.ts': 'export {};\n' }, ['a/x.ts'])).toEqual({ 'a/x.ts': null });
  });
});
