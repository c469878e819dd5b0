// `kg status --all`: every workspace indexed in KG_HOME, one line each (or `{ workspaces }` with --json), a graph that
// cannot be read as a line of its error; run as the real command (it needs `npm run build`).

import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SMALL_APP, writeWorkspace } from '../fixtures/workspace.js';
import { kgRunner } from '../support/kg-process.js';
import { tempDir } from '../support/temp.js';

const home = tempDir('kg-status-all-home-');
const kg = kgRunner(home);
const first = realpathSync(writeWorkspace(tempDir('kg-status-all-a-'), SMALL_APP));
const second = realpathSync(writeWorkspace(tempDir('kg-status-all-b-'), { 'src/only.ts': 'export const only = 1;\n' }));
const garbage = join(home, 'garbage-000000000000');
// No server of this KG_HOME runs, and none is looked for elsewhere.
const env = { KG_NO_SERVER: '1' };

beforeAll(async () => {
  for (const workspace of [first, second]) expect((await kg(['index', workspace, '--json'], { env })).code).toBe(0);
  mkdirSync(garbage);
  writeFileSync(join(garbage, 'graph.duckdb'), 'not a DuckDB file\n'.repeat(400));
});

describe('kg status --all', () => {
  it('prints { workspaces } with --json: each indexed workspace with its status, the unreadable graph with its error', async () => {
    const result = await kg(['status', '--all', '--json'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const { workspaces } = JSON.parse(result.stdout) as { workspaces: { workspace: string; status: { tables: Record<string, number> } | null; error: { code: string } | null }[] };
    const byWorkspace = new Map(workspaces.map((entry) => [entry.workspace, entry]));
    expect(workspaces).toHaveLength(3);
    expect(byWorkspace.get(first)).toMatchObject({ status: { workspace: first, tables: { files: Object.keys(SMALL_APP).length } }, error: null });
    expect(byWorkspace.get(second)).toMatchObject({ status: { workspace: second, tables: { files: 1 } }, error: null });
    expect(byWorkspace.get(garbage)).toMatchObject({ status: null, error: { code: 'io' } });
  });

  it('prints one line per workspace: root, when indexed, HEAD, files and vectors; an error in one line', async () => {
    const result = await kg(['status', '--all'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const line = (workspace: string) => lines.find((l) => l.startsWith(`${workspace} `)) ?? '';
    expect(line(first)).toMatch(new RegExp(String.raw` {2}indexed \d{4}-\d\d-\d\dT\S+ {2}no git HEAD {2}${Object.keys(SMALL_APP).length} files {2}vectors off$`));
    expect(line(second)).toMatch(/ {2}1 files {2}vectors off$/);
    expect(line(garbage)).toMatch(/ {2}error \(io\): cannot open graph .*graph\.duckdb/);
  });

  it('takes no --workspace or --db with it', async () => {
    const result = await kg(['status', '--all', '--workspace', first], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--all.*cannot be used with.*--workspace/);
  });
});
