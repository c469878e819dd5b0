// `kg enrich`: the context a new session would be given for a goal: the rendered section on stdout, what went in on
// stderr (or all of it, as one JSON object, with --json).

import { readFileSync } from 'node:fs';
import { KgError } from '../../graph/errors.js';
import { enrichRequestSchema, type EnrichResult } from '../enricher/schema.js';
import { parseWith } from '../tools.js';
import { locateForRead, workspaceRoot } from '../workspace.js';
import { backendFor } from './backend.js';
import { type Io, printJson } from './io.js';

export interface EnrichCommandOptions {
  workspace?: string;
  goal: string;
  budgetTokens: number;
  spawnDepth?: number;
  coordinatorSummary?: string;
  summaryFile?: string;
  includeChildSessions?: boolean;
  deadlineMs?: number;
  sessionId?: string;
  record: boolean;
  json?: boolean;
}

const FLAG_OF: Record<string, string> = {
  goal: '--goal',
  budgetTokens: '--budget-tokens',
  spawnDepth: '--spawn-depth',
  coordinatorSummary: '--coordinator-summary',
  deadlineMs: '--deadline-ms',
  sessionId: '--session-id',
  workspace: '--workspace',
};

export async function enrichCommand(io: Io, options: EnrichCommandOptions): Promise<void> {
  if (options.coordinatorSummary !== undefined && options.summaryFile !== undefined) {
    throw new KgError('bad_input', '--coordinator-summary and --summary-file cannot be used together');
  }
  const located = locateForRead(options.workspace ? { workspace: options.workspace } : {});
  const root = workspaceRoot(located?.root ?? process.cwd());
  const summary = options.summaryFile !== undefined ? readSummary(options.summaryFile) : options.coordinatorSummary;
  const parsed = parseWith(enrichRequestSchema, {
    workspace: root,
    goal: options.goal,
    budgetTokens: options.budgetTokens,
    ...(options.spawnDepth !== undefined ? { spawnDepth: options.spawnDepth } : {}),
    ...(summary !== undefined ? { coordinatorSummary: summary } : {}),
    ...(options.includeChildSessions ? { includeChildSessions: true } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
    record: options.record,
  });
  if (!parsed.ok) throw new KgError('bad_input', parsed.message.replace(parsed.field, FLAG_OF[parsed.field] ?? parsed.field));
  const backend = await backendFor(io, {});
  let result: EnrichResult;
  try {
    result = await backend.enrich(parsed.value);
  } finally {
    await backend.close();
  }
  if (options.json) {
    printJson(io, result);
    return;
  }
  io.stdout(result.rendered === '' ? '' : `${result.rendered}\n`);
  const m = result.manifest;
  io.stderr(`context: ${m.renderedTokens} of ${m.budgetTokens} tokens, ${m.totalMs} ms; paths in the goal: ${m.goalPaths.join(', ') || 'none'}\n`);
  for (const slot of m.slots) {
    const state = slot.included ? `${slot.itemsIncluded}/${slot.items} item(s), ${slot.tokens} tokens` : 'not included';
    io.stderr(`  ${slot.slot.padEnd(18)} ${state}; source ${slot.source} in ${slot.latencyMs} ms${slot.reason ? ` (${slot.reason})` : ''}\n`);
  }
}

/** A coordinator summary from `--summary-file` (`-`: stdin). */
export function readSummary(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new KgError('io', `cannot read --summary-file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
