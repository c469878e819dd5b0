// Incremental reindex against a full index of the same real corpus, all as whole `kg` processes.

import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphStore } from '../graph/store.js';
import { reindexWorkspaceInto } from '../indexers/reindex.js';
import type { Corpus } from './corpora.js';
import { measure, median } from './measure.js';

const KG_BIN = join(import.meta.dirname, '..', '..', 'bin', 'kg.js');

export interface ReindexFigures {
  corpus: string;
  files: number;
  fullIndexSeconds: number;
  noOpSeconds: number;
  touched: { files: number; seconds: number; ratioToFull: number }[];
  /** One file added, one deleted and one shadowing a folder's index.ts, each run on a fresh copy of the indexed state. */
  fileSet: { paths: { added: string; deleted: string; shadowing: string }; seconds: number; ratioToFull: number; reResolved: number };
  /** The same reindexes inside one warm process (a daemon or `kg serve` after each session). */
  inProcess: { files: number; seconds: number; ratioToFull: number }[];
  inProcessNoOpSeconds: number;
}

/** Full index, then reindex after touching 1, 10 and 100 files, and a no-op reindex: medians of `runs`. */
export async function benchReindex(corpus: Corpus, runs: number): Promise<ReindexFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'kg-bench-reindex-'));
  try {
    const root = join(scratch, 'ws');
    cpSync(corpus.root, root, { recursive: true });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'corpus');
    const db = join(scratch, 'graph.duckdb');
    const kg = (...args: string[]) => measure(process.execPath, [KG_BIN, ...args, '--db', db]);

    const full: number[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(db, { force: true });
      full.push((await kg('index', root)).wallMs);
    }
    const sources = listSources(join(root, 'src')).map((path) => join(root, 'src', path));
    let next = 0;
    const touched: ReindexFigures['touched'] = [];
    for (const count of [1, 10, 100]) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        for (let k = 0; k < count; k++) appendFileSync(sources[next++ % sources.length]!, `\n// touched ${next}\n`);
        times.push((await kg('reindex', '--workspace', root)).wallMs);
      }
      touched.push({ files: count, seconds: median(times) / 1000, ratioToFull: median(times) / median(full) });
    }
    const noOp: number[] = [];
    for (let i = 0; i < Math.max(5, runs); i++) noOp.push((await kg('reindex', '--workspace', root)).wallMs);

    const store = await GraphStore.open({ path: db });
    const inProcess: ReindexFigures['inProcess'] = [];
    const inProcessNoOp: number[] = [];
    try {
      await reindexWorkspaceInto(store, root); // warm-up: loads the compiler; nothing changed yet, so nothing is parsed
      for (const count of [1, 10, 100]) {
        const times: number[] = [];
        for (let i = 0; i < Math.max(5, runs); i++) {
          for (let k = 0; k < count; k++) appendFileSync(sources[next++ % sources.length]!, `\n// touched ${next}\n`);
          const started = performance.now();
          await reindexWorkspaceInto(store, root);
          times.push(performance.now() - started);
        }
        inProcess.push({ files: count, seconds: median(times) / 1000, ratioToFull: median(times) / median(full) });
      }
      for (let i = 0; i < Math.max(5, runs); i++) {
        const started = performance.now();
        await reindexWorkspaceInto(store, root);
        inProcessNoOp.push(performance.now() - started);
      }
    } finally {
      store.close();
    }
    // Last: putting the workspace back from a copy leaves git's index stale (new inodes), which slows every git status.
    const fileSet = await benchFileSet(root, db, Math.max(5, runs), median(full), kg);
    return {
      corpus: corpus.spec.name,
      files: sources.length,
      fullIndexSeconds: median(full) / 1000,
      noOpSeconds: median(noOp) / 1000,
      touched,
      fileSet,
      inProcess,
      inProcessNoOpSeconds: median(inProcessNoOp) / 1000,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatReindex(figures: ReindexFigures): string {
  const lines = [
    `reindex on ${figures.corpus} (${figures.files} source files, git, whole kg processes, medians)`,
    `  full index          ${figures.fullIndexSeconds.toFixed(3)} s`,
    ...figures.touched.map(
      (t) => `  ${`${t.files} file(s) touched`.padEnd(19)} ${t.seconds.toFixed(3)} s  (${(t.ratioToFull * 100).toFixed(1)} % of full)`,
    ),
    `  no-op reindex       ${figures.noOpSeconds.toFixed(3)} s  (${((figures.noOpSeconds / figures.fullIndexSeconds) * 100).toFixed(1)} % of full)`,
    `  1 added, 1 deleted, 1 shadowing a folder index (${figures.fileSet.paths.added}, ${figures.fileSet.paths.deleted}, ${figures.fileSet.paths.shadowing}):`,
    `                      ${figures.fileSet.seconds.toFixed(3)} s  (${(figures.fileSet.ratioToFull * 100).toFixed(1)} % of full), ${figures.fileSet.reResolved} files resolved again`,
    `  in one warm process (library reindexWorkspaceInto, as a daemon or kg serve runs it):`,
    ...figures.inProcess.map(
      (t) => `  ${`${t.files} file(s) touched`.padEnd(19)} ${t.seconds.toFixed(3)} s  (${(t.ratioToFull * 100).toFixed(1)} % of full)`,
    ),
    `  no-op reindex       ${figures.inProcessNoOpSeconds.toFixed(3)} s`,
  ];
  return lines.join('\n');
}

/**
 * `kg reindex --files` after one file is added, one deleted (one a few others import) and one added beside a folder's
 * index.ts, which it shadows; each run starts from a copy of the indexed workspace and graph, which are put back after.
 */
async function benchFileSet(
  root: string,
  db: string,
  runs: number,
  fullMs: number,
  kg: (...args: string[]) => Promise<{ wallMs: number; stdout: string }>,
): Promise<ReindexFigures['fileSet']> {
  const sources = listSources(join(root, 'src')).map((path) => `src/${path}`);
  const texts = sources.map((path) => readFileSync(join(root, path), 'utf8'));
  const stemOf = (path: string) => path.slice(path.lastIndexOf('/') + 1).replace(/\..*$/, '');
  const namedBy = (path: string) => texts.filter((text) => [`/${stemOf(path)}.`, `/${stemOf(path)}'`, `/${stemOf(path)}"`].some((s) => text.includes(s))).length;
  const deleted = sources.find((path) => !path.endsWith('/index.ts') && namedBy(path) >= 2 && namedBy(path) <= 5) ?? sources[0]!;
  const folder = sources.find((path) => path.endsWith('/index.ts') && path.split('/').length > 2 && !existsSync(join(root, `${path.slice(0, -'/index.ts'.length)}.ts`)));
  const shadowing = folder ? `${folder.slice(0, -'/index.ts'.length)}.ts` : 'src/kg-bench-shadow.ts';
  const added = 'src/kg-bench-added.ts';
  const importer = `./${sources[0]!.slice('src/'.length)}`;
  const pristine = `${root}.pristine`;
  cpSync(root, pristine, { recursive: true, preserveTimestamps: true });
  const graphFiles = [db, `${db}.wal`].filter((path) => existsSync(path));
  for (const path of graphFiles) cpSync(path, `${path}.pristine`, { preserveTimestamps: true });
  const times: number[] = [];
  let reResolved = 0;
  try {
    for (let i = 0; i < runs; i++) {
      writeFileSync(join(root, added), `import * as first from '${importer}';\nexport const added = first;\n`);
      rmSync(join(root, deleted));
      writeFileSync(join(root, shadowing), 'export const shadowing = 1;\n');
      const run = await kg('reindex', '--workspace', root, '--json', '--files', ...[added, deleted, shadowing].map((path) => join(root, path)));
      times.push(run.wallMs);
      reResolved = (JSON.parse(run.stdout) as { reResolved: number }).reResolved;
      rmSync(root, { recursive: true, force: true });
      cpSync(pristine, root, { recursive: true, preserveTimestamps: true });
      rmSync(`${db}.wal`, { force: true });
      for (const path of graphFiles) cpSync(`${path}.pristine`, path, { preserveTimestamps: true });
    }
  } finally {
    rmSync(pristine, { recursive: true, force: true });
    for (const path of graphFiles) rmSync(`${path}.pristine`, { force: true });
  }
  return { paths: { added, deleted, shadowing }, seconds: median(times) / 1000, ratioToFull: median(times) / fullMs, reResolved };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=kg-bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd, stdio: 'ignore' });
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}
