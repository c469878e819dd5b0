// What kg's agent runner keeps of a session beside the WorkRail events: where it goes, the context the model was given
// (the exact text of every slot, linked by session id) and the conversation, defined once for the runner that writes
// them and `kg session analyze` that reads them.

import { join } from 'node:path';
import { z } from 'zod';
import { manifestSchema, SLOT_NAMES } from '../enricher/schema.js';

/** `<dataDir>/agent-sessions/<sessionId>/`: the runner's own files of a session (0700, files 0600). */
export const AGENT_SESSIONS_DIR = 'agent-sessions';
export const CONTEXT_FILE = 'context.json';
export const CONVERSATION_FILE = 'conversation.jsonl';

export function agentSessionDir(dataDir: string, sessionId: string): string {
  return join(dataDir, AGENT_SESSIONS_DIR, sessionId);
}

/** The WorkRail daemon's conversation logs: `<dataDir>/../daemon-sessions/<daemonSessionId>-conversation.jsonl`. */
export const DAEMON_SESSIONS_DIR = 'daemon-sessions';
export const DAEMON_CONVERSATION_SUFFIX = '-conversation.jsonl';

/** One slot as the model was given it: its section's text (heading included) and each item's text in it. */
export const givenSlotSchema = z.object({
  slot: z.enum(SLOT_NAMES),
  text: z.string(),
  tokens: z.number().int(),
  bytes: z.number().int(),
  items: z.array(z.object({ key: z.string().describe('What the item is about: `file:<path>`, `session:<id>`, `convention:<id>`, ...'), text: z.string() })),
});
export type GivenSlot = z.infer<typeof givenSlotSchema>;

/** `context.json`: written before the first model call, never changed after. */
export const sessionContextSchema = z.object({
  v: z.literal(1),
  sessionId: z.string(),
  workspace: z.string().describe('Absolute workspace root.'),
  goal: z.string(),
  createdAt: z.string(),
  model: z.string(),
  systemPrompt: z.string().describe('The exact system prompt: the runner preamble, then the rendered slots.'),
  firstUserMessage: z.string().describe('The exact first user message (the goal, said once).'),
  manifest: manifestSchema,
  slots: z.array(givenSlotSchema).describe('The included slots, in the order they appear in the system prompt.'),
});
export type SessionContext = z.infer<typeof sessionContextSchema>;

/** A content block as the Messages API has it (text, tool_use, tool_result); other fields are kept as they came. */
const block = z.looseObject({ type: z.string() });

/**
 * One line of `conversation.jsonl`, the WorkRail daemon's line format: the first user message as text, each assistant
 * message with its blocks, each batch of tool results as a user message of `tool_result` blocks. `timestamp` is epoch
 * ms (the daemon's logs may have an ISO string).
 */
export const conversationLineSchema = z.union([
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(block)]), timestamp: z.union([z.number(), z.string()]).optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    stopReason: z.string().optional(),
    errorMessage: z.string().optional(),
    content: z.array(block),
    timestamp: z.union([z.number(), z.string()]).optional(),
  }),
]);
export type ConversationLine = z.infer<typeof conversationLineSchema>;
