// One agent session from goal to graph: the enricher's slots as the system prompt, the loop over the Messages API,
// the session written as it goes in the agent data-dir format kg's session indexer reads, and a reindex of that
// session at the end, so the next session's context knows what this one did.

import { createHash, randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { isKgError, KgError, oneLine } from '../../graph/errors.js';
import { realRoot } from '../../graph/location.js';
import type { KgBackend } from '../backend/backend.js';
import type { EnrichManifest, EnrichRequest, EnrichResult } from '../enricher/schema.js';
import { estimateTokens } from '../enricher/text.js';
import { ConversationLog, writeSessionContext } from './context-record.js';
import { gitAtEnd, gitAtStart, type GitEnd } from './git-state.js';
import type { SessionLimits, SessionOutcome, EndReason } from './limits.js';
import { apiTools, runLoop, type LoopEvent, type LoopResult, type LoopTool, type LoopUsage } from './loop.js';
import { firstUserMessage, systemPrompt } from './prompt.js';
import { queryKnowledgeTool } from './query-tool.js';
import type { GivenSlot, SessionContext } from './record-schema.js';
import { appendExecutionStat, newSessionId, SessionRecord, type EventSpec } from './session-record.js';
import { workspaceTools } from './file-tools.js';

/** The workflow id the runner's sessions carry, in the record and in `execution-stats.jsonl`. */
export const AGENT_WORKFLOW_ID = 'kg-agent';
const NODE_ID = 'node_agent';

export interface AgentSessionOptions {
  /** The workspace root (absolute). */
  workspace: string;
  goal: string;
  model: string;
  limits: SessionLimits;
  allowWrite: boolean;
  allowBash: boolean;
  /** The token budget of the rendered slots. */
  budgetTokens: number;
  /** The agent data dir the session is written to (and the reindex reads it from). */
  dataDir: string;
  /** The session that started this one (a coordinator's): recorded as the parent; the child gets context still. */
  parentSessionId?: string;
  coordinatorSummary?: string;
  backend: KgBackend;
  /** The Messages API client; by default one from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL. */
  client?: Anthropic;
  onEvent?(event: LoopEvent): void;
  /** What the runner is doing between model turns (enriching, reindexing), for a terminal. */
  onStage?(stage: string): void;
  /** Aborting it ends the session as interrupted, with its record finished. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface AgentSessionResult {
  sessionId: string;
  workspace: string;
  outcome: SessionOutcome;
  reason: EndReason;
  message: string;
  turns: number;
  toolCalls: number;
  usage: LoopUsage;
  notes: string | null;
  /** The typed result the model gave with finish (a verdict, a handoff), unvalidated: its reader checks it. */
  artifact: Record<string, unknown> | null;
  changedFiles: string[];
  /** Where the session went: its WorkRail record and the runner's files. */
  record: { sessionDir: string; contextFile: string; conversationFile: string };
  /** The reindex of the session after it; `ok: false` with why when it failed (the record is kept either way). */
  reindex: { ok: boolean; jobId: string | null; message: string | null };
  timings: SessionTimings;
}

/** Where the runner's own time went, in ms. */
export interface SessionTimings {
  /** The enricher's call. */
  enrichMs: number;
  /** From the start to the first model call: enrich, git, the record's first segment, context.json. */
  startMs: number;
  /** Waiting on the model. */
  modelMs: number;
  /** The loop's time not spent waiting on the model: tools, logging, bookkeeping. */
  loopOverheadMs: number;
  /** The end of the record: git, the last segment, execution-stats. */
  finishMs: number;
  /** The reindex of the session, until its job ended. */
  reindexMs: number;
  totalMs: number;
}

export interface DryRun {
  workspace: string;
  model: string;
  systemPrompt: string;
  firstUserMessage: string;
  tools: { name: string; description: string; input_schema: unknown }[];
  manifest: EnrichManifest;
}

/** What a session would be given, without a model call or a record (the enricher does not record its manifest). */
export async function dryRunSession(options: Omit<AgentSessionOptions, 'client' | 'dataDir'>): Promise<DryRun> {
  const root = realRoot(options.workspace);
  const enriched = await options.backend.enrich({ ...enrichRequest(options, root), record: false });
  return {
    workspace: root,
    model: options.model,
    systemPrompt: systemPrompt({ workspace: root, rendered: enriched.rendered, allowWrite: options.allowWrite, allowBash: options.allowBash }),
    firstUserMessage: firstUserMessage(options.goal),
    tools: apiTools(sessionTools(options, root).tools).map((tool) => ({ name: tool.name, description: tool.description ?? '', input_schema: tool.input_schema })),
    manifest: enriched.manifest,
  };
}

export async function runAgentSession(options: AgentSessionOptions): Promise<AgentSessionResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const root = realRoot(options.workspace);
  const client = options.client ?? defaultClient();
  const sessionId = newSessionId();

  options.onStage?.('enriching');
  let enrichMs = 0;
  const enrichStarted = now();
  // git's state at the start is read while the enricher works: neither waits on the other.
  const [enriched, gitStart] = await Promise.all([
    enrichCreatingGraph(options.backend, { ...enrichRequest(options, root), sessionId }, options.onStage).finally(() => {
      enrichMs = now() - enrichStarted;
    }),
    gitAtStart(root),
  ]);
  const system = systemPrompt({ workspace: root, rendered: enriched.rendered, allowWrite: options.allowWrite, allowBash: options.allowBash });
  const first = firstUserMessage(options.goal);

  const record = SessionRecord.create(options.dataDir, sessionId, now);
  record.append(startEvents(options, root, gitStart));
  const contextFile = writeSessionContext(options.dataDir, {
    v: 1,
    sessionId,
    workspace: root,
    goal: options.goal,
    createdAt: new Date(started).toISOString(),
    model: options.model,
    systemPrompt: system,
    firstUserMessage: first,
    manifest: enriched.manifest,
    slots: givenSlots(enriched),
  } satisfies SessionContext);
  const log = new ConversationLog(options.dataDir, sessionId);
  const startMs = now() - started;

  const tools = sessionTools(options, root);
  const loopStarted = now();
  let loop: LoopResult;
  try {
    loop = await runLoop({
      client,
      model: options.model,
      system,
      firstMessage: first,
      tools: tools.tools,
      limits: options.limits,
      onLine: (line) => log.append(line),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      now,
    });
  } finally {
    log.close();
  }
  const loopMs = now() - loopStarted;

  const finishStarted = now();
  const gitEnd = await gitAtEnd(root, gitStart);
  const changedFiles = [...new Set([...gitEnd.changed, ...tools.writtenPaths()])].sort();
  const ended = now();
  record.append(endEvents(options, loop, gitStart.head, gitEnd, changedFiles, ended - started));
  appendExecutionStat(options.dataDir, {
    sessionId,
    workflowId: AGENT_WORKFLOW_ID,
    startMs: started,
    endMs: ended,
    durationMs: ended - started,
    outcome: loop.outcome,
    stepCount: loop.turns,
    ts: ended,
    reason: loop.reason,
  });
  record.close();
  const finishMs = now() - finishStarted;

  options.onStage?.('reindexing');
  const reindexStarted = now();
  const reindex = await reindexSession(options.backend, root, sessionId, options.dataDir);
  const reindexMs = now() - reindexStarted;

  return {
    sessionId,
    workspace: root,
    outcome: loop.outcome,
    reason: loop.reason,
    message: loop.message,
    turns: loop.turns,
    toolCalls: loop.toolCalls,
    usage: loop.usage,
    notes: loop.notes,
    artifact: loop.artifact,
    changedFiles,
    record: { sessionDir: record.dir, contextFile, conversationFile: log.path },
    reindex,
    timings: { enrichMs, startMs, modelMs: loop.modelMs, loopOverheadMs: Math.max(0, loopMs - loop.modelMs), finishMs, reindexMs, totalMs: now() - started },
  };
}

function defaultClient(): Anthropic {
  const key = process.env.ANTHROPIC_API_KEY;
  if (key === undefined || key.trim() === '') {
    throw new KgError('bad_input', 'ANTHROPIC_API_KEY is not set: export it (and ANTHROPIC_BASE_URL for another endpoint), or use --dry-run');
  }
  // The SDK reads ANTHROPIC_BASE_URL itself; retries and timeouts are set per call by the loop.
  return new Anthropic({ apiKey: key });
}

function enrichRequest(options: Omit<AgentSessionOptions, 'client' | 'dataDir'>, root: string): EnrichRequest {
  return {
    workspace: root,
    goal: options.goal,
    budgetTokens: options.budgetTokens,
    ...(options.coordinatorSummary !== undefined ? { coordinatorSummary: options.coordinatorSummary } : {}),
    // A child the runner starts is still given context: that is what it is run for.
    ...(options.parentSessionId !== undefined ? { spawnDepth: 1, includeChildSessions: true } : {}),
  };
}

/** The enricher's answer; a workspace without a graph is indexed first (the session's context comes from it). */
async function enrichCreatingGraph(backend: KgBackend, request: EnrichRequest, onStage?: (stage: string) => void): Promise<EnrichResult> {
  try {
    return await backend.enrich(request);
  } catch (error) {
    if (!isKgError(error) || error.code !== 'no_graph') throw error;
  }
  onStage?.('indexing (the workspace has no graph yet)');
  const job = await backend.waitForJob((await backend.reindex({ workspace: request.workspace, full: true })).id);
  if (job.status === 'failed') throw new KgError('io', `cannot index ${request.workspace}: ${job.error?.message ?? 'the index failed'}`);
  return backend.enrich(request);
}

function sessionTools(options: Pick<AgentSessionOptions, 'backend' | 'allowWrite' | 'allowBash' | 'limits'>, root: string): { tools: LoopTool[]; writtenPaths(): string[] } {
  const files = workspaceTools({ root, allowWrite: options.allowWrite, allowBash: options.allowBash, bashTimeoutMs: options.limits.bashTimeoutMs });
  return { tools: [queryKnowledgeTool(options.backend, root), ...files.tools], writtenPaths: () => files.writtenPaths() };
}

function givenSlots(enriched: EnrichResult): GivenSlot[] {
  return enriched.sections.map((section) => ({
    slot: section.slot,
    text: section.text,
    tokens: estimateTokens(section.text),
    bytes: Buffer.byteLength(section.text, 'utf8'),
    items: section.items,
  }));
}

function startEvents(options: AgentSessionOptions, root: string, git: { branch: string | null; head: string | null }): EventSpec[] {
  const observe = (key: string, type: string, value: string): EventSpec => ({ kind: 'observation_recorded', data: { key, value: { type, value }, confidence: 'high' } });
  return [
    { kind: 'session_created', data: options.parentSessionId !== undefined ? { parentSessionId: options.parentSessionId } : {} },
    observe('repo_root', 'path', root),
    ...(git.branch !== null ? [observe('git_branch', 'short_string', git.branch)] : []),
    ...(git.head !== null ? [observe('git_head_sha', 'git_sha1', git.head)] : []),
    {
      kind: 'run_started',
      inRun: true,
      data: {
        workflowId: AGENT_WORKFLOW_ID,
        workflowHash: `sha256:${sha256(AGENT_WORKFLOW_ID)}`,
        workflowSourceKind: 'bundled',
        workflowSourceRef: 'kg agent run',
        // Started by a program, not by an agent calling WorkRail's MCP tools: the daemon's kind of start.
        triggerSource: 'daemon',
      },
    },
    { kind: 'context_set', inRun: true, data: { contextId: `ctx_${randomBytes(8).toString('hex')}`, context: { goal: options.goal, model: options.model }, source: 'initial' } },
  ];
}

function endEvents(options: AgentSessionOptions, loop: LoopResult, startHead: string | null, git: GitEnd, changed: string[], durationMs: number): EventSpec[] {
  const output = (data: Record<string, unknown>): EventSpec => ({ kind: 'node_output_appended', inRun: true, nodeId: NODE_ID, data: { outputId: `out_${randomBytes(8).toString('hex')}`, ...data } });
  // The recap is the model's notes; a session that ended otherwise says how it ended, so the next one knows.
  const recap = loop.reason === 'finished' && loop.notes ? loop.notes : `${loop.notes ? `${loop.notes}\n\n` : ''}Session ended (${loop.outcome}): ${loop.message}.`;
  const events: EventSpec[] = [output({ outputChannel: 'recap', payload: { payloadKind: 'notes', notesMarkdown: recap } })];
  if (loop.artifact !== null) {
    const content = JSON.stringify(loop.artifact);
    events.push(
      output({
        outputChannel: 'artifact',
        payload: { payloadKind: 'artifact_ref', sha256: `sha256:${sha256(content)}`, contentType: 'application/json', byteLength: Buffer.byteLength(content, 'utf8'), content: loop.artifact },
      }),
    );
  }
  events.push(
    {
      kind: 'git_metrics_recorded',
      inRun: true,
      data: {
        startSha: startHead,
        endSha: git.head,
        commitShas: git.commits,
        prRefs: [],
        filesChanged: changed.length,
        linesAdded: git.linesAdded,
        linesRemoved: git.linesRemoved,
        truncated: false,
        changedFilePaths: changed,
        captureConfidence: git.captureConfidence,
      },
    },
    {
      kind: 'usage_recorded',
      inRun: true,
      data: { client: AGENT_WORKFLOW_ID, model: options.model, ...loop.usage, turns: loop.turns },
    },
    {
      kind: 'run_completed',
      inRun: true,
      data: { startGitSha: startHead, endGitSha: git.head, gitBranch: git.branch, agentCommitShas: git.commits, captureConfidence: git.captureConfidence, durationMs },
    },
  );
  return events;
}

async function reindexSession(backend: KgBackend, root: string, sessionId: string, dataDir: string): Promise<AgentSessionResult['reindex']> {
  try {
    const job = await backend.waitForJob((await backend.reindex({ workspace: root, session: sessionId, dataDir })).id);
    return job.status === 'failed' ? { ok: false, jobId: job.id, message: job.error?.message ?? 'the reindex failed' } : { ok: true, jobId: job.id, message: null };
  } catch (error) {
    return { ok: false, jobId: null, message: oneLine(error) };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
