// `kg query KIND ARGS...`: turns command-line words into an intent and prints the answer.

import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { KgError } from '../../graph/errors.js';
import type { Answer } from '../../queries/index.js';
import { INTENT_KINDS, type IntentKindName as IntentKind } from '../../queries/kinds.js';
import { type Io, printJson } from './io.js';
import { openForRead, type ReadTarget } from './open.js';

/** CLI spellings of the intent kinds: dashes where the intent has underscores. */
export const QUERY_KINDS = INTENT_KINDS.map((kind) => kind.replaceAll('_', '-'));

export interface QueryCommandOptions extends ReadTarget {
  transitive?: boolean;
  depth?: number;
  limit?: number;
  json?: boolean;
}

export async function queryCommand(io: Io, kindWord: string, args: string[], options: QueryCommandOptions): Promise<void> {
  const kind = kindWord.replaceAll('-', '_') as IntentKind;
  if (!(INTENT_KINDS as readonly string[]).includes(kind)) {
    throw new KgError('bad_input', `unknown query kind "${kindWord}"; use one of: ${QUERY_KINDS.join(', ')}`);
  }
  const graph = await openForRead(options);
  try {
    const toGraphPath = (arg: string) => graphPath(graph.workspace, arg);
    const intent = buildIntent(kind, args, options, toGraphPath);
    const answer = await graph.query(intent);
    if (options.json) printJson(io, answer);
    else io.stdout(`${answer.text}\n${staleNote(answer)}`);
  } finally {
    graph.close();
  }
}

function buildIntent(
  kind: IntentKind,
  args: string[],
  options: QueryCommandOptions,
  toGraphPath: (arg: string) => string,
): Record<string, unknown> {
  const common = {
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  };
  const walk = {
    ...(options.transitive ? { transitive: true } : {}),
    ...(options.depth !== undefined ? { depth: options.depth } : {}),
  };
  switch (kind) {
    case 'importers':
    case 'dependencies':
      return { kind, file: toGraphPath(exactlyOne(kind, args, 'FILE')), ...walk, ...common };
    case 'impact':
      if (args.length === 0) throw new KgError('bad_input', 'impact needs at least one FILE');
      return { kind, files: args.map(toGraphPath), ...(options.depth !== undefined ? { depth: options.depth } : {}), ...common };
    case 'symbol':
      return { kind, name: exactlyOne(kind, args, 'NAME'), ...common };
    case 'cli_commands':
    case 'routes':
      return { kind, ...(args.length > 0 ? { text: args.join(' ') } : {}), ...common };
    case 'cycles':
    case 'hotspots':
      if (args.length > 0) throw new KgError('bad_input', `${kind} takes no arguments, got "${args.join(' ')}"`);
      return { kind, ...common };
  }
}

function exactlyOne(kind: string, args: string[], what: string): string {
  if (args.length !== 1) {
    throw new KgError('bad_input', `${kind.replaceAll('_', '-')} takes exactly one ${what}, got ${args.length}`);
  }
  return args[0]!;
}

// A path typed in a terminal is relative to where the user stands; fall back to workspace-relative.
function graphPath(root: string, arg: string): string {
  const fromCwd = resolve(arg);
  const rel = relative(root, fromCwd);
  if (existsSync(fromCwd) && !rel.startsWith('..') && rel !== '') return rel.split(sep).join('/');
  return arg;
}

function staleNote(answer: Answer): string {
  const f = answer.freshness;
  if (!f.changedSinceIndex) return '';
  const parts: string[] = [];
  if (f.changedFiles.length > 0) parts.push(`${f.changedFiles.length} file(s) in this answer changed on disk`);
  if (f.gitHeadAtIndex !== f.gitHeadNow) parts.push('git HEAD moved');
  return `(indexed ${f.indexedAt ?? 'never'}; since then ${parts.join(' and ')}: run \`kg index\` to refresh)\n`;
}
