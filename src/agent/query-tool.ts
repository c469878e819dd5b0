// The query_knowledge tool of an agent session: the same schema as MCP and HTTP, answered by the session's backend,
// and only about the session's own workspace (a model that names another one gets a tool error, not its graph).

import { isKgError, oneLine } from '../../graph/errors.js';
import { realRoot } from '../../graph/location.js';
import { fitAnswer } from '../answer-size.js';
import type { KgBackend } from '../backend/backend.js';
import { parseQueryKnowledge, QUERY_TOOL_NAME, toolDefinitions } from '../tools.js';
import type { LoopTool } from './loop.js';

export function queryKnowledgeTool(backend: KgBackend, workspace: string): LoopTool {
  const definition = toolDefinitions().find((tool) => tool.name === QUERY_TOOL_NAME)!;
  const root = realRoot(workspace);
  return {
    name: QUERY_TOOL_NAME,
    description: `${definition.description}\nThis session's workspace is ${root}: pass it as \`workspace\`.`,
    inputSchema: definition.inputSchema,
    async run(input) {
      const parsed = parseQueryKnowledge(input);
      if (!parsed.ok) return { ok: false, content: `invalid arguments: ${parsed.message}` };
      if (realRoot(parsed.value.workspace) !== root) return { ok: false, content: `workspace: this session works on ${root} only` };
      try {
        return { ok: true, content: JSON.stringify(fitAnswer(await backend.query({ ...parsed.value, workspace: root }))) };
      } catch (error) {
        if (isKgError(error)) return { ok: false, content: error.message };
        return { ok: false, content: `query_knowledge failed: ${oneLine(error)}` };
      }
    },
  };
}
