// The tools kg is compared with, run on the same workspace, and their answers as file-to-file edge sets.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const NODE_MODULES = join(import.meta.dirname, '..', '..', 'node_modules');

export interface Tool {
  name: string;
  /** The installed version (a devDependency), recorded with the figures. */
  version: string;
  /** node arguments (the tool's own script first) to run it on `root`. */
  args(root: string): string[];
  /** Parses the tool's stdout into the set of `from|to` workspace-file edges and the total edge count. */
  edges(stdout: string): { pairs: Set<string>; total: number; files: number };
}

function binOf(pkg: string, bin: string): string {
  return join(NODE_MODULES, pkg, bin);
}

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(join(NODE_MODULES, pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

interface CruiseOutput {
  modules: { source: string; dependencies: { resolved: string; couldNotResolve: boolean; coreModule: boolean }[] }[];
}

/** dependency-cruiser with the TypeScript pre-compilation dependencies (type-only imports included). */
export const dependencyCruiser: Tool = {
  name: 'dependency-cruiser',
  version: versionOf('dependency-cruiser'),
  args: () => [
    binOf('dependency-cruiser', 'bin/dependency-cruise.mjs'),
    '--no-config',
    '--ts-pre-compilation-deps',
    '--ts-config',
    'tsconfig.json',
    '--do-not-follow',
    'node_modules',
    '--output-type',
    'json',
    'src',
  ],
  edges(stdout) {
    const output = JSON.parse(stdout) as CruiseOutput;
    const pairs = new Set<string>();
    let total = 0;
    let files = 0;
    for (const module of output.modules) {
      if (!module.source.startsWith('src/')) continue;
      files++;
      for (const dependency of module.dependencies) {
        total++;
        if (!dependency.couldNotResolve && dependency.resolved.startsWith('src/')) pairs.add(`${module.source}|${dependency.resolved}`);
      }
    }
    return { pairs, total, files };
  },
};

export const madge: Tool = {
  name: 'madge',
  version: versionOf('madge'),
  args: () => [binOf('madge', 'bin/cli.js'), '--json', '--ts-config', 'tsconfig.json', '--extensions', 'ts,tsx,mts,cts', 'src'],
  edges(stdout) {
    const output = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, string[]>;
    const pairs = new Set<string>();
    let total = 0;
    for (const [from, targets] of Object.entries(output)) {
      for (const to of targets) {
        total++;
        pairs.add(`src/${from}|src/${to}`);
      }
    }
    return { pairs, total, files: Object.keys(output).length };
  },
};

export const PEERS: Tool[] = [dependencyCruiser, madge];
