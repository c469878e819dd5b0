// `kg coordinate review` and `kg coordinate implement --goal TEXT`: the deterministic pipelines of src/coordinators,
// each session through kg's runner, the run written as a pipeline run and reindexed; a report on stdout.

import { KgError } from '../../graph/errors.js';
import type { ImplementReport, ReviewReport } from '../coordinators/report-schema.js';
import { assertModelKey, runCoordinator } from '../coordinators/request.js';
import { coordinateImplementRequestSchema, coordinateReviewRequestSchema, type CoordinateRequest } from '../tools.js';
import { locateForRead, workspaceRoot } from '../workspace.js';
import { backendFor } from './backend.js';
import { type Io, EXIT, printJson } from './io.js';

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
  const report = (await coordinate(io, options, { coordinator: 'review', ...(options.base !== undefined ? { base: options.base } : {}), ...(options.head !== undefined ? { head: options.head } : {}) })) as ReviewReport;
  if (!report.approved) io.setExitCode(EXIT.failure);
  return options.json ? printJson(io, report) : io.stdout(reviewText(report));
}

export async function coordinateImplementCommand(io: Io, options: CoordinateOptions & { goal: string }): Promise<void> {
  const report = (await coordinate(io, options, { coordinator: 'implement', goal: options.goal })) as ImplementReport;
  if (report.outcome !== 'approved') io.setExitCode(EXIT.failure);
  return options.json ? printJson(io, report) : io.stdout(implementText(report));
}

/** Runs the coordinator here (the model key is this shell's), asking the graph through the usual backend. */
async function coordinate(io: Io, options: CoordinateOptions, specific: { coordinator: 'review'; base?: string; head?: string } | { coordinator: 'implement'; goal: string }) {
  const located = locateForRead(options.workspace ? { workspace: options.workspace } : {});
  const root = workspaceRoot(located?.root ?? options.workspace ?? process.cwd());
  const fields = {
    workspace: root,
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
    ...(options.phaseTimeout !== undefined ? { phaseTimeoutMs: options.phaseTimeout } : {}),
    ...(options.deadline !== undefined ? { deadlineMs: options.deadline } : {}),
    ...(options.budgetTokens !== undefined ? { budgetTokens: options.budgetTokens } : {}),
    ...(options.summaryBytes !== undefined ? { summaryBytes: options.summaryBytes } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  };
  // The same schema as the HTTP API's: a flag out of its range is said the same way.
  const { coordinator, ...rest } = specific;
  const parsed = coordinator === 'review' ? coordinateReviewRequestSchema.safeParse({ ...fields, ...rest }) : coordinateImplementRequestSchema.safeParse({ ...fields, ...rest });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KgError('bad_input', `--${String(issue.path[0] ?? 'input').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/-ms$/, '')}: ${issue.message}`);
  }
  assertModelKey();
  const request = { coordinator, ...parsed.data } as CoordinateRequest;
  const backend = await backendFor(io, { quiet: Boolean(options.json) });
  const live = io.stderrIsTTY && !options.json;
  try {
    return await runCoordinator(request, { backend, workspace: root, ...(live ? { onProgress: (line: string) => io.stderr(`kg: ${line}\n`) } : {}) });
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
