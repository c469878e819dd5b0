// The sessions indexer: the agent data dir's sessions of one workspace, its pipeline runs, and the files each session changed.

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeId, type EdgeRow, type PipelineRunRow, type SessionRow, type Warning } from '../../graph/records.js';
import { readDataDir, type ExecutionStat, type SessionLog } from './datadir.js';
import { firstLine, foldSession, type SessionFacts } from './events.js';
import { gitHistoryAt, type ChangeKind, type GitHistory } from './git-changes.js';
import { workspaceRelative } from './paths.js';
import { readPipelineRuns, type RunPhase } from './pipeline-runs.js';
import { capText, SESSION_TEXT_CAPS } from './text-caps.js';

export { chooseDataDir, type DataDirChoice } from './location.js';
export type { GitHistory } from './git-changes.js';

/** Where a session's produced_by list came from, in the order they are tried. */
export type ChangesSource = 'git_metrics' | 'coding_handoff' | 'git';

export interface SessionIndexOptions {
  /** The agent data dir (absolute). */
  dataDir: string;
  /** Whether the user named the data dir (flag or env): only then is a missing one worth a warning. */
  dataDirExplicit?: boolean;
  /** git for sessions no earlier source covers; default git in the workspace, null for none. */
  git?: GitHistory | null;
}

export interface SessionIndexResult {
  sessions: SessionRow[];
  pipelineRuns: PipelineRunRow[];
  /** produced_by, child_of and part_of_run. */
  edges: EdgeRow[];
  warnings: Warning[];
  /** Sessions in the data dir, of any workspace. */
  sessionsInDataDir: number;
}

interface RunLink {
  runId: string;
  phase: RunPhase;
  worktreePath: string | null;
}

/** Indexes the sessions of the workspace at `root` (absolute) found in `options.dataDir`. */
export async function indexSessions(root: string, options: SessionIndexOptions): Promise<SessionIndexResult> {
  const realPath = realPathCache();
  const samePath = (path: string, realRootPath: string) => realPath(path) === realRootPath;
  const realRootPath = realPath(root);
  const warnings: Warning[] = [];
  const data = readDataDir(options.dataDir);
  if (!data.exists && options.dataDirExplicit) {
    warnings.push({ code: 'datadir_missing', message: `agent data dir ${options.dataDir} does not exist: no sessions indexed`, path: options.dataDir });
  }

  const runsRead = readPipelineRuns(realRootPath);
  warnings.push(...runsRead.warnings);
  const runs = runsRead.runs.filter((run) => {
    if (run.row.workspace === null || samePath(run.row.workspace, realRootPath)) return true;
    warnings.push({
      code: 'run_other_workspace',
      message: `pipeline run ${run.row.id} names workspace ${run.row.workspace}, not this one: skipped`,
      path: `.workrail/pipeline-runs/${run.row.id}-context.json`,
    });
    return false;
  });
  const linksBySession = new Map<string, RunLink[]>();
  for (const run of runs) {
    for (const phase of run.phases) {
      if (phase.sessionHandle === null) continue;
      const links = linksBySession.get(phase.sessionHandle) ?? [];
      links.push({ runId: run.row.id, phase, worktreePath: run.row.worktreePath });
      linksBySession.set(phase.sessionHandle, links);
    }
  }

  const ours: { log: SessionLog; facts: SessionFacts; links: RunLink[] }[] = [];
  const readIds = new Set<string>();
  for (const log of data.sessions) {
    // A session none of whose events could be read says nothing of its workspace: it may have been this one's.
    if (log.events.length > 0) readIds.add(log.id);
    const facts = foldSession(log.id, log.events);
    const links = linksBySession.get(log.id) ?? [];
    // A session is the workspace's when it recorded this workspace as repo_root, or a pipeline run of it ran it.
    if (links.length > 0 || (facts.repoRoot !== null && samePath(facts.repoRoot, realRootPath))) ours.push({ log, facts, links });
  }
  const oursIds = new Set(ours.map((s) => s.log.id));
  // Reader warnings about other workspaces' sessions are not this workspace's business; a session that could not
  // be read at all may have been ours, so its warning stays.
  for (const warning of data.warnings) {
    if (warning.session === undefined || oursIds.has(warning.session) || !readIds.has(warning.session)) warnings.push(warning);
  }

  const git = options.git === undefined ? gitHistoryAt(realRootPath) : options.git;
  const sessions: SessionRow[] = [];
  const edges: EdgeRow[] = [];
  ours.sort((a, b) => (a.log.id < b.log.id ? -1 : a.log.id > b.log.id ? 1 : 0));
  for (const { log, facts, links } of ours) {
    const warn = (code: string, message: string) => warnings.push({ code, message: `session ${log.id}: ${message}`, session: log.id });
    const roots = [realRootPath, root, ...(facts.repoRoot ? [facts.repoRoot, realPath(facts.repoRoot)] : [])];
    for (const link of links) if (link.worktreePath) roots.push(link.worktreePath);
    for (const cut of facts.truncated) {
      const cap = cut.field === 'notes' ? `${SESSION_TEXT_CAPS.notes}-character cap on all notes (${SESSION_TEXT_CAPS.note} per step)` : `${SESSION_TEXT_CAPS[cut.field]}-character cap`;
      warn('session_text_truncated', `its ${cut.field} is ${cut.length} characters, over the ${cap}: kept the first ${cut.kept}`);
    }
    const changes = await changedFiles(facts, links, git, warn);
    const files = new Map<string, ChangeKind>();
    const rejected: string[] = [];
    for (const file of changes?.files ?? []) {
      const path = workspaceRelative(file.path, roots);
      if (path === null) rejected.push(file.path);
      else if (!files.has(path)) files.set(path, file.change);
    }
    if (rejected.length > 0) {
      warn('path_rejected', `${rejected.length} changed path(s) escape the workspace and were not followed: ${rejected.map((p) => JSON.stringify(p)).join(', ')}`);
    }
    for (const [path, change] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      edges.push({ src: nodeId.session(log.id), dst: nodeId.file(path), kind: 'produced_by', attrs: { change, source: changes!.source } });
    }
    if (facts.parentId !== null && oursIds.has(facts.parentId)) {
      edges.push({ src: nodeId.session(log.id), dst: nodeId.session(facts.parentId), kind: 'child_of', attrs: null });
    }
    for (const link of links) {
      edges.push({ src: nodeId.session(log.id), dst: nodeId.pipelineRun(link.runId), kind: 'part_of_run', attrs: { phase: link.phase.phase } });
    }
    sessions.push(sessionRow(log, facts, links, data.stats.get(log.id) ?? null, changes?.source ?? null));
  }
  return { sessions, pipelineRuns: runs.map((run) => run.row), edges, warnings, sessionsInDataDir: data.sessions.length };
}

interface Changes {
  source: ChangesSource;
  files: { path: string; change: ChangeKind }[];
}

// The format page's order: git metrics, then a coding handoff (the session's own or its pipeline phase's), then git.
async function changedFiles(
  facts: SessionFacts,
  links: readonly RunLink[],
  git: GitHistory | null,
  warn: (code: string, message: string) => void,
): Promise<Changes | null> {
  const unknown = (paths: readonly string[]) => paths.map((path) => ({ path, change: 'unknown' as const }));
  if (facts.metricsFiles !== null) return { source: 'git_metrics', files: unknown(facts.metricsFiles) };
  const handoff = facts.handoffFiles ?? links.map((link) => link.phase.handoffFiles).find((files) => files !== null) ?? null;
  if (handoff !== null) return { source: 'coding_handoff', files: unknown(handoff) };
  if (facts.commitShas.length === 0 && facts.diffRange === null) return null;
  const what = facts.commitShas.length > 0 ? `commits ${facts.commitShas.map((s) => s.slice(0, 12)).join(', ')}` : `${facts.diffRange!.start.slice(0, 12)}..${facts.diffRange!.end.slice(0, 12)}`;
  if (git === null) {
    warn('git_unavailable', `changed files unknown: only git could tell (${what}) and the workspace is not a git repository`);
    return null;
  }
  const result =
    facts.commitShas.length > 0 ? await git.filesOfCommits(facts.commitShas) : await git.filesOfRange(facts.diffRange!.start, facts.diffRange!.end);
  if (!result.ok) {
    warn('git_failed', `changed files unknown: git could not list ${what} (${result.reason})`);
    return null;
  }
  return { source: 'git', files: result.files };
}

function sessionRow(
  log: SessionLog,
  facts: SessionFacts,
  links: readonly RunLink[],
  stat: ExecutionStat | null,
  changesSource: ChangesSource | null,
): SessionRow {
  const recap = facts.recap ?? links.map((link) => link.phase.recap).find((r) => r !== null) ?? null;
  const line = facts.title ?? (recap === null ? null : firstLine(recap));
  const title = line === null ? null : capText(line, SESSION_TEXT_CAPS.title);
  return {
    id: log.id,
    workflowId: facts.workflowId ?? stat?.workflowId ?? null,
    title,
    goal: facts.goal,
    status: facts.completed ? 'completed' : log.locked ? 'in_progress' : 'incomplete',
    outcome: stat?.outcome ?? null,
    branch: facts.branch,
    startHead: facts.startHead,
    endHead: facts.endHead,
    startedAt: iso(facts.startedAtMs ?? stat?.startMs ?? null),
    endedAt: iso(facts.endedAtMs ?? stat?.endMs ?? null),
    updatedAt: iso(facts.updatedAtMs),
    triggerSource: facts.triggerSource,
    inputTokens: facts.inputTokens,
    outputTokens: facts.outputTokens,
    recap,
    notes: facts.notes,
    parentId: facts.parentId,
    changesKnown: changesSource !== null,
    changesSource,
    repoRoot: facts.repoRoot,
    prUrl: facts.prUrl,
    durationMs: facts.durationMs ?? (stat?.startMs != null && stat.endMs != null ? stat.endMs - stat.startMs : null),
  };
}

function iso(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

// Links and moves must agree: compare real paths (a path that does not exist compares as written, resolved).
function realPathCache(): (path: string) => string {
  const cache = new Map<string, string>();
  return (path) => {
    let real = cache.get(path);
    if (real === undefined) {
      try {
        real = realpathSync(path);
      } catch {
        real = resolve(path);
      }
      cache.set(path, real);
    }
    return real;
  };
}
