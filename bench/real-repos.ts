// Real repositories nobody here wrote (a pnpm monorepo, a TSX application with `paths`), given as work trees: kg's
// tsconfig ownership against the language service's own (tsserver's ProjectService), kg's import edges against the
// compiler's under that ownership, per owning tsconfig, and `kg index` timed against dependency-cruiser on the same
// folder in the same run. Nothing of the repositories is kept in this repository.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { indexCode } from '../indexers/code/index.js';
import { compareEdges, compilerImportEdges, editorOwnership, kgImportEdges } from '../tests/oracle/compiler-oracle.js';
import { measure, median, type Measurement } from './measure.js';
import { dependencyCruiser } from './peers.js';

const KG_BIN = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');

export interface RepoFigures {
  repo: string;
  commit: string | null;
  codeFiles: number;
  tsconfigs: number;
  ownership: { agree: number; differ: number; examples: string[] };
  edges: { both: number; onlyKg: number; onlyCompiler: number; ratio: number; examples: string[] };
  perTsconfig: { tsconfig: string; files: number; both: number; onlyKg: number; onlyCompiler: number }[];
  resolution: { nearestTsconfig: number; defaults: number; missingFile: number; packageNotFound: number; assets: number; workspacePackageEdges: number };
  timing: { runs: number; kgMs: number; dependencyCruiserMs: number | null; ratio: number | null; dependencyCruiserError: string | null };
}

export async function benchRealRepos(roots: readonly string[], runs: number): Promise<RepoFigures[]> {
  const out: RepoFigures[] = [];
  for (const root of roots) out.push(await benchRepo(root, runs));
  return out;
}

async function benchRepo(root: string, runs: number): Promise<RepoFigures> {
  const result = await indexCode(root);
  const code = result.indexState.filter((state) => state.imports !== null);
  const kgOwner = new Map(code.map((state) => [join(root, state.path), state.tsconfig]));
  const editor = editorOwnership(root, [...kgOwner.keys()]);
  let agree = 0;
  const examples: string[] = [];
  for (const [abs, owner] of kgOwner) {
    const theirs = editor.has(abs) ? relative(root, editor.get(abs)!) : null;
    if (theirs === owner) agree++;
    else if (examples.length < 10) examples.push(`${relative(root, abs)}: kg ${owner ?? '(defaults)'}, editor ${theirs ?? '(inferred, no tsconfig.json above)'}`);
  }
  const kgEdges = kgImportEdges(result.rows.edges);
  const compiler = compilerImportEdges(root, new Set(code.map((state) => state.path)), editor);
  const agreement = compareEdges(kgEdges, compiler);
  const ownerOf = new Map(code.map((state) => [state.path, state.tsconfig ?? '(defaults)']));
  const per = new Map<string, { files: number; both: number; onlyKg: number; onlyCompiler: number }>();
  const bucket = (path: string) => {
    const key = ownerOf.get(path) ?? '(defaults)';
    let entry = per.get(key);
    if (!entry) per.set(key, (entry = { files: 0, both: 0, onlyKg: 0, onlyCompiler: 0 }));
    return entry;
  };
  for (const state of code) bucket(state.path).files++;
  const only = { kg: new Set(agreement.onlyKg), compiler: new Set(agreement.onlyCompiler) };
  for (const edge of kgEdges) bucket(edge.split('|')[0]!)[only.kg.has(edge) ? 'onlyKg' : 'both']++;
  for (const edge of only.compiler) bucket(edge.split('|')[0]!).onlyCompiler++;
  const r = result.resolution;
  return {
    repo: root,
    commit: null,
    codeFiles: code.length,
    tsconfigs: result.tsconfigs.length,
    ownership: { agree, differ: kgOwner.size - agree, examples },
    edges: {
      both: agreement.both,
      onlyKg: agreement.onlyKg.length,
      onlyCompiler: agreement.onlyCompiler.length,
      ratio: agreement.ratio,
      examples: [...agreement.onlyKg.slice(0, 5).map((e) => `only kg: ${e}`), ...agreement.onlyCompiler.slice(0, 5).map((e) => `only compiler: ${e}`)],
    },
    perTsconfig: [...per].map(([tsconfig, counts]) => ({ tsconfig, ...counts })).sort((a, b) => b.files - a.files),
    resolution: {
      nearestTsconfig: r.filesBySource.nearest_tsconfig,
      defaults: r.filesBySource.defaults,
      missingFile: r.unresolved.missingFile,
      packageNotFound: r.unresolved.packageNotFound,
      assets: r.edgesByKind.imports_asset ?? 0,
      workspacePackageEdges: r.edgesByKind.workspace_package ?? 0,
    },
    timing: await timeAgainstCruiser(root, runs),
  };
}

/** `kg index` and dependency-cruiser on the same folder, one of each per round after an untimed round. */
async function timeAgainstCruiser(root: string, runs: number): Promise<RepoFigures['timing']> {
  const db = mkdtempSync(join(tmpdir(), 'kg-bench-repo-'));
  const tsconfig = existsSync(join(root, 'tsconfig.json')) ? ['--ts-config', 'tsconfig.json'] : [];
  // The peer's own arguments, with the whole folder (a monorepo has no single src/) and the root tsconfig when there is one.
  const cruiserArgs = [...dependencyCruiser.args(root).slice(0, -1).filter((arg, i, all) => arg !== '--ts-config' && all[i - 1] !== '--ts-config'), ...tsconfig, '.'];
  const kg: Measurement[] = [];
  const cruiser: Measurement[] = [];
  let cruiserError: string | null = null;
  try {
    for (let round = 0; round <= runs; round++) {
      const kgRun = await measure(process.execPath, [KG_BIN, 'index', root, '--db', join(db, `r${round}.duckdb`), '--json'], { env: { ...process.env, KG_NO_SERVER: '1' } });
      if (round > 0) kg.push(kgRun);
      if (cruiserError === null) {
        try {
          const run = await measure(process.execPath, cruiserArgs, { cwd: root });
          if (round > 0) cruiser.push(run);
        } catch (error) {
          cruiserError = (error as Error).message.split('\n')[0]!;
        }
      }
    }
  } finally {
    rmSync(db, { recursive: true, force: true });
  }
  const kgMs = median(kg.map((m) => m.wallMs));
  const cruiserMs = cruiser.length > 0 ? median(cruiser.map((m) => m.wallMs)) : null;
  return { runs, kgMs, dependencyCruiserMs: cruiserMs, ratio: cruiserMs ? kgMs / cruiserMs : null, dependencyCruiserError: cruiserError };
}

export function formatRealRepo(f: RepoFigures): string {
  const pct = (n: number, of: number) => (of === 0 ? '100.0' : ((100 * n) / of).toFixed(1));
  return [
    `## ${f.repo}${f.commit ? ` at ${f.commit.slice(0, 12)}` : ''}: ${f.codeFiles} code files, ${f.tsconfigs} tsconfigs`,
    '',
    `ownership against the language service: ${f.ownership.agree} of ${f.ownership.agree + f.ownership.differ} files agree (${pct(f.ownership.agree, f.ownership.agree + f.ownership.differ)} %)` +
      (f.ownership.examples.length > 0 ? `\n  ${f.ownership.examples.join('\n  ')}` : ''),
    `import edges against the compiler under that ownership: ${f.edges.both} agree, ${f.edges.onlyKg} only kg (false edges), ${f.edges.onlyCompiler} only the compiler (${(100 * f.edges.ratio).toFixed(2)} %)` +
      (f.edges.examples.length > 0 ? `\n  ${f.edges.examples.join('\n  ')}` : ''),
    `resolution: ${f.resolution.nearestTsconfig} file(s) in no project (nearest tsconfig.json), ${f.resolution.defaults} with kg's defaults; unresolved: ${f.resolution.missingFile} relative, ${f.resolution.packageNotFound} packages not installed; ${f.resolution.assets} asset edges; ${f.resolution.workspacePackageEdges} workspace_package edges`,
    '',
    '| owning tsconfig | files | edges agree | only kg | only compiler |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...f.perTsconfig.slice(0, 15).map((t) => `| ${t.tsconfig} | ${t.files} | ${t.both} | ${t.onlyKg} | ${t.onlyCompiler} |`),
    ...(f.perTsconfig.length > 15 ? [`| … ${f.perTsconfig.length - 15} more | | | | |`] : []),
    '',
    `kg index ${f.timing.kgMs.toFixed(0)} ms, dependency-cruiser ${f.timing.dependencyCruiserMs === null ? `failed: ${f.timing.dependencyCruiserError}` : `${f.timing.dependencyCruiserMs.toFixed(0)} ms`}` +
      (f.timing.ratio !== null ? ` (kg / dependency-cruiser ${f.timing.ratio.toFixed(2)})` : '') +
      ` (median of ${f.timing.runs} after an untimed round)`,
  ].join('\n');
}
