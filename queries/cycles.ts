// cycles: groups of files that import each other (strongly connected components of the import graph).

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { compare } from './walk.js';

export const cycleItemSchema = z.object({
  files: z.array(z.string()).describe('The files of the cycle, sorted.'),
  size: z.number().int(),
  example: z.array(z.string()).describe('One concrete loop through the group, starting and ending at its first file.'),
});
export type CycleItem = z.infer<typeof cycleItemSchema>;

export const cyclesAnswerSchema = answerSchema('cycles', cycleItemSchema);
export type CyclesAnswer = z.infer<typeof cyclesAnswerSchema>;

export async function cycles(context: QueryContext, intent: IntentOf<'cycles'>): Promise<CyclesAnswer> {
  const edges = await context.reader.all<{ src: string; dst: string }>(
    `SELECT DISTINCT substr(src, 6) AS src, substr(dst, 6) AS dst FROM edges WHERE kind = 'imports'`,
  );
  const graph = new Map<string, string[]>();
  for (const { src, dst } of edges) {
    if (!graph.has(src)) graph.set(src, []);
    graph.get(src)!.push(dst);
  }
  for (const targets of graph.values()) targets.sort(compare);
  const items = stronglyConnected(graph)
    .filter((group) => group.length > 1 || graph.get(group[0]!)?.includes(group[0]!))
    .map((group) => {
      const files = [...group].sort(compare);
      return { files, size: files.length, example: loopThrough(graph, new Set(files), files[0]!) };
    })
    .sort((a, b) => b.size - a.size || compare(a.files[0]!, b.files[0]!));
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  return {
    kind: 'cycles',
    ...cut,
    text: renderList(
      `${cut.total} import cycle(s)`,
      cut.items.map((item) => `${item.size} files: ${item.example.join(' -> ')}`),
      cut.truncated,
    ),
    freshness: await freshnessOf(context, cut.items.flatMap((item) => item.files)),
  };
}

/** Tarjan's algorithm, iterative so deep import chains cannot overflow the stack. */
export function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        groups.push(group);
      }
    }
  }
  return groups;
}

// The shortest path from `start` back to itself inside the group, found breadth-first.
function loopThrough(graph: Map<string, string[]>, group: Set<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const target of graph.get(node) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
        path.push(start);
        return path;
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}
