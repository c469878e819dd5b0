// `kg agent run --goal TEXT`: one agent session over the Messages API with the graph's context and tools, recorded
// in the agent data dir and reindexed after; `--dry-run` shows what the model would be given, without calling it.

import { KgError } from '../../graph/errors.js';
import { chooseDataDir } from '../../indexers/sessions/location.js';
import type { LoopEvent } from '../agent/loop.js';
import { agentModel, DEFAULT_AGENT_BUDGET_TOKENS, DEFAULT_LIMITS, type SessionLimits } from '../agent/limits.js';
import { dryRunSession, runAgentSession, type AgentSessionResult } from '../agent/run-session.js';
import { isSessionId } from '../agent/session-record.js';
import { locateForRead, workspaceRoot } from '../workspace.js';
import { backendFor } from './backend.js';
import { readSummary } from './enrich-command.js';
import { type Io, EXIT, printJson } from './io.js';

const MAX_GOAL_CHARS = 20_000;

export interface AgentRunOptions {
  goal: string;
  workspace?: string;
  model?: string;
  maxTurns?: number;
  wallClock?: number;
  stallTimeout?: number;
  maxOutputTokens?: number;
  maxRetries?: number;
  bashTimeout?: number;
  allowWrite?: boolean;
  allowBash?: boolean;
  budgetTokens?: number;
  dataDir?: string;
  parent?: string;
  coordinatorSummary?: string;
  summaryFile?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function agentRunCommand(io: Io, options: AgentRunOptions): Promise<void> {
  const goal = options.goal.trim();
  if (goal === '') throw new KgError('bad_input', '--goal: must not be empty');
  if (goal.length > MAX_GOAL_CHARS) throw new KgError('bad_input', `--goal: at most ${MAX_GOAL_CHARS} characters`);
  if (options.parent !== undefined && !isSessionId(options.parent)) throw new KgError('bad_input', `--parent: not a session id: ${options.parent.slice(0, 100)}`);
  if (options.coordinatorSummary !== undefined && options.summaryFile !== undefined) {
    throw new KgError('bad_input', '--coordinator-summary and --summary-file cannot be used together');
  }
  const located = locateForRead(options.workspace ? { workspace: options.workspace } : {});
  const root = workspaceRoot(located?.root ?? options.workspace ?? process.cwd());
  const summary = options.summaryFile !== undefined ? readSummary(options.summaryFile) : options.coordinatorSummary;
  const limits: SessionLimits = {
    maxTurns: options.maxTurns ?? DEFAULT_LIMITS.maxTurns,
    wallClockMs: options.wallClock ?? DEFAULT_LIMITS.wallClockMs,
    stallTimeoutMs: options.stallTimeout ?? DEFAULT_LIMITS.stallTimeoutMs,
    maxOutputTokens: options.maxOutputTokens ?? DEFAULT_LIMITS.maxOutputTokens,
    maxRetries: options.maxRetries ?? DEFAULT_LIMITS.maxRetries,
    bashTimeoutMs: options.bashTimeout ?? DEFAULT_LIMITS.bashTimeoutMs,
  };
  const common = {
    workspace: root,
    goal,
    model: agentModel(options.model),
    limits,
    allowWrite: Boolean(options.allowWrite),
    allowBash: Boolean(options.allowBash),
    budgetTokens: options.budgetTokens ?? DEFAULT_AGENT_BUDGET_TOKENS,
    ...(options.parent !== undefined ? { parentSessionId: options.parent } : {}),
    ...(summary !== undefined ? { coordinatorSummary: summary } : {}),
  };
  const backend = await backendFor(io, { quiet: Boolean(options.json) });
  try {
    if (options.dryRun) {
      const dry = await dryRunSession({ ...common, backend });
      if (options.json) return printJson(io, dry);
      io.stdout(`# System prompt (${dry.model})\n\n${dry.systemPrompt}\n\n# First user message\n\n${dry.firstUserMessage}\n\n# Tools\n\n`);
      for (const tool of dry.tools) io.stdout(`- ${tool.name}: ${tool.description.split('\n')[0]}\n`);
      io.stdout(`\n# Manifest\n\n${JSON.stringify(dry.manifest, null, 2)}\n`);
      return;
    }
    // Ctrl-C ends the session as interrupted, with its record finished; a second one is Node's default (exit at once).
    const stop = new AbortController();
    const onSigint = () => {
      process.off('SIGINT', onSigint);
      io.stderr('kg: interrupted: finishing the session record (Ctrl-C again to quit at once)\n');
      stop.abort();
    };
    process.on('SIGINT', onSigint);
    const live = io.stderrIsTTY && !options.json;
    let result: AgentSessionResult;
    try {
      result = await runAgentSession({
        ...common,
        dataDir: chooseDataDir(options.dataDir).path,
        backend,
        signal: stop.signal,
        ...(live ? { onEvent: (event: LoopEvent) => io.stderr(eventLine(event)), onStage: (stage: string) => io.stderr(`kg: ${stage}\n`) } : {}),
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (result.outcome !== 'success') io.setExitCode(EXIT.failure);
    if (options.json) return printJson(io, result);
    io.stdout(summaryText(result));
  } finally {
    await backend.close();
  }
}

function eventLine(event: LoopEvent): string {
  if (event.type === 'turn') {
    const said = event.text.split('\n').find((line) => line.trim() !== '') ?? '';
    return `turn ${event.turn}: ${said.length > 120 ? `${said.slice(0, 117)}...` : said || '(no text)'}${event.toolCalls > 0 ? ` [${event.toolCalls} tool call(s)]` : ''}\n`;
  }
  const args = JSON.stringify(event.input) ?? '';
  return `  ${event.ok ? '->' : '!!'} ${event.name} ${args.length > 100 ? `${args.slice(0, 97)}...` : args} (${event.chars} chars, ${event.ms} ms)\n`;
}

function summaryText(r: AgentSessionResult): string {
  const lines = [
    `session ${r.sessionId}: ${r.outcome} (${r.reason}): ${r.message}`,
    `  ${r.turns} turn(s), ${r.toolCalls} tool call(s), ${r.usage.inputTokens} input + ${r.usage.outputTokens} output tokens, ${(r.timings.totalMs / 1000).toFixed(1)} s`,
    `  changed: ${r.changedFiles.length > 0 ? r.changedFiles.join(', ') : 'nothing'}`,
    `  record: ${r.record.sessionDir}`,
    `  context and conversation: ${r.record.contextFile}, ${r.record.conversationFile}`,
    r.reindex.ok ? '  graph: reindexed with this session' : `  graph: not reindexed: ${r.reindex.message} (run kg reindex --session ${r.sessionId})`,
  ];
  if (r.notes) lines.push('', r.notes);
  return `${lines.join('\n')}\n`;
}
