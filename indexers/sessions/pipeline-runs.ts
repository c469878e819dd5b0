// Reads a workspace's pipeline runs (`.workrail/pipeline-runs/<runId>-context.json`) and the sessions of their phases.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineRunRow, Warning } from '../../graph/records.js';
import { isRecord, str, strings } from './values.js';

export const PIPELINE_RUNS_DIR = '.workrail/pipeline-runs';

export interface RunPhase {
  /** discovery, shaping, coding, review (or any other key the file holds). */
  phase: string;
  /** The session that ran the phase. */
  sessionHandle: string | null;
  /** `filesChanged` of a `wr.coding_handoff` artifact in the phase's result. */
  handoffFiles: string[] | null;
  recap: string | null;
}

export interface PipelineRunRecord {
  row: PipelineRunRow;
  phases: RunPhase[];
}

export interface PipelineRunsRead {
  runs: PipelineRunRecord[];
  warnings: Warning[];
}

/** Every run context file of the workspace at `root`; unreadable ones are reported and skipped. */
export function readPipelineRuns(root: string): PipelineRunsRead {
  const dir = join(root, PIPELINE_RUNS_DIR);
  const warnings: Warning[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('-context.json')).sort();
  } catch {
    return { runs: [], warnings };
  }
  const activeId = readActiveRunId(join(dir, 'active-run.json'));
  const runs: PipelineRunRecord[] = [];
  for (const name of names) {
    const path = `${PIPELINE_RUNS_DIR}/${name}`;
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      warnings.push({ code: 'run_invalid', message: `${path} is not valid JSON: run skipped`, path });
      continue;
    }
    const record = parseRun(value, name.slice(0, -'-context.json'.length), activeId);
    if (record === null) {
      warnings.push({ code: 'run_invalid', message: `${path} is not a pipeline run context: run skipped`, path });
      continue;
    }
    runs.push(record);
  }
  return { runs, warnings };
}

/** A run context object as the file holds it; `fallbackId` comes from the file name. Pure. */
export function parseRun(value: unknown, fallbackId: string, activeId: string | null): PipelineRunRecord | null {
  if (!isRecord(value)) return null;
  const id = str(value.runId) ?? fallbackId;
  const phasesValue = isRecord(value.phases) ? value.phases : null;
  const phases: RunPhase[] = [];
  for (const [phase, body] of Object.entries(phasesValue ?? {})) {
    if (!isRecord(body)) continue;
    const result = isRecord(body.result) ? body.result : {};
    const artifact = isRecord(result.artifact) ? result.artifact : null;
    const handoff = artifact && artifact.kind === 'wr.coding_handoff' ? strings(artifact.filesChanged) : null;
    phases.push({ phase, sessionHandle: str(body.sessionHandle), handoffFiles: handoff, recap: str(result.recapMarkdown) });
  }
  return {
    row: {
      id,
      goal: str(value.goal),
      mode: str(value.pipelineMode),
      status: str(value.status),
      startedAt: isoOrNull(value.startedAt),
      phases: phasesValue,
      workspace: str(value.workspace),
      worktreePath: str(value.worktreePath),
      active: activeId === id,
    },
    phases,
  };
}

function readActiveRunId(path: string): string | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value === 'string') return value;
    return isRecord(value) ? str(value.runId) : null;
  } catch {
    return null;
  }
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
