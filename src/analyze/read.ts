// Reads the sessions `kg session analyze` looks at: those kg's runner kept (`<dataDir>/agent-sessions/<id>/`, the
// context given and the conversation) and the WorkRail daemon's conversation logs (`<dataDir>/../daemon-sessions/`),
// whose context is the first user message. Every file is hostile: read by real path inside its folder, bounded,
// and a bad line makes the session partial, never a crash.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KgError } from '../../graph/errors.js';
import { realRoot } from '../../graph/location.js';
import { readConfined } from '../../indexers/confine.js';
import {
  AGENT_SESSIONS_DIR,
  CONTEXT_FILE,
  CONVERSATION_FILE,
  conversationLineSchema,
  DAEMON_CONVERSATION_SUFFIX,
  DAEMON_SESSIONS_DIR,
  sessionContextSchema,
} from '../agent/record-schema.js';
import type { EnrichManifest } from '../enricher/schema.js';
import { estimateTokens } from '../enricher/text.js';

const MAX_CONTEXT_BYTES = 4 * 1024 * 1024;
const MAX_CONVERSATION_BYTES = 32 * 1024 * 1024;
const MAX_SIDECAR_BYTES = 64 * 1024;
const SESSION_ID = /^[A-Za-z0-9_-]{1,100}$/;

export type ConversationBlock = { type: string; text?: unknown; name?: unknown; input?: unknown };

export interface AnalyzedSession {
  sessionId: string;
  source: 'kg-runner' | 'daemon';
  workspace: string;
  goal: string;
  slots: { slot: string; text: string; tokens: number; bytes: number; items: { key: string; text: string }[] }[];
  /** The enricher's manifest of what the session was given (every slot, left-out ones too); the daemon keeps none. */
  manifest: EnrichManifest | null;
  /** Each assistant turn's blocks, in order. */
  turns: ConversationBlock[][];
  partialReason: string | null;
}

export interface AnalyzeScope {
  /** The agent data dir (the runner's sessions are under it, the daemon's logs beside it). */
  dataDir: string;
  /** Only sessions of this workspace. */
  workspace: string;
}

type Read = { ok: true; session: AnalyzedSession } | { ok: false; reason: string };

/** A session kg's runner kept, when it is of `scope.workspace`. */
export function readRunnerSession(scope: AnalyzeScope, id: string): Read {
  if (!SESSION_ID.test(id)) return { ok: false, reason: 'not a session id' };
  const base = realRoot(scope.dataDir);
  const dir = join(base, AGENT_SESSIONS_DIR, id);
  const context = readConfined(base, join(dir, CONTEXT_FILE), MAX_CONTEXT_BYTES);
  if (!context.ok) return { ok: false, reason: `${CONTEXT_FILE}: ${context.reason}` };
  let parsed;
  try {
    parsed = sessionContextSchema.safeParse(JSON.parse(context.bytes.toString('utf8')));
  } catch {
    return { ok: false, reason: `${CONTEXT_FILE} is not JSON` };
  }
  if (!parsed.success) return { ok: false, reason: `${CONTEXT_FILE} is not a session context` };
  const c = parsed.data;
  if (c.sessionId !== id) return { ok: false, reason: `${CONTEXT_FILE} is of another session` };
  if (realRoot(c.workspace) !== realRoot(scope.workspace)) return { ok: false, reason: 'of another workspace' };
  const conversation = readConversation(base, join(dir, CONVERSATION_FILE));
  return {
    ok: true,
    session: {
      sessionId: id,
      source: 'kg-runner',
      workspace: c.workspace,
      goal: c.goal,
      slots: c.slots.map((s) => ({ slot: s.slot, text: s.text, tokens: s.tokens, bytes: s.bytes, items: s.items })),
      manifest: c.manifest,
      turns: conversation.turns,
      partialReason: conversation.partialReason,
    },
  };
}

/** A daemon conversation log of `scope.workspace` (its sidecar says where it ran). */
export function readDaemonSession(scope: AnalyzeScope, id: string): Read {
  if (!SESSION_ID.test(id)) return { ok: false, reason: 'not a session id' };
  const base = realRoot(join(scope.dataDir, '..', DAEMON_SESSIONS_DIR));
  const sidecar = readConfined(base, join(base, `${id}.json`), MAX_SIDECAR_BYTES);
  if (!sidecar.ok) return { ok: false, reason: `sidecar: ${sidecar.reason}` };
  let workspacePath: unknown;
  try {
    workspacePath = (JSON.parse(sidecar.bytes.toString('utf8')) as { workspacePath?: unknown }).workspacePath;
  } catch {
    return { ok: false, reason: 'sidecar is not JSON' };
  }
  if (typeof workspacePath !== 'string' || realRoot(workspacePath) !== realRoot(scope.workspace)) return { ok: false, reason: 'of another workspace' };
  const conversation = readConversation(base, join(base, `${id}${DAEMON_CONVERSATION_SUFFIX}`));
  if (conversation.goal === null) return { ok: false, reason: `conversation: ${conversation.partialReason ?? 'no first user message'}` };
  return {
    ok: true,
    session: {
      sessionId: id,
      source: 'daemon',
      workspace: workspacePath,
      // The task is what comes before the context sections (the sections are what was given, not the goal).
      goal: conversation.goal.split(/^## /m)[0]!.trim() || conversation.goal.split('\n')[0]!,
      // The daemon puts its context in the first user message: each `## ` section of it is an item given.
      slots: initialMessageSlots(conversation.goal),
      manifest: null,
      turns: conversation.turns,
      partialReason: conversation.partialReason,
    },
  };
}

/** The ids of the sessions to look at: the runner's, then the daemon's logs. */
export function listSessions(scope: AnalyzeScope): { runner: string[]; daemon: string[] } {
  const names = (dir: string) => {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  };
  const runner = names(join(scope.dataDir, AGENT_SESSIONS_DIR)).filter((name) => SESSION_ID.test(name));
  const daemon = names(join(dirname(realRoot(scope.dataDir)), DAEMON_SESSIONS_DIR))
    .filter((name) => name.endsWith(DAEMON_CONVERSATION_SUFFIX))
    .map((name) => name.slice(0, -DAEMON_CONVERSATION_SUFFIX.length))
    .filter((id) => SESSION_ID.test(id));
  return { runner, daemon };
}

export function readSessionById(scope: AnalyzeScope, id: string): AnalyzedSession {
  const runner = readRunnerSession(scope, id);
  if (runner.ok) return runner.session;
  const daemon = readDaemonSession(scope, id);
  if (daemon.ok) return daemon.session;
  throw new KgError('unknown_session', `unknown session: ${id.slice(0, 100)} is not a session of ${scope.workspace} kept in ${scope.dataDir} (${runner.reason})`);
}

function readConversation(base: string, path: string): { goal: string | null; turns: ConversationBlock[][]; partialReason: string | null } {
  const read = readConfined(base, path, MAX_CONVERSATION_BYTES);
  if (!read.ok) return { goal: null, turns: [], partialReason: `no conversation log (${read.reason})` };
  const text = read.bytes.toString('utf8');
  const lines = text.split('\n');
  const turns: ConversationBlock[][] = [];
  let goal: string | null = null;
  let partialReason: string | null = text !== '' && !text.endsWith('\n') ? 'the conversation log ends in a cut line' : null;
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    let parsed;
    try {
      parsed = conversationLineSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      partialReason ??= `conversation line ${k + 1} is not a message`;
      return;
    }
    const message = parsed.data;
    if (message.role === 'assistant') turns.push(message.content as ConversationBlock[]);
    else if (goal === null && typeof message.content === 'string') goal = message.content;
  });
  return { goal, turns, partialReason };
}

function initialMessageSlots(message: string): AnalyzedSession['slots'] {
  const sections = message.split(/^(?=## )/m).filter((section) => section.startsWith('## '));
  if (sections.length === 0) return [];
  const items = sections.map((section) => ({ key: `section:${section.split('\n')[0]!.slice(3).trim()}`, text: section.trim() }));
  const all = items.map((item) => item.text).join('\n\n');
  return [{ slot: 'initialMessage', text: all, tokens: estimateTokens(all), bytes: Buffer.byteLength(all, 'utf8'), items }];
}
