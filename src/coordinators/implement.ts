// `kg coordinate implement --goal TEXT`: discovery (read-only; a discovery handoff), coding (write-enabled, given the
// discovery handoff as its coordinator summary; a coding handoff), review (given the coding handoff and what the graph
// says about the diff), a fix loop on `minor` (at most MAX_FIX_PASSES, the cap checked before a pass is spawned), and
// escalation on `blocking`, `unknown`, a phase with nothing usable, or the deadline. Every routing decision is a
// trace line of the run.

import { readGitHead } from '../../indexers/git/head.js';
import { isKgError } from '../../graph/errors.js';
import type { AgentSessionResult } from '../agent/run-session.js';
import { classifyPhase, codingHandoffSchema, discoveryHandoffSchema, type CodingHandoff, type DiscoveryHandoff, type PhaseResultKind, type ReviewVerdict } from './artifacts.js';
import { runPhaseSession, timeLeft, type CoordinatorOptions } from './phase.js';
import { reindexRun, reviewGoal, reviewPhase, reviewSummary, type ReviewOutcome } from './review.js';
import type { ImplementReport } from './report-schema.js';
import { RunRecord } from './run-record.js';
import { renderSummary, type SummarySection } from './summary.js';

export const MAX_FIX_PASSES = 2;

type ImplementPhase = ImplementReport['phases'][number];

export async function coordinateImplement(options: CoordinatorOptions & { goal: string }): Promise<ImplementReport> {
  const run = RunRecord.create(options.workspace, { coordinator: 'implement', goal: options.goal, mode: 'IMPLEMENT', ...(options.now ? { now: options.now } : {}) });
  const startHead = readGitHead(options.workspace);
  const phases: ImplementPhase[] = [];
  let fixPasses = 0;
  let last: ReviewOutcome | null = null;

  const end = async (outcome: ImplementReport['outcome'], why: string): Promise<ImplementReport> => {
    run.decide(`${outcome}: ${why}`);
    run.complete(last?.reading.verdict ?? 'unknown');
    const reindex = await reindexRun(options.backend, options.workspace, options.dataDir);
    return {
      coordinator: 'implement',
      runId: run.runId,
      runFile: run.path,
      outcome,
      why,
      verdict: last?.reading.verdict ?? null,
      verdictSource: last?.reading.source ?? null,
      fixPasses,
      phases,
      trace: [...run.trace],
      reindex,
    };
  };
  const pastDeadline = (next: string): boolean => {
    const left = timeLeft(options);
    return left !== null && left <= 0 && (run.decide(`${next}: not started, the run's deadline has passed`), true);
  };
  const recorded = <T>(name: string, session: AgentSessionResult, classified: { kind: PhaseResultKind; artifact: T | null; problem: string | null }) => {
    run.phase(name, session.sessionId, {
      kind: classified.kind,
      ...(classified.artifact !== null ? { artifact: classified.artifact } : {}),
      recapMarkdown: session.notes,
      problem: classified.problem,
    });
    phases.push({ phase: name, sessionId: session.sessionId, result: classified.kind, outcome: session.outcome });
    run.decide(`${name}: ${classified.kind}${classified.problem ? ` (${classified.problem})` : ''}`);
  };

  // Discovery: read-only, its handoff the direction for coding.
  if (pastDeadline('discovery')) return end('escalated', 'the deadline passed before discovery');
  options.onProgress?.('discovery: read-only session');
  const discovery = await runPhaseSession(options, { goal: discoveryGoal(options.goal), summary: '', allowWrite: false });
  const found = classifyPhase(discoveryHandoffSchema, discovery.artifact, discovery.notes, discovery.outcome === 'success');
  recorded('discovery', discovery, found);
  if (found.kind === 'fallback') return end('escalated', `discovery gave nothing usable (${found.problem})`);

  // Coding: write-enabled, given the discovery handoff (or, when partial, discovery's notes) as its summary.
  if (pastDeadline('coding')) return end('escalated', 'the deadline passed before coding');
  options.onProgress?.('coding: write-enabled session');
  const discoverySummary = renderSummary(found.artifact ? discoverySections(found.artifact) : [{ title: 'Discovery notes', body: discovery.notes ?? '' }], options.summaryBytes);
  const coding = await runPhaseSession(options, { goal: codingGoal(options.goal), summary: discoverySummary.text, allowWrite: true });
  const coded = classifyPhase(codingHandoffSchema, coding.artifact, coding.notes, coding.outcome === 'success');
  recorded('coding', coding, coded);
  if (coded.kind === 'fallback') return end('escalated', `coding gave nothing usable (${coded.problem})`);
  let handoff: SummarySection[] = coded.artifact ? codingSections(coded.artifact) : [{ title: 'Coding notes', body: coding.notes ?? '' }];

  for (let pass = 0; ; pass++) {
    const name = pass === 0 ? 'review' : `review-${pass + 1}`;
    if (pastDeadline(name)) return end('escalated', `the deadline passed before ${name}`);
    let review;
    try {
      review = await reviewSummary(options, startHead ? { base: startHead } : {}, handoff);
    } catch (error) {
      if (isKgError(error) && error.code === 'bad_input') return end('escalated', `nothing to review after ${pass === 0 ? 'coding' : `fix-${pass}`}: ${error.message}`);
      throw error;
    }
    last = await reviewPhase(options, run, name, reviewGoal(startHead ? `from ${startHead.slice(0, 12)} to the working tree` : 'in the working tree', review.changed), review.summary.text);
    if (last.sessionId) phases.push({ phase: name, sessionId: last.sessionId, result: last.resultKind, outcome: last.reading.verdict });
    const verdict = last.reading.verdict;
    if (verdict === 'clean') return end('approved', `${name} came back clean (from ${last.reading.source})`);
    if (verdict !== 'minor') return end('escalated', `${name} came back ${verdict}${verdict === 'unknown' ? ' (treated as blocking)' : ''}`);
    // The cap is checked before a fix pass is spawned.
    if (fixPasses >= MAX_FIX_PASSES) return end('escalated', `still minor after ${fixPasses} fix pass(es), the most allowed`);
    fixPasses++;
    const fixName = `fix-${fixPasses}`;
    if (pastDeadline(fixName)) return end('escalated', `the deadline passed before ${fixName}`);
    run.decide(`${name}: minor with ${last.reading.findings.length} finding(s): fix pass ${fixPasses} of at most ${MAX_FIX_PASSES}`);
    options.onProgress?.(`${fixName}: write-enabled session`);
    const fixSummary = renderSummary([findingsSection(last.reading.findings), ...handoff], options.summaryBytes);
    const fix = await runPhaseSession(options, { goal: fixGoal(options.goal), summary: fixSummary.text, allowWrite: true });
    const fixed = classifyPhase(codingHandoffSchema, fix.artifact, fix.notes, fix.outcome === 'success');
    recorded(fixName, fix, fixed);
    if (fixed.kind === 'fallback') return end('escalated', `${fixName} gave nothing usable (${fixed.problem})`);
    if (fixed.artifact) handoff = codingSections(fixed.artifact);
  }
}

function discoveryGoal(goal: string): string {
  return (
    `Discovery for this task: ${goal}\nDo not change any file. Find where the change belongs and choose a direction. ` +
    'Call finish with notes and an artifact that is exactly {"kind":"kg.discovery_handoff","version":1,"direction":"...",' +
    '"keyFiles":["path"],"invariants":["..."],"constraints":["..."]}.'
  );
}

function codingGoal(goal: string): string {
  return (
    `Implement this task: ${goal}\nFollow the discovery handoff in your context. Call finish with notes and an artifact ` +
    'that is exactly {"kind":"wr.coding_handoff","version":1,"keyDecisions":["..."],"knownLimitations":["..."],' +
    '"testsAdded":["path"],"filesChanged":["path"]}.'
  );
}

function fixGoal(goal: string): string {
  return `Fix the review findings in your context for this task: ${goal}\nChange only what the findings ask. Call finish with notes and a wr.coding_handoff artifact as before.`;
}

function discoverySections(handoff: DiscoveryHandoff): SummarySection[] {
  return [
    { title: 'Discovery: chosen direction', body: handoff.direction },
    { title: 'Discovery: key files', body: handoff.keyFiles.map((f) => `- ${f}`).join('\n') },
    { title: 'Discovery: invariants', body: handoff.invariants.map((i) => `- ${i}`).join('\n') },
    { title: 'Discovery: constraints', body: handoff.constraints.map((c) => `- ${c}`).join('\n') },
  ];
}

function codingSections(handoff: CodingHandoff): SummarySection[] {
  return [
    { title: 'Coding handoff: files changed', body: handoff.filesChanged.map((f) => `- ${f}`).join('\n') },
    { title: 'Coding handoff: key decisions', body: handoff.keyDecisions.map((d) => `- ${d}`).join('\n') },
    { title: 'Coding handoff: known limitations', body: handoff.knownLimitations.map((l) => `- ${l}`).join('\n') },
    { title: 'Coding handoff: tests added', body: handoff.testsAdded.map((t) => `- ${t}`).join('\n') },
  ];
}

function findingsSection(findings: ReviewVerdict['findings']): SummarySection {
  return { title: 'Review findings to fix', body: findings.map((f) => `- [${f.severity}] ${f.file}${f.line ? `:${f.line}` : ''}: ${f.summary}`).join('\n') };
}
