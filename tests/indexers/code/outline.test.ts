// First: it points KG_HOME at a fresh folder before the compiler loads, so the parses below are the trimmed compiler's.
import { indexCompiler, loadedCompilerKind, parseForFacts } from './index-parse.js';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ts } from 'ts-morph';
import { extractFacts } from '../../../indexers/code/extract.js';
import { outline } from '../../../indexers/code/outline.js';
import { resolutionModeOf } from '../../../indexers/code/resolve.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Options under which the resolution mode depends on the import's syntax (require, import(), import type, attributes).
const NODE_NEXT: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };

/** What kg records of a file, read from the outline's parse or from the whole file's. */
function recorded(path: string, text: string, useOutline: boolean, format: ts.ResolutionMode = ts.ModuleKind.ESNext) {
  const { source, origin } = parseForFacts({ abs: join('/workspace', path), path }, text, false, format, useOutline);
  const facts = extractFacts(source, false, origin);
  return {
    outlined: origin !== undefined,
    isModule: indexCompiler().isExternalModule(source),
    imports: facts.imports.map(({ literal: _literal, reference: _reference, ...plain }, i) => ({
      ...plain,
      mode: resolutionModeOf(source, facts.imports[i]!, NODE_NEXT) ?? null,
    })),
    doc: facts.doc,
    symbols: facts.symbols,
    cliCommands: facts.cliCommands,
    routes: facts.routes,
    syntaxErrors: facts.syntaxErrors,
    syntaxErrorCount: facts.syntaxErrorCount,
  };
}

function expectSameAsWholeFile(path: string, text: string, format?: ts.ResolutionMode): boolean {
  const viaOutline = recorded(path, text, true, format);
  const { outlined, ...fromOutline } = viaOutline;
  const { outlined: _whole, ...fromWhole } = recorded(path, text, false, format);
  expect(fromOutline, path).toEqual(fromWhole);
  return outlined;
}

function typeScriptFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.')) typeScriptFiles(path, out);
    } else if (/\.[cm]?ts$/.test(entry.name) && statSync(path).size < 4_000_000) {
      out.push(path);
    }
  }
  return out;
}

describe('outline', () => {
  it('records the same imports, modes, symbols, commands and routes as the whole file, on real code', () => {
    // kg's own sources and the Node.js type declarations (ambient modules, namespaces, overloads, triple-slash
    // references): a few hundred files nobody wrote for this test.
    const files = [
      ...['graph', 'indexers', 'queries', 'src', 'bench', 'tests'].flatMap((dir) => typeScriptFiles(join(REPO, dir))),
      ...typeScriptFiles(join(REPO, 'node_modules', '@types', 'node')),
      ...typeScriptFiles(join(REPO, 'node_modules', 'commander', 'typings')),
    ];
    expect(files.length).toBeGreaterThan(150);
    let outlined = 0;
    for (const file of files) {
      if (expectSameAsWholeFile(relative(REPO, file), readFileSync(file, 'utf8'))) outlined++;
    }
    // Nearly every file has an outline; the rest were parsed whole, which is always right.
    expect(outlined / files.length).toBeGreaterThan(0.9);
    // Both parses were the trimmed compiler's: none of them fell back to the whole one.
    expect(loadedCompilerKind()).toBe('trimmed');
  });

  const cases: Record<string, string> = {
    'regex and division': [
      "import { a } from './a';",
      'const r = /{[}]\\/"/g.test(a) ? 1 : 2;',
      'const d = a! / 2 / (a as number);',
      'export function f(x: number) { return x / 2 + (/}/.exec("}") ? 1 : 0); }',
      "export const g = () => { if (a) { return typeof /'/ } return a++ / 2; };",
      // A keyword after a `.` is a name, so a `/` after it divides; `<` and `=` leave an operand to come.
      'export const h = (o: any) => { const { x } = o; return o.return / 2 / o.default + (x < /{/.source.length ? 1 : 0); };',
      'export const i = a.b.c /* } */ / 2, j = a ? /{/ : /}/;',
    ].join('\n'),
    'templates': [
      'export const t = `a ${`b ${ { c: 1 }.c } }`} {`;',
      "export async function load() { const m = await import(`./m`); return `${m} ${ await import('./n') }`; }",
    ].join('\n'),
    'comments and strings holding braces and words': [
      "// import('./not-a-module') {",
      "export const s = '{ import(\"./no\") }'; /* } */",
      'export function f() {',
      "  // require('./no') }",
      "  return \"}\" + '\\'{';",
      '}',
      '/** @example import("./doc") */',
      'export class C { m() { return 1 } }',
    ].join('\n'),
    'calls the index records, deep inside bodies': [
      "import { Command } from 'commander';",
      'export function cli(program: Command) {',
      '  const helper = () => { if (Math.random()) { return { x: { y: 1 } } } return null };',
      "  program.command('index [dir]').description('index it').action(() => { helper(); });",
      "  return { app: { run() { app.get('/health', (c) => { return c.json({ ok: true }) }); } } };",
      '}',
      "const app = { get: (path: string, handler: (c: any) => unknown) => [path, handler] } as any;",
      'export class Loader {',
      "  a = require('./cjs');",
      "  b(): typeof import('./types', { with: { 'resolution-mode': 'require' } }) { return null as never; }",
      "  async c() { return import('./lazy'); }",
      '}',
    ].join('\n'),
    'binding patterns, export lists and declarations': [
      'const hidden = { x: 1 }, other = 2;',
      'function local() { return { a: 1 } }',
      'export const a = 1, { b, c: [d, { e }] } = { b: 2, c: [3, { e: 4 }] };',
      'export const [f, { g }] = [1, { g: 2 }];',
      'export { local, hidden as renamed };',
      'export type { Shape };',
      'interface Shape { w: number }',
      'export default { a, b };',
      'export enum E { A = 1, B }',
      'export namespace N { export const x = { y: 1 } }',
      "import type { T } from './t' with { 'resolution-mode': 'import' };",
      "export * as ns from './ns';",
      "export { default as z } from './z';",
      '@dec({ a: 1 })',
      'export class Decorated { @field({ b: 2 }) p = 1 }',
      'declare function dec(x: object): any;',
      'declare function field(x: object): any;',
    ].join('\n'),
    'ambient modules in a script': [
      '/// <reference types="node" />',
      "declare module 'plugin' {",
      "  import { Base } from 'base';",
      "  export interface Options { nested: { deep: string } }",
      '  export function make(o: Options): Base;',
      '}',
      "declare module './relative' { export const r: { s: 1 } }",
      'declare global { interface Window { kg: { on: boolean } } }',
    ].join('\n'),
    'import.meta in a body makes a module': ['function where() { return { url: import.meta.url } }', 'where();'].join('\n'),
    'no semicolons': [
      "import * as A from './a.ts'",
      'export const x = A.f({',
      '  a: 1',
      '})',
      '/** doc */',
      'export const y = (s: string) => {',
      '  return s',
      '}',
      '[1, 2].forEach(() => {})',
      'export type Z = { z: 1 }',
    ].join('\n'),
    'long strings': [
      `export const asset = "${'x\\"{'.repeat(2000)}";`,
      `program.command('serve').description('${'long '.repeat(400)}');`,
      "export const after = import('./after');",
    ].join('\n'),
    'parameter lists and parenthesized expressions': [
      'export function pipe<T, A>(fn1: (t: T) => A): (t: T) => A;',
      'export function pipe<T, A, B>(fn1: (t: T) => A, fn2: (a: A) => B): (t: T) => B;',
      'export function pipe(...fns: Array<(x: unknown) => unknown>) { return fns; }',
      "export const load = async (name: string, m = import('./default-arg')) => (await m, name);",
      'export const twice = <T extends (x: number) => number>(f: T) => (x: number) => f(f(x));',
      'export function* gen(this: unknown, { a, b }: { a: 1; b: 2 }) { yield a + b; }',
      'export const value = (1 + 2) * 3, other = true ? (4) : (5);',
      'export type Fn = (a: string, b: { c: number }) => void;',
      'export const f2 = function (a: number) { return a; };',
      "export const h = (x: number): Promise<unknown> => x > 0 ? import('./pos') : import('./neg');",
      'export declare function over(a: string): void;',
    ].join('\n'),
    'CRLF line breaks': "import { a } from './a';\r\n/* c\r\n */\r\nexport function f() {\r\n  return { a };\r\n}\r\nexport const g = 1;\r\n",
    'a syntax error at the top level': "import { a } from './a';\nexport const x = ;\nexport function f( {\nimport { b } from './b';\n",
    'unbalanced brackets': "import { a } from './a';\nexport function f() { if (a) { return 1 }\nexport const g = 2;\n",
    'unterminated string and template': "import { a } from './a';\nexport const s = 'oops;\nexport const t = `x ${a}",
    'a shebang': "#!/usr/bin/env node\nimport { a } from './a';\nexport function main() { return { a } }\n",
    'a byte order mark': "\uFEFF/// <reference types=\"node\" />\nimport { a } from './a';\nexport function main() { return { a } }\n",
    'non-ASCII code and spaces': "import { a } from './a';\nexport const café = { a };\nexport function f() {\u00a0return import\u00a0('./b') }\n",
  };
  // Texts the outline leaves to the whole-file parse: a syntax error it shows, or code it does not lex.
  const WHOLE = new Set(['a syntax error at the top level', 'unbalanced brackets', 'unterminated string and template', 'non-ASCII code and spaces']);
  for (const [name, text] of Object.entries(cases)) {
    it(`records what the whole file does: ${name}`, () => {
      expect(expectSameAsWholeFile('src/case.ts', text), 'parsed as an outline').toBe(!WHOLE.has(name));
      expectSameAsWholeFile('src/case.cts', text, ts.ModuleKind.CommonJS);
    });
  }

  it('cuts bodies, comments and import names, keeps what a re-export passes on and the blocks that hold what the index reads', () => {
    const text = [
      '/// <reference path="./g.d.ts" />',
      "import { a } from './a';",
      "import type { T, U } from './t';",
      '/** Long documentation. */',
      'export function f() { const x = { y: 1 }; return x; }',
      "export function g() { if (a) { return 1 } return import('./b') }",
      "export { a as b, type T } from './a'",
      'export { f as h };',
    ].join('\n');
    expect(outline('export function f<T>(a: T, b: { c: T }): T;\nexport const g = (x: number) => x;\nexport const v = (1 + 2);')!.text).toBe(
      'export function f<T>(): T;\nexport const g = () => x;\nexport const v = (1 + 2);',
    );
    const result = outline(text)!;
    expect(result.text).toBe(
      [
        '/// <reference path="./g.d.ts" />',
        "import {} from './a';",
        "import type {} from './t';",
        ' ',
        'export function f() {}',
        "export function g() { if (a) {} return import('./b') }",
        "export { a as b, type T } from './a'",
        'export { f as h };',
      ].join('\n'),
    );
    const at = result.text.indexOf("import('./b')");
    expect(result.toOriginal(at)).toBe(text.indexOf("import('./b')"));
    expect(result.toOriginal(result.text.indexOf('export function g'))).toBe(text.indexOf('export function g'));
  });

  it('cuts the body of a long string assigned to a name, not one passed to a call', () => {
    const long = 'x'.repeat(5000);
    expect(outline(`export const asset = '${long}';`)!.text).toBe("export const asset = '';");
    expect(outline(`program.description('${long}');`)!.text).toContain(long);
  });

  it('keeps a line break for a block comment that held one, and none for one that did not', () => {
    const minified = Array.from({ length: 2000 }, (_, i) => `a${i}=1/*c*/;`).join('');
    expect(outline(`export const a = 1;${minified}\n/* x\n */export const b = 2;/*d*/export const c = 3;`)!.text).toBe(
      `export const a = 1;${minified.replace(/\/\*c\*\//g, ' ')}\n\nexport const b = 2; export const c = 3;`,
    );
  });

  it('gives up on what it cannot lex with certainty, and the whole file is parsed', () => {
    expect(outline('export const a = 1;\nexport function f() { if (x) { }')).toBeNull();
    expect(outline("export const s = 'unterminated\n")).toBeNull();
    expect(outline('export const a = 1; }')).toBeNull();
    expect(outline('export const \\u0061 = 1;')).toBeNull();
    const broken = recorded('src/broken.ts', "import { a } from './a';\nexport function f() { if (a) { return 1 }\n", true);
    expect(broken.outlined).toBe(false);
    expect(broken.syntaxErrorCount).toBeGreaterThan(0);
  });
});
