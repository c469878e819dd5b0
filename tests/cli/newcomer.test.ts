// Trying kg on another repository as a new user would: what `kg index` says about how it resolved the workspace,
// warnings that name their path once, a graph written with --db found again, limits said with their range, and a
// folder argument for importers, dependencies and impact.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const json = (value: unknown) => `${JSON.stringify(value)}\n`;
const home = tempDir('kg-home-');
const kg = kgRunner(home);
const env = { KG_NO_SERVER: '1', WORKRAIL_DATA_DIR: join(home, 'no-data') };
let root: string;

beforeAll(() => {
  root = writeWorkspace(tempDir('kg-newcomer-'), {
    'tsconfig.json': json({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', paths: { '@lib/*': ['./packages/lib/src/*'] } }, include: ['packages'] }),
    'packages/tsconfig.base.json': json({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }),
    'packages/app/tsconfig.json': json({ extends: '../../tsconfig.json', include: ['src'] }),
    'packages/broken/tsconfig.json': json({ extends: './missing-base.json' }),
    'packages/lib/src/x.ts': 'export const x = 1;\n',
    'packages/app/src/main.ts': "import { x } from '@lib/x';\nimport './styles.css';\nexport const y = x;\n",
    'packages/app/src/styles.css': 'body {}\n',
    'packages/app/tests/a.test.ts': "import { x } from '@lib/x';\nimport './gone';\nimport 'left-pad';\nconsole.log(x);\n",
    'scripts/build.ts': 'export const build = 1;\n',
  });
});

describe('the newcomer\'s path', () => {
  it('kg index says which tsconfigs resolved how many files, what no project includes, the unresolved imports and the edges', async () => {
    const { code, stdout, stderr } = await kg(['index', root], { env });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('tsconfigs: 4 read; files resolved with tsconfig.json 3, packages/app/tsconfig.json 1');
    expect(stdout).toContain("in no project: 1 file(s) took the nearest tsconfig.json's options, 0 kg's defaults");
    expect(stdout).toContain('unresolved imports: 1 name no file, 1 name a package that is not installed; e.g. packages/app/tests/a.test.ts:2 ./gone, packages/app/tests/a.test.ts:3 left-pad');
    expect(stdout).toMatch(/edges: .*\b1 imports_asset\b/);
    // The warning names its path once.
    const warning = stderr.split('\n').find((line) => line.includes('packages/broken/tsconfig.json'))!;
    expect(warning.split('packages/broken/tsconfig.json')).toHaveLength(2);
    const report = JSON.parse((await kg(['index', root, '--json'], { env })).stdout);
    expect(report.resolution).toMatchObject({ filesBySource: { project: 3, nearest_tsconfig: 1, defaults: 0 }, unresolved: { missingFile: 1, packageNotFound: 1 } });
  });

  it('takes a folder for importers, dependencies and impact', async () => {
    const importers = await kg(['query', 'importers', 'packages/lib/src', '-w', root, '--json'], { env });
    expect(JSON.parse(importers.stdout).items.map((i: { path: string }) => i.path)).toEqual(['packages/app/src/main.ts', 'packages/app/tests/a.test.ts']);
    const dependencies = await kg(['query', 'dependencies', 'packages/app', '-w', root], { env });
    expect(dependencies.stdout).toMatch(/^the 3 file\(s\) under packages\/app\/ import 1 workspace file\(s\) outside it/);
    expect(dependencies.stdout).toContain('assets: packages/app/src/styles.css');
    const impact = await kg(['query', 'impact', 'packages/lib', '-w', root, '--json'], { env });
    expect(JSON.parse(impact.stdout).items.map((i: { path: string }) => i.path)).toEqual(['packages/app/src/main.ts', 'packages/app/tests/a.test.ts']);
  });

  it('says the limits with their range, in one kg: line, and in --help', async () => {
    for (const value of ['2000', 'abc', '0']) {
      const { code, stderr } = await kg(['query', 'hotspots', '--limit', value, '-w', root], { env });
      expect(code).toBe(2);
      expect(stderr).toBe(`kg: option '--limit <n>' argument '${value}' is invalid: expected a whole number from 1 to 1000. (run kg --help for usage)\n`);
    }
    expect((await kg(['query', '--help'], { env })).stdout).toMatch(/--limit <n> +most items to return, 1 to 1000/);
    const depth = await kg(['query', 'importers', 'packages/lib/src/x.ts', '--depth', '500', '-w', root], { env });
    expect(depth.stderr).toBe("kg: option '--depth <n>' argument '500' is invalid: expected a whole number from 1 to 100. (run kg --help for usage)\n");
    const budget = await kg(['enrich', '--goal', 'x', '--budget-tokens', '2000000', '-w', root], { env });
    expect(budget.stderr).toMatch(/^kg: option '--budget-tokens <n>' argument '2000000' is invalid: expected a whole number from 1 to 1000000\./);
  });

  it('after kg index --db, says where the graph is when a command finds none', async () => {
    const other = writeWorkspace(tempDir('kg-newcomer-db-'), { 'src/a.ts': 'export const a = 1;\n' });
    const db = join(tempDir('kg-newcomer-graphs-'), 'g.duckdb');
    expect((await kg(['index', other, '--db', db], { env })).code).toBe(0);
    const here = await kg(['status'], { env, cwd: other });
    expect(here.code).toBe(1);
    expect(here.stderr).toBe(`kg: no graph for ${other} in KG_HOME, but \`kg index --db\` wrote one to ${db}: add --db ${db}\n`);
    const named = await kg(['query', 'hotspots', '-w', other], { env });
    expect(named.stderr).toMatch(new RegExp(`^kg: no graph at .*; \`kg index --db\` wrote a graph of ${other} to ${db}: add --db ${db}\\n$`));
    expect((await kg(['status', '--db', db], { env, cwd: other })).code).toBe(0);
    mkdirSync(join(other, 'sub'));
    expect((await kg(['status'], { env, cwd: join(other, 'sub') })).stderr).toContain(`add --db ${db}`);
  });
});
