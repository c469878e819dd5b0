// Pure extraction from one parsed source file: its imports, exported symbols (with their doc comments and first lines),
// its leading comment, CLI commands, routes and syntax errors.

import type { ts } from 'ts-morph';
import { DeclarationComments } from './doc-comments.js';
import { COMMAND_METHOD, ROUTE_METHODS } from './recorded-calls.js';
import { tsc } from './ts.js';

export type ImportForm =
  | 'import'
  | 'export'
  | 'import_type'
  | 'dynamic'
  | 'require'
  | 'import_equals'
  | 'augmentation'
  | 'jsdoc_import'
  | 'reference_path'
  | 'reference_types';

export interface ImportFact {
  specifier: string;
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
  reExport: boolean;
  form: ImportForm;
  /** On a re-export: what it passes on, `*` (export *), `*>ns` (export * as ns), `a>b` (export { a as b }). */
  names?: string[];
  /** The string literal naming the module, for the compiler's resolution-mode rules; absent for references. */
  literal?: ts.StringLiteralLike;
  /** The triple-slash reference, for `reference_types` (it may carry a resolution-mode). */
  reference?: ts.FileReference;
}

export interface SymbolFact {
  name: string;
  kind: string;
  line: number;
  /** The declaration's first line as written, trimmed, without a trailing `{`, capped (MAX_SIGNATURE). */
  signature: string | null;
  /** The text of its JSDoc comment (commentText), or null when it has none. */
  doc: string | null;
}

export interface CliCommandFact {
  name: string;
  spec: string;
  description: string | null;
  line: number;
}

export interface RouteFact {
  method: string;
  path: string;
  line: number;
}

export interface DiagnosticFact {
  line: number;
  message: string;
}

export interface FileFacts {
  /** The file's leading comment (leadingFileComment), or null. */
  doc: string | null;
  imports: ImportFact[];
  symbols: SymbolFact[];
  cliCommands: CliCommandFact[];
  routes: RouteFact[];
  /** Syntax errors; the facts above cover what parsed. */
  syntaxErrors: DiagnosticFact[];
  syntaxErrorCount: number;
}

const MAX_DIAGNOSTICS_PER_FILE = 5;
// The walk below the top level enters only subtrees holding one of these words: `import` (dynamic imports, import
// types, JSDoc imports), `require`, and the names of command and route calls.
const CALL_WORDS = ['require', COMMAND_METHOD, ...ROUTE_METHODS];
// The parser's flag for a file with an `import(...)` call or an import type (the compiler looks for those only then);
// internal to the compiler, so read off its enum by name.
const POSSIBLY_CONTAINS_DYNAMIC_IMPORT = (tsc.NodeFlags as unknown as Record<string, number | undefined>)['PossiblyContainsDynamicImport'];

/**
 * Everything kg keeps from one source file. `isJs` enables the JavaScript-only forms (JSDoc imports).
 * The file may be parsed without parent pointers: this links the parents of every node it visits,
 * which is all the compiler's resolution-mode rules look at. `origin` is given when `file` is the parse of an
 * outline (./outline.ts): lines are then counted in the file's own text.
 */
export function extractFacts(file: ts.SourceFile, isJs: boolean, origin?: Origin): FileFacts {
  const facts: FileFacts = { doc: null, imports: [], symbols: [], cliCommands: [], routes: [], syntaxErrors: [], syntaxErrorCount: 0 };
  const lines = linesOf(file, isJs, origin);
  const lineOf = lines.of;
  const isModuleFile = tsc.isExternalModule(file);

  for (const statement of file.statements) {
    setParent(statement, file);
    collectModuleReferences(statement, false);
  }
  const comments = new DeclarationComments(file, origin?.text ?? file.text, lines);
  facts.doc = comments.fileDoc;
  collectSymbols(file, facts.symbols, lines, comments);
  const words = wordOffsets(file.text, walkWords(file, isJs));
  if (words.length > 0) for (const statement of file.statements) if (holdsWord(statement)) walk(statement);
  collectReferences();
  collectDiagnostics();
  return facts;

  function addImport(literal: ts.StringLiteralLike, fact: Omit<ImportFact, 'specifier' | 'line' | 'literal'>): void {
    facts.imports.push({ specifier: own(literal.text), line: lines.start(literal), literal, ...fact });
  }

  // Mirrors the compiler's collectModuleReferences: imports, re-exports, import-equals, ambient module bodies, augmentations.
  function collectModuleReferences(node: ts.Statement, inAmbientModule: boolean): void {
    if (tsc.isImportDeclaration(node) || tsc.isExportDeclaration(node) || tsc.isImportEqualsDeclaration(node)) {
      const literal = moduleNameOf(node);
      if (!literal || literal.text === '') return;
      linkDown(node, literal);
      if (inAmbientModule && isRelative(literal.text)) return;
      if (tsc.isImportDeclaration(node)) {
        addImport(literal, { typeOnly: node.importClause?.isTypeOnly ?? false, dynamic: false, reExport: false, form: 'import' });
      } else if (tsc.isExportDeclaration(node)) {
        addImport(literal, { typeOnly: node.isTypeOnly, dynamic: false, reExport: true, form: 'export', names: reExportedNames(node) });
      } else {
        addImport(literal, { typeOnly: node.isTypeOnly, dynamic: false, reExport: false, form: 'import_equals' });
      }
      return;
    }
    if (tsc.isModuleDeclaration(node) && tsc.isStringLiteral(node.name)) {
      const ambient = node.modifiers?.some((m) => m.kind === tsc.SyntaxKind.DeclareKeyword) ?? false;
      if (!(inAmbientModule || ambient || file.isDeclarationFile)) return;
      const name = node.name.text;
      setParent(node.name, node);
      if (isModuleFile || (inAmbientModule && !isRelative(name))) {
        addImport(node.name, { typeOnly: true, dynamic: false, reExport: false, form: 'augmentation' });
      } else if (!inAmbientModule && node.body && tsc.isModuleBlock(node.body)) {
        setParent(node.body, node);
        for (const inner of node.body.statements) {
          setParent(inner, node.body);
          collectModuleReferences(inner, true);
        }
      }
    }
  }

  function walk(node: ts.Node): void {
    if (tsc.isCallExpression(node)) visitCall(node);
    else if (tsc.isImportTypeNode(node)) {
      const argument = node.argument;
      if (tsc.isLiteralTypeNode(argument) && tsc.isStringLiteral(argument.literal)) {
        // The walk does not descend into the literal (it holds no walk word), so link it here.
        linkDown(node, argument.literal);
        addImport(argument.literal, { typeOnly: true, dynamic: false, reExport: false, form: 'import_type' });
      }
    }
    if (isJs && hasJsDoc(node)) {
      for (const doc of node.jsDoc) {
        setParent(doc, node);
        walkJsDoc(doc);
      }
    }
    tsc.forEachChild(node, visitChild);
    function visitChild(child: ts.Node): void {
      // Every child gets its parent (an import's string literal holds no word, and resolution looks up from it).
      setParent(child, node);
      if (holdsWord(child)) walk(child);
    }
  }

  /** Whether one of the walk words starts inside `node`'s text (leading trivia, where JSDoc lives, included). */
  function holdsWord(node: ts.Node): boolean {
    let low = 0;
    let high = words.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (words[mid]! < node.pos) low = mid + 1;
      else high = mid;
    }
    return low < words.length && words[low]! < node.end;
  }

  function walkJsDoc(node: ts.Node): void {
    if (tsc.isJSDocImportTag(node) && tsc.isStringLiteral(node.moduleSpecifier)) {
      addImport(node.moduleSpecifier, { typeOnly: true, dynamic: false, reExport: false, form: 'jsdoc_import' });
    } else if (tsc.isImportTypeNode(node)) {
      const argument = node.argument;
      if (tsc.isLiteralTypeNode(argument) && tsc.isStringLiteral(argument.literal)) {
        addImport(argument.literal, { typeOnly: true, dynamic: false, reExport: false, form: 'import_type' });
      }
    }
    tsc.forEachChild(node, (child) => {
      setParent(child, node);
      walkJsDoc(child);
    });
  }

  function visitCall(call: ts.CallExpression): void {
    const first = call.arguments[0];
    const literal = first && tsc.isStringLiteralLike(first) ? first : undefined;
    if (call.expression.kind === tsc.SyntaxKind.ImportKeyword) {
      if (literal) addImport(literal, { typeOnly: false, dynamic: true, reExport: false, form: 'dynamic' });
      return;
    }
    if (tsc.isIdentifier(call.expression) && tsc.idText(call.expression) === 'require' && call.arguments.length === 1 && literal) {
      addImport(literal, { typeOnly: false, dynamic: false, reExport: false, form: 'require' });
      return;
    }
    if (!tsc.isPropertyAccessExpression(call.expression) || !literal) return;
    const method = tsc.idText(call.expression.name);
    if (method === COMMAND_METHOD) {
      const spec = own(literal.text.trim());
      if (spec === '') return;
      facts.cliCommands.push({
        name: spec.split(/\s+/)[0]!,
        spec,
        description: ownOrNull(chainedDescription(call) ?? secondString(call)),
        line: lines.start(call.expression.name),
      });
    } else if (ROUTE_METHODS.has(method) && literal.text.startsWith('/') && call.arguments.length >= 2) {
      facts.routes.push({ method: method.toUpperCase(), path: own(literal.text), line: lines.start(call.expression.name) });
    }
  }

  function collectReferences(): void {
    for (const ref of file.referencedFiles) {
      facts.imports.push({ specifier: own(ref.fileName), line: lineOf(ref.pos), typeOnly: true, dynamic: false, reExport: false, form: 'reference_path' });
    }
    for (const ref of file.typeReferenceDirectives) {
      facts.imports.push({ specifier: own(ref.fileName), line: lineOf(ref.pos), typeOnly: true, dynamic: false, reExport: false, form: 'reference_types', reference: ref });
    }
  }

  function collectDiagnostics(): void {
    const diagnostics = (file as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    facts.syntaxErrorCount = diagnostics.length;
    for (const diagnostic of diagnostics.slice(0, MAX_DIAGNOSTICS_PER_FILE)) {
      facts.syntaxErrors.push({
        line: lineOf(diagnostic.start),
        message: tsc.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
      });
    }
  }
}

/**
 * A copy of a string taken from the source text. The parser's strings are slices that keep the whole file text
 * alive: kept as they are, a full index of effect held 21 MB of source until its write.
 */
function own(text: string): string {
  return (' ' + text).slice(1);
}

function ownOrNull(text: string | null): string | null {
  return text === null ? null : own(text);
}

/** Lines of positions and nodes in one file, as the compiler counts them. */
export interface Lines {
  /** 1-based line of a position. */
  of(pos: number): number;
  /** 1-based line of a node's first token (its leading comments left out). */
  start(node: ts.Node): number;
  /** Where a node's first token starts in the file's own text (the origin's, for an outline). */
  startOffset(node: ts.Node): number;
  /** Where a node ends in the file's own text. */
  endOffset(node: ts.Node): number;
}

/** The text an outline was made from, and the way back to its positions. */
export interface Origin {
  text: string;
  toOriginal(pos: number): number;
}

/**
 * Where `\n` is the only line break (LF or CRLF text), lines come from a table built with native `indexOf` and a node's
 * leading comments are skipped with `indexOf` too: the same answers as the compiler's per-character scans, in a
 * fraction of their time on heavily documented code. Any other text gets the compiler's own functions. With an
 * `origin` (which only LF or CRLF text gets), `file` is an outline and lines are those of the origin's text.
 */
export function linesOf(file: ts.SourceFile, isJs: boolean, origin?: Origin): Lines {
  const text = origin?.text ?? file.text;
  // In JavaScript an import can sit inside JSDoc, where the compiler also skips the `*` that starts a line.
  if (!origin && (isJs || !onlyLineFeeds(text))) {
    const of = (pos: number) => tsc.getLineAndCharacterOfPosition(file, pos).line + 1;
    return { of, start: (node) => of(startOf(node, file)), startOffset: (node) => startOf(node, file), endOffset: (node) => node.end };
  }
  const toOriginal = origin ? origin.toOriginal : (pos: number) => pos;
  let starts: number[] | null = null;
  const of = (at: number): number => {
    const pos = toOriginal(at);
    starts ??= lineStarts(text);
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (starts[mid]! <= pos) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return {
    of,
    start: (node) => of(tokenStart(file, node)),
    startOffset: (node) => toOriginal(tokenStart(file, node)),
    // A node's last character is never inside a cut (cuts are the insides of brackets, comments and string bodies), so
    // it maps exactly; its end may be where a cut starts.
    endOffset: (node) => (node.end > node.pos ? toOriginal(node.end - 1) + 1 : toOriginal(node.end)),
  };
}

// Whether every line break is a `\n` (alone or after a `\r`): the compiler also breaks lines at a lone `\r` and at the
// Unicode line and paragraph separators.
export function onlyLineFeeds(text: string): boolean {
  if (text.indexOf('\u2028') !== -1 || text.indexOf('\u2029') !== -1) return false;
  for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) {
    if (text.charCodeAt(at + 1) !== 10) return false;
  }
  return true;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * `node.getStart(file)`, which is the language service's method on nodes (the trimmed compiler has no language
 * service, ./trim-compiler.ts): the compiler function that method calls.
 */
function startOf(node: ts.Node, file: ts.SourceFile): number {
  return (tsc as unknown as { getTokenPosOfNode(node: ts.Node, file: ts.SourceFile): number }).getTokenPosOfNode(node, file);
}

/**
 * `node.getStart(file)` for text whose only line breaks are `\n`: skips whitespace and comments from `node.pos`.
 * Anything the compiler's skipTrivia treats specially (a missing node, non-ASCII whitespace, a shebang, a merge
 * conflict marker) is left to the compiler.
 */
function tokenStart(file: ts.SourceFile, node: ts.Node): number {
  const text = file.text;
  let pos = node.pos;
  if (pos === node.end) return startOf(node, file);
  for (;;) {
    const ch = text.charCodeAt(pos);
    if (ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === 11 || ch === 12) {
      pos++;
    } else if (ch === 47 && text.charCodeAt(pos + 1) === 47) {
      const end = text.indexOf('\n', pos + 2);
      pos = end === -1 ? text.length : end;
    } else if (ch === 47 && text.charCodeAt(pos + 1) === 42) {
      const end = text.indexOf('*/', pos + 2);
      pos = end === -1 ? text.length : end + 2;
    } else if (ch > 127 || ch === 35 || ch === 60 || ch === 61 || ch === 62 || ch === 124) {
      return startOf(node, file);
    } else {
      return pos;
    }
  }
}

/**
 * The walk words a file can hold. The parser interns every identifier it meets (property names too), so a call word
 * it never met cannot name a call; `import` counts where the parser flagged a dynamic import or import type.
 * JavaScript files, where JSDoc can import too, get every word.
 */
function walkWords(file: ts.SourceFile, isJs: boolean): string[] {
  if (isJs) return ['import', ...CALL_WORDS];
  const identifiers = (file as unknown as { identifiers: ReadonlyMap<string, string> }).identifiers;
  const words = CALL_WORDS.filter((word) => identifiers.has(word));
  if (POSSIBLY_CONTAINS_DYNAMIC_IMPORT === undefined || (file.flags & POSSIBLY_CONTAINS_DYNAMIC_IMPORT) !== 0) words.push('import');
  return words;
}

/** Start offsets of every whole-word occurrence of `words` in `text`, ascending. */
function wordOffsets(text: string, words: readonly string[]): number[] {
  const offsets: number[] = [];
  for (const word of words) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
      if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) offsets.push(at);
    }
  }
  return words.length > 1 ? offsets.sort((a, b) => a - b) : offsets;
}

// What \w matches: a word next to one of these is part of a longer name.
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

function setParent(node: ts.Node, parent: ts.Node): void {
  (node as { parent: ts.Node }).parent = parent;
}

// Links the parents on the path from `from` down to `to` (its descendant), as the parser would with setParentNodes.
function linkDown(from: ts.Node, to: ts.Node): void {
  const visit = (node: ts.Node): boolean => {
    if (node === to) return true;
    return tsc.forEachChild(node, (child) => {
      if (child.pos > to.pos || child.end < to.end) return undefined;
      setParent(child, node);
      return visit(child) ? true : undefined;
    }) === true;
  };
  visit(from);
}

function moduleNameOf(node: ts.ImportDeclaration | ts.ExportDeclaration | ts.ImportEqualsDeclaration): ts.StringLiteral | undefined {
  if (tsc.isImportEqualsDeclaration(node)) {
    const reference = node.moduleReference;
    return tsc.isExternalModuleReference(reference) && tsc.isStringLiteral(reference.expression) ? reference.expression : undefined;
  }
  const specifier = node.moduleSpecifier;
  return specifier && tsc.isStringLiteral(specifier) ? specifier : undefined;
}

function isRelative(name: string): boolean {
  return /^\.\.?(?:$|[\\/])/.test(name) || name.startsWith('/');
}

function hasJsDoc(node: ts.Node): node is ts.Node & { jsDoc: ts.JSDoc[] } {
  return Array.isArray((node as { jsDoc?: unknown }).jsDoc);
}

// `.command('x').description('...')`: the call is the object of a `.description(...)` property access.
function chainedDescription(call: ts.CallExpression): string | null {
  const access = call.parent;
  if (!access || !tsc.isPropertyAccessExpression(access) || tsc.idText(access.name) !== 'description') return null;
  const outer = access.parent;
  if (!outer || !tsc.isCallExpression(outer)) return null;
  const first = outer.arguments[0];
  return first && tsc.isStringLiteralLike(first) ? first.text : null;
}

function secondString(call: ts.CallExpression): string | null {
  const second = call.arguments[1];
  return second && tsc.isStringLiteralLike(second) ? second.text : null;
}

/**
 * Exported declarations of the file, one per name, first declaration's line and signature, with the first doc comment
 * of its declarations (overloads often carry only `@deprecated`, and the implementation the description).
 */
function collectSymbols(file: ts.SourceFile, out: SymbolFact[], lines: Lines, comments: DeclarationComments): void {
  const seen = new Map<string, SymbolFact>();
  const add = (name: string, kind: string, node: ts.Node, declaration: number | null) => {
    const known = seen.get(name);
    if (known) {
      if (known.doc === null && declaration !== null) known.doc = comments.doc(declaration);
      return;
    }
    const signature = declaration === null ? null : comments.signature(declaration);
    const doc = declaration === null ? null : comments.doc(declaration);
    const symbol = { name: own(name), kind, line: lines.start(node), signature, doc };
    seen.set(name, symbol);
    out.push(symbol);
  };
  // The kinds and statements of the file's own declarations, for `export { name }` lists: only worked out when the file
  // has one. An entry's signature and doc are its local declaration's.
  let locals: Map<string, { kind: string; index: number }> | null = null;
  const localOf = (name: string): { kind: string; index: number } | undefined => {
    if (!locals) {
      locals = new Map();
      file.statements.forEach((statement, index) => {
        const kind = declarationKind(statement);
        if (!kind) return;
        for (const declared of declaredNames(statement)) if (!locals!.has(declared)) locals!.set(declared, { kind, index });
      });
    }
    return locals.get(name);
  };
  file.statements.forEach((statement, index) => {
    if (tsc.isExportAssignment(statement)) {
      add(statement.isExportEquals ? 'export=' : 'default', 'default', statement, index);
      return;
    }
    if (tsc.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier || !statement.exportClause || !tsc.isNamedExports(statement.exportClause)) return;
      for (const element of statement.exportClause.elements) {
        const local = localOf(exportName(element.propertyName ?? element.name));
        const kind = local?.kind ?? (statement.isTypeOnly || element.isTypeOnly ? 'type' : 'variable');
        add(exportName(element.name), kind, element, local?.index ?? null);
      }
      return;
    }
    const kind = declarationKind(statement);
    if (!kind || !hasModifier(statement, tsc.SyntaxKind.ExportKeyword)) return;
    if (hasModifier(statement, tsc.SyntaxKind.DefaultKeyword)) {
      add('default', kind, statement, index);
      return;
    }
    for (const name of declaredNames(statement)) add(name, kind, statement, index);
  });
}

function declarationKind(node: ts.Statement): string | null {
  if (tsc.isFunctionDeclaration(node)) return 'function';
  if (tsc.isClassDeclaration(node)) return 'class';
  if (tsc.isInterfaceDeclaration(node)) return 'interface';
  if (tsc.isTypeAliasDeclaration(node)) return 'type';
  if (tsc.isEnumDeclaration(node)) return 'enum';
  if (tsc.isModuleDeclaration(node) && tsc.isIdentifier(node.name)) return 'namespace';
  if (tsc.isVariableStatement(node)) return 'variable';
  return null;
}

function declaredNames(node: ts.Statement): string[] {
  if (tsc.isVariableStatement(node)) return node.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  const name = (node as ts.DeclarationStatement).name;
  return name && tsc.isIdentifier(name) ? [tsc.idText(name)] : [];
}

function bindingNames(name: ts.BindingName): string[] {
  if (tsc.isIdentifier(name)) return [tsc.idText(name)];
  return name.elements.flatMap((element) => (tsc.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** What `export ... from` passes on: `*`, `*>ns`, or `imported>exported` per name. */
function reExportedNames(node: ts.ExportDeclaration): string[] {
  const clause = node.exportClause;
  if (!clause) return ['*'];
  if (tsc.isNamespaceExport(clause)) return [`*>${exportName(clause.name)}`];
  return clause.elements.map((element) => `${exportName(element.propertyName ?? element.name)}>${exportName(element.name)}`);
}

// An identifier's `text` is the language service's getter (the trimmed compiler has none): names are read through the
// compiler's functions instead.
function exportName(name: ts.ModuleExportName): string {
  return tsc.isIdentifier(name) ? tsc.idText(name) : name.text;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return tsc.canHaveModifiers(node) && (tsc.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}
