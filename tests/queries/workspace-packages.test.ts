// Workspace packages linked: a package node that names a package of this monorepo (package.json `workspaces`, or
// pnpm-workspace.yaml) links to the package's entry files mapped to their sources, so importers and impact of those
// sources include the package's consumers, marked with the package; the compiler's own edges stay as they are.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImpactAnswer } from '../../queries/impact.js';
import type { ImportersAnswer } from '../../queries/importers.js';
import { indexWorkspace, openGraph } from '../../src/api.js';
import { indexCode } from '../../indexers/code/index.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

function monorepo(manifest: Record<string, string>): Record<string, string> {
  return {
    ...manifest,
    'tsconfig.json': json({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', strict: true }, include: ['packages'] }),
    'packages/lib/package.json': json({ name: '@acme/lib', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } } }),
    'packages/lib/src/index.ts': "export * from './x';\n",
    'packages/lib/src/x.ts': 'export const x = 1;\n',
    'packages/app/package.json': json({ name: '@acme/app', main: 'src/main.ts' }),
    'packages/app/src/main.ts': "import { x } from '@acme/lib';\nexport const main = x;\n",
    'packages/app/src/other.ts': "import { main } from './main';\nexport const other = main;\n",
    // Built from lib-src to build, as its own tsconfig says (no src/ layout to guess from).
    'packages/odd/package.json': json({ name: '@acme/odd', main: 'build/entry.js', types: 'build/entry.d.ts' }),
    'packages/odd/tsconfig.json': json({ compilerOptions: { outDir: 'build', rootDir: 'lib-src', module: 'esnext', moduleResolution: 'bundler' }, include: ['lib-src'] }),
    'packages/odd/lib-src/entry.ts': 'export const odd = 1;\n',
    'packages/tools/package.json': json({ name: '@acme/tools' }),
    'packages/tools/index.ts': "import { main } from '@acme/app';\nexport const tool = main;\n",
  };
}

async function graphOf(files: Record<string, string>) {
  const root = writeWorkspace(tempDir('kg-wspkg-'), files);
  const db = join(tempDir('kg-wspkg-db-'), 'graph.duckdb');
  await indexWorkspace(root, { db, dataDir: join(root, 'no-data') });
  return { root, graph: await openGraph({ workspace: root, db }) };
}

describe('workspace packages', () => {
  it('links each package node to its entry files, mapped to sources by its tsconfig or its src layout, and leaves the compiler\'s edges as they are', async () => {
    const root = writeWorkspace(tempDir('kg-wspkg-'), monorepo({ 'package.json': json({ name: 'acme', workspaces: ['packages/*'] }) }));
    const { rows } = await indexCode(root);
    expect(rows.edges.filter((e) => e.kind === 'workspace_package').map((e) => [e.src, e.dst])).toEqual([
      ['pkg:@acme/app', 'file:packages/app/src/main.ts'],
      ['pkg:@acme/lib', 'file:packages/lib/src/index.ts'],
      ['pkg:@acme/odd', 'file:packages/odd/lib-src/entry.ts'],
      ['pkg:@acme/tools', 'file:packages/tools/index.ts'],
    ]);
    // The import of the package is still the compiler's: a package edge (not installed, so not resolved).
    expect(rows.edges.find((e) => e.src === 'file:packages/app/src/main.ts' && e.kind.startsWith('imports'))).toMatchObject({ kind: 'imports_package', dst: 'pkg:@acme/lib' });
  });

  it('gives importers and impact of a package\'s sources its consumers in the repository, through the package (pnpm-workspace.yaml too)', async () => {
    const manifests: Record<string, string>[] = [
      { 'package.json': json({ name: 'acme', workspaces: { packages: ['packages/**'] } }) },
      { 'package.json': json({ name: 'acme' }), 'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - '!packages/none'\n" },
    ];
    for (const manifest of manifests) {
      const { graph } = await graphOf(monorepo(manifest));
      try {
        const entry = (await graph.query({ kind: 'importers', file: 'packages/lib/src/index.ts' })) as ImportersAnswer;
        expect(entry.items.map((i) => [i.path, i.package ?? null])).toEqual([['packages/app/src/main.ts', '@acme/lib']]);
        expect(entry.text).toContain('packages/app/src/main.ts (through package @acme/lib)');
        // Behind the entry's barrel too.
        const inner = (await graph.query({ kind: 'importers', file: 'packages/lib/src/x.ts' })) as ImportersAnswer;
        expect(inner.items.map((i) => [i.path, i.package ?? null])).toEqual([
          ['packages/lib/src/index.ts', null],
          ['packages/app/src/main.ts', '@acme/lib'],
        ]);
        const impact = (await graph.query({ kind: 'impact', files: ['packages/lib/src/x.ts'] })) as ImpactAnswer;
        expect(impact.items.map((i) => [i.path, i.package ?? null])).toEqual([
          ['packages/app/src/main.ts', '@acme/lib'],
          ['packages/lib/src/index.ts', null],
          ['packages/tools/index.ts', '@acme/app'],
          ['packages/app/src/other.ts', null],
        ]);
        expect(impact.text).toContain('through workspace packages');
        // A kept-open graph (kg serve) answers from its in-memory snapshot: the same answers.
        const kept = await openGraph({ workspace: graph.workspace, db: graph.db, writable: true, cacheAnswers: true });
        try {
          for (const intent of [{ kind: 'importers', file: 'packages/lib/src/x.ts' }, { kind: 'impact', files: ['packages/lib/src/x.ts'] }] as const) {
            expect({ ...(await kept.query(intent)), freshness: null }).toEqual({ ...(await graph.query(intent)), freshness: null });
          }
        } finally {
          kept.close();
        }
      } finally {
        graph.close();
      }
    }
  });
});
