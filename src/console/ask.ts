// The console's one way to the graph: a query_knowledge intent through the backend the API uses, its answer typed
// by kind. No SQL and no graph file is touched here.

import type { AnswerOf, IntentKind, IntentOf } from '../../queries/index.js';
import type { KgBackend } from '../backend/backend.js';
import type { QueryKnowledgeInput } from '../tools.js';

export async function ask<K extends IntentKind>(backend: KgBackend, workspace: string, intent: IntentOf<K> & { kind: K }): Promise<AnswerOf<K>> {
  const answer = await backend.query({ workspace, intent } as QueryKnowledgeInput);
  if (answer.kind !== intent.kind) throw new Error(`asked ${intent.kind}, the backend answered ${answer.kind}`);
  return answer as AnswerOf<K>;
}
