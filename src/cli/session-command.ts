// `kg session analyze ID | --all`: whether the agent used the context it was given, per slot and item.

import { KgError } from '../../graph/errors.js';
import { chooseDataDir } from '../../indexers/sessions/location.js';
import { analyzeAllSessions, analyzeSessionById, renderAllSessionsAnalysis, renderSessionAnalysis } from '../analyze/index.js';
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
  const scope = { dataDir: chooseDataDir(options.dataDir).path, workspace: workspaceRoot(located?.root ?? options.workspace ?? process.cwd()) };
  if (id !== undefined) {
    const analysis = analyzeSessionById(scope, id);
    return options.json ? printJson(io, analysis) : io.stdout(renderSessionAnalysis(analysis));
  }
  const all = analyzeAllSessions(scope);
  return options.json ? printJson(io, all) : io.stdout(renderAllSessionsAnalysis(all));
}
