// `kg coordinate review` and `kg coordinate implement --goal TEXT`: the deterministic pipelines of src/coordinators,
// each session through kg's runner, the run written as a pipeline run and reindexed; a report on stdout.

import { KgError } from '../../graph/errors.js';
import { chooseDataDir } from '../../indexers/sessions/location.js';
import { DEFAULT_LIMITS } from '../agent/limits.js';
import { coordinateImplement, type ImplementReport } from '../coordinators/implement.js';
import type { CoordinatorOptions } from '../coordinators/phase.js';
import { coordinateReview, type ReviewReport } from '../coordinators/review.js';
import { locateForRead, workspaceRoot } from '../workspace.js';
import { DEFAULT_AGENT_BUDGET_TOKENS, DEFAULT_AGENT_MODEL } from './agent-command.js';
import { backendFor } from './backend.js';
import { type Io, EXIT, printJson } from './io.js';

export const DEFAULT_SUMMARY_BYTES = 8192;
const MAX_GOAL_CHARS = 20_000;

export interface CoordinateOptions {
  workspace?: string;
  model?: string;
  maxTurns?: number;
  phaseTimeout?: number;
  deadline?: number;
  budgetTokens?: number;
  summaryBytes?: number;
  dataDir?: string;
  json?: boolean;
}

export async function coordinateReviewCommand(io: Io, options: CoordinateOptions & { base?: string; head?: string }): Promise<void> {
  for (const [flag, ref] of [['--base', options.base], ['--head', options.head]] as const) {
    if (ref !== undefined && (ref === '' || ref.startsWith('-'))) throw new KgError('bad_input', `${flag}: not a git ref: "${ref}"`);
  }
  await withCoordinator(io, options, async (coordinator) => {
    const report = await coordinateReview({ ...coordinator, ...(options.base !== undefined ? { base: options.base } : {}), ...(options.head !== undefined ? { head: options.head } : {}) });
    if (!report.approved) io.setExitCode(EXIT.failure);
    return options.json ? printJson(io, report) : io.stdout(reviewText(report));
  });
}

export async function coordinateImplementCommand(io: Io, options: CoordinateOptions & { goal: string }): Promise<void> {
  const goal = options.goal.trim();
  if (goal === '') throw new KgError('bad_input', '--goal: must not be empty');
  if (goal.length > MAX_GOAL_CHARS) throw new KgError('bad_input', `--goal: at most ${MAX_GOAL_CHARS} characters`);
  await withCoordinator(io, options, async (coordinator) => {
    const report = await coordinateImplement({ ...coordinator, goal });
    if (report.outcome !== 'approved') io.setExitCode(EXIT.failure);
    return options.json ? printJson(io, report) : io.stdout(implementText(report));
  });
}

async function withCoordinator(io: Io, options: CoordinateOptions, work: (coordinator: CoordinatorOptions) => Promise<void>): Promise<void> {
  if (!process.env.ANTHROPIC_API_KEY?.trim()) throw new KgError('bad_input', 'ANTHROPIC_API_KEY is not set: export it (and ANTHROPIC_BASE_URL for another endpoint)');
  const located = locateForRead(options.workspace ? { workspace: options.workspace } : {});
  const root = workspaceRoot(located?.root ?? options.workspace ?? process.cwd());
  const backend = await backendFor(io, { quiet: Boolean(options.json) });
  const live = io.stderrIsTTY && !options.json;
  try {
    await work({
      workspace: root,
      backend,
      dataDir: chooseDataDir(options.dataDir).path,
      model: options.model ?? process.env.KG_AGENT_MODEL ?? DEFAULT_AGENT_MODEL,
      limits: { ...DEFAULT_LIMITS, maxTurns: options.maxTurns ?? DEFAULT_LIMITS.maxTurns, wallClockMs: options.phaseTimeout ?? DEFAULT_LIMITS.wallClockMs },
      budgetTokens: options.budgetTokens ?? DEFAULT_AGENT_BUDGET_TOKENS,
      summaryBytes: options.summaryBytes ?? DEFAULT_SUMMARY_BYTES,
      ...(options.deadline !== undefined ? { deadlineAt: Date.now() + options.deadline } : {}),
      ...(live ? { onProgress: (line: string) => io.stderr(`kg: ${line}\n`) } : {}),
    });
  } finally {
    await backend.close();
  }
}

function reviewText(r: ReviewReport): string {
  const lines = [
    `review ${r.runId}: ${r.reading.verdict}${r.approved ? ' (approved)' : ' (not approved)'}, from ${r.reading.source === 'none' ? 'nothing usable' : `the session's ${r.reading.source}`}${r.reading.confidence ? `, confidence ${r.reading.confidence}` : ''}`,
    `  changed: ${r.changed.join(', ')}`,
    `  summary: ${r.summary.kept.length} section(s), ${r.summary.bytes} bytes${r.summary.dropped.length > 0 ? `; left out whole: ${r.summary.dropped.join(', ')}` : ''}`,
    `  session: ${r.sessionId ?? 'none'}`,
    ...r.reading.findings.map((f) => `  [${f.severity}] ${f.file}${f.line ? `:${f.line}` : ''}: ${f.summary}`),
    ...(r.reading.problem && r.reading.source !== 'artifact' ? [`  note: ${r.reading.problem}`] : []),
    `  run: ${r.runFile}`,
    r.reindex.ok ? '  graph: reindexed with the run' : `  graph: not reindexed: ${r.reindex.message}`,
  ];
  return `${lines.join('\n')}\n`;
}

function implementText(r: ImplementReport): string {
  const lines = [
    `implement ${r.runId}: ${r.outcome}: ${r.why}`,
    ...r.phases.map((p) => `  ${p.phase}: ${p.result} (session ${p.sessionId}, ${p.outcome})`),
    `  fix passes: ${r.fixPasses}`,
    '  trace:',
    ...r.trace.map((line) => `    ${line}`),
    `  run: ${r.runFile}`,
    r.reindex.ok ? '  graph: reindexed with the run' : `  graph: not reindexed: ${r.reindex.message}`,
  ];
  return `${lines.join('\n')}\n`;
}
