// `kg session analyze`: did the agent use what it was given? For each slot and item of a session's context, whether
// its first assistant turn cites it, a later one does, or none; which query_knowledge calls asked for what the slots
// already held (the slot was not read) or lacked (worth pre-loading); and over all sessions, per slot kind.

import { estimateTokens } from '../enricher/text.js';
import { cites, itemTerms, textTerms, type ItemTerms, type TextTerms } from './citation.js';
import type { AnalyzedSession, ConversationBlock } from './read.js';

import type { AllSessionsAnalysis, ItemAnalysis, QueryCallAnalysis, SessionAnalysis, SlotAnalysis, SlotKindSummary } from './schema.js';

export function analyzeSession(session: AnalyzedSession): SessionAnalysis {
  const goal = textTerms(session.goal);
  const turns = session.turns.map((blocks) => textTerms(turnText(blocks)));
  const basenames = new Map<string, number>();
  const terms = session.slots.map((slot) => slot.items.map((item) => itemTerms(item.key, item.text, goal)));
  for (const path of new Set(terms.flat().flatMap((t) => t.paths))) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    basenames.set(base, (basenames.get(base) ?? 0) + 1);
  }
  let ignoredTokens = 0;
  const slots = session.slots.map((slot, s): SlotAnalysis => {
    const items = slot.items.map((item, i) => {
      const analysis = analyzeItem(item.key, estimateTokens(item.text), terms[s]![i]!, turns, basenames, goal);
      if (analysis.verdict === 'ignored') ignoredTokens += analysis.tokens;
      return analysis;
    });
    const verdict = items.some((i) => i.verdict === 'first_turn') ? 'first_turn' : items.some((i) => i.verdict === 'later_turn') ? 'later_turn' : 'ignored';
    return { slot: slot.slot, text: slot.text, tokens: slot.tokens, bytes: slot.bytes, verdict, items };
  });
  return {
    sessionId: session.sessionId,
    source: session.source,
    workspace: session.workspace,
    goal: session.goal,
    turns: session.turns.length,
    partial: session.partialReason !== null,
    partialReason: session.partialReason,
    slots,
    manifest: session.manifest,
    queryCalls: queryCalls(session, terms),
    ignoredTokens,
  };
}

function analyzeItem(key: string, tokens: number, item: ItemTerms, turns: TextTerms[], basenames: Map<string, number>, goal: TextTerms): ItemAnalysis {
  for (let k = 0; k < turns.length; k++) {
    const citation = cites(item, turns[k]!, basenames, goal);
    if (citation) return { key, tokens, verdict: k === 0 ? 'first_turn' : 'later_turn', turn: k + 1, rule: citation.rule, evidence: citation.evidence };
  }
  return { key, tokens, verdict: 'ignored', turn: null, rule: null, evidence: null };
}

/** What a turn says: its text and its tool calls' arguments. */
function turnText(blocks: readonly ConversationBlock[]): string {
  return blocks
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : block.type === 'tool_use' ? `${String(block.name)} ${JSON.stringify(block.input ?? {})}` : ''))
    .filter((text) => text !== '')
    .join('\n');
}

// Kinds whose answer a slot gives without a file: prior sessions and conventions.
const SLOT_OF_KIND: Record<string, string> = { recent_sessions: 'priorNotes', sessions_by_goal: 'priorNotes', conventions: 'conventions' };

function queryCalls(session: AnalyzedSession, terms: ItemTerms[][]): QueryCallAnalysis[] {
  const heldPaths = new Map<string, string>();
  session.slots.forEach((slot, s) => slot.items.forEach((item, i) => terms[s]![i]!.paths.forEach((path) => heldPaths.set(path, item.key))));
  for (const slot of session.slots) for (const item of slot.items) if (item.key.startsWith('file:')) heldPaths.set(item.key.slice(5), item.key);
  const calls: QueryCallAnalysis[] = [];
  session.turns.forEach((blocks, k) => {
    for (const block of blocks) {
      if (block.type !== 'tool_use' || block.name !== 'query_knowledge') continue;
      const intent = (block.input as { intent?: Record<string, unknown> } | undefined)?.intent ?? {};
      const kind = typeof intent.kind === 'string' ? intent.kind : 'unknown';
      const subject = [intent.file, Array.isArray(intent.files) ? intent.files[0] : undefined, intent.session, intent.name, intent.text].find((v): v is string => typeof v === 'string') ?? null;
      let heldBy = subject !== null ? (heldPaths.get(subject) ?? null) : null;
      if (heldBy === null && SLOT_OF_KIND[kind] !== undefined && intent.file === undefined) {
        heldBy = session.slots.find((slot) => slot.slot === SLOT_OF_KIND[kind] && slot.items.length > 0)?.slot ?? null;
      }
      calls.push({ turn: k + 1, kind, subject, verdict: heldBy !== null ? 'already_held' : 'lacked', heldBy });
    }
  });
  return calls;
}

export function summarizeSessions(workspace: string, analyses: readonly SessionAnalysis[], skipped: { id: string; reason: string }[]): AllSessionsAnalysis {
  const kinds = new Map<string, SlotKindSummary>();
  let alreadyHeld = 0;
  let ignoredTokens = 0;
  const lacked = new Map<string, number>();
  for (const analysis of analyses) {
    ignoredTokens += analysis.ignoredTokens;
    for (const slot of analysis.slots) {
      const summary = kinds.get(slot.slot) ?? { slot: slot.slot, sessionsGiven: 0, sessionsCitedFirstTurn: 0, sessionsCited: 0, shareCited: 0, tokensGiven: 0, tokensIgnored: 0 };
      kinds.set(slot.slot, summary);
      summary.sessionsGiven++;
      if (slot.verdict === 'first_turn') summary.sessionsCitedFirstTurn++;
      if (slot.verdict !== 'ignored') summary.sessionsCited++;
      summary.tokensGiven += slot.tokens;
      summary.tokensIgnored += slot.items.filter((i) => i.verdict === 'ignored').reduce((sum, i) => sum + i.tokens, 0);
    }
    for (const call of analysis.queryCalls) {
      if (call.verdict === 'already_held') alreadyHeld++;
      else lacked.set(call.kind, (lacked.get(call.kind) ?? 0) + 1);
    }
  }
  for (const summary of kinds.values()) summary.shareCited = summary.sessionsGiven === 0 ? 0 : summary.sessionsCited / summary.sessionsGiven;
  return {
    workspace,
    sessions: analyses.length,
    partial: analyses.filter((a) => a.partial).length,
    skipped,
    slotKinds: [...kinds.values()].sort((a, b) => b.tokensGiven - a.tokensGiven),
    queryCalls: {
      alreadyHeld,
      lacked: [...lacked.values()].reduce((sum, n) => sum + n, 0),
      topLacked: [...lacked.entries()].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1)).slice(0, 10),
    },
    ignoredTokens,
  };
}
