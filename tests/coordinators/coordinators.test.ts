// The coordinators against a scripted Messages API (the real SDK client): the implement pipeline end to end, with the
// check that each handoff reaches the next session's system prompt; verdicts read by one schema, where a blocking or
// unknown verdict never ends approved; the fix-pass cap; a phase timeout; the review coordinator's summary; and the
// run in the graph through the pipeline_run intent.

import Anthropic from '@anthropic-ai/sdk';
import { readFileSync, statSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/agent/limits.js';
import { LocalBackend } from '../../src/backend/local.js';
import { coordinateImplement, MAX_FIX_PASSES } from '../../src/coordinators/implement.js';
import type { CoordinatorOptions } from '../../src/coordinators/phase.js';
import { coordinateReview } from '../../src/coordinators/review.js';
import { RunRecord } from '../../src/coordinators/run-record.js';
import type { AnswerOf } from '../../queries/index.js';
import { GitRepo } from '../support/git-repo.js';
import { finish, startScriptedModel, toolUse, type ScriptedModel, type ScriptedRequest, type Step } from '../support/scripted-model.js';
import { tempDir } from '../support/temp.js';
import { RETRY_TS as RETRY, retryRepo } from '../fixtures/retry-workspace.js';

const saved = { ...process.env };
let dir: string;
let repo: GitRepo;
let backend: LocalBackend;
let model: ScriptedModel | null = null;

const DISCOVERY = {
  kind: 'kg.discovery_handoff',
  version: 1,
  direction: 'Double the delay per attempt inside retryDelay in src/retry.ts.',
  keyFiles: ['src/retry.ts'],
  invariants: ['retryDelay stays a pure function of the attempt'],
  constraints: ['no new dependencies'],
};
const CODING = {
  kind: 'wr.coding_handoff',
  version: 1,
  keyDecisions: ['the base delay stays 100 ms and doubles per attempt'],
  knownLimitations: ['no jitter yet'],
  testsAdded: [],
  filesChanged: ['src/retry.ts'],
};
const verdict = (v: 'clean' | 'minor' | 'blocking') => ({
  kind: 'kg.review_verdict',
  verdict: v,
  confidence: 'high',
  findings: v === 'clean' ? [] : [{ severity: v === 'minor' ? 'minor' : 'critical', file: 'src/retry.ts', line: 2, summary: 'the delay overflows for large attempts' }],
  summary: `the change is ${v}`,
});

beforeAll(async () => {
  dir = tempDir('kg-coord-');
  process.env.KG_HOME = join(dir, 'kg-home');
  delete process.env.KG_VECTORS;
  backend = new LocalBackend({ keepOpen: false });
});

beforeEach(async () => {
  repo = retryRepo(tempDir('kg-coord-ws-'));
  const job = await backend.waitForJob((await backend.reindex({ workspace: repo.dir, full: true, dataDir: join(dir, 'data') })).id);
  expect(job.status).toBe('done');
});

afterEach(async () => {
  await model?.close();
  model = null;
});

afterAll(async () => {
  await backend.close();
  process.env = saved;
});

type Role = 'discovery' | 'coding' | 'review' | 'fix';

function roleOf(request: ScriptedRequest): Role {
  const goal = String(request.messages[0]!.content);
  if (goal.startsWith('Discovery for')) return 'discovery';
  if (goal.startsWith('Implement this task')) return 'coding';
  if (goal.startsWith('Fix the review findings')) return 'fix';
  return 'review';
}

/** The scripted model's side: each role's steps by its turn in the session. */
async function scripted(steps: Partial<Record<Role, (turn: number, request: ScriptedRequest) => Step>>) {
  model = await startScriptedModel((_index, request) => {
    const role = roleOf(request);
    const turn = (request.messages.length - 1) / 2;
    const step = steps[role];
    if (!step) throw new Error(`no script for ${role}`);
    return step(turn, request);
  });
  const options: CoordinatorOptions = {
    workspace: repo.dir,
    backend,
    dataDir: join(dir, 'data'),
    model: 'claude-test',
    client: new Anthropic({ apiKey: 'test-key', baseURL: model.url }),
    limits: { ...DEFAULT_LIMITS, maxRetries: 0 },
    budgetTokens: 1500,
    summaryBytes: 6000,
  };
  return options;
}

const editRetry: (turn: number) => Step = (turn) =>
  turn === 0
    ? { blocks: [toolUse('read_file', { path: 'src/retry.ts' })] }
    : turn === 1
      ? { blocks: [toolUse('edit_file', { path: 'src/retry.ts', oldText: 'return 100 * attempt;', newText: 'return 100 * 2 ** attempt;' })] }
      : finish('Made retryDelay double per attempt.', CODING);

const systemsOf = (role: Role) => model!.requests.filter((r) => roleOf(r) === role && r.messages.length === 1).map((r) => r.system);
const count = (text: string, part: string) => text.split(part).length - 1;

describe('kg coordinate implement', () => {
  it('runs discovery, coding and review, each given the handoff before it, and the graph answers what the run changed', async () => {
    const options = await scripted({
      discovery: () => finish('Found where the delay is computed.', DISCOVERY),
      coding: editRetry,
      review: () => finish('Looks right.\nVerdict: clean', verdict('clean')),
    });
    const report = await coordinateImplement({ ...options, goal: 'Make the retry delay grow exponentially' });
    expect(report).toMatchObject({ outcome: 'approved', verdict: 'clean', verdictSource: 'artifact', fixPasses: 0, reindex: { ok: true } });
    expect(report.phases.map((p) => [p.phase, p.result])).toEqual([
      ['discovery', 'full'],
      ['coding', 'full'],
      ['review', 'full'],
    ]);
    expect(readFileSync(join(repo.dir, 'src/retry.ts'), 'utf8')).toContain('100 * 2 ** attempt');

    // The end-to-end check: the discovery handoff is in the coding session's prompt, the coding handoff in the review's,
    // each once, and not in the first user message.
    const [coding] = systemsOf('coding');
    expect(count(coding!, DISCOVERY.direction)).toBe(1);
    expect(coding).toContain('retryDelay stays a pure function of the attempt');
    expect(coding).toContain('no new dependencies');
    const [review] = systemsOf('review');
    expect(count(review!, CODING.keyDecisions[0]!)).toBe(1);
    expect(review).toContain('no jitter yet');
    expect(review).toContain('src/client.ts');
    for (const request of model!.requests.filter((r) => r.messages.length === 1)) expect(String(request.messages[0]!.content)).not.toContain(DISCOVERY.direction);

    // The run in the graph: its phases, their sessions, what they changed, the verdict and the trace.
    const answer = (await backend.query({ workspace: repo.dir, intent: { kind: 'pipeline_run' } })) as AnswerOf<'pipeline_run'>;
    expect(answer.run).toMatchObject({ id: report.runId, mode: 'IMPLEMENT', status: 'completed', verdict: 'clean' });
    expect(answer.items.map((i) => [i.phase, i.result, i.sessionId])).toEqual(report.phases.map((p) => [p.phase, p.result, p.sessionId]));
    expect(answer.items.every((i) => i.session?.id === i.sessionId)).toBe(true);
    expect(answer.files).toEqual([{ path: 'src/retry.ts', phase: 'coding', change: 'unknown' }]);
    expect(answer.trace.at(-1)).toMatch(/^approved: review came back clean/);
    expect(statSync(report.runFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(report.runFile, '..')).mode & 0o777).toBe(0o700);
    const byId = (await backend.query({ workspace: repo.dir, intent: { kind: 'pipeline_run', id: report.runId } })) as AnswerOf<'pipeline_run'>;
    expect(byId.run?.id).toBe(report.runId);
    await expect(backend.query({ workspace: repo.dir, intent: { kind: 'pipeline_run', id: 'run_nope' } })).rejects.toThrow(/unknown pipeline run: run_nope/);
  });

  it('never approves a blocking verdict, and escalates an invalid artifact as unknown', async () => {
    const blocking = await scripted({ discovery: () => finish('ok', DISCOVERY), coding: editRetry, review: () => finish('Broken.\nVerdict: blocking', verdict('blocking')) });
    const blocked = await coordinateImplement({ ...blocking, goal: 'Make the retry delay grow exponentially' });
    expect(blocked).toMatchObject({ outcome: 'escalated', verdict: 'blocking', fixPasses: 0 });
    await model!.close();

    repo.git('checkout', '--', 'src/retry.ts');
    const invalid = await scripted({
      discovery: () => finish('ok', DISCOVERY),
      coding: editRetry,
      // "approved" is no verdict, and the notes hold no verdict line: nothing says clean.
      review: () => finish('I approve of this change, it is clean and fine.', { verdict: 'approved', confidence: 'high', findings: [], summary: 'fine' }),
    });
    const unknown = await coordinateImplement({ ...invalid, goal: 'Make the retry delay grow exponentially' });
    expect(unknown).toMatchObject({ outcome: 'escalated', verdict: 'unknown', verdictSource: 'none' });
    expect(unknown.why).toContain('unknown (treated as blocking)');
    expect(unknown.trace.join('\n')).toContain('invalid artifact: verdict');
  });

  it('stops the fix loop at its cap, checked before a pass is spawned', async () => {
    const options = await scripted({
      discovery: () => finish('ok', DISCOVERY),
      coding: editRetry,
      fix: () => finish('Capped the attempt.', CODING),
      review: () => finish('Still overflows.\nVerdict: minor', verdict('minor')),
    });
    const report = await coordinateImplement({ ...options, goal: 'Make the retry delay grow exponentially' });
    expect(report).toMatchObject({ outcome: 'escalated', verdict: 'minor', fixPasses: MAX_FIX_PASSES });
    expect(report.phases.map((p) => p.phase)).toEqual(['discovery', 'coding', 'review', 'fix-1', 'review-2', 'fix-2', 'review-3']);
    expect(systemsOf('fix')).toHaveLength(MAX_FIX_PASSES);
    // Each fix session is given the findings it is to fix.
    for (const system of systemsOf('fix')) expect(system).toContain('the delay overflows for large attempts');
  });

  it('escalates a phase that times out, and starts no session past the deadline', async () => {
    const slow = await scripted({ discovery: () => finish('ok', DISCOVERY), coding: () => ({ blocks: [toolUse('read_file', { path: 'src/retry.ts' })], delayMs: 400 }) });
    const timedOut = await coordinateImplement({ ...slow, limits: { ...slow.limits, wallClockMs: 250 }, goal: 'Make the retry delay grow exponentially' });
    expect(timedOut).toMatchObject({ outcome: 'escalated' });
    expect(timedOut.phases.map((p) => [p.phase, p.result, p.outcome])).toEqual([
      ['discovery', 'full', 'success'],
      ['coding', 'fallback', 'timeout'],
    ]);
    await model!.close();

    const late = await scripted({ discovery: () => finish('ok', DISCOVERY) });
    const report = await coordinateImplement({ ...late, deadlineAt: Date.now() - 1, goal: 'Make the retry delay grow exponentially' });
    expect(report).toMatchObject({ outcome: 'escalated', why: 'the deadline passed before discovery', phases: [] });
    expect(model!.requests).toHaveLength(0);
  });
});

describe('the run record', () => {
  it('is on disk from the start, in progress, and is never written through a link out of the workspace', () => {
    const run = RunRecord.create(repo.dir, { coordinator: 'review', goal: 'g', mode: 'REVIEW_ONLY' });
    expect(JSON.parse(readFileSync(run.path, 'utf8'))).toMatchObject({ runId: run.runId, status: 'in_progress', phases: {}, trace: [] });
    run.decide('first step');
    expect(JSON.parse(readFileSync(run.path, 'utf8')).trace).toEqual(['first step']);

    const hostile = new GitRepo(tempDir('kg-coord-hostile-'));
    const outside = tempDir('kg-coord-outside-');
    mkdirSync(join(hostile.dir, '.workrail'));
    symlinkSync(outside, join(hostile.dir, '.workrail', 'pipeline-runs'));
    expect(() => RunRecord.create(hostile.dir, { coordinator: 'review', goal: 'g', mode: 'REVIEW_ONLY' })).toThrow(/leads out of the workspace/);
  });
});

describe('kg coordinate review', () => {
  it('reviews the working tree with what the graph says about it, within the summary budget, and records the verdict', async () => {
    writeFileSync(join(repo.dir, 'src/retry.ts'), RETRY.replace('100 * attempt', '100 * 2 ** attempt'));
    const options = await scripted({ review: () => finish('Fine.\nVerdict: minor') });
    const report = await coordinateReview(options);
    // No artifact: the explicit verdict line of the notes counts, and the report says so.
    expect(report).toMatchObject({ changed: ['src/retry.ts'], approved: false, resultKind: 'partial', reindex: { ok: true } });
    expect(report.reading).toMatchObject({ verdict: 'minor', source: 'notes', problem: 'no artifact' });
    const [system] = systemsOf('review');
    expect(system).toContain('### Changed files (from HEAD to the working tree)');
    expect(system).toContain('- src/client.ts');
    expect(system).toContain('- tests/retry.test.ts [test]\nTests to run: tests/retry.test.ts');
    expect(system).toContain('- AGENTS.md § Rules > Testing');
    // A related file the change already reaches is not listed twice; the summary is in the prompt once.
    expect(system).toContain('### Related files\n- package.json');
    expect(count(system!, '### Changed files')).toBe(1);
    expect(report.summary.dropped).toEqual([]);
    const answer = (await backend.query({ workspace: repo.dir, intent: { kind: 'pipeline_run' } })) as AnswerOf<'pipeline_run'>;
    expect(answer.run).toMatchObject({ id: report.runId, mode: 'REVIEW_ONLY', verdict: 'minor' });
    expect(answer.items).toMatchObject([{ phase: 'review', result: 'partial', sessionId: report.sessionId }]);
  });

  it('drops a section that does not fit whole, never a part of one, and refuses an empty diff', async () => {
    writeFileSync(join(repo.dir, 'src/retry.ts'), RETRY.replace('100 * attempt', '100 * 2 ** attempt'));
    const options = await scripted({ review: () => finish('Fine.', verdict('clean')) });
    const report = await coordinateReview({ ...options, summaryBytes: 120 });
    expect(report.approved).toBe(true);
    expect(report.summary.kept.length).toBeGreaterThan(0);
    expect(report.summary.dropped.length).toBeGreaterThan(0);
    expect(report.summary.bytes).toBeLessThanOrEqual(120);
    const [system] = systemsOf('review');
    for (const title of report.summary.dropped) expect(system).not.toContain(`### ${title}`);
    await model!.close();

    repo.git('checkout', '--', 'src/retry.ts');
    const clean = await scripted({});
    await expect(coordinateReview(clean)).rejects.toThrow('nothing to review: no file changed from HEAD to the working tree');
  });
});
