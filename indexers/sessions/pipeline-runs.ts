// Reads a workspace's pipeline runs (`.workrail/pipeline-runs/<runId>-context.json`) and the sessions of their phases.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineRunRow, Warning } from '../../graph/records.js';
import { outsideWarning, readConfined, realPathOf } from '../confine.js';
import { MAX_DATADIR_FILE_BYTES } from './datadir.js';
import { capText, SESSION_TEXT_CAPS } from './text-caps.js';
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
  /** Whether a text field (the goal, a string in the phases) was longer than its cap and cut. */
  truncated: boolean;
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
  // They are the workspace's files: read only inside its real path, and no larger than the data dir's cap.
  const realRoot = realPathOf(root);
  const activeId = readActiveRunId(realRoot, join(dir, 'active-run.json'));
  const runs: PipelineRunRecord[] = [];
  for (const name of names) {
    const path = `${PIPELINE_RUNS_DIR}/${name}`;
    const read = readConfined(realRoot, join(dir, name), MAX_DATADIR_FILE_BYTES);
    if (!read.ok && read.reason === 'outside') {
      warnings.push(outsideWarning(path, 'leads out of the workspace'));
      continue;
    }
    let value: unknown;
    try {
      if (!read.ok) throw new Error(read.reason);
      value = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      const why = !read.ok && read.reason === 'too_large' ? `is over the ${MAX_DATADIR_FILE_BYTES}-byte cap` : 'is not valid JSON';
      warnings.push({ code: 'run_invalid', message: `${path} ${why}: run skipped`, path });
      continue;
    }
    const record = parseRun(value, name.slice(0, -'-context.json'.length), activeId);
    if (record === null) {
      warnings.push({ code: 'run_invalid', message: `${path} is not a pipeline run context: run skipped`, path });
      continue;
    }
    if (record.truncated) {
      warnings.push({
        code: 'run_text_truncated',
        message: `${path}: text over its cap (goal ${SESSION_TEXT_CAPS.goal}, each string of its phases ${SESSION_TEXT_CAPS.recap} characters) was cut`,
        path,
      });
    }
    runs.push(record);
  }
  return { runs, warnings };
}

/** A run context object as the file holds it; `fallbackId` comes from the file name. Pure. */
export function parseRun(value: unknown, fallbackId: string, activeId: string | null): PipelineRunRecord | null {
  if (!isRecord(value)) return null;
  const id = str(value.runId) ?? fallbackId;
  let truncated = false;
  const capped = (text: string | null, max: number) => {
    if (text === null || text.length <= max) return text;
    truncated = true;
    return capText(text, max);
  };
  const phasesValue = isRecord(value.phases) ? (capStrings(value.phases, SESSION_TEXT_CAPS.recap, () => (truncated = true)) as Record<string, unknown>) : null;
  const phases: RunPhase[] = [];
  for (const [phase, body] of Object.entries(phasesValue ?? {})) {
    if (!isRecord(body)) continue;
    const result = isRecord(body.result) ? body.result : {};
    const artifact = isRecord(result.artifact) ? result.artifact : null;
    const handoff = artifact && artifact.kind === 'wr.coding_handoff' ? strings(artifact.filesChanged) : null;
    phases.push({ phase, sessionHandle: str(body.sessionHandle), handoffFiles: handoff, recap: str(result.recapMarkdown) });
  }
  return {
    truncated,
    row: {
      id,
      goal: capped(str(value.goal), SESSION_TEXT_CAPS.goal),
      mode: str(value.pipelineMode),
      status: str(value.status),
      startedAt: isoOrNull(value.startedAt),
      phases: phasesValue,
      workspace: str(value.workspace),
      worktreePath: str(value.worktreePath),
      active: activeId === id,
      verdict: capped(str(value.verdict), MAX_VERDICT_CHARS),
      trace: traceOf(value.trace, () => (truncated = true)),
    },
    phases,
  };
}

const MAX_VERDICT_CHARS = 40;
const MAX_TRACE_LINES = 200;

/** The routing trace: its string lines, at most MAX_TRACE_LINES, each capped like a phase's strings. */
function traceOf(value: unknown, onCut: () => void): string[] | null {
  if (!Array.isArray(value)) return null;
  const lines = value.filter((line): line is string => typeof line === 'string');
  if (lines.length > MAX_TRACE_LINES) onCut();
  return lines.slice(0, MAX_TRACE_LINES).map((line) => capStrings(line, SESSION_TEXT_CAPS.recap, onCut) as string);
}

/** A JSON value with every string in it cut to `max` characters; `onCut` hears of each cut. */
function capStrings(value: unknown, max: number, onCut: () => void): unknown {
  if (typeof value === 'string') {
    if (value.length <= max) return value;
    onCut();
    return capText(value, max);
  }
  if (Array.isArray(value)) return value.map((item) => capStrings(item, max, onCut));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item, max, onCut)]));
  return value;
}

function readActiveRunId(realRoot: string, path: string): string | null {
  const read = readConfined(realRoot, path, MAX_DATADIR_FILE_BYTES);
  if (!read.ok) return null;
  try {
    const value: unknown = JSON.parse(read.bytes.toString('utf8'));
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
