import { describe, expect, it } from 'vitest';
import { ts } from 'ts-morph';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFacts, linesOf } from '../../../indexers/code/extract.js';
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

describe('lines', () => {
  // kg counts lines itself where it can; every line break the compiler knows must give the compiler's line.
  const lines = ['import a from "./a";', '', 'export const x = 1;', 'const y = import("./b");', 'export function f() {}'];
  const compilerLines = (text: string) => {
    const file = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
    return ['"./a"', '"./b"', 'x =', 'f()'].map((needle) => file.getLineAndCharacterOfPosition(text.indexOf(needle)).line + 1);
  };

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
  ])('gives the compiler’s lines with %s line breaks', (_name, lineBreak) => {
    const text = lines.join(lineBreak);
    const { imports, symbols } = facts(text);
    const expected = compilerLines(text);
    expect([imports[0]!.line, imports[1]!.line, symbols[0]!.line, symbols[1]!.line]).toEqual(expected);
    expect(expected).toEqual([1, 4, 3, 5]);
  });
});

describe('line of a node', () => {
  // Every node of real, commented sources, and of texts with every kind of trivia: kg's line of a node's first token
  // is the compiler's (node.getStart) in LF and CRLF text alike.
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
  const sources = ['indexers/code/extract.ts', 'src/api.ts', 'graph/store.ts', 'queries/answer.ts'].map((path) =>
    readFileSync(join(root, path), 'utf8'),
  );
  const tricky = [
    '#!/usr/bin/env node\n// a\nexport const a = 1;',
    '\uFEFFexport const bom = 1;',
    '/** doc\n * more */\n\n  /* x */ export function f() {}\n// trailing',
    'export const s = "/* not a comment */"; // c\n/**/export const t = 1;',
    '\u00A0export const nbsp = 1;',
    '<<<<<<< HEAD\nexport const x = 1;\n=======\nexport const x = 2;\n>>>>>>> b\n',
    'export const broken = (;\nexport function',
    'const a = 1 /* unterminated',
  ];

  it.each([...sources, ...tricky].flatMap((text, i) => [
    [`text ${i} LF`, text],
    [`text ${i} CRLF`, text.replace(/\n/g, '\r\n')],
  ]))('%s', (_name, text) => {
    const file = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
    const lines = linesOf(file, false);
    const mismatches: string[] = [];
    const visit = (node: ts.Node): void => {
      const expected = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      if (lines.start(node) !== expected) mismatches.push(`${ts.SyntaxKind[node.kind]} at ${node.pos}`);
      ts.forEachChild(node, visit);
    };
    visit(file);
    expect(mismatches).toEqual([]);
  });
});
