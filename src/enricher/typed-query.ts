// The enricher's look at the graph: one query_knowledge intent in, that kind's typed answer out.

import { isAnswerOf, type Answer, type AnswerOf, type Intent, type IntentKind, type IntentOf } from '../../queries/index.js';

/** Asks a graph (or any backend) that answers with the common `Answer`, and narrows each answer by its kind. */
export function typedQuery(ask: (intent: Intent) => Promise<Answer>) {
  return async <K extends IntentKind>(intent: IntentOf<K> & { kind: K }): Promise<AnswerOf<K>> => {
    const answer = await ask(intent);
    // A backend answers the kind it was asked; anything else is a bug worth a loud failure of this one source.
    if (!isAnswerOf(answer, intent.kind)) throw new Error(`asked for a ${intent.kind} answer, got ${answer.kind}`);
    return answer;
  };
}

/** Answers one intent with its kind's answer; rejects (KgError) for files or sessions the graph does not know. */
export type TypedQuery = ReturnType<typeof typedQuery>;
