// `kg session analyze ID | --all`: whether the agent used the context it was given, per slot and item.

import { KgError } from '../../graph/errors.js';
import { analyzeRequest, renderAllSessionsAnalysis, renderSessionAnalysis } from '../analyze/index.js';
import { locateForRead, workspaceRoot } from '../workspace.js';
import { type Io, printJson } from './io.js';

export interface SessionAnalyzeOptions {
  all?: boolean;
  dataDir?: string;
  workspace?: string;
  json?: boolean;
}

export function sessionAnalyzeCommand(io: Io, id: string | undefined, options: SessionAnalyzeOptions): void {
  if (id !== undefined && options.all) throw new KgError('bad_input', 'give a session id or --all, not both');
  if (id === undefined && !options.all) throw new KgError('bad_input', 'give a session id, or --all for every session of the workspace');
  const located = locateForRead(options.workspace ? { workspace: options.workspace } : {});
  const workspace = workspaceRoot(located?.root ?? options.workspace ?? process.cwd());
  const report = analyzeRequest({ workspace, ...(id !== undefined ? { session: id } : {}), ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  if (options.json) return printJson(io, report);
  io.stdout('sessionId' in report ? renderSessionAnalysis(report) : renderAllSessionsAnalysis(report));
}
