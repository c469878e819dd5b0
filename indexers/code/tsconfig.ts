// Loads every tsconfig of a workspace through the compiler and decides which one owns each file.

import { dirname, relative, sep } from 'node:path';
import type { ts } from 'ts-morph';
import { tsc } from './ts.js';
import type { Warning } from '../../graph/records.js';

/** Options for files no tsconfig owns: modern ESM with bundler resolution, JS and JSON allowed. */
export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: tsc.ScriptTarget.ES2022,
  module: tsc.ModuleKind.ESNext,
  moduleResolution: tsc.ModuleResolutionKind.Bundler,
  allowJs: true,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  jsx: tsc.JsxEmit.Preserve,
};

export interface Project {
  /** Workspace-relative path of the tsconfig, or null for the defaults. */
  config: string | null;
  options: ts.CompilerOptions;
  /** Absolute paths of the files the config includes (empty for the defaults). */
  fileNames: string[];
}

export interface Projects {
  list: Project[];
  defaults: Project;
  /** The owning project of an absolute file path. */
  ownerOf(abs: string): Project;
  /** How `ownerOf` chose: a project that includes the file, the nearest tsconfig.json's options, or the defaults. */
  sourceOf(abs: string): OwnerSource;
  warnings: Warning[];
}

export type OwnerSource = 'project' | 'nearest_tsconfig' | 'defaults';

const CONFIG_NAME = /^(?:tsconfig(?:\.[^/]*)?|jsconfig)\.json$/;

/** True for a path (workspace-relative) that names a tsconfig or jsconfig file. */
export function isConfigPath(path: string): boolean {
  return CONFIG_NAME.test(path.slice(path.lastIndexOf('/') + 1));
}

// The names the editor (tsserver) looks for up a file's folders, in this order in each folder.
const EDITOR_CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

/**
 * Parses `configPaths` (absolute) with `extends` and `references` followed by the compiler, and owns each file as the
 * editor does: up the file's folders, the first `tsconfig.json` (else `jsconfig.json`) whose file list includes it,
 * directly or through its `references`; a config that is only extended (`tsconfig.base.json`) owns nothing. A file
 * no project includes gets the options of the nearest `tsconfig.json` up its path, else kg's defaults.
 */
export function loadProjects(root: string, configPaths: readonly string[]): Projects {
  const warnings: Warning[] = [];
  const list: Project[] = [];
  const references = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue = [...configPaths];
  while (queue.length > 0) {
    const abs = queue.shift()!;
    if (seen.has(abs)) continue;
    seen.add(abs);
    const rel = toRel(root, abs);
    const parsed = parseConfig(abs, rel, warnings);
    if (!parsed) continue;
    list.push({ config: rel, options: parsed.options, fileNames: parsed.fileNames.map((f) => f.split('/').join(sep)) });
    const referenced: string[] = [];
    for (const reference of parsed.projectReferences ?? []) {
      const target = tsc.resolveProjectReferencePath(reference);
      if (toRel(root, target).startsWith('..')) continue;
      referenced.push(toRel(root, target));
      queue.push(target);
    }
    references.set(rel, referenced);
  }
  const defaults: Project = { config: null, options: DEFAULT_COMPILER_OPTIONS, fileNames: [] };
  const byConfig = new Map(list.map((project) => [project.config!, project]));
  const files = new Map(list.map((project) => [project, new Set(project.fileNames)]));
  // The project that includes `abs`: `project` itself, else one it references (depth first, in their order).
  const including = (project: Project, abs: string, visited: Set<Project>): Project | null => {
    if (visited.has(project)) return null;
    visited.add(project);
    if (files.get(project)!.has(abs)) return project;
    for (const reference of references.get(project.config!) ?? []) {
      const referenced = byConfig.get(reference);
      const found = referenced ? including(referenced, abs, visited) : null;
      if (found) return found;
    }
    return null;
  };
  // Up the file's folders: the first editor config that includes it, else the nearest tsconfig.json, else defaults.
  const decide = (abs: string): { project: Project; source: OwnerSource } => {
    let nearest: Project | null = null;
    for (let dir = dirname(abs); ; dir = dirname(dir)) {
      const folder = toRel(root, dir);
      if (folder === '..' || folder.startsWith('../')) break;
      for (const name of EDITOR_CONFIG_NAMES) {
        const project = byConfig.get(folder === '' ? name : `${folder}/${name}`);
        if (!project) continue;
        const owner = including(project, abs, new Set());
        if (owner) return { project: owner, source: 'project' };
        if (name === 'tsconfig.json') nearest ??= project;
      }
      if (folder === '' || dirname(dir) === dir) break;
    }
    return nearest ? { project: nearest, source: 'nearest_tsconfig' } : { project: defaults, source: 'defaults' };
  };
  const owners = new Map<string, { project: Project; source: OwnerSource }>();
  const ownership = (abs: string): { project: Project; source: OwnerSource } => {
    let chosen = owners.get(abs);
    if (!chosen) owners.set(abs, (chosen = decide(abs)));
    return chosen;
  };
  // Listed nearest first, as before: reports and ties read the same.
  const ranked = [...list].sort(
    (a, b) =>
      depth(b.config!) - depth(a.config!) ||
      Number(basename(b.config!) === 'tsconfig.json') - Number(basename(a.config!) === 'tsconfig.json') ||
      (a.config! < b.config! ? -1 : a.config! > b.config! ? 1 : 0),
  );
  return { list: ranked, defaults, ownerOf: (abs) => ownership(abs).project, sourceOf: (abs) => ownership(abs).source, warnings };
}

function parseConfig(abs: string, rel: string, warnings: Warning[]): ts.ParsedCommandLine | undefined {
  let fatal: ts.Diagnostic | undefined;
  const host: ts.ParseConfigFileHost = {
    useCaseSensitiveFileNames: tsc.sys.useCaseSensitiveFileNames,
    readDirectory: tsc.sys.readDirectory,
    fileExists: tsc.sys.fileExists,
    readFile: tsc.sys.readFile,
    getCurrentDirectory: () => dirname(abs),
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      fatal = diagnostic;
    },
  };
  let parsed: ts.ParsedCommandLine | undefined;
  try {
    parsed = tsc.getParsedCommandLineOfConfigFile(abs, undefined, host);
  } catch (error) {
    warnings.push({ code: 'tsconfig_invalid', path: rel, message: `cannot read ${rel}: ${String(error)}` });
    return undefined;
  }
  const problems = [...(fatal ? [fatal] : []), ...(parsed?.errors ?? [])].filter(
    (d) => d.code !== 18003, // "No inputs were found": a solution-style or empty config is fine.
  );
  if (problems.length > 0) {
    warnings.push({
      code: 'tsconfig_invalid',
      path: rel,
      message: `${rel}: ${tsc.flattenDiagnosticMessageText(problems[0]!.messageText, ' ')}${parsed ? '' : ' (ignored)'}`,
    });
  }
  // Like tsc, a config with recoverable errors is still used for what it does say.
  return fatal ? undefined : parsed;
}

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

function depth(path: string): number {
  return path.split('/').length;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
