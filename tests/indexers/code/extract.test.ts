// First: it points KG_HOME at a fresh folder before the compiler loads (./index-parse.ts).
import { indexCompiler, loadedCompilerKind, parseForFacts, parseHome, readFacts, TRIM_FAILED, TRIMMED } from './index-parse.js';
import { describe, expect, it } from 'vitest';
// ts-morph's whole compiler is only the oracle here (lines and token starts); what extraction reads is parsed as the
// index parses it.
import { ts } from 'ts-morph';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFacts, linesOf } from '../../../indexers/code/extract.js';
import { isTestPath } from '../../../indexers/code/rows.js';

/** The facts the index records of `text` as the file `name`: its parse (an outline where it has one), then extraction. */
const facts = (text: string, name = 'file.ts') =>
  readFacts({ abs: join('/workspace', name), path: name }, text, name.endsWith('.js'), undefined).facts;

describe('the parse extraction reads', () => {
  it('is the trimmed compiler the index loads, made in a fresh kg home, with no fallback', () => {
    const { source } = readFacts({ abs: '/workspace/file.ts', path: 'file.ts' }, 'export function f() {}', false, undefined);
    expect(loadedCompilerKind()).toBe('trimmed');
    expect(existsSync(join(parseHome, 'cache', TRIMMED))).toBe(true);
    expect(existsSync(join(parseHome, 'cache', TRIM_FAILED))).toBe(false);
    // Its nodes have none of the language service's methods (the whole compiler's do).
    expect('getStart' in source.statements[0]!).toBe(false);
    expect('getStart' in ts.createSourceFile('file.ts', 'export function f() {}', ts.ScriptTarget.Latest).statements[0]!).toBe(true);
  });
});

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
    expect(symbols.map(({ signature: _signature, doc: _doc, ...symbol }) => symbol)).toEqual([
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

describe('signatures and doc comments of exported symbols', () => {
  const text = [
    "import { a } from './a';",
    '',
    '/**',
    ' * Opens the store at `path`, creating it when {@link Options.create} is set.',
    ' *   See {@link https://example.com | the guide}.',
    ' *',
    ' * @param path where the file is',
    ' * @example',
    ' * const store = open("x");',
    ' */',
    'export function open(path: string, options?: Options): Store {',
    '  /** not a declaration of this file */',
    '  return new Store(path);',
    '}',
    '',
    '/** A store. */',
    '// eslint-disable-next-line',
    '@sealed',
    'export class Store {}',
    '// A line comment is not a doc comment.',
    'export const a1 = 1, b1 = 2;',
    '/**/',
    'export interface Options {',
    '  create?: boolean;',
    '}',
    '/** @deprecated only tags */',
    'export type Id =',
    '  | string',
    '  | number;',
    '/** The local one. */',
    'function local(): void {}',
    '/** Exported by default. */',
    'export default local;',
    'export { local as renamed, a };',
  ].join('\n');

  it('reads the first line as written and the JSDoc text without tags, markers or links', () => {
    const bySymbol = Object.fromEntries(facts(text).symbols.map((s) => [s.name, { signature: s.signature, doc: s.doc }]));
    expect(bySymbol).toEqual({
      open: {
        signature: 'export function open(path: string, options?: Options): Store',
        doc: 'Opens the store at `path`, creating it when Options.create is set. See the guide.',
      },
      Store: { signature: 'export class Store {}', doc: 'A store.' },
      a1: { signature: 'export const a1 = 1, b1 = 2;', doc: null },
      b1: { signature: 'export const a1 = 1, b1 = 2;', doc: null },
      Options: { signature: 'export interface Options', doc: null },
      Id: { signature: 'export type Id =', doc: null },
      default: { signature: 'export default local;', doc: 'Exported by default.' },
      // An export list entry has its local declaration's line and doc; an imported name has neither.
      renamed: { signature: 'function local(): void {}', doc: 'The local one.' },
      a: { signature: null, doc: null },
    });
  });

  it('reads the same from the whole file, from JavaScript, and from CRLF text', () => {
    const expected = facts(text).symbols;
    expect(facts(text, 'file.js').symbols).toEqual(expected);
    expect(facts(text.replace(/\n/g, '\r\n')).symbols).toEqual(expected);
    const { source, origin } = parseForFacts({ abs: '/workspace/file.ts', path: 'file.ts' }, text, false, undefined, false);
    expect(origin).toBeUndefined();
    expect(extractFacts(source, false).symbols).toEqual(expected);
  });

  it("takes an overload's description from the implementation, and leaves out code, HTML and images", () => {
    const [concat] = facts(
      [
        '/** @deprecated Pass an array. */',
        'export function concat<T>(inputs: T[]): T[];',
        '/**',
        ' * Joins the inputs <span class="informal">one after the other</span>.',
        ' * ![](concat.png)',
        ' * ```ts',
        ' * concat([a, b]);',
        ' * ```',
        ' * Completes when the last one does.',
        ' */',
        'export function concat(...args: unknown[]): unknown[] {}',
      ].join('\n'),
    ).symbols;
    expect(concat).toEqual({
      name: 'concat',
      kind: 'function',
      line: 2,
      signature: 'export function concat<T>(inputs: T[]): T[];',
      doc: 'Joins the inputs one after the other. Completes when the last one does.',
    });
  });

  it('caps a long signature and a long doc at a word', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const params = Array.from({ length: 60 }, (_, i) => `p${i}: number`).join(', ');
    const [symbol] = facts(`/** ${words} */\nexport function f(${params}) {}`).symbols;
    expect(symbol!.signature!.length).toBeLessThanOrEqual(200);
    expect(symbol!.signature).toMatch(/^export function f\(p0: number, p1: number/);
    expect(symbol!.doc!.length).toBeLessThanOrEqual(500);
    expect(symbol!.doc).toMatch(/^word0 word1 .* word\d+$/);
  });
});

describe('the leading comment of a file', () => {
  const doc = (text: string, name = 'file.ts') => facts(text, name).doc;

  it('is the first comment block before the first statement', () => {
    expect(doc('// Opens the store.\n// Second line.\n\nimport { a } from "./a";\nexport const b = a;')).toBe('Opens the store. Second line.');
    expect(doc('/*\n * The router.\n * It routes.\n */\nimport { a } from "./a";')).toBe('The router. It routes.');
    expect(doc('/**\n * @packageDocumentation\n * The public API.\n * @since 2.0.0\n */\n\nexport const x = 1;')).toBe('The public API.');
    expect(doc('#!/usr/bin/env node\n// The command line.\n\nmain();', 'bin.js')).toBe('The command line.');
  });

  it('skips license headers and pragmas, and takes the comment after them', () => {
    const license = '/*\n * Copyright (c) 2024 Someone\n */\n';
    expect(doc(`${license}// What this file does.\n\nexport const x = 1;`)).toBe('What this file does.');
    expect(doc('// Licensed under the MIT License.\n\nexport const x = 1;')).toBeNull();
    expect(doc('/* eslint-disable no-console */\n/// <reference types="node" />\n// @ts-check\n\n// The real one.\n\nrun();')).toBe('The real one.');
    expect(doc('// The one with a directive under it.\n/// <reference lib="dom" />\n\nrun();')).toBe('The one with a directive under it.');
    expect(doc('/** prettier */\nimport { a } from "./a";')).toBeNull();
  });

  it("is the first declaration's comment, not the file's, when it sits right above it", () => {
    const { doc: fileDoc, symbols } = facts('/** Opens things. */\nexport function open() {}');
    expect(fileDoc).toBeNull();
    expect(symbols[0]!.doc).toBe('Opens things.');
    // With a blank line between, it is the file's, and the declaration has none.
    const apart = facts('/** The module. */\n\nexport function open() {}');
    expect(apart.doc).toBe('The module.');
    expect(apart.symbols[0]!.doc).toBeNull();
    // Above an import, it is the file's.
    expect(doc('// The module.\nimport { a } from "./a";')).toBe('The module.');
  });

  it('is null without a comment, and for a file of statements only', () => {
    expect(doc('export const x = 1; // trailing')).toBeNull();
    expect(doc('')).toBeNull();
    expect(doc('// only a comment')).toBe('only a comment');
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
    // The whole file's parse, as the index parses a file it has no outline of; the whole compiler's parse of the same
    // text, walked alongside, gives each node's getStart.
    const { source: file } = parseForFacts({ abs: '/workspace/file.ts', path: 'file.ts' }, text, false, undefined, false);
    const oracle = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
    const lines = linesOf(file, false);
    const tsc = indexCompiler();
    const mismatches: string[] = [];
    const unlike: string[] = [];
    const visit = (node: ts.Node, twin: ts.Node): void => {
      if (node.kind !== twin.kind || node.pos !== twin.pos || node.end !== twin.end) {
        unlike.push(`${ts.SyntaxKind[node.kind]} at ${node.pos}: ${ts.SyntaxKind[twin.kind]} at ${twin.pos}`);
        return;
      }
      const expected = oracle.getLineAndCharacterOfPosition(twin.getStart(oracle)).line + 1;
      if (lines.start(node) !== expected) mismatches.push(`${ts.SyntaxKind[node.kind]} at ${node.pos}`);
      const children: ts.Node[] = [];
      const twins: ts.Node[] = [];
      tsc.forEachChild(node, (child) => void children.push(child));
      ts.forEachChild(twin, (child) => void twins.push(child));
      if (children.length !== twins.length) unlike.push(`${ts.SyntaxKind[node.kind]} at ${node.pos}: ${children.length} children, ${twins.length}`);
      else children.forEach((child, i) => visit(child, twins[i]!));
    };
    visit(file, oracle);
    expect(unlike).toEqual([]);
    expect(mismatches).toEqual([]);
  });
});
