// `kg session analyze` as a library: one session by id, or all of a workspace's, with the plain-text reports.

import { chooseDataDir } from '../../indexers/sessions/location.js';
import type { AnalyzeRequest } from '../tools.js';
import { workspaceRoot } from '../workspace.js';
import { analyzeSession, summarizeSessions } from './analyze.js';
import type { AllSessionsAnalysis, AnalyzeReport, SessionAnalysis } from './schema.js';
import { listSessions, readDaemonSession, readRunnerSession, readSessionById, type AnalyzeScope } from './read.js';

export type { AllSessionsAnalysis, AnalyzeReport, ItemAnalysis, QueryCallAnalysis, SessionAnalysis, SlotAnalysis, SlotKindSummary, Verdict } from './schema.js';
export type { AnalyzeScope } from './read.js';
export { renderAllSessionsAnalysis, renderSessionAnalysis } from './render.js';
export * as citationRules from './citation.js';

/** One session (the runner's, else a daemon log); `unknown_session` when the scope has no such session. */
export function analyzeSessionById(scope: AnalyzeScope, id: string): SessionAnalysis {
  return analyzeSession(readSessionById(scope, id));
}

/** Every session of the workspace; those that cannot be read are listed with why, not fatal. */
export function analyzeAllSessions(scope: AnalyzeScope): AllSessionsAnalysis {
  const { runner, daemon } = listSessions(scope);
  const analyses: SessionAnalysis[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const [ids, read] of [
    [runner, readRunnerSession],
    [daemon, readDaemonSession],
  ] as const) {
    for (const id of ids) {
      const result = read(scope, id);
      if (result.ok) analyses.push(analyzeSession(result.session));
      else if (result.reason !== 'of another workspace') skipped.push({ id, reason: result.reason });
    }
  }
  return summarizeSessions(scope.workspace, analyses, skipped);
}

/** `request` answered from the data dir it names, else `$WORKRAIL_DATA_DIR` or `~/.workrail/data`. */
export function analyzeRequest(request: AnalyzeRequest): AnalyzeReport {
  const scope = { dataDir: chooseDataDir(request.dataDir).path, workspace: workspaceRoot(request.workspace) };
  return request.session !== undefined ? analyzeSessionById(scope, request.session) : analyzeAllSessions(scope);
}
