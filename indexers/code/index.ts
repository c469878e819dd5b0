// The code indexer: discovers a workspace's files, parses each once, resolves its imports, and returns graph rows.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import type { CodeRows, IndexStateRow, Warning } from '../../graph/records.js';
import { DEFAULT_MAX_FILE_BYTES, discoverFiles, looksBinary, type DiscoveredFile, type SkippedFile } from './discover.js';
import { extractFacts } from './extract.js';
import { cachedHost, ProjectResolver } from './resolve.js';
import { CodeRowsBuilder } from './rows.js';
import { isConfigPath, loadProjects, type Project } from './tsconfig.js';

export { DEFAULT_COMPILER_OPTIONS } from './tsconfig.js';
export type { SkippedFile } from './discover.js';

export interface CodeIndexOptions {
  /** Files larger than this are skipped and reported (default 1 MiB). */
  maxFileBytes?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface CodeIndexResult {
  rows: CodeRows;
  /** One per indexed file. */
  indexState: IndexStateRow[];
  warnings: Warning[];
  skipped: SkippedFile[];
  /** Workspace-relative paths of the tsconfigs used. */
  tsconfigs: string[];
}

const PROGRESS_EVERY = 50;

/** Indexes the TypeScript/JavaScript code of the workspace at `root` (absolute). */
export async function indexCode(root: string, options: CodeIndexOptions = {}): Promise<CodeIndexResult> {
  const progress = options.onProgress ?? (() => undefined);
  progress('discover', 0, 1);
  const discovery = discoverFiles(root, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const skipped = [...discovery.skipped];
  const projects = loadProjects(
    root,
    discovery.files.filter((file) => isConfigPath(file.path)).map((file) => file.abs),
  );
  const host = cachedHost();
  const resolvers = new Map<Project, ProjectResolver>();
  const resolverFor = (project: Project) => {
    let resolver = resolvers.get(project);
    if (!resolver) {
      resolver = new ProjectResolver(project, root, host);
      resolvers.set(project, resolver);
    }
    return resolver;
  };

  const builder = new CodeRowsBuilder();
  const indexState: IndexStateRow[] = [];
  const total = discovery.files.length;
  for (let i = 0; i < total; i++) {
    if (i % PROGRESS_EVERY === 0) progress('parse', i, total);
    const file = discovery.files[i]!;
    const bytes = readBytes(file);
    if (bytes === null) {
      skipped.push({ path: file.path, reason: 'unreadable' });
      continue;
    }
    if (looksBinary(bytes)) {
      skipped.push({ path: file.path, reason: 'binary', size: file.size });
      continue;
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    const text = bytes.toString('utf8');
    const language = languageOf(file.path);
    const project = language === 'json' ? projects.defaults : projects.ownerOf(file.abs);
    indexState.push({ path: file.path, hash, size: file.size, mtimeMs: file.mtimeMs, tsconfig: project.config });
    if (language === 'json') {
      builder.addFile(file, { language, hash, text, tsconfig: null, facts: null, targets: [] });
      continue;
    }
    const resolver = resolverFor(project);
    const isJs = /\.[cm]?jsx?$/.test(file.path);
    const source = ts.createSourceFile(
      file.abs,
      text,
      {
        languageVersion: ts.ScriptTarget.Latest,
        impliedNodeFormat: resolver.impliedNodeFormat(file.abs),
        jsDocParsingMode: isJs ? ts.JSDocParsingMode.ParseAll : ts.JSDocParsingMode.ParseNone,
      },
      true,
      scriptKindOf(file.path),
    );
    const facts = extractFacts(source, isJs);
    const targets = facts.imports.map((fact) => resolver.resolve(source, fact));
    builder.addFile(file, { language, hash, text, tsconfig: project.config, facts, targets });
  }
  progress('parse', total, total);

  const warnings: Warning[] = [...projects.warnings, ...builder.warnings];
  for (const skip of skipped) {
    warnings.push({
      code: `skipped_${skip.reason}`,
      path: skip.path,
      message:
        skip.reason === 'too_large'
          ? `skipped ${skip.path}: ${skip.size} bytes is over the ${options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES}-byte limit`
          : `skipped ${skip.path}: ${skip.reason}`,
    });
  }
  return {
    rows: builder.rows(),
    indexState,
    warnings,
    skipped,
    tsconfigs: projects.list.map((project) => project.config!).sort(),
  };
}

export function languageOf(path: string): string {
  if (/\.d\.[cm]?ts$/.test(path)) return 'dts';
  return path.slice(path.lastIndexOf('.') + 1);
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function readBytes(file: DiscoveredFile): Buffer | null {
  try {
    return readFileSync(file.abs);
  } catch {
    return null;
  }
}
