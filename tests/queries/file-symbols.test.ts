// file_symbols over a real index of a small workspace: what a file defines and exports, in source order, with its
// signature and doc; an unknown file is unknown_file.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KgError } from '../../graph/errors.js';
import { GraphStore } from '../../graph/store.js';
import { indexWorkspaceInto } from '../../indexers/index.js';
import { runQuery, type FreshnessProbe, type QueryContext } from '../../queries/index.js';
import { writeWorkspace } from '../fixtures/workspace.js';
import { tempDir } from '../support/temp.js';

const unchangedDisk: FreshnessProbe = { gitHead: () => null, changedFiles: () => [] };
let store: GraphStore;
let context: QueryContext;

beforeAll(async () => {
  const root = writeWorkspace(tempDir(), {
    'package.json': JSON.stringify({ type: 'module' }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }),
    'src/retry.ts': [
      '/** How long to wait before the next attempt. */',
      'export function retryDelay(attempt: number): number {',
      '  return 100 * attempt;',
      '}',
      'const hidden = 1;',
      'export class Backoff {}',
      'export const MAX_ATTEMPTS = 5 + hidden;',
      '',
    ].join('\n'),
    'src/client.ts': "import { retryDelay } from './retry.js';\nexport const first = retryDelay(1);\n",
  });
  store = await GraphStore.open({ path: join(tempDir(), 'graph.duckdb') });
  await indexWorkspaceInto(store, root, {});
  context = { reader: store, root, probe: unchangedDisk };
});
afterAll(() => store.close());

describe('file_symbols', () => {
  it("lists a file's exported symbols in source order, with kind, line, signature and doc", async () => {
    const answer = await runQuery(context, { kind: 'file_symbols', file: 'src/retry.ts' });
    expect(answer.file).toBe('src/retry.ts');
    expect(answer.items.map((s) => [s.name, s.kind, s.line])).toEqual([
      ['retryDelay', 'function', 2],
      ['Backoff', 'class', 6],
      ['MAX_ATTEMPTS', 'variable', 7],
    ]);
    expect(answer.items[0]!.signature).toContain('attempt: number');
    expect(answer.items[0]!.doc).toContain('How long to wait');
    expect(answer.total).toBe(3);
    expect(answer.text).toContain('3 exported symbol(s) in src/retry.ts');
  });

  it('cuts at the limit and says so; an unknown file is unknown_file', async () => {
    const cut = await runQuery(context, { kind: 'file_symbols', file: 'src/retry.ts', limit: 1 });
    expect(cut.items.map((s) => s.name)).toEqual(['retryDelay']);
    expect(cut).toMatchObject({ total: 3, truncated: true });
    await expect(runQuery(context, { kind: 'file_symbols', file: 'src/nope.ts' })).rejects.toSatisfy((e) => e instanceof KgError && e.code === 'unknown_file');
  });
});
