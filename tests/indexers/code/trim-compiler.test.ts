import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { compilerModules, isDropped, trimCompiler } from '../../../indexers/code/trim-compiler.js';
import { COMPILER_PATH, TRIM_FAILED, TRIMMED } from '../../../indexers/code/typescript.js';
import { RESOLUTION_FIXTURES } from '../../fixtures/resolution.js';
import { writeWorkspace } from '../../fixtures/workspace.js';
import { kgRunner } from '../../support/kg-process.js';
import { tempDir } from '../../support/temp.js';

const WHOLE = readFileSync(COMPILER_PATH, 'latin1');

// Names of dropped modules' top-level functions and values that kept modules still use, each on a path the indexer
// never takes. A new name here means the compiler changed: check where the kept code uses it before adding it.
const REACHED_ONLY_OFF_THE_INDEXER_PATHS: Record<string, string> = {
  CheckMode: 'debug.ts: printing checker flags',
  SignatureCheckMode: 'debug.ts: printing checker flags',
  TypeFacts: 'debug.ts: printing checker flags',
  classHasDeclaredOrExplicitlyAssignedName: 'utilities.ts: named evaluation, a transform',
  closeFileWatcherOf: 'sys.ts: watching files',
  getFallbackOptions: 'sys.ts: watching files',
  createProgramDiagnostics: 'program.ts: building a program',
  createTypeChecker: 'program.ts: building a program',
  createSourceMapGenerator: 'emitter.ts: emitting',
  noEmitNotification: 'emitter.ts: emitting',
  noEmitSubstitution: 'emitter.ts: emitting',
  transformNodes: 'emitter.ts: emitting',
  getContainerFlags: 'utilities.ts: the binder',
  getSymbolId: 'utilities.ts: the checker',
  getNodeId: 'nodeFactory.ts: names the emitter generates',
  getDeclarationDiagnostics: 'program.ts: building a program',
  getTransformers: 'program.ts: emitting',
  noTransformers: 'program.ts: emitting',
  visitEachChild: 'utilities.ts: transforms',
  visitNode: 'nodeFactory.ts: transforms',
};

/** Every top-level name of a dropped module that code in a kept module refers to (scopes followed, properties not). */
function droppedNamesUsedByKeptCode(source: string): Set<string> {
  const file = ts.createSourceFile('typescript.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  // The script is `var ts = {}; ((module) => { ...every module's statements... })(...)`.
  let wrapper: ts.Expression = ((file.statements[1] as ts.ExpressionStatement).expression as ts.CallExpression).expression;
  while (ts.isParenthesizedExpression(wrapper)) wrapper = wrapper.expression;
  const statements = ((wrapper as ts.ArrowFunction).body as ts.Block).statements;
  const modules = compilerModules(source);
  const moduleOf = (pos: number) => modules.findLast((module) => module.start <= pos)?.path ?? '';
  const droppedDeclarations = new Set<string>();
  const kept: ts.Statement[] = [];
  for (const statement of statements) {
    if (!isDropped(moduleOf(statement.getStart(file)))) {
      kept.push(statement);
      continue;
    }
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) droppedDeclarations.add(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) droppedDeclarations.add(declaration.name.text);
    }
  }
  const used = new Set<string>();
  const visit = (node: ts.Node, scopes: Set<string>[]): void => {
    const inner = ts.isFunctionLike(node) ? [...scopes, localsOf(node)] : scopes;
    if (ts.isIdentifier(node) && droppedDeclarations.has(node.text) && !isPropertyName(node) && !inner.some((scope) => scope.has(node.text))) {
      used.add(node.text);
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  for (const statement of kept) {
    // The namespace's export list names everything, each behind a getter nobody calls but for what it uses.
    if (moduleOf(statement.getStart(file)).startsWith('src/typescript/')) continue;
    visit(statement, []);
  }
  return used;
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) ||
      ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) &&
      parent.name === node) ||
    (ts.isBindingElement(parent) && parent.propertyName === node) ||
    ts.isLabeledStatement(parent) ||
    ts.isBreakOrContinueStatement(parent)
  );
}

/** The names a function declares for its body: parameters, var/let/const, nested functions and classes, catch bindings. */
function localsOf(node: ts.SignatureDeclaration): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const parameter of node.parameters) bind(parameter.name);
  if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.name) names.add(node.name.text);
  const scan = (child: ts.Node): void => {
    if (ts.isVariableDeclaration(child)) bind(child.name);
    if (ts.isCatchClause(child) && child.variableDeclaration) bind(child.variableDeclaration.name);
    if ((ts.isFunctionDeclaration(child) || ts.isClassDeclaration(child)) && child.name) names.add(child.name.text);
    if (ts.isFunctionLike(child) || ts.isClassLike(child)) return;
    ts.forEachChild(child, scan);
  };
  const body = (node as { body?: ts.Node }).body;
  if (body) ts.forEachChild(body, scan);
  return names;
}

describe('the trimmed compiler', () => {
  it('keeps what the indexer runs and drops the checker, transforms, language service and tsserver', () => {
    const trimmed = trimCompiler(WHOLE)!;
    expect(trimmed).not.toBeNull();
    const kept = compilerModules(trimmed).map((module) => module.path);
    for (const path of ['src/compiler/parser.ts', 'src/compiler/moduleNameResolver.ts', 'src/compiler/commandLineParser.ts', 'src/compiler/program.ts']) {
      expect(kept).toContain(path);
    }
    expect(kept.filter((path) => /^src\/(compiler\/checker|compiler\/transformers|services|server)\b/.test(path))).toEqual([]);
    expect(trimmed.length).toBeLessThan(WHOLE.length / 2);
    // The compiler's own code, unchanged: every kept module is a slice of the whole script.
    for (const module of compilerModules(trimmed)) expect(WHOLE.includes(trimmed.slice(module.start, module.end))).toBe(true);
  });

  it('refuses a script not laid out as esbuild bundles the compiler', () => {
    expect(trimCompiler('module.exports = {};')).toBeNull();
    const withoutParser = compilerModules(WHOLE).find((module) => module.path === 'src/compiler/parser.ts')!;
    expect(trimCompiler(WHOLE.slice(0, withoutParser.start) + WHOLE.slice(withoutParser.end))).toBeNull();
  });

  it('leaves kept code naming dropped code only on paths the indexer never takes', () => {
    expect([...droppedNamesUsedByKeptCode(WHOLE)].sort()).toEqual(Object.keys(REACHED_ONLY_OFF_THE_INDEXER_PATHS).sort());
  });

  it('redoes an index with the whole compiler when the trimmed one falls short, and keeps to it after', async () => {
    const root = tempDir('kg-trim-');
    const workspace = writeWorkspace(join(root, 'monorepo'), RESOLUTION_FIXTURES.monorepo!);
    const edgesOf = async (home: string) => {
      const result = await kgRunner(home)(['export', '--format', 'jsonl', '--db', join(home, 'graph.duckdb')]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.split('\n').filter((line) => line.includes('"type":"edge"')).sort();
    };
    const index = async (home: string) => {
      const result = await kgRunner(home)(['index', workspace, '--db', join(home, 'graph.duckdb'), '--json']);
      expect(result.code, result.stderr).toBe(0);
    };
    await index(join(root, 'home'));
    const expected = await edgesOf(join(root, 'home'));
    expect(expected.length).toBeGreaterThan(3);
    expect(readdirSync(join(root, 'home', 'cache'))).toContain(TRIMMED);

    // A trimmed compiler short of tsbuild.ts: its top level runs, but following project references needs it.
    const short = join(root, 'short');
    const trimmed = trimCompiler(WHOLE)!;
    const tsbuild = compilerModules(trimmed).find((module) => module.path === 'src/compiler/tsbuild.ts')!;
    mkdirSync(join(short, 'cache'), { recursive: true });
    writeFileSync(join(short, 'cache', TRIMMED), trimmed.slice(0, tsbuild.start) + trimmed.slice(tsbuild.end), 'latin1');
    await index(short);
    expect(await edgesOf(short)).toEqual(expected);
    expect(existsSync(join(short, 'cache', TRIM_FAILED))).toBe(true);
    // From then on the whole compiler loads first: its code cache is the one written.
    await index(short);
    expect(readdirSync(join(short, 'cache')).filter((name) => name.endsWith('.v8cache') && name.startsWith('typescript-'))).toEqual([
      expect.stringMatching(/\.ascii\.v8cache$/),
    ]);
  });
});
