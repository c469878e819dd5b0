// What the model is told: a short preamble on how to work, then the enricher's rendered slots (one render, recorded
// with its manifest); the goal is said once, as the first user message, in plain words.

export interface PromptParts {
  workspace: string;
  rendered: string;
  allowWrite: boolean;
  allowBash: boolean;
}

/** The system prompt: the preamble, then the context the knowledge graph gave for this goal (when it gave any). */
export function systemPrompt(parts: PromptParts): string {
  const can = [
    'read files (read_file, list_files, grep)',
    'ask the knowledge graph (query_knowledge)',
    ...(parts.allowWrite ? ['change files (edit_file, write_file; read a file before you change it)'] : []),
    ...(parts.allowBash ? ['run shell commands (bash)'] : []),
  ];
  const preamble = [
    `You are a coding agent working in the workspace ${parts.workspace}. Paths you give tools are relative to it.`,
    `You can ${can.join(', ')}.${parts.allowWrite ? '' : ' You cannot change files in this session.'}`,
    'The knowledge graph already gave the context below for this goal: use it before searching, and ask ' +
      'query_knowledge for what it lacks. When the goal is done (or cannot be done), call finish with notes on what ' +
      'you did, what you found and what is left.',
  ].join('\n');
  if (parts.rendered.trim() === '') return `${preamble}\n\n# Context from the knowledge graph\n(none for this goal)`;
  return `${preamble}\n\n# Context from the knowledge graph\n\n${parts.rendered}`;
}

/** The first user message: the goal, once. */
export function firstUserMessage(goal: string): string {
  return goal.trim();
}
