// `kg reindex`: brings the graph up to date with the workspace, redoing only what changed.

import { relative, resolve, sep } from 'node:path';
import { KgError } from '../../graph/errors.js';
import { realRoot } from '../../graph/location.js';
import { chooseDataDir } from '../../indexers/sessions/location.js';
import type { ReindexReport } from '../../indexers/reindex.js';
import { locateForRead } from '../workspace.js';
import { backendFor, jobReport } from './backend.js';
import { gitLine, vectorLine } from './index-command.js';
import { type Io, printJson, warningLine } from './io.js';

export interface ReindexCommandOptions {
  files?: string[];
  session?: string;
  dataDir?: string;
  historyDepth?: number;
  vectors?: boolean;
  model?: string;
  workspace?: string;
  db?: string;
  json?: boolean;
}

export async function reindexCommand(io: Io, options: ReindexCommandOptions): Promise<void> {
  // The workspace: as given, else the nearest indexed folder from here up, else this folder.
  const located = locateForRead({ ...(options.workspace ? { workspace: options.workspace } : {}), ...(options.db ? { db: options.db } : {}) });
  const root = located?.root ?? realRoot(process.cwd());
  if (options.files && options.session) throw new KgError('bad_input', '--files and --session cannot be used together');
  const files = options.files?.map((file) => workspacePath(root, file));
  const dataDir = chooseDataDir(options.dataDir);
  const backend = await backendFor(io, { ...(options.db ? { db: options.db } : {}), quiet: Boolean(options.json) });
  let report: ReindexReport & { db: string };
  try {
    const job = await backend.reindex({
      workspace: root,
      ...(files ? { files } : {}),
      ...(options.session ? { session: options.session } : {}),
      ...(dataDir.explicit ? { dataDir: dataDir.path } : {}),
      ...(options.historyDepth !== undefined ? { historyDepth: options.historyDepth } : {}),
      ...(options.vectors !== undefined ? { vectors: options.vectors } : {}),
      ...(options.model !== undefined ? { embedModel: options.model } : {}),
    });
    report = await jobReport(backend, job);
  } finally {
    await backend.close();
  }
  if (options.json) {
    printJson(io, report);
    return;
  }
  const changed = report.added.length + report.modified.length + report.deleted.length;
  const what =
    report.mode === 'full'
      ? `full index (${report.reason}): ${report.counts?.files ?? 0} files`
      : report.counts === null
        ? 'already up to date'
        : (changed === 0
            ? 'code unchanged'
            : `${changed} file(s) redone (${report.added.length} added, ${report.modified.length} modified, ${report.deleted.length} deleted)`) +
          (report.reResolved > 0 ? `, imports of ${report.reResolved} other file(s) resolved again` : '') +
          (report.history ? `; history read again: ${report.history.sessions} sessions, ${report.history.conventions} convention sections` : '') +
          (report.git ? `; git: ${gitLine(report.git)}` : '');
  // A server of an older kg reports no vectors.
  const vectors = report.vectors && report.vectors.state !== 'off' ? `; vectors: ${vectorLine(report.vectors)}` : '';
  io.stdout(`reindexed ${report.workspace} in ${(report.durationMs / 1000).toFixed(2)} s: ${what}${vectors}\n`);
  // The vectors part of the line above already says why they were not updated.
  const warnings = report.warnings.filter((warning) => warning.code !== 'vectors_unavailable');
  for (const warning of warnings.slice(0, 10)) io.stderr(`  ${warningLine(warning)}\n`);
}

// Paths typed in a terminal are relative to where the user stands.
function workspacePath(root: string, file: string): string {
  return relative(root, resolve(file)).split(sep).join('/');
}
