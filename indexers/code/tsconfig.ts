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
  warnings: Warning[];
}

const CONFIG_NAME = /^(?:tsconfig(?:\.[^/]*)?|jsconfig)\.json$/;

/** True for a path (workspace-relative) that names a tsconfig or jsconfig file. */
export function isConfigPath(path: string): boolean {
  return CONFIG_NAME.test(path.slice(path.lastIndexOf('/') + 1));
}

/** Parses `configPaths` (absolute) with `extends` and `references` followed by the compiler. */
export function loadProjects(root: string, configPaths: readonly string[]): Projects {
  const warnings: Warning[] = [];
  const list: Project[] = [];
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
    for (const reference of parsed.projectReferences ?? []) {
      const target = tsc.resolveProjectReferencePath(reference);
      if (!toRel(root, target).startsWith('..')) queue.push(target);
    }
  }
  const defaults: Project = { config: null, options: DEFAULT_COMPILER_OPTIONS, fileNames: [] };
  const owners = new Map<string, Project>();
  // The nearest config wins; at equal depth tsconfig.json before other names, then by name.
  const ranked = [...list].sort(
    (a, b) =>
      depth(b.config!) - depth(a.config!) ||
      Number(basename(b.config!) === 'tsconfig.json') - Number(basename(a.config!) === 'tsconfig.json') ||
      (a.config! < b.config! ? -1 : a.config! > b.config! ? 1 : 0),
  );
  for (const project of ranked) {
    for (const file of project.fileNames) if (!owners.has(file)) owners.set(file, project);
  }
  return { list: ranked, defaults, ownerOf: (abs) => owners.get(abs) ?? defaults, warnings };
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
