// `kg index [dir]`: a full index of a workspace into its graph.

import { chooseDataDir } from '../../indexers/sessions/location.js';
import type { IndexReport } from '../../indexers/index.js';
import { workspaceFolderToIndex } from '../workspace.js';
import { backendFor, jobReport } from './backend.js';
import { rememberDb } from './db-registry.js';
import { type Io, printJson, warningLine } from './io.js';

export interface IndexCommandOptions {
  db?: string;
  json?: boolean;
  maxFileKb: number;
  dataDir?: string;
  historyDepth?: number;
  vectors?: boolean;
  model?: string;
}

export async function indexCommand(io: Io, dir: string, options: IndexCommandOptions): Promise<void> {
  // A folder that does not exist is said before anything opens, so it leaves no graph behind.
  const workspace = workspaceFolderToIndex(dir);
  const dataDir = chooseDataDir(options.dataDir);
  const backend = await backendFor(io, { ...(options.db ? { db: options.db } : {}), quiet: Boolean(options.json) });
  try {
    const job = await backend.reindex({
      workspace,
      full: true,
      maxFileBytes: options.maxFileKb * 1024,
      ...(options.historyDepth !== undefined ? { historyDepth: options.historyDepth } : {}),
      ...(options.vectors !== undefined ? { vectors: options.vectors } : {}),
      ...(options.model !== undefined ? { embedModel: options.model } : {}),
      // A server reads its own default data dir unless this shell names one.
      ...(dataDir.explicit ? { dataDir: dataDir.path } : {}),
    });
    const report = await jobReport<IndexReport & { db: string }>(backend, job);
    // A graph outside KG_HOME is found only with --db: remember it, so a later command without one can say where.
    if (options.db) rememberDb(report.workspace, report.db);
    printIndexReport(io, report, options);
  } finally {
    await backend.close();
  }
}

function printIndexReport(io: Io, report: IndexReport & { db: string }, options: IndexCommandOptions): void {
  const { counts, history, ...rest } = report;
  if (options.json) {
    printJson(io, { ...rest, ...counts, ...history });
    return;
  }
  const seconds = (report.durationMs / 1000).toFixed(2);
  io.stdout(
    `indexed ${counts.files} files of ${report.workspace} in ${seconds} s: ` +
      `${counts.edges} edges, ${counts.symbols} symbols, ${counts.packages} packages, ` +
      `${counts.cliCommands} CLI commands, ${counts.routes} routes\n` +
      `history: ${history.sessions} session(s) of this workspace (of ${history.sessionsInDataDir} in ${history.dataDir}), ` +
      `${history.pipelineRuns} pipeline run(s), ${history.conventions} convention section(s)\n` +
      // A server of an older kg reports no git history.
      (report.git ? `git: ${gitLine(report.git)}\n` : '') +
      // A server of an older kg reports no vectors.
      (report.vectors && report.vectors.state !== 'off' ? `vectors: ${vectorLine(report.vectors)}\n` : '') +
      // A server of an older kg reports no resolution summary.
      (report.resolution ? resolutionLines(report.tsconfigs, report.resolution) : '') +
      `graph: ${report.db}\n`,
  );
  if (report.skipped.length > 0) {
    io.stdout(`skipped ${report.skipped.length} file(s): ${report.skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`).join(', ')}${report.skipped.length > 5 ? ', …' : ''}\n`);
  }
  // The vectors line above already says why they were not updated.
  const warnings = report.warnings.filter((warning) => warning.code !== 'vectors_unavailable');
  if (warnings.length > 0) {
    io.stderr(`${warnings.length} warning(s):\n`);
    // A session warning's message names the session; its path is inside the session folder.
    for (const warning of warnings.slice(0, 10)) {
      io.stderr(`  ${warningLine(warning)}\n`);
    }
    if (warnings.length > 10) io.stderr(`  … (${warnings.length - 10} more; --json lists them all)\n`);
  }
}

/** One line on the vectors after an index or reindex. */
export function vectorLine(vectors: IndexReport['vectors']): string {
  if (vectors.state === 'off') return vectors.forgotten ? 'off (removed)' : 'off';
  if (vectors.state === 'unavailable') return `not updated: ${vectors.reason}`;
  const rate = vectors.textsPerSecond === null ? '' : `, ${vectors.textsPerSecond} texts/s`;
  return (
    `${vectors.texts} text(s): ${vectors.embedded} embedded, ${vectors.kept} kept, ${vectors.removed} removed` +
    ` (${vectors.model}, ${vectors.dimensions}-d${rate}${vectors.rebuilt ? ', rebuilt' : ''}) in ${(vectors.durationMs / 1000).toFixed(2)} s`
  );
}

/** One line on the git history an index read. */
export function gitLine(git: IndexReport['git']): string {
  if (git.mode === 'none') return `no history (${git.note ?? 'nothing to read'})`;
  const flags = [git.shallow ? 'shallow clone' : '', git.detached ? 'detached HEAD' : ''].filter(Boolean);
  const read = git.mode === 'incremental' ? `${git.read} new commit(s) read, ` : '';
  return `${read}${git.commits} commit(s) back from ${git.head?.slice(0, 12)} (depth ${git.depth})${flags.length > 0 ? `, ${flags.join(', ')}` : ''}` +
    (git.mode === 'full' && git.note ? `; read whole: ${git.note}` : '');
}

/** The tsconfigs used and how many files each resolved, the files no project includes, the unresolved imports, the edges. */
function resolutionLines(tsconfigs: readonly string[], r: IndexReport['resolution']): string {
  const owned = Object.entries(r.filesByTsconfig).map(([config, files]) => `${config} ${files}`);
  const lines = [
    `tsconfigs: ${tsconfigs.length} read${owned.length > 0 ? `; files resolved with ${owned.slice(0, 8).join(', ')}${owned.length > 8 ? `, … (${owned.length - 8} more)` : ''}` : ''}`,
  ];
  if (r.filesBySource.nearest_tsconfig + r.filesBySource.defaults > 0) {
    lines.push(
      `  in no project: ${r.filesBySource.nearest_tsconfig} file(s) took the nearest tsconfig.json's options, ${r.filesBySource.defaults} kg's defaults (no tsconfig.json above them)`,
    );
  }
  const { missingFile, packageNotFound, examples } = r.unresolved;
  lines.push(
    missingFile + packageNotFound === 0
      ? 'unresolved imports: none'
      : `unresolved imports: ${missingFile} name no file, ${packageNotFound} name a package that is not installed` +
          (examples.length > 0 ? `; e.g. ${examples.slice(0, 3).map((e) => `${e.path}:${e.line} ${e.specifier}`).join(', ')}` : ''),
  );
  lines.push(`edges: ${Object.entries(r.edgesByKind).map(([kind, n]) => `${n} ${kind}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
