// The Messages API loop of one agent session: call the model, run the tools it asks for, hand the results back, until
// it finishes or a limit, a stuck pattern or an API failure ends it. Everything the model sends is hostile input: an
// unknown tool, bad arguments or a failing tool is a tool error given back to it, never a crash here.

import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  PermissionDeniedError,
  RateLimitError,
  type default as Anthropic,
} from '@anthropic-ai/sdk';
import type { ContentBlock, Message, MessageParam, Tool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';
import { toolInputSchema, type JsonSchemaObject } from '../tools.js';
import type { ConversationLine } from './record-schema.js';
import { outcomeOf, type EndReason, type SessionLimits, type SessionOutcome } from './limits.js';
import { RepeatWatch } from './repeat-watch.js';

export interface ToolOutcome {
  ok: boolean;
  content: string;
}

export interface LoopTool {
  name: string;
  description: string;
  inputSchema: JsonSchemaObject;
  run(input: unknown, signal: AbortSignal): Promise<ToolOutcome>;
}

export const FINISH_TOOL_NAME = 'finish';
const MAX_NOTES_CHARS = 50_000;
const MAX_ARTIFACT_BYTES = 256 * 1024;

const finishInput = z.object({
  notes: z.string().min(1).max(MAX_NOTES_CHARS).describe('What you did and found, in markdown: the recap the next session will read.'),
  artifact: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('A typed result when the goal asks for one (e.g. a review verdict or a handoff), as a JSON object.'),
});

const FINISH_DESCRIPTION =
  'End the session: call it once when the goal is done (or cannot be done), with notes on what you did, what you ' +
  'found and what is left. Nothing runs after it.';

/** What the loop reports as it goes, for a terminal to show. */
export type LoopEvent =
  | { type: 'turn'; turn: number; text: string; toolCalls: number; stopReason: string | null }
  | { type: 'tool'; turn: number; name: string; input: unknown; ok: boolean; chars: number; ms: number };

export interface LoopUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LoopInput {
  client: Anthropic;
  model: string;
  system: string;
  firstMessage: string;
  tools: readonly LoopTool[];
  limits: SessionLimits;
  /** Each conversation line as it happens (the log is appended as the session goes). */
  onLine(line: ConversationLine): void;
  onEvent?(event: LoopEvent): void;
  /** Ends the session from outside (Ctrl-C): it stops as `interrupted`. */
  signal?: AbortSignal;
  now?: () => number;
}

export interface LoopResult {
  reason: EndReason;
  outcome: SessionOutcome;
  /** One line on why it ended. */
  message: string;
  turns: number;
  toolCalls: number;
  notes: string | null;
  artifact: Record<string, unknown> | null;
  usage: LoopUsage;
  /** Time spent waiting on the model (retries included): the rest of the loop's time is the runner's own. */
  modelMs: number;
}

/** The tools as the Messages API takes them: the session's, then `finish`. */
export function apiTools(tools: readonly LoopTool[]): Tool[] {
  return [
    ...tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema as Tool['input_schema'] })),
    { name: FINISH_TOOL_NAME, description: FINISH_DESCRIPTION, input_schema: toolInputSchema(finishInput) as Tool['input_schema'] },
  ];
}

export async function runLoop(input: LoopInput): Promise<LoopResult> {
  const now = input.now ?? Date.now;
  const byName = new Map(input.tools.map((tool) => [tool.name, tool]));
  const tools = apiTools(input.tools);
  const usage: LoopUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  const messages: MessageParam[] = [{ role: 'user', content: input.firstMessage }];
  input.onLine({ role: 'user', content: input.firstMessage, timestamp: now() });

  // The wall clock aborts a call under way; the outside signal (Ctrl-C) too.
  const clock = new AbortController();
  const wallTimer = setTimeout(() => clock.abort(new WallClock()), input.limits.wallClockMs);
  const onOutside = () => clock.abort(new Interrupted());
  input.signal?.addEventListener('abort', onOutside, { once: true });
  const repeats = new RepeatWatch(3);
  let turns = 0;
  let toolCalls = 0;
  let modelMs = 0;
  const end = (reason: EndReason, message: string, notes: string | null = null, artifact: Record<string, unknown> | null = null): LoopResult => ({
    reason,
    outcome: outcomeOf(reason),
    message,
    turns,
    toolCalls,
    notes,
    artifact,
    usage,
    modelMs,
  });

  try {
    for (;;) {
      if (clock.signal.aborted) return abortedEnd(clock.signal.reason, input.limits, end);
      if (turns >= input.limits.maxTurns) return end('max_turns', `stopped after ${turns} turn(s), the --max-turns limit`);
      let response: Message;
      const asked = now();
      try {
        response = await input.client.messages.create(
          { model: input.model, max_tokens: input.limits.maxOutputTokens, system: input.system, tools, messages },
          { signal: clock.signal, timeout: input.limits.stallTimeoutMs, maxRetries: input.limits.maxRetries },
        );
        modelMs += now() - asked;
      } catch (error) {
        modelMs += now() - asked;
        if (clock.signal.aborted) return abortedEnd(clock.signal.reason, input.limits, end);
        const failed = apiFailure(error, input.limits);
        input.onLine({ role: 'assistant', stopReason: 'error', errorMessage: failed.message, content: [], timestamp: now() });
        return end(failed.reason, failed.message);
      }
      turns++;
      const malformed = malformedResponse(response);
      if (malformed !== null) {
        input.onLine({ role: 'assistant', stopReason: 'error', errorMessage: malformed, content: [], timestamp: now() });
        return end('malformed_response', `the model's answer was malformed: ${malformed}`);
      }
      addUsage(usage, response);
      const content = response.content;
      input.onLine({ role: 'assistant', stopReason: response.stop_reason ?? 'end_turn', content: content as unknown as { type: string }[], timestamp: now(), turn: turns });
      messages.push({ role: 'assistant', content });
      const uses = content.filter((block): block is Extract<ContentBlock, { type: 'tool_use' }> => block.type === 'tool_use');
      const text = content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n').trim();
      input.onEvent?.({ type: 'turn', turn: turns, text, toolCalls: uses.length, stopReason: response.stop_reason });

      if (uses.length === 0) {
        if (response.stop_reason === 'refusal') return end('refusal', 'the model refused the goal', text || null);
        if (response.stop_reason === 'max_tokens') {
          messages.push({ role: 'user', content: 'Your answer was cut at the output token limit. Go on, or call finish.' });
          input.onLine({ role: 'user', content: 'Your answer was cut at the output token limit. Go on, or call finish.', timestamp: now() });
          continue;
        }
        return end('end_turn', `the model ended its turn without calling ${FINISH_TOOL_NAME}; its last text is taken as the notes`, text || null);
      }

      const results: ToolResultBlockParam[] = [];
      for (const use of uses) {
        // The first terminal signal wins: a third identical call ends the session as stuck before a timeout is looked at.
        if (repeats.push(use.name, use.input)) {
          return end('stuck', `stuck: ${use.name} called with the same arguments ${repeats.limit} times in a row`);
        }
        if (clock.signal.aborted) return abortedEnd(clock.signal.reason, input.limits, end);
        toolCalls++;
        if (use.name === FINISH_TOOL_NAME) {
          const parsed = finishInput.safeParse(use.input);
          if (parsed.success && jsonBytes(parsed.data.artifact) <= MAX_ARTIFACT_BYTES) {
            return end('finished', 'the model called finish', parsed.data.notes, parsed.data.artifact ?? null);
          }
          const problem = parsed.success ? `artifact: over ${MAX_ARTIFACT_BYTES} bytes` : firstIssue(parsed.error);
          results.push(toolResult(use.id, { ok: false, content: `finish: ${problem}` }));
          continue;
        }
        const began = now();
        const outcome = await runTool(byName.get(use.name), use.name, use.input, clock.signal, [...byName.keys(), FINISH_TOOL_NAME]);
        input.onEvent?.({ type: 'tool', turn: turns, name: use.name, input: use.input, ok: outcome.ok, chars: outcome.content.length, ms: now() - began });
        results.push(toolResult(use.id, outcome));
      }
      messages.push({ role: 'user', content: results });
      input.onLine({ role: 'user', content: results as unknown as { type: string }[], timestamp: now() });
      if (clock.signal.aborted) return abortedEnd(clock.signal.reason, input.limits, end);
    }
  } finally {
    clearTimeout(wallTimer);
    input.signal?.removeEventListener('abort', onOutside);
  }
}

class WallClock extends Error {}
class Interrupted extends Error {}

function abortedEnd(reason: unknown, limits: SessionLimits, end: (reason: EndReason, message: string) => LoopResult): LoopResult {
  if (reason instanceof Interrupted) return end('interrupted', 'interrupted (the runner was asked to stop)');
  return end('wall_clock', `stopped at the --wall-clock limit (${limits.wallClockMs} ms)`);
}

async function runTool(tool: LoopTool | undefined, name: string, input: unknown, signal: AbortSignal, known: string[]): Promise<ToolOutcome> {
  if (!tool) return { ok: false, content: `unknown tool "${String(name).slice(0, 100)}"; the tools are: ${known.join(', ')}` };
  try {
    return await tool.run(input, signal);
  } catch (error) {
    // A tool should return its failures; one that throws still costs the model a tool error only.
    return { ok: false, content: `${name} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  }
}

function toolResult(id: string, outcome: ToolOutcome): ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: id, content: outcome.content, ...(outcome.ok ? {} : { is_error: true }) };
}

/** What is wrong with an answer that claims to be a message; null when nothing is. */
function malformedResponse(response: unknown): string | null {
  if (response === null || typeof response !== 'object') return 'not a JSON object';
  const { content, stop_reason: stop } = response as { content?: unknown; stop_reason?: unknown };
  if (!Array.isArray(content)) return 'no content array';
  if (stop !== null && stop !== undefined && typeof stop !== 'string') return 'stop_reason is not a string';
  for (const block of content as unknown[]) {
    if (block === null || typeof block !== 'object' || typeof (block as { type?: unknown }).type !== 'string') return 'a content block without a type';
    const b = block as { type: string; text?: unknown; id?: unknown; name?: unknown; input?: unknown };
    if (b.type === 'text' && typeof b.text !== 'string') return 'a text block without text';
    if (b.type === 'tool_use' && (typeof b.id !== 'string' || b.id === '' || typeof b.name !== 'string' || b.input === null || typeof b.input !== 'object')) {
      return 'a tool_use block without id, name or input object';
    }
  }
  return null;
}

function apiFailure(error: unknown, limits: SessionLimits): { reason: EndReason; message: string } {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
  const tries = `after ${limits.maxRetries + 1} attempt(s)`;
  if (error instanceof APIUserAbortError) return { reason: 'interrupted', message: 'the model call was aborted' };
  if (error instanceof APIConnectionTimeoutError) return { reason: 'stalled', message: `the model call stalled: no answer within ${limits.stallTimeoutMs} ms, ${tries}` };
  if (error instanceof APIConnectionError) return { reason: 'connection_failed', message: `cannot reach the Messages API ${tries}: ${detail}` };
  if (error instanceof RateLimitError) return { reason: 'rate_limited', message: `rate limited (429) ${tries}: ${detail}` };
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return { reason: 'auth_failed', message: `the Messages API refused the key (${(error as APIError).status}): check ANTHROPIC_API_KEY` };
  }
  if (error instanceof BadRequestError) return { reason: 'bad_request', message: `the Messages API refused the request (400): ${detail}` };
  if (error instanceof APIError && error.status === 529) return { reason: 'overloaded', message: `the model is overloaded (529) ${tries}: ${detail}` };
  if (error instanceof APIError && error.status !== undefined) return { reason: 'api_error', message: `the Messages API failed (${error.status}) ${tries}: ${detail}` };
  // A body that is not JSON, or JSON that is not a message.
  return { reason: 'malformed_response', message: `the model's answer could not be read: ${detail}` };
}

function addUsage(usage: LoopUsage, response: Message): void {
  const u = (response as unknown as { usage?: Partial<Record<string, unknown>> }).usage ?? {};
  const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
  usage.inputTokens += n(u.input_tokens);
  usage.outputTokens += n(u.output_tokens);
  usage.cacheReadTokens += n(u.cache_read_input_tokens);
  usage.cacheWriteTokens += n(u.cache_creation_input_tokens);
}

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue && issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue?.message ?? 'invalid'}`;
}
