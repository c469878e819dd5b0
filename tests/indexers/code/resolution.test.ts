import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportAttrs } from '../../../graph/records.js';
import { indexCode, type CodeIndexResult } from '../../../indexers/code/index.js';
import { compareEdges, compilerImportEdges, kgImportEdges } from '../../oracle/compiler-oracle.js';
import { RESOLUTION_FIXTURES } from '../../fixtures/resolution.js';
import { writeWorkspace } from '../../fixtures/workspace.js';
import { tempDir } from '../../support/temp.js';

const base = tempDir('kg-resolution-');

async function indexFixture(name: string, maxFileBytes?: number): Promise<{ root: string; result: CodeIndexResult }> {
  const root = writeWorkspace(join(base, name), RESOLUTION_FIXTURES[name]!);
  return { root, result: await indexCode(root, maxFileBytes === undefined ? {} : { maxFileBytes }) };
}

function edgeKeys(result: CodeIndexResult): Set<string> {
  return kgImportEdges(result.rows.edges);
}

describe('import edges agree exactly with the TypeScript compiler', () => {
  for (const name of Object.keys(RESOLUTION_FIXTURES)) {
    it(name, async () => {
      const { root, result } = await indexFixture(name, 2048);
      const indexed = new Set(result.rows.files.map((f) => f.path));
      const agreement = compareEdges(edgeKeys(result), compilerImportEdges(root, indexed));
      expect(agreement.onlyKg).toEqual([]);
      expect(agreement.onlyCompiler).toEqual([]);
      expect(agreement.both).toBeGreaterThan(0);
    });
  }
});

describe('what each resolution case yields', () => {
  it('makes an import of an existing non-code file an asset edge to it, and keeps a missing one unresolved', async () => {
    const { result } = await indexFixture('assets');
    const from = (path: string) => result.rows.edges.filter((e) => e.src === `file:${path}` && e.kind.startsWith('imports'));
    expect(from('src/app.tsx').map((e) => [e.kind, e.dst, (e.attrs as unknown as ImportAttrs).specifier])).toEqual([
      ['imports_asset', 'file:src/styles.css', './styles.css'],
      ['imports_asset', 'file:src/logo.svg', './logo.svg?url'],
      ['imports_asset', 'file:assets/font.woff2', '../assets/font.woff2'],
      ['imports_unresolved', 'unresolved:./missing.scss', './missing.scss'],
      ['imports', 'file:src/theme.ts', './theme'],
    ]);
    expect(from('src/theme.ts').map((e) => e.kind)).toEqual(['imports_asset']);
  });

  it('resolves the same alias per package with the owning tsconfig (monorepo)', async () => {
    const { result } = await indexFixture('monorepo');
    const keys = edgeKeys(result);
    expect(keys).toContain('packages/app/src/main.ts|@/helper|packages/app/src/helper.ts');
    expect(keys).toContain('packages/app/src/main.ts|@lib|packages/lib/src/index.ts');
    expect(keys).toContain('packages/lib/src/index.ts|@/math|packages/lib/src/math.ts');
    // app has no src/math.ts: its @/math is unresolved, not lib's file.
    expect(keys).toContain('packages/app/src/main.ts|@/math|unresolved');
    const owner = (path: string) => result.rows.files.find((f) => f.path === path)?.tsconfig;
    expect(owner('packages/app/src/main.ts')).toBe('packages/app/tsconfig.json');
    expect(owner('packages/lib/src/math.ts')).toBe('packages/lib/tsconfig.json');
    expect(result.tsconfigs).toEqual(['packages/app/tsconfig.json', 'packages/lib/tsconfig.json', 'tsconfig.base.json', 'tsconfig.json']);
  });

  it('maps .js/.mjs/.cjs specifiers to .ts/.mts/.cts sources under NodeNext', async () => {
    const keys = edgeKeys((await indexFixture('esm-js-suffix')).result);
    expect(keys).toContain('src/a.ts|./b.js|src/b.ts');
    expect(keys).toContain('src/a.ts|./c.mjs|src/c.mts');
    expect(keys).toContain('src/a.ts|./d.cjs|src/d.cts');
    expect(keys).toContain('src/d.cts|./e.cjs|src/e.cts');
    expect(keys).toContain('src/a.ts|./missing.js|unresolved');
    // ESM needs the full path: a bare directory import does not resolve under NodeNext in an ESM file.
    expect(keys).toContain('src/dir-user.ts|./dir/index.js|src/dir/index.ts');
    expect(keys).toContain('src/dir-user.ts|./dir|unresolved');
  });

  it('resolves .json imports to JSON file nodes', async () => {
    const { result } = await indexFixture('json');
    expect(edgeKeys(result)).toContain('src/read.ts|./config.json|src/config.json');
    expect(result.rows.files.find((f) => f.path === 'src/config.json')?.language).toBe('json');
  });

  it('follows barrels: export *, export * as ns, named and type re-exports, index files', async () => {
    const { result } = await indexFixture('barrels');
    const reExports = result.rows.edges
      .filter((e) => e.kind === 'imports' && e.src === 'file:src/index.ts')
      .map((e) => [e.dst, e.attrs?.re_export, e.attrs?.type_only]);
    expect(reExports).toEqual([
      ['file:src/core/index.ts', true, false],
      ['file:src/utils.ts', true, false],
      ['file:src/helpers/helper.ts', true, false],
      ['file:src/types.ts', true, true],
    ]);
    expect(edgeKeys(result)).toContain('src/consumer.ts|.|src/index.ts');
  });

  it('resolves .ts and .tsx specifiers with allowImportingTsExtensions', async () => {
    const keys = edgeKeys((await indexFixture('ts-extensions')).result);
    expect(keys).toContain('src/main.ts|./x.ts|src/x.ts');
    expect(keys).toContain('src/main.ts|./view.tsx|src/view.tsx');
  });

  it('honours package exports conditions, #imports and self-references', async () => {
    const { result } = await indexFixture('package-exports');
    const keys = edgeKeys(result);
    expect(keys).toContain('src/index.ts|#internal/secret|src/internal/secret.ts');
    expect(keys).toContain('src/feature.ts|pkgx|src/index.ts');
    expect(keys).toContain('src/index.ts|dep|external');
    expect(keys).toContain('src/index.ts|dep/sub|external');
    // Not exported by dep's package.json: the compiler refuses it.
    expect(keys).toContain('src/index.ts|dep/hidden|unresolved');
    expect(result.rows.packages.map((p) => p.name)).toEqual(['dep']);
  });

  it('indexes a file with a syntax error as far as it parses, with a diagnostic', async () => {
    const { result } = await indexFixture('syntax-error');
    const broken = result.rows.files.find((f) => f.path === 'src/broken.ts')!;
    expect(broken.parseErrors).toBeGreaterThan(0);
    expect(edgeKeys(result)).toContain('src/broken.ts|./a|src/a.ts');
    expect(result.rows.diagnostics.some((d) => d.file === 'src/broken.ts' && d.kind === 'syntax' && d.line === 2)).toBe(true);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'syntax_error', path: 'src/broken.ts' }));
  });

  it('records every import form with its attributes', async () => {
    const { result } = await indexFixture('import-forms');
    const from = (path: string) =>
      result.rows.edges
        .filter((e) => e.src === `file:${path}` && e.kind.startsWith('imports'))
        .map((e) => ({ kind: e.kind, dst: e.dst, ...(e.attrs as unknown as ImportAttrs) }));
    const main = from('src/main.ts');
    const find = (specifier: string, form: string) => main.find((e) => e.specifier === specifier && e.form === form);
    expect(find('./globals.d.ts', 'reference_path')).toMatchObject({ kind: 'imports', dst: 'file:src/globals.d.ts', type_only: true, line: 1 });
    expect(find('fake-types', 'reference_types')).toMatchObject({ kind: 'imports_package', dst: 'pkg:fake-types', resolved: true });
    expect(find('nowhere', 'reference_types')).toMatchObject({ kind: 'imports_package', resolved: false });
    expect(find('./config', 'import')).toMatchObject({ kind: 'imports', type_only: true, line: 4 });
    expect(find('fs', 'import_equals')).toMatchObject({ kind: 'imports_package', dst: 'pkg:fs', resolved: false });
    expect(find('./legacy', 'require')).toMatchObject({ kind: 'imports', dst: 'file:src/legacy.js', dynamic: false, line: 7 });
    expect(find('./lazy', 'import_type')).toMatchObject({ kind: 'imports', type_only: true, line: 8 });
    expect(find('./lazy', 'dynamic')).toMatchObject({ kind: 'imports', dynamic: true, line: 9 });
    expect(find('./nope', 'import')).toMatchObject({ kind: 'imports_unresolved', dst: 'unresolved:./nope' });
    expect(find('./config', 'export')).toMatchObject({ re_export: true, type_only: false });
    const legacy = from('src/legacy.js');
    expect(legacy.map((e) => e.form).sort()).toEqual(['import_type', 'jsdoc_import', 'require']);
  });

  it('skips and reports large and binary files and build output, honours .gitignore, and gives a file no project includes the nearest tsconfig.json', async () => {
    const { result } = await indexFixture('discovery', 2048);
    const paths = result.rows.files.map((f) => f.path);
    expect(paths).not.toContain('generated/out.ts');
    expect(paths).toContain('scripts/tool.ts');
    expect(result.skipped).toEqual([
      { path: 'coverage', reason: 'build_output' },
      { path: 'dist', reason: 'build_output' },
      { path: 'src/big.ts', reason: 'too_large', size: expect.any(Number) },
      { path: 'src/blob.ts', reason: 'binary', size: expect.any(Number) },
    ]);
    // A folder named build is source unless it sits beside a package.json or tsconfig.json.
    expect(paths).toContain('src/build/steps.ts');
    expect(result.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['skipped_too_large', 'skipped_binary']));
    // As the editor does: the nearest tsconfig.json up its path gives its options, though its include leaves it out.
    expect(result.rows.files.find((f) => f.path === 'scripts/tool.ts')?.tsconfig).toBe('tsconfig.json');
    const keys = edgeKeys(result);
    expect(keys).toContain('scripts/tool.ts|../src/app|src/app.ts');
    // The ignored file is still a resolution target on disk: the edge is kept, the file is not indexed.
    expect(keys).toContain('scripts/tool.ts|../generated/out|generated/out.ts');
  });
});
