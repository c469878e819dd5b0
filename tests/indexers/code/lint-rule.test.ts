// The lint rule that keeps the language service's members of nodes (node.getStart(), identifier.text, ...) out of the
// code indexer, which runs on the trimmed compiler: it bites on a snippet, leaves the compiler's own functions alone,
// and its list of members is exactly what the whole compiler's nodes have and the trimmed compiler's lack.

// First: it points KG_HOME at a fresh folder before the compiler loads (./index-parse.ts).
import { indexCompiler, loadedCompilerKind } from './index-parse.js';
import { ESLint } from 'eslint';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CONFIG = join(REPO, 'eslint.config.js');
// The config is plain JavaScript (no types to import it by): its list of members, as it exports it.
const { LANGUAGE_SERVICE_MEMBERS } = (await import(pathToFileURL(CONFIG).href)) as {
  LANGUAGE_SERVICE_MEMBERS: Record<'Node' | 'Identifier' | 'PrivateIdentifier' | 'SourceFile' | 'SourceFileLike', string[]>;
};

const SNIPPET = [
  "import type { ts } from 'ts-morph';",
  "declare const tsc: typeof import('ts-morph').ts;",
  'export const a = (node: ts.Node, file: ts.SourceFile) => node.getStart(file);',
  'export const b = (id: ts.Identifier) => id.text;',
  'export const c = (name: ts.MemberName | ts.StringLiteral) => name.text;',
  'export const d = (file: ts.SourceFile) => file.getLineAndCharacterOfPosition(0);',
  'export const e = (node: ts.Node) => node.forEachChild(() => undefined);',
  'export const f = (node: unknown) => (node as { getText(): string }).getText();',
  'export const { text } = {} as ts.PrivateIdentifier;',
  // The compiler's own functions, and the `text` that nodes of both compilers have.
  'export const ok = (literal: ts.StringLiteral, file: ts.SourceFile, id: ts.Identifier, pos: number) => [',
  '  literal.text, file.text, tsc.idText(id), tsc.getLineAndCharacterOfPosition(file, pos), tsc.forEachChild(file, () => undefined),',
  '];',
  '',
].join('\n');

/** Lints `SNIPPET` as the file `path` of a workspace linted with kg's eslint.config.js; the problems, by line. */
async function problemsAt(path: string): Promise<Array<{ line: number; rule: string | null }>> {
  // The snippet lives on disk in a workspace of its own with a tsconfig, for the project service to find its types.
  const root = tempDir('kg-lint-');
  mkdirSync(join(root, 'indexers', 'code'), { recursive: true });
  mkdirSync(join(root, 'tests'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] }, include: ['indexers', 'tests'] }),
  );
  writeFileSync(join(root, path), SNIPPET);
  const eslint = new ESLint({ cwd: root, overrideConfigFile: CONFIG });
  const [result] = await eslint.lintFiles([path]);
  return result!.messages.map((message) => ({ line: message.line, rule: message.ruleId }));
}

describe('the lint rule against language-service members in indexers/code', () => {
  it('reports each language-service member a snippet reads, and nothing else', async () => {
    const problems = await problemsAt('indexers/code/probe.ts');
    expect(problems.filter((problem) => problem.rule === null)).toEqual([]);
    const typed = problems.filter((problem) => problem.rule === 'kg/no-language-service-members').map((problem) => problem.line);
    const byName = problems.filter((problem) => problem.rule === 'no-restricted-syntax').map((problem) => problem.line);
    // getStart, Identifier.text, a union's text, getLineAndCharacterOfPosition, node.forEachChild, a destructured text.
    expect(typed).toEqual([3, 4, 5, 6, 7, 9]);
    // getStart by name, and getText on a cast the types cannot see through.
    expect(byName).toEqual([3, 8]);
  });

  it('is scoped to indexers/code', async () => {
    const problems = await problemsAt('tests/probe.ts');
    expect(problems.filter((problem) => problem.rule === 'kg/no-language-service-members' || problem.rule === 'no-restricted-syntax')).toEqual([]);
  });

  it('lists exactly the members the whole compiler’s nodes have and the trimmed compiler’s lack', () => {
    const text = [
      '/// <reference types="node" />',
      "import { a } from './a';",
      'export class C<T> { #secret = 1; get value(): T | number { return this.#secret + a.length; } }',
      'export const t = `x${1}y`, n = -1n, re = /r/g;',
      'export default function f(...rest: string[]) { for (const r of rest) if (r) break; }',
    ].join('\n');
    const tsc = indexCompiler();
    expect(loadedCompilerKind()).toBe('trimmed');
    const trimmed = tsc.createSourceFile('file.ts', text, tsc.ScriptTarget.Latest, false);
    const whole = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, false);
    const members = (node: object): Set<string> => {
      const names = new Set<string>();
      for (let at = node; at !== Object.prototype; at = Object.getPrototypeOf(at) as object) for (const name of Object.getOwnPropertyNames(at)) names.add(name);
      return names;
    };
    const listed = (kind: ts.SyntaxKind): string[] =>
      [
        ...LANGUAGE_SERVICE_MEMBERS.Node,
        ...(kind === ts.SyntaxKind.Identifier ? LANGUAGE_SERVICE_MEMBERS.Identifier : []),
        ...(kind === ts.SyntaxKind.PrivateIdentifier ? LANGUAGE_SERVICE_MEMBERS.PrivateIdentifier : []),
        ...(kind === ts.SyntaxKind.SourceFile ? LANGUAGE_SERVICE_MEMBERS.SourceFile : []),
      ].sort();
    const unlike: string[] = [];
    const lacked = new Set<string>();
    const kinds = new Set<ts.SyntaxKind>();
    const visit = (node: ts.Node, twin: ts.Node): void => {
      kinds.add(node.kind);
      const own = members(node);
      const theirs = members(twin);
      const lacking = [...theirs].filter((name) => !own.has(name)).sort();
      // What the list names for this kind, that the whole compiler's node has (not every node has every method).
      const expected = listed(node.kind).filter((name) => theirs.has(name));
      if (JSON.stringify(lacking) !== JSON.stringify(expected)) unlike.push(`${ts.SyntaxKind[node.kind]}: lacks ${lacking.join(', ')}`);
      for (const name of lacking) lacked.add(name);
      const children: ts.Node[] = [];
      const twins: ts.Node[] = [];
      tsc.forEachChild(node, (child) => void children.push(child));
      ts.forEachChild(twin, (child) => void twins.push(child));
      children.forEach((child, i) => visit(child, twins[i]!));
    };
    visit(trimmed, whole);
    expect(unlike).toEqual([]);
    // Every name listed for nodes is one some node here lacks.
    expect(Object.entries(LANGUAGE_SERVICE_MEMBERS).filter(([owner]) => owner !== 'SourceFileLike').flatMap(([, names]) => names).filter((name) => !lacked.has(name))).toEqual([]);
    for (const kind of [ts.SyntaxKind.SourceFile, ts.SyntaxKind.Identifier, ts.SyntaxKind.PrivateIdentifier, ts.SyntaxKind.StringLiteral, ts.SyntaxKind.ExportKeyword]) {
      expect(kinds.has(kind), ts.SyntaxKind[kind]).toBe(true);
    }
    // The one SourceFileLike node is the source file; its getLineAndCharacterOfPosition is SourceFile's.
    expect(LANGUAGE_SERVICE_MEMBERS.SourceFileLike.every((name) => LANGUAGE_SERVICE_MEMBERS.SourceFile.includes(name))).toBe(true);
  });
});
