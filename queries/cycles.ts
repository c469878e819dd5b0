// cycles: groups of files that import each other (strongly connected components of the import graph).

import { z } from 'zod';
import { answerSchema, freshnessOf, limitItems, type QueryContext } from './answer.js';
import { DEFAULT_LIMIT, type IntentOf } from './intents.js';
import { renderList } from './render.js';
import { push } from './snapshot.js';
import { compare } from './walk.js';

const stepSchema = z.object({ from: z.string(), to: z.string(), typeOnly: z.boolean().describe('Every import of `to` in `from` is type-only: the step is gone at run time.') });

export const cycleItemSchema = z.object({
  files: z.array(z.string()).describe('The files of the cycle, sorted.'),
  size: z.number().int(),
  example: z.array(z.string()).describe('One concrete loop through the group, starting and ending at its first file.'),
  steps: z.array(stepSchema).describe('The loop\'s steps, each marked type-only or not.'),
  runtime: z.boolean().describe('Whether the group is a runtime cycle (one without a type-only step); with level "all", a group that is not holds runtime cycles only as `runtimeGroups` says.'),
  runtimeGroups: z.array(z.number().int()).describe('The sizes of the runtime cycles inside the group (its files without type-only edges), largest first.'),
});
export type CycleItem = z.infer<typeof cycleItemSchema>;

export const cyclesAnswerSchema = answerSchema('cycles', cycleItemSchema).extend({
  level: z.enum(['all', 'runtime']).describe('all: every import; runtime: type-only imports left out, as at run time.'),
  runtimeCycles: z.number().int().describe('How many runtime cycles the workspace has (whatever the level asked).'),
});
export type CyclesAnswer = z.infer<typeof cyclesAnswerSchema>;

export async function cycles(context: QueryContext, intent: IntentOf<'cycles'>): Promise<CyclesAnswer> {
  const level = intent.level ?? 'all';
  // A pair of files is a runtime step when any of its imports is not type-only.
  const edges = await context.reader.all<{ src: string; dst: string; typeOnly: boolean }>(
    `SELECT substr(src, 6) AS src, substr(dst, 6) AS dst, bool_and(coalesce(CAST(attrs->>'type_only' AS BOOLEAN), false)) AS "typeOnly"
     FROM edges WHERE kind = 'imports' GROUP BY src, dst`,
  );
  const all = new Map<string, string[]>();
  const runtime = new Map<string, string[]>();
  const typeOnly = new Set<string>();
  for (const { src, dst, typeOnly: only } of edges) {
    push(all, src, dst);
    if (only) typeOnly.add(`${src}\0${dst}`);
    else push(runtime, src, dst);
  }
  for (const graph of [all, runtime]) for (const targets of graph.values()) targets.sort(compare);
  const runtimeGroups = cyclic(runtime);
  const groups = level === 'runtime' ? runtimeGroups : cyclic(all);
  const graph = level === 'runtime' ? runtime : all;
  const items = groups
    .map((files): CycleItem => {
      const members = new Set(files);
      const example = loopThrough(graph, members, files[0]!);
      const steps = example.slice(1).map((to, i) => ({ from: example[i]!, to, typeOnly: typeOnly.has(`${example[i]!}\0${to}`) }));
      const inside = runtimeGroups.filter((group) => members.has(group[0]!)).map((group) => group.length).sort((a, b) => b - a);
      return { files, size: files.length, example, steps, runtime: inside.length === 1 && inside[0] === files.length, runtimeGroups: inside };
    })
    .sort((a, b) => b.size - a.size || compare(a.files[0]!, b.files[0]!));
  const cut = limitItems(items, intent.limit ?? DEFAULT_LIMIT);
  const describe = (item: CycleItem) =>
    `${item.size} files${item.runtime ? '' : item.runtimeGroups.length > 0 ? ` (runtime cycles inside: ${item.runtimeGroups.join(', ')} files)` : ' (type-level only)'}: ` +
    [item.example[0], ...item.steps.map((step) => `${step.typeOnly ? '-(type)->' : '->'} ${step.to}`)].join(' ');
  return {
    kind: 'cycles',
    ...cut,
    level,
    runtimeCycles: runtimeGroups.length,
    text: renderList(
      level === 'runtime' ? `${cut.total} runtime import cycle(s) (type-only imports left out)` : `${cut.total} import cycle(s), ${runtimeGroups.length} of them at run time`,
      cut.items.map(describe),
      cut.truncated,
    ),
    freshness: await freshnessOf(context, cut.items.flatMap((item) => item.files)),
  };
}

/** The strongly connected groups that are cycles (more than one file, or a file that imports itself), files sorted. */
function cyclic(graph: Map<string, string[]>): string[][] {
  return stronglyConnected(graph)
    .filter((group) => group.length > 1 || graph.get(group[0]!)?.includes(group[0]!))
    .map((group) => [...group].sort(compare));
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
