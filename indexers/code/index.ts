// The code indexer: discovers a workspace's files, parses each once, resolves its imports, and returns graph rows.
// One thread: on the 2-core machines we measure on, parsing in worker threads was slower (parses contend for
// memory bandwidth and GC threads), and a worker that read, hashed and outlined the files while the compiler loaded
// saved ~5 % on effect, nothing on rxjs, and cost 10-30 MB more memory. So the indexer stays single-threaded until a
// measurement says otherwise.

import { relative, sep } from 'node:path';
import { workspacePackageEdges, workspacePackages, type BuiltFrom } from './workspace-packages.js';
import { summarizeResolution, type ResolutionSummary } from './resolution-summary.js';
import type { OwnerSource } from './tsconfig.js';
import type { CodeRows, IndexStateRow, Warning } from '../../graph/records.js';
import { outsideWarning } from '../confine.js';
import { DEFAULT_MAX_FILE_BYTES, discoverFiles, type SkippedFile } from './discover.js';
import { indexStateOf, processFile, ResolutionEnv } from './process-file.js';
import { CodeRowsBuilder } from './rows.js';
import { isConfigPath } from './tsconfig.js';
import { withWholeCompilerOnGap } from './ts.js';
import { saveCompilerCache } from './typescript.js';

export { DEFAULT_COMPILER_OPTIONS } from './tsconfig.js';
export { languageOf } from './process-file.js';
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
  resolution: ResolutionSummary;
}

const PROGRESS_EVERY = 50;
const YIELD_EVERY_MS = 10;

/** Indexes the TypeScript/JavaScript code of the workspace at `root` (absolute). */
export function indexCode(root: string, options: CodeIndexOptions = {}): Promise<CodeIndexResult> {
  return withWholeCompilerOnGap(() => indexCodeOnce(root, options));
}

async function indexCodeOnce(root: string, options: CodeIndexOptions): Promise<CodeIndexResult> {
  const progress = options.onProgress ?? (() => undefined);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  progress('discover', 0, 1);
  const discovery = discoverFiles(root, maxFileBytes);
  const configPaths = discovery.files.filter((file) => isConfigPath(file.path)).map((file) => file.abs);
  const env = new ResolutionEnv(root, configPaths, discovery.listings);

  const builder = new CodeRowsBuilder();
  const indexState: IndexStateRow[] = [];
  const skipped = [...discovery.skipped];
  const owners = new Map<string, { tsconfig: string | null; source: OwnerSource }>();
  const total = discovery.files.length;
  let lastYield = performance.now();
  for (const [i, file] of discovery.files.entries()) {
    if (i % PROGRESS_EVERY === 0) progress('parse', i, total);
    // Let callbacks in: the graph store opens on DuckDB's thread meanwhile, and each of its steps needs this one.
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const result = processFile(file, env);
    if (!result.ok) {
      skipped.push({ path: file.path, reason: result.reason, ...(result.reason === 'binary' ? { size: file.size } : {}) });
      continue;
    }
    indexState.push(indexStateOf(file, result));
    builder.addFile(file, result);
    if (result.language !== 'json') owners.set(file.path, { tsconfig: result.tsconfig, source: env.projects.sourceOf(file.abs) });
  }
  progress('parse', total, total);
  saveCompilerCache();

  const warnings: Warning[] = [
    ...env.projects.warnings,
    ...builder.warnings,
    ...skipped.map((skip) => skipWarning(skip, maxFileBytes)),
    ...discovery.outside.map((link) => outsideWarning(link.path, `links to ${link.folder ? 'the folder ' : ''}${link.target}`)),
  ];
  const rows = builder.rows();
  // A monorepo's packages, linked to the files behind them (the import edges stay as the compiler resolves them).
  const linked = workspacePackages(root, new Set(indexState.map((state) => state.path)), outDirsOf(root, env.projects.list));
  warnings.push(...linked.warnings);
  rows.edges.push(...workspacePackageEdges(linked.packages));
  const named = new Set(rows.packages.map((p) => p.name));
  for (const p of linked.packages) if (!named.has(p.name)) rows.packages.push({ name: p.name });
  rows.packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    rows,
    indexState,
    warnings,
    skipped,
    tsconfigs: env.projects.list.map((project) => project.config!).sort(),
    resolution: summarizeResolution(rows, owners),
  };
}

function skipWarning(skip: SkippedFile, maxFileBytes: number): Warning {
  const why = { binary: 'binary file', unreadable: 'cannot read it', build_output: 'build output folder' } as const;
  const message =
    skip.reason === 'too_large'
      ? `skipped ${skip.path}: ${skip.size} bytes is over the ${maxFileBytes}-byte limit`
      : `skipped ${skip.path}: ${why[skip.reason]}`;
  return { code: `skipped_${skip.reason}`, path: skip.path, message };
}

/** Each tsconfig's folder with its outDir and rootDir (workspace-relative): how a package's built entry maps to its source. */
function outDirsOf(root: string, projects: readonly { config: string | null; options: { outDir?: string; rootDir?: string } }[]): Map<string, BuiltFrom> {
  const out = new Map<string, BuiltFrom>();
  for (const project of projects) {
    if (!project.config || !project.options.outDir) continue;
    const folder = project.config.includes('/') ? project.config.slice(0, project.config.lastIndexOf('/')) : '';
    if (out.has(folder) && !project.config.endsWith('/tsconfig.json') && project.config !== 'tsconfig.json') continue;
    const rel = (abs: string) => relative(root, abs).split(sep).join('/');
    out.set(folder, { outDir: rel(project.options.outDir), rootDir: project.options.rootDir ? rel(project.options.rootDir) : null });
  }
  return out;
}
