// Folds a session's events (in eventIndex order) into the facts the graph keeps about it. Pure.

import { capText, SESSION_TEXT_CAPS } from './text-caps.js';
import { isRecord, str, strings } from './values.js';

export interface SessionEvent {
  eventId: string;
  eventIndex: number;
  sessionId: string;
  kind: string;
  dedupeKey: string;
  scope: { runId?: string; nodeId?: string };
  data: Record<string, unknown>;
  timestampMs: number;
}

/** Kinds the format page names: the ones kg reads and the ones it skips on purpose. Anything else is reported once. */
export const KNOWN_EVENT_KINDS: ReadonlySet<string> = new Set([
  'session_created',
  'observation_recorded',
  'run_started',
  'context_set',
  'node_output_appended',
  'run_completed',
  'git_metrics_recorded',
  'delivery_recorded',
  'usage_recorded',
  'node_created',
  'edge_created',
  'advance_recorded',
  'validation_performed',
  'assessment_recorded',
  'assessment_consequence_applied',
  'preferences_changed',
  'capability_observed',
  'gap_recorded',
  'divergence_recorded',
  'decision_trace_appended',
  'review_draft_submitted',
  'token_checkpoint',
]);

/** The context keys a title is taken from, first present wins. */
export const TITLE_KEYS = ['goal', 'taskDescription', 'mrTitle', 'prTitle', 'ticketTitle', 'problem'] as const;

export interface SessionFacts {
  id: string;
  parentId: string | null;
  repoRoot: string | null;
  branch: string | null;
  startHead: string | null;
  endHead: string | null;
  workflowId: string | null;
  triggerSource: string | null;
  title: string | null;
  goal: string | null;
  recap: string | null;
  notes: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  updatedAtMs: number | null;
  completed: boolean;
  durationMs: number | null;
  prUrl: string | null;
  /** Union of non-empty `git_metrics_recorded.changedFilePaths`; null when no event had any. */
  metricsFiles: string[] | null;
  /** Union of `filesChanged` of surviving `wr.coding_handoff` artifacts; null when there is none. */
  handoffFiles: string[] | null;
  /** commitShas, agentCommitShas and delivered shas, first-seen order. */
  commitShas: string[];
  /** The start and end sha the session recorded, for a `git diff` when nothing else says what changed. */
  diffRange: { start: string; end: string } | null;
  /** Text fields longer than their cap (SESSION_TEXT_CAPS), with how long they were and how much was kept. */
  truncated: TextCut[];
}

export interface TextCut {
  field: 'title' | 'goal' | 'recap' | 'notes';
  /** Characters the session recorded (for notes, all steps' notes joined). */
  length: number;
  kept: number;
}

interface Output {
  channel: string;
  /** Cut to the cap of one step's notes; `notesLength` is how long it was. */
  notes: string | null;
  notesLength: number;
  handoff: string[] | null;
  handoffBranch: string | null;
}

export function foldSession(id: string, events: readonly SessionEvent[]): SessionFacts {
  const facts: SessionFacts = {
    id,
    parentId: null,
    repoRoot: null,
    branch: null,
    startHead: null,
    endHead: null,
    workflowId: null,
    triggerSource: null,
    title: null,
    goal: null,
    recap: null,
    notes: null,
    inputTokens: null,
    outputTokens: null,
    startedAtMs: null,
    endedAtMs: null,
    updatedAtMs: null,
    completed: false,
    durationMs: null,
    prUrl: null,
    metricsFiles: null,
    handoffFiles: null,
    commitShas: [],
    diffRange: null,
    truncated: [],
  };
  let observedBranch: string | null = null;
  let completedBranch: string | null = null;
  let observedHead: string | null = null;
  let completedStart: string | null = null;
  let metricsStart: string | null = null;
  let metricsEnd: string | null = null;
  let completedEnd: string | null = null;
  const runOrder: string[] = [];
  const contexts = new Map<string, Record<string, unknown>>();
  const outputs = new Map<string, Output>();
  const metricsFiles = new Set<string>();
  const shas = new Set<string>();

  for (const event of events) {
    const data = event.data;
    const runId = event.scope.runId ?? '';
    facts.updatedAtMs = Math.max(facts.updatedAtMs ?? event.timestampMs, event.timestampMs);
    switch (event.kind) {
      case 'session_created':
        facts.startedAtMs ??= event.timestampMs;
        facts.parentId = str(data.parentSessionId) ?? facts.parentId;
        break;
      case 'observation_recorded': {
        const key = str(data.key);
        const value = isRecord(data.value) ? str(data.value.value) : null;
        if (value === null) break;
        if (key === 'git_branch') observedBranch ??= value;
        else if (key === 'git_head_sha') observedHead ??= value;
        else if (key === 'repo_root') facts.repoRoot ??= value;
        break;
      }
      case 'run_started':
        if (!runOrder.includes(runId)) runOrder.push(runId);
        facts.workflowId ??= str(data.workflowId);
        facts.triggerSource ??= str(data.triggerSource);
        break;
      case 'context_set':
        // The latest context_set of a run is its whole current context: replace, never merge.
        if (isRecord(data.context)) contexts.set(runId, data.context);
        if (!runOrder.includes(runId)) runOrder.push(runId);
        break;
      case 'node_output_appended':
        appendOutput(outputs, data);
        break;
      case 'run_completed':
        facts.completed = true;
        facts.endedAtMs = event.timestampMs;
        completedStart ??= str(data.startGitSha);
        completedEnd = str(data.endGitSha) ?? completedEnd;
        completedBranch ??= str(data.gitBranch);
        for (const sha of strings(data.agentCommitShas)) shas.add(sha);
        if (typeof data.durationMs === 'number') facts.durationMs = (facts.durationMs ?? 0) + data.durationMs;
        break;
      case 'git_metrics_recorded':
        for (const path of strings(data.changedFilePaths)) metricsFiles.add(path);
        for (const sha of strings(data.commitShas)) shas.add(sha);
        metricsStart ??= str(data.startSha);
        metricsEnd = str(data.endSha) ?? metricsEnd;
        break;
      case 'delivery_recorded':
        for (const sha of strings(data.shas)) shas.add(sha);
        facts.prUrl = str(data.prUrl) ?? facts.prUrl;
        break;
      case 'usage_recorded':
        if (typeof data.inputTokens === 'number') facts.inputTokens = (facts.inputTokens ?? 0) + data.inputTokens;
        if (typeof data.outputTokens === 'number') facts.outputTokens = (facts.outputTokens ?? 0) + data.outputTokens;
        break;
    }
  }
  if (facts.startedAtMs === null && events.length > 0) facts.startedAtMs = events[0]!.timestampMs;

  const caps = SESSION_TEXT_CAPS;
  const cut = (field: TextCut['field'], length: number, kept: string | null) => {
    if (kept !== null && length > kept.length) facts.truncated.push({ field, length, kept: kept.length });
  };
  const surviving = [...outputs.values()];
  const withNotes = surviving.filter((o) => o.notes !== null);
  const recaps = withNotes.filter((o) => o.channel === 'recap');
  const lastRecap = recaps.at(-1);
  if (lastRecap) {
    facts.recap = capText(lastRecap.notes!, caps.recap);
    cut('recap', lastRecap.notesLength, facts.recap);
  }
  if (withNotes.length > 0) {
    const joined = joinCapped(withNotes.map((o) => o.notes!), '\n\n', caps.notes);
    facts.notes = joined;
    cut('notes', withNotes.reduce((n, o, i) => n + o.notesLength + (i > 0 ? 2 : 0), 0), joined);
  }
  const handoffs = surviving.filter((o) => o.handoff !== null);
  if (handoffs.length > 0) facts.handoffFiles = [...new Set(handoffs.flatMap((o) => o.handoff!))];
  const handoffBranch = handoffs.map((o) => o.handoffBranch).find((b) => b !== null) ?? null;

  for (const run of runOrder) {
    const context = contexts.get(run);
    const goal = context ? titleOf(context) : null;
    if (goal !== null) {
      facts.goal = capText(goal, caps.goal);
      facts.title = capText(goal, caps.title);
      cut('goal', goal.length, facts.goal);
      cut('title', goal.length, facts.title);
      break;
    }
  }
  if (facts.title === null && facts.recap !== null) {
    const line = firstLine(facts.recap);
    facts.title = line === null ? null : capText(line, caps.title);
    if (line !== null) cut('title', line.length, facts.title);
  }

  facts.branch = observedBranch ?? completedBranch ?? handoffBranch;
  facts.startHead = observedHead ?? completedStart ?? metricsStart;
  facts.endHead = completedEnd ?? metricsEnd;
  facts.metricsFiles = metricsFiles.size > 0 ? [...metricsFiles] : null;
  facts.commitShas = [...shas];
  const start = metricsStart ?? completedStart;
  const end = metricsEnd ?? completedEnd;
  facts.diffRange = start !== null && end !== null && start !== end ? { start, end } : null;
  return facts;
}

function appendOutput(outputs: Map<string, Output>, data: Record<string, unknown>): void {
  const outputId = str(data.outputId);
  if (outputId === null) return;
  const superseded = str(data.supersedesOutputId);
  // The replacement is the newer output: it drops the one it supersedes and goes last (a Map keeps insertion order).
  if (superseded !== null) outputs.delete(superseded);
  const channel = str(data.outputChannel) ?? 'artifact';
  const payload = isRecord(data.payload) ? data.payload : {};
  const output: Output = { channel, notes: null, notesLength: 0, handoff: null, handoffBranch: null };
  if (payload.payloadKind === 'notes') {
    const notes = str(payload.notesMarkdown);
    output.notes = notes === null ? null : capText(notes, SESSION_TEXT_CAPS.note);
    output.notesLength = notes?.length ?? 0;
  }
  if (payload.payloadKind === 'artifact_ref' && isRecord(payload.content) && payload.content.kind === 'wr.coding_handoff') {
    output.handoff = strings(payload.content.filesChanged);
    output.handoffBranch = str(payload.content.branchName);
  }
  outputs.set(outputId, output);
}

/** The first present title key of a context (a non-empty string), trimmed. */
export function titleOf(context: Record<string, unknown>): string | null {
  for (const key of TITLE_KEYS) {
    const value = context[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/** `parts` joined by `separator`, cut to `max` characters; parts past the cap are never joined at all. */
function joinCapped(parts: readonly string[], separator: string, max: number): string {
  let joined = '';
  for (const [i, part] of parts.entries()) {
    joined += (i > 0 ? separator : '') + part;
    if (joined.length >= max) return capText(joined, max);
  }
  return joined;
}

/** The first non-empty line, without markdown heading marks. */
export function firstLine(text: string): string | null {
  for (const line of text.split('\n')) {
    const clean = line.replace(/^#+\s*/, '').trim();
    if (clean !== '') return clean;
  }
  return null;
}
