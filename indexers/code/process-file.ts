// Everything the indexer learns from one file: read, hash, parse once, extract, resolve. Runs on any thread.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FileTermRow, IndexStateRow } from '../../graph/records.js';
import type { DiscoveredFile, FolderListings } from './discover.js';
import { looksBinary } from './discover.js';
import { extractFacts, onlyLineFeeds, type FileFacts, type ImportFact, type Origin } from './extract.js';
import { outline } from './outline.js';
import { fileTerms } from './terms.js';
import { cachedHost, ProjectResolver, type ImportTarget } from './resolve.js';
import type { ts } from 'ts-morph';
import { tsc } from './ts.js';
import { loadProjects, type Project, type Projects } from './tsconfig.js';

/** An import without its AST nodes, with the resolution mode the compiler uses for it, so it can be resolved again later. */
export type PlainImport = Omit<ImportFact, 'literal' | 'reference'> & { mode: number | null };
export type PlainFacts = Omit<FileFacts, 'imports'> & { imports: PlainImport[] };

export type FileResult =
  | {
      ok: true;
      path: string;
      language: string;
      hash: string;
      lines: number;
      tsconfig: string | null;
      /** Null for files that are not parsed (JSON). */
      facts: PlainFacts | null;
      /** One per `facts.imports` entry, in the same order. */
      targets: ImportTarget[];
      /** The file's lexical terms (none for JSON). */
      terms: FileTermRow[];
    }
  | { ok: false; path: string; reason: 'binary' | 'unreadable' };

/** The tsconfigs of a workspace with one resolver (and its caches) per project. */
export class ResolutionEnv {
  private readonly host: ts.ModuleResolutionHost;
  private readonly resolvers = new Map<Project, ProjectResolver>();
  readonly projects: Projects;

  /** `listings`: the folders a discovery read, which answer most of the resolver's file probes. */
  constructor(readonly root: string, configPaths: readonly string[], listings?: FolderListings) {
    this.host = cachedHost(listings);
    this.projects = loadProjects(root, configPaths);
  }

  resolverFor(project: Project): ProjectResolver {
    let resolver = this.resolvers.get(project);
    if (!resolver) {
      resolver = new ProjectResolver(project, this.root, this.host);
      this.resolvers.set(project, resolver);
    }
    return resolver;
  }
}

export function processFile(file: DiscoveredFile, env: ResolutionEnv): FileResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.abs);
  } catch {
    return { ok: false, path: file.path, reason: 'unreadable' };
  }
  if (looksBinary(bytes)) return { ok: false, path: file.path, reason: 'binary' };
  const hash = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  const language = languageOf(file.path);
  const lines = countLines(text);
  if (language === 'json') return { ok: true, path: file.path, language, hash, lines, tsconfig: null, facts: null, targets: [], terms: [] };

  const project = env.projects.ownerOf(file.abs);
  const resolver = env.resolverFor(project);
  const isJs = /\.[cm]?jsx?$/.test(file.path);
  const { source, facts } = readFacts(file, text, isJs, resolver.impliedNodeFormat(file.abs));
  const imports = facts.imports.map(({ literal: _literal, reference: _reference, ...plain }, i) => ({
    ...plain,
    mode: resolver.modeOf(source, facts.imports[i]!) ?? null,
  }));
  const targets = imports.map((fact) => resolver.resolve(file.abs, fact, fact.mode ?? undefined));
  return {
    ok: true,
    path: file.path,
    language,
    hash,
    lines,
    tsconfig: project.config,
    facts: { ...facts, imports },
    targets,
    terms: fileTerms(file.path, text),
  };
}

/** What the index reads from one file's text: its parse (parseForFacts) and the facts extracted from it. */
export function readFacts(
  file: Pick<DiscoveredFile, 'abs' | 'path'>,
  text: string,
  isJs: boolean,
  format: ts.ResolutionMode,
): { source: ts.SourceFile; facts: FileFacts } {
  const { source, origin } = parseForFacts(file, text, isJs, format);
  return { source, facts: extractFacts(source, isJs, origin) };
}

/**
 * The parse the facts are read from. TypeScript without JSX is parsed as its outline (./outline.ts), a fraction of
 * the text; the whole file is parsed when it has no outline, and when the outline's parse finds a syntax error, so
 * that the compiler's own diagnostics (and its recovery) are what kg reports. `useOutline: false` always parses the
 * whole file (the tests compare the two).
 */
export function parseForFacts(
  file: Pick<DiscoveredFile, 'abs' | 'path'>,
  text: string,
  isJs: boolean,
  format: ts.ResolutionMode,
  useOutline = true,
): { source: ts.SourceFile; origin: Origin | undefined } {
  const kind = scriptKindOf(file.path);
  const parse = (content: string) =>
    tsc.createSourceFile(
      file.abs,
      content,
      {
        languageVersion: tsc.ScriptTarget.Latest,
        impliedNodeFormat: format,
        // JSDoc can hold imports only in JavaScript files; skipping it elsewhere parses faster.
        jsDocParsingMode: isJs ? tsc.JSDocParsingMode.ParseAll : tsc.JSDocParsingMode.ParseNone,
      },
      // Parent pointers cost a fifth of the parse; extractFacts links the few the compiler's rules need.
      false,
      kind,
    );
  const outlined = useOutline && kind === tsc.ScriptKind.TS && onlyLineFeeds(text) ? outline(text) : null;
  if (outlined) {
    const source = parse(outlined.text);
    if (!hasSyntaxErrors(source)) return { source, origin: { text, toOriginal: outlined.toOriginal } };
  }
  return { source: parse(text), origin: undefined };
}

function hasSyntaxErrors(source: ts.SourceFile): boolean {
  return ((source as unknown as { parseDiagnostics?: readonly unknown[] }).parseDiagnostics?.length ?? 0) > 0;
}

export function languageOf(path: string): string {
  if (/\.d\.[cm]?ts$/.test(path)) return 'dts';
  return path.slice(path.lastIndexOf('.') + 1);
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return tsc.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return tsc.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return tsc.ScriptKind.JS;
  return tsc.ScriptKind.TS;
}

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/** The index-state row of a processed file. */
export function indexStateOf(file: DiscoveredFile, result: Extract<FileResult, { ok: true }>): IndexStateRow {
  return {
    path: file.path,
    hash: result.hash,
    size: file.size,
    mtimeMs: file.mtimeMs,
    tsconfig: result.tsconfig,
    imports: result.facts?.imports ?? null,
  };
}
