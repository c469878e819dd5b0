// Builds a session's context: runs the slot sources in parallel under one deadline each, applies the precedence
// rules (child sessions, the coordinator's summary), renders within the budget and writes the manifest.

import { randomUUID } from 'node:crypto';
import type { Answer, Intent } from '../../queries/index.js';
import { hasIntentKind } from '../tools.js';
import { runWithDeadline } from './deadline.js';
import { pathsInGoal } from './goal.js';
import { renderSlots } from './render.js';
import {
  DEFAULT_DEADLINE_MS,
  SLOT_NAMES,
  type EnrichManifest,
  type EnrichRequest,
  type EnrichResult,
  type SlotManifest,
  type SlotName,
  type SourceOutcome,
  type WorkflowContextSlots,
} from './schema.js';
import { defaultSources, type SlotSource, type SourceOptions } from './sources.js';
import { typedQuery } from './typed-query.js';
import { estimateTokens, wellFormed } from './text.js';

export interface EnrichEnvironment extends SourceOptions {
  /** Absolute workspace root, as the graph knows it. */
  root: string;
  /** Answers one query_knowledge intent against the workspace's graph. */
  query(intent: Intent): Promise<Answer>;
  /** The sources to run; default `defaultSources()`. */
  sources?: readonly SlotSource[];
  /** Whether the intent schema has a kind; default: the schema as it is now. */
  hasKind?(kind: string): boolean;
  now?: () => Date;
}

const EMPTY_SLOTS: WorkflowContextSlots = { coordinatorSummary: null, conventions: [], fileFacts: [], likelyFiles: [], priorNotes: [], gitDiffStat: null };

interface SourceReport {
  outcome: SourceOutcome;
  reason: string | null;
  latencyMs: number;
}

export async function enrichContext(env: EnrichEnvironment, request: Omit<EnrichRequest, 'workspace'>): Promise<EnrichResult> {
  const started = performance.now();
  const now = env.now ?? (() => new Date());
  const hasKind = env.hasKind ?? hasIntentKind;
  const deadlineMs = request.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const spawnDepth = request.spawnDepth ?? 0;
  const goal = wellFormed(request.goal);
  const goalPaths = pathsInGoal(goal, env.root);
  const summary = request.coordinatorSummary !== undefined && request.coordinatorSummary.trim() !== '' ? wellFormed(request.coordinatorSummary) : null;
  const isChild = spawnDepth > 0 && !request.includeChildSessions;

  const slots: WorkflowContextSlots = { ...EMPTY_SLOTS, coordinatorSummary: summary };
  const reports: Partial<Record<SlotName, SourceReport>> = {
    coordinatorSummary: summary === null ? { outcome: 'absent', reason: 'no summary given', latencyMs: 0 } : { outcome: 'given', reason: null, latencyMs: 0 },
  };
  const sources = env.sources ?? defaultSources(env);
  const query = typedQuery((intent) => env.query(intent));
  await Promise.all(
    sources.map(async (source) => {
      if (isChild) {
        reports[source.slot] = { outcome: 'skipped', reason: `child session (spawnDepth ${spawnDepth}); pass includeChildSessions to enrich it`, latencyMs: 0 };
        return;
      }
      // The coordinator's summary already covers what the prior sessions did.
      if (source.slot === 'priorNotes' && summary !== null) {
        reports[source.slot] = { outcome: 'suppressed', reason: 'the coordinator summary takes precedence', latencyMs: 0 };
        return;
      }
      const missing = source.needs.filter((kind) => !hasKind(kind));
      if (missing.length > 0) {
        reports[source.slot] = { outcome: 'unavailable', reason: `query kind(s) not available: ${missing.join(', ')}`, latencyMs: 0 };
        return;
      }
      const run = await runWithDeadline<unknown>(
        (work) => source.run({ ...work, root: env.root, goal, goalPaths, query } as Parameters<typeof source.run>[0]),
        deadlineMs,
      );
      if (run.value !== undefined) (slots as Record<SlotName, unknown>)[source.slot] = run.value;
      reports[source.slot] = { outcome: run.outcome, reason: run.reason, latencyMs: run.latencyMs };
    }),
  );

  const rendered = renderSlots(slots, request.budgetTokens);
  const manifestSlots: SlotManifest[] = SLOT_NAMES.map((slot) => {
    const report = reports[slot] ?? { outcome: 'absent' as const, reason: 'no source for this slot', latencyMs: 0 };
    const render = rendered.slots[slot];
    return {
      slot,
      included: render.included,
      source: report.outcome,
      reason: [report.reason, render.items > 0 || report.reason === null ? render.reason : null].filter((r) => r !== null).join('; ') || null,
      items: render.items,
      itemsIncluded: render.itemsIncluded,
      shortened: render.shortened,
      bytes: render.bytes,
      tokens: render.tokens,
      latencyMs: report.latencyMs,
    };
  });
  const manifest: EnrichManifest = {
    id: randomUUID(),
    createdAt: now().toISOString(),
    workspace: env.root,
    sessionId: request.sessionId ?? null,
    goal,
    goalPaths,
    spawnDepth,
    budgetTokens: request.budgetTokens,
    deadlineMs,
    totalMs: Math.round((performance.now() - started) * 10) / 10,
    renderedBytes: Buffer.byteLength(rendered.text, 'utf8'),
    renderedTokens: estimateTokens(rendered.text),
    slots: manifestSlots,
  };
  const sections = SLOT_NAMES.flatMap((slot) => {
    const { text, given } = rendered.slots[slot];
    return text === null ? [] : [{ slot, text, items: given }];
  });
  return { slots, rendered: rendered.text, sections, manifest };
}
