// A scripted Messages API on 127.0.0.1 (hono), for the agent runner's tests and the bench: each POST /v1/messages
// gets the next step of the script (a message, an HTTP error, a stall, a malformed body), and every request is kept
// so a test can check what the runner sent. No test calls a real model.

import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';

export type ContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

export type Step =
  /** A message with these blocks; stop_reason `tool_use` when a block calls a tool, else `end_turn`. */
  | { blocks: ContentBlock[]; stopReason?: string; delayMs?: number }
  /** An HTTP error with the API's error body. */
  | { status: number; errorType?: string; headers?: Record<string, string> }
  /** No answer for this long (the runner's stall timeout should fire first). */
  | { stallMs: number }
  /** This body as it is, status 200. */
  | { raw: string };

export interface ScriptedRequest {
  system: string;
  messages: { role: string; content: unknown }[];
  tools: { name: string }[];
  model: string;
  max_tokens: number;
}

export interface ScriptedModel {
  url: string;
  /** The requests received, in order (retries included). */
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

/** `script` as steps taken in order, or a function of the request number (0-based) and the request. */
export async function startScriptedModel(script: Step[] | ((index: number, request: ScriptedRequest) => Step)): Promise<ScriptedModel> {
  const requests: ScriptedRequest[] = [];
  const app = new Hono();
  app.post('/v1/messages', async (c) => {
    const request = (await c.req.json()) as ScriptedRequest;
    const index = requests.length;
    requests.push(request);
    const step = typeof script === 'function' ? script(index, request) : (script[index] ?? { blocks: [{ type: 'text', text: 'script exhausted' }] });
    if ('stallMs' in step) {
      await new Promise((resolve) => setTimeout(resolve, step.stallMs));
      return c.json(message(index, request.model, [{ type: 'text', text: 'too late' }], 'end_turn'));
    }
    if ('raw' in step) return c.body(step.raw, 200, { 'content-type': 'application/json' });
    if ('status' in step) {
      return c.json({ type: 'error', error: { type: step.errorType ?? 'api_error', message: `scripted ${step.status}` } }, step.status as 400, step.headers ?? {});
    }
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    const stop = step.stopReason ?? (step.blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn');
    return c.json(message(index, request.model, step.blocks, stop));
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function message(index: number, model: string, content: ContentBlock[], stopReason: string) {
  return {
    id: `msg_scripted_${index}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100 + index, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
}

let nextUse = 0;

/** A tool_use block with a fresh id. */
export function toolUse(name: string, input: unknown): ContentBlock {
  return { type: 'tool_use', id: `toolu_${++nextUse}`, name, input };
}

export function text(value: string): ContentBlock {
  return { type: 'text', text: value };
}

/** The step that ends a session: `finish` with these notes. */
export function finish(notes: string, artifact?: Record<string, unknown>): Step {
  return { blocks: [toolUse('finish', artifact ? { notes, artifact } : { notes })] };
}
