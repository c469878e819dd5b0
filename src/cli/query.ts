// `kg query KIND ARGS...`: turns command-line words into an intent and prints the answer.

import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { KgError } from '../../graph/errors.js';
import type { Answer } from '../../queries/index.js';
import { INTENT_KINDS, type IntentKindName as IntentKind, type RELATED_SIGNALS, type TIMELINE_TYPES } from '../../queries/kinds.js';
import { QUERY_KINDS } from './query-kinds.js';
import { readerFor } from './backend.js';
import { type Io, printJson } from './io.js';
import type { ReadTarget } from './read-target.js';

export interface QueryCommandOptions extends ReadTarget {
  transitive?: boolean;
  depth?: number;
  /** cycles: runtime cycles only (type-only imports left out). */
  runtime?: boolean;
  limit?: number;
  json?: boolean;
  /** conventions: the file or folder they should apply to. */
  path?: string;
  /** conventions: the topic they should be about. */
  topic?: string;
  /** related: which kinds of items. */
  of?: ('file' | 'symbol' | 'session' | 'convention')[];
  /** related: which signals rank the files. */
  signals?: (typeof RELATED_SIGNALS)[number][];
  /** diff-impact: the commit to compare from (default HEAD). */
  base?: string;
  /** diff-impact: the commit to compare up to (default the working tree). */
  head?: string;
  /** timeline: how many matching items to skip. */
  offset?: number;
  /** timeline: only sessions or only runs. */
  type?: (typeof TIMELINE_TYPES)[number];
  /** timeline: exact filters, and a case-insensitive substring of the title, goal or id. */
  status?: string;
  outcome?: string;
  branch?: string;
  workflow?: string;
  text?: string;
}

export async function queryCommand(io: Io, kindWord: string, args: string[], options: QueryCommandOptions): Promise<void> {
  const kind = kindWord.replaceAll('-', '_') as IntentKind;
  if (!(INTENT_KINDS as readonly string[]).includes(kind)) {
    throw new KgError('bad_input', `unknown query kind "${kindWord}"; use one of: ${QUERY_KINDS.join(', ')}`);
  }
  const answer = await ask(kind, args, options);
  if (options.json) printJson(io, answer);
  else io.stdout(`${answer.text}\n${staleNote(answer)}`);
}

async function ask(kind: IntentKind, args: string[], options: QueryCommandOptions): Promise<Answer> {
  // The query modules (the intent schema among them) load while DuckDB opens a graph here on a thread of its own.
  const { backend, workspace } = await readerFor(options, () => import('../../queries/index.js'));
  try {
    const intent = buildIntent(kind, args, options, (arg) => graphPath(workspace, arg));
    // Checked here, so a bad intent is said alike whichever backend answers (the schema loaded with the graph's opening).
    const { parseIntent } = await import('../../queries/intents.js');
    const parsed = parseIntent(intent);
    if (!parsed.ok) throw new KgError('bad_input', parsed.message);
    return await backend.query({ workspace, intent: parsed.intent });
  } finally {
    await backend.close();
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
    case 'file_symbols':
      return { kind, file: toGraphPath(exactlyOne(kind, args, 'FILE')), ...common };
    case 'cli_commands':
    case 'routes':
      return { kind, ...(args.length > 0 ? { text: args.join(' ') } : {}), ...common };
    case 'cycles':
      if (args.length > 0) throw new KgError('bad_input', `cycles takes no arguments, got "${args.join(' ')}"`);
      return { kind, ...(options.runtime ? { level: 'runtime' } : {}), ...common };
    case 'hotspots':
    case 'recent_sessions':
      if (args.length > 0) throw new KgError('bad_input', `${kind.replaceAll('_', '-')} takes no arguments, got "${args.join(' ')}"`);
      return { kind, ...common };
    case 'files_touched':
      return { kind, session: exactlyOne(kind, args, 'SESSION_ID'), ...common };
    case 'pipeline_run':
      if (args.length > 1) throw new KgError('bad_input', `pipeline-run takes at most one RUN_ID, got "${args.join(' ')}"`);
      return { kind, ...(args.length === 1 ? { id: args[0] } : {}) };
    case 'sessions_touching':
    case 'co_changes':
    case 'file_history':
      return { kind, file: toGraphPath(exactlyOne(kind, args, 'FILE')), ...common };
    case 'diff_impact':
      if (args.length > 0) throw new KgError('bad_input', `diff-impact takes --base REF and --head REF, not "${args.join(' ')}"`);
      if (options.head !== undefined && options.base === undefined) throw new KgError('bad_input', 'diff-impact --head needs --base');
      return {
        kind,
        ...(options.base !== undefined ? { base: options.base } : {}),
        ...(options.head !== undefined ? { head: options.head } : {}),
        ...common,
      };
    case 'sessions_by_goal':
      if (args.length === 0) throw new KgError('bad_input', 'sessions-by-goal needs the TEXT to look for');
      return { kind, text: args.join(' '), ...common };
    case 'related':
      if (args.length === 0) throw new KgError('bad_input', 'related needs the TEXT of the task');
      return {
        kind,
        text: args.join(' '),
        ...(options.of !== undefined ? { of: options.of } : {}),
        ...(options.signals !== undefined ? { signals: options.signals } : {}),
        ...common,
      };
    case 'conventions':
      return { kind, ...conventionsTarget(args, options, toGraphPath), ...common };
    case 'timeline': {
      if (args.length > 0) throw new KgError('bad_input', `timeline takes flags (--offset, --type, --status, --outcome, --branch, --workflow, --text), not "${args.join(' ')}"`);
      const filters = { offset: options.offset, type: options.type, status: options.status, outcome: options.outcome, branch: options.branch, workflow: options.workflow, text: options.text };
      return { kind, ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)), ...common };
    }
    case 'session':
      return { kind, id: exactlyOne(kind, args, 'SESSION_ID') };
  }
}

// `--path FILE`, `--topic TEXT`, or a positional: one word that names an existing path or looks like one
// (has a slash or an extension) is a path, anything else a topic.
function conventionsTarget(
  args: string[],
  options: QueryCommandOptions,
  toGraphPath: (arg: string) => string,
): { file?: string; text?: string } {
  const target: { file?: string; text?: string } = {};
  if (options.path !== undefined) target.file = toGraphPath(options.path);
  if (options.topic !== undefined) target.text = options.topic;
  if (args.length > 0) {
    if (target.file !== undefined || target.text !== undefined) {
      throw new KgError('bad_input', `conventions takes --path, --topic or a positional argument, not both (got "${args.join(' ')}")`);
    }
    const [only] = args;
    if (args.length === 1 && (existsSync(only!) || /[/\\]|\.[A-Za-z0-9]+$/.test(only!))) target.file = toGraphPath(only!);
    else target.text = args.join(' ');
  }
  if (target.file === undefined && target.text === undefined) {
    throw new KgError('bad_input', 'conventions needs --path FILE, --topic TEXT or a positional FILE or TEXT');
  }
  return target;
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
