import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { extractFacts } from '../../../indexers/code/extract.js';
import { isTestPath } from '../../../indexers/code/rows.js';

const facts = (text: string, name = 'file.ts') =>
  extractFacts(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true), name.endsWith('.js'));

describe('exported symbols', () => {
  it('lists each exported declaration once, with its kind and line', () => {
    const { symbols } = facts(
      [
        'export function open() {}',
        'export function open(x?: number) {}',
        'export class Store {}',
        'export interface Options {}',
        'export type Id = string;',
        'export enum Mode { A }',
        'export namespace Ns {}',
        'export const a = 1, { b, c: [d] } = { b: 2, c: [3] };',
        'const hidden = 1;',
        'function local() {}',
        'export { local, hidden as renamed };',
        'export default class {}',
      ].join('\n'),
    );
    expect(symbols).toEqual([
      { name: 'open', kind: 'function', line: 1 },
      { name: 'Store', kind: 'class', line: 3 },
      { name: 'Options', kind: 'interface', line: 4 },
      { name: 'Id', kind: 'type', line: 5 },
      { name: 'Mode', kind: 'enum', line: 6 },
      { name: 'Ns', kind: 'namespace', line: 7 },
      { name: 'a', kind: 'variable', line: 8 },
      { name: 'b', kind: 'variable', line: 8 },
      { name: 'd', kind: 'variable', line: 8 },
      { name: 'local', kind: 'function', line: 11 },
      { name: 'renamed', kind: 'variable', line: 11 },
      { name: 'default', kind: 'class', line: 12 },
    ]);
  });

  it("does not count re-exports from other modules as this file's symbols", () => {
    expect(facts("export { x } from './x';\nexport * from './y';").symbols).toEqual([]);
  });
});

describe('CLI commands and routes', () => {
  it('finds commander commands with chained or inline descriptions', () => {
    const { cliCommands } = facts(
      [
        "program.command('index [dir]').description('index a workspace').action(run);",
        "program.command('query <kind> [args...]', 'ask the graph');",
        "program.command(name);",
      ].join('\n'),
    );
    expect(cliCommands).toEqual([
      { name: 'index', spec: 'index [dir]', description: 'index a workspace', line: 1 },
      { name: 'query', spec: 'query <kind> [args...]', description: 'ask the graph', line: 2 },
    ]);
  });

  it('finds hono/express routes but not map lookups', () => {
    const { routes } = facts(
      ["app.get('/v1/health', (c) => c.json({}));", "router.post('/items/:id', handler);", "cache.get('/not-a-route');", "app.get(path, h);"].join('\n'),
    );
    expect(routes).toEqual([
      { method: 'GET', path: '/v1/health', line: 1 },
      { method: 'POST', path: '/items/:id', line: 2 },
    ]);
  });
});

describe('test files', () => {
  it('recognises test files by name and folder', () => {
    expect(['a.test.ts', 'src/b.spec.tsx', 'tests/c.ts', 'src/__tests__/d.js', 'test/e.mjs'].every(isTestPath)).toBe(true);
    expect(['src/testing.ts', 'src/contest/a.ts', 'src/latest.ts'].some(isTestPath)).toBe(false);
  });
});
