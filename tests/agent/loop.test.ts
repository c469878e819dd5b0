// The Messages API loop with the real SDK client against a scripted server: tool use, tool errors, stuck detection,
// the limits, and each way the API can fail, each ending with the outcome a user reads.

import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type SessionLimits } from '../../src/agent/limits.js';
import { runLoop, type LoopInput, type LoopTool } from '../../src/agent/loop.js';
import type { ConversationLine } from '../../src/agent/record-schema.js';
import { finish, startScriptedModel, text, toolUse, type ScriptedModel, type Step } from '../support/scripted-model.js';

let model: ScriptedModel | null = null;
afterEach(async () => {
  await model?.close();
  model = null;
});

const echo: LoopTool = {
  name: 'echo',
  description: 'Echoes its input.',
  inputSchema: { type: 'object', properties: { say: { type: 'string' } } },
  run: (input) => Promise.resolve({ ok: true, content: `echo: ${JSON.stringify(input)}` }),
};
const broken: LoopTool = {
  name: 'broken',
  description: 'Always throws.',
  inputSchema: { type: 'object' },
  run: () => Promise.reject(new Error('disk on fire\n    at somewhere (x.js:1:1)')),
};

async function run(script: Step[] | ((index: number) => Step), limits: Partial<SessionLimits> = {}, extra: Partial<LoopInput> = {}) {
  model = await startScriptedModel(script);
  const lines: ConversationLine[] = [];
  const result = await runLoop({
    client: new Anthropic({ apiKey: 'test-key', baseURL: model.url }),
    model: 'claude-test',
    system: 'SYSTEM PROMPT',
    firstMessage: 'Fix the bug in src/a.ts',
    tools: [echo, broken],
    limits: { ...DEFAULT_LIMITS, maxRetries: 0, ...limits },
    onLine: (line) => lines.push(line),
    ...extra,
  });
  return { result, lines, requests: model.requests };
}

/** The tool_result blocks of the request after `index`'s answer. */
function toolResults(requests: ScriptedModel['requests'], index: number): { content: string; is_error?: boolean }[] {
  const last = requests[index]!.messages.at(-1)!;
  return last.content as { content: string; is_error?: boolean }[];
}

describe('the agent loop', () => {
  it('runs the tools the model calls and ends when it calls finish, sending the system prompt and the goal once', async () => {
    const { result, lines, requests } = await run([{ blocks: [text('Looking.'), toolUse('echo', { say: 'hi' })] }, finish('Fixed it.', { kind: 'note' })]);
    expect(result).toMatchObject({ reason: 'finished', outcome: 'success', turns: 2, toolCalls: 2, notes: 'Fixed it.', artifact: { kind: 'note' } });
    expect(result.usage.inputTokens).toBe(100 + 101);
    expect(requests[0]!.system).toBe('SYSTEM PROMPT');
    expect(requests[0]!.messages).toEqual([{ role: 'user', content: 'Fix the bug in src/a.ts' }]);
    expect(requests[0]!.tools.map((t) => t.name)).toEqual(['echo', 'broken', 'finish']);
    expect(toolResults(requests, 1)).toEqual([expect.objectContaining({ content: 'echo: {"say":"hi"}' })]);
    // The log in the daemon's line format: the goal, then each assistant message and each batch of results.
    expect(lines.map((line) => line.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(lines[0]).toMatchObject({ role: 'user', content: 'Fix the bug in src/a.ts' });
    expect(lines[1]).toMatchObject({ role: 'assistant', stopReason: 'tool_use' });
  });

  it('gives an unknown tool and a failing tool back to the model as tool errors and goes on', async () => {
    const { result, requests } = await run([{ blocks: [toolUse('rm_rf', { path: '/' }), toolUse('broken', {})] }, finish('done')]);
    expect(result.reason).toBe('finished');
    const [unknown, failing] = toolResults(requests, 1);
    expect(unknown).toMatchObject({ is_error: true });
    expect(unknown!.content).toMatch(/^unknown tool "rm_rf"; the tools are: echo, broken, finish$/);
    expect(failing).toMatchObject({ is_error: true, content: 'broken failed: disk on fire' });
  });

  it('ends as stuck on the third identical call in a row, and stuck wins over the turn limit firing with it', async () => {
    const same = (): Step => ({ blocks: [toolUse('echo', { say: 'again' })] });
    const stuck = await run([same(), same(), same(), finish('never')], { maxTurns: 3 });
    expect(stuck.result).toMatchObject({ reason: 'stuck', outcome: 'stuck', turns: 3 });
    expect(stuck.result.message).toBe('stuck: echo called with the same arguments 3 times in a row');
    await model!.close();
    // Different arguments in between reset the count.
    const varied = await run([same(), same(), { blocks: [toolUse('echo', { say: 'other' })] }, same(), finish('done')]);
    expect(varied.result.reason).toBe('finished');
  });

  it('stops at the turn limit and at the wall clock, as timeouts', async () => {
    const turns = await run((index) => ({ blocks: [toolUse('echo', { n: index })] }), { maxTurns: 2 });
    expect(turns.result).toMatchObject({ reason: 'max_turns', outcome: 'timeout', turns: 2 });
    await model!.close();
    const clock = await run((index) => ({ blocks: [toolUse('echo', { n: index })], delayMs: 150 }), { wallClockMs: 400 });
    expect(clock.result).toMatchObject({ reason: 'wall_clock', outcome: 'timeout' });
    expect(clock.result.message).toBe('stopped at the --wall-clock limit (400 ms)');
  });

  it('gives up a stalled call at the stall timeout', async () => {
    const { result, lines } = await run([{ stallMs: 3000 }], { stallTimeoutMs: 200 });
    expect(result).toMatchObject({ reason: 'stalled', outcome: 'timeout', turns: 0 });
    expect(result.message).toMatch(/^the model call stalled: no answer within 200 ms, after 1 attempt\(s\)$/);
    expect(lines.at(-1)).toMatchObject({ role: 'assistant', stopReason: 'error' });
  });

  it('retries a 429 after its retry-after and goes on; ends as rate_limited once the retries are spent', async () => {
    const retried = await run([{ status: 429, errorType: 'rate_limit_error', headers: { 'retry-after': '0.05' } }, finish('done')], { maxRetries: 2 });
    expect(retried.result.reason).toBe('finished');
    expect(retried.requests).toHaveLength(2);
    await model!.close();
    const spent = await run(() => ({ status: 429, errorType: 'rate_limit_error', headers: { 'retry-after': '0.01' } }), { maxRetries: 2 });
    expect(spent.result).toMatchObject({ reason: 'rate_limited', outcome: 'error' });
    expect(spent.result.message).toMatch(/^rate limited \(429\) after 3 attempt\(s\): /);
    expect(spent.requests).toHaveLength(3);
  });

  it('ends a 529 as overloaded after its retries, a 400 at once as bad_request', async () => {
    const overloaded = await run(() => ({ status: 529, errorType: 'overloaded_error', headers: { 'retry-after-ms': '10' } }), { maxRetries: 1 });
    expect(overloaded.result).toMatchObject({ reason: 'overloaded', outcome: 'error' });
    expect(overloaded.requests).toHaveLength(2);
    await model!.close();
    const bad = await run([{ status: 400, errorType: 'invalid_request_error' }], { maxRetries: 2 });
    expect(bad.result).toMatchObject({ reason: 'bad_request', outcome: 'error' });
    expect(bad.requests).toHaveLength(1);
  });

  it('ends on a malformed answer with a clear outcome', async () => {
    const notJson = await run([{ raw: '{"content": [' }]);
    expect(notJson.result).toMatchObject({ reason: 'malformed_response', outcome: 'error' });
    await model!.close();
    const noId = await run([{ raw: JSON.stringify({ type: 'message', role: 'assistant', content: [{ type: 'tool_use', name: 'echo', input: {} }], stop_reason: 'tool_use' }) }]);
    expect(noId.result).toMatchObject({ reason: 'malformed_response' });
    expect(noId.result.message).toBe("the model's answer was malformed: a tool_use block without id, name or input object");
  });

  it('takes a turn ended without finish as the end, with its text as the notes; refuses a finish without notes', async () => {
    const { result, requests } = await run([{ blocks: [toolUse('finish', {})] }, { blocks: [text('All done here.')] }]);
    expect(toolResults(requests, 1)[0]).toMatchObject({ is_error: true });
    expect(result).toMatchObject({ reason: 'end_turn', outcome: 'success', notes: 'All done here.' });
  });

  it('ends as interrupted when its signal aborts', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const { result } = await run([{ stallMs: 3000 }], {}, { signal: stop.signal });
    expect(result).toMatchObject({ reason: 'interrupted', outcome: 'error' });
  });
});
