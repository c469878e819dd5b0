// A coordinator's run, written as the pipeline run context kg's session indexer reads
// (`<workspace>/.workrail/pipeline-runs/<runId>-context.json`): its phases with their session handles and results,
// the verdict and a trace line per routing decision. Rewritten atomically after every change, so a run cut short
// leaves what it had, `in_progress`.

import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { KgError } from '../../graph/errors.js';
import { PIPELINE_RUNS_DIR } from '../../indexers/sessions/pipeline-runs.js';
import { writeFileDurably } from '../../graph/private-files.js';
import type { PhaseResultKind } from './artifacts.js';

export type PipelineMode = 'FULL' | 'IMPLEMENT' | 'REVIEW_ONLY' | 'QUICK_REVIEW';

export interface PhaseRecord {
  completedAt: string;
  sessionHandle: string;
  result: { kind: PhaseResultKind; artifact?: unknown; recapMarkdown: string | null; confidenceBand?: string | null; problem?: string | null };
}

export interface RunContext {
  runId: string;
  goal: string;
  workspace: string;
  startedAt: string;
  pipelineMode: PipelineMode;
  status: 'in_progress' | 'completed';
  coordinator: string;
  phases: Record<string, PhaseRecord>;
  verdict: string | null;
  trace: string[];
}

export class RunRecord {
  readonly path: string;
  private readonly context: RunContext;

  private constructor(
    path: string,
    context: RunContext,
    private readonly now: () => number,
  ) {
    this.path = path;
    this.context = context;
  }

  /** A new run of `coordinator` in `workspace` (a real path), written at once. */
  static create(workspace: string, options: { coordinator: string; goal: string; mode: PipelineMode; now?: () => number }): RunRecord {
    const now = options.now ?? Date.now;
    const dir = join(workspace, PIPELINE_RUNS_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The folder is the workspace's: a link that takes it elsewhere is not written through.
    const real = realpathSync(dir);
    if (real !== join(realpathSync(workspace), PIPELINE_RUNS_DIR)) throw new KgError('forbidden', `${PIPELINE_RUNS_DIR} leads out of the workspace (to ${real}): the run is not written`);
    const started = new Date(now());
    const runId = `run_${started.toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(4).toString('hex')}`;
    const record = new RunRecord(
      join(real, `${runId}-context.json`),
      { runId, goal: options.goal, workspace, startedAt: started.toISOString(), pipelineMode: options.mode, status: 'in_progress', coordinator: options.coordinator, phases: {}, verdict: null, trace: [] },
      now,
    );
    record.write();
    return record;
  }

  get runId(): string {
    return this.context.runId;
  }

  get trace(): readonly string[] {
    return this.context.trace;
  }

  /** A routing decision, as one line. */
  decide(line: string): void {
    this.context.trace.push(line);
    this.write();
  }

  phase(name: string, sessionHandle: string, result: PhaseRecord['result']): void {
    this.context.phases[name] = { completedAt: new Date(this.now()).toISOString(), sessionHandle, result };
    this.write();
  }

  complete(verdict: string): void {
    this.context.verdict = verdict;
    this.context.status = 'completed';
    this.write();
  }

  private write(): void {
    writeFileDurably(this.path, `${JSON.stringify(this.context, null, 2)}\n`);
  }
}
