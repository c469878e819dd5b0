// The one schema of query_knowledge intents: validation, types and tool definitions all derive from it.

import { z } from 'zod';
import {
  INTENT_KINDS,
  MAX_DEPTH,
  MAX_LIMIT,
  RELATED_KINDS,
  RELATED_SIGNALS,
  TIMELINE_FILTER_MAX,
  TIMELINE_MAX_LIMIT,
  TIMELINE_MAX_OFFSET,
  TIMELINE_TYPES,
  type IntentKindName,
} from './kinds.js';

const file = z
  .string()
  .min(1)
  .describe('A workspace-relative file path with forward slashes, e.g. "src/cli/main.ts".');
const limit = z
  .number()
  .int(`a whole number from 1 to ${MAX_LIMIT}`)
  .min(1, `at least 1 (1 to ${MAX_LIMIT})`)
  .max(MAX_LIMIT, `at most ${MAX_LIMIT} (1 to ${MAX_LIMIT})`)
  .optional()
  .describe(`Most items to return, 1 to ${MAX_LIMIT} (default 50). The answer says \`truncated: true\` when more existed.`);
const transitive = z
  .boolean()
  .optional()
  .describe('Follow the import chain beyond direct neighbours (default false).');
const depth = z
  .number()
  .int(`a whole number from 1 to ${MAX_DEPTH}`)
  .min(1, `at least 1 (1 to ${MAX_DEPTH})`)
  .max(MAX_DEPTH, `at most ${MAX_DEPTH} (1 to ${MAX_DEPTH})`)
  .optional()
  .describe(`How many import hops to follow, 1 to ${MAX_DEPTH}; implies transitive when above 1.`);
const text = z.string().min(1).optional().describe('Only items whose name or path contains this text.');

const fileOrFolder = file.describe('A workspace-relative file path with forward slashes, or a folder: any file under it (e.g. "packages/server/src").');

export const importersIntent = z
  .object({ kind: z.literal('importers'), file: fileOrFolder, transitive, depth, limit })
  .describe('Which files import FILE (who depends on it); for a folder, the files outside it that import any file in it. Use before changing a file to see who is affected.');

export const dependenciesIntent = z
  .object({ kind: z.literal('dependencies'), file: fileOrFolder, transitive, depth, limit })
  .describe('Which workspace files FILE imports (for a folder, what its files import from outside it), plus the packages, unresolved specifiers and assets it uses.');

export const impactIntent = z
  .object({
    kind: z.literal('impact'),
    files: z.array(fileOrFolder).min(1).max(200).describe('The files that change (a folder: every file under it).'),
    depth,
    limit,
  })
  .describe(
    'Everything that transitively imports the given files, and the test files that reach them: what a change can break. ' +
      'Also the sessions that changed any of those files (newest first), the convention sections that apply to them, ' +
      'and `coChanges`: files outside that import closure that git history says usually change with the given ones.',
  );

export const symbolIntent = z
  .object({
    kind: z.literal('symbol'),
    name: z.string().min(1).describe('The exported name to look up, e.g. "openGraph".'),
    limit,
  })
  .describe('Where an exported symbol is defined and which files import its defining file.');

export const fileSymbolsIntent = z
  .object({ kind: z.literal('file_symbols'), file, limit })
  .describe('What FILE defines and exports: each symbol with its kind, line, signature and doc, in source order.');

export const cliCommandsIntent = z
  .object({ kind: z.literal('cli_commands'), text, limit })
  .describe('The CLI commands the workspace defines (commander-style `.command("name")`), with file and line.');

export const routesIntent = z
  .object({ kind: z.literal('routes'), text, limit })
  .describe('The HTTP routes the workspace defines (hono/express-style `app.get("/path")`), with method, file and line.');

export const cyclesIntent = z
  .object({
    kind: z.literal('cycles'),
    level: z
      .enum(['all', 'runtime'])
      .optional()
      .describe('all (default): every import, each step marked type-only or not; runtime: type-only imports left out, the cycles that exist when the code runs.'),
    limit,
  })
  .describe('Import cycles: groups of files that import each other, largest first; how many are runtime cycles, and the type-only steps.');

export const hotspotsIntent = z
  .object({ kind: z.literal('hotspots'), limit })
  .describe('The most imported files of the workspace: the ones whose change touches the most code.');

const session = z
  .string()
  .min(1)
  .describe('A session id exactly as kg lists it (e.g. from recent_sessions or sessions_touching).');

export const recentSessionsIntent = z
  .object({ kind: z.literal('recent_sessions'), limit })
  .describe(
    'The latest agent sessions on this workspace, newest first: id, title (the goal), status, branch, when it ended. ' +
      'Use at the start of a task to learn what was done recently.',
  );

export const filesTouchedIntent = z
  .object({ kind: z.literal('files_touched'), session, limit })
  .describe(
    'The files one session changed (added, modified, deleted), and where that list came from ' +
      '(git_metrics, coding_handoff or git). `changesKnown: false` means no source recorded them.',
  );

export const sessionsTouchingIntent = z
  .object({ kind: z.literal('sessions_touching'), file, limit })
  .describe(
    'The sessions that changed FILE, newest first. Use before editing a file to read why it was last changed ' +
      '(then files_touched or the session recap for details).',
  );

export const sessionsByGoalIntent = z
  .object({
    kind: z.literal('sessions_by_goal'),
    text: z.string().min(1).describe('Words describing the task, e.g. "retry webhook delivery".'),
    limit,
  })
  .describe(
    'Past sessions whose title, goal, recap or notes match the words, best match first (BM25 ranking, titles weigh most; ' +
      'fused with embedding similarity when the workspace has vectors on, as `mode` says). Use to find earlier work on the same problem.',
  );

export const conventionsIntent = z
  .object({
    kind: z.literal('conventions'),
    file: file.optional().describe('The file or folder to get the conventions for (workspace-relative); nearest folder first.'),
    text: z.string().min(1).optional().describe('A topic, e.g. "testing" or "error handling": sections ranked by relevance.'),
    limit,
  })
  .refine((intent) => intent.file !== undefined || intent.text !== undefined, {
    message: 'conventions needs `file` or `text`',
    path: ['file'],
  })
  .describe(
    'The workspace\'s instructions to agents (AGENTS.md, CLAUDE.md, nested ones, cursor/windsurf/continue rules, ' +
      'copilot instructions, CONTRIBUTING.md) as sections. With `file`: the sections that apply to it, nearest folder ' +
      'first. With `text`: the sections about that topic (BM25, fused with embedding similarity when the workspace has ' +
      'vectors on). With both: the applicable sections about the topic.',
  );

export const gitRef = z
  .string()
  .min(1)
  .max(256)
  .refine((ref) => !ref.startsWith('-'), { message: 'a git ref cannot start with "-"' })
  .describe('A git ref naming a commit: a branch, a tag, a sha, `HEAD~3`, `origin/main`.');

export const coChangesIntent = z
  .object({
    kind: z.literal('co_changes'),
    file,
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Most partners to return (default 10). The answer says `truncated: true` when more existed.'),
  })
  .describe(
    'The files that usually change in the same commit as FILE (its git co-change partners), renames followed: ' +
      '`support` commits changed both, `confidence` is the share of FILE\'s commits that changed the partner too, and ' +
      '`importLinked` says whether an import path links the two. Commits of more than 30 files are ignored. Use before ' +
      'changing FILE to learn what else usually needs a change that the import graph does not show.',
  );

export const fileHistoryIntent = z
  .object({
    kind: z.literal('file_history'),
    file,
    limit: z.number().int().min(1).max(1000).optional().describe('Most entries to return (default 20).'),
  })
  .describe(
    'The git commits (sha, time, subject, how it changed the file, its path then: renames are followed) and the agent ' +
      'sessions (id, goal) that changed FILE, newest first. Use to learn why a file is the way it is.',
  );

export const diffImpactIntent = z
  .object({
    kind: z.literal('diff_impact'),
    base: gitRef.optional().describe('Compare from this commit (default HEAD).'),
    head: gitRef
      .optional()
      .describe('Compare up to this commit (needs `base`); default the working tree, with staged and untracked files.'),
    limit,
  })
  .refine((intent) => intent.head === undefined || intent.base !== undefined, { message: '`head` needs `base`', path: ['head'] })
  .describe(
    'What a diff can break: the files changed between two git refs (default: the uncommitted changes of the working ' +
      'tree), everything that transitively imports them, the tests to run, the sessions that changed them, the ' +
      'conventions that apply, and the co-change partners missing from the diff (files that usually change with ' +
      'these but did not). Use before committing or reviewing a branch (`base: "main"`).',
  );

export const relatedIntent = z
  .object({
    kind: z.literal('related'),
    text: z.string().trim().min(1, 'needs words: `text` is empty').max(4000).describe('The task in words, e.g. "retry webhook delivery when the endpoint times out".'),
    of: z
      .array(z.enum(RELATED_KINDS))
      .min(1)
      .optional()
      .describe('Which kinds of items to return (default ["file"]).'),
    signals: z
      .array(z.enum(RELATED_SIGNALS))
      .min(1)
      .optional()
      .describe(
        'Which signals rank files (default all): text (BM25 over the files\' identifiers, paths and doc comments), vectors ' +
          '(embedding similarity of files and symbols, when the workspace has vectors on), commits (files of commits whose ' +
          'message matches), sessions (files changed by agent sessions whose goal matches), imports (files importing or ' +
          'imported by the best hits), churn and recency (git priors).',
      ),
    limit: z.number().int().min(1).max(100).optional().describe('Most items of each kind (default 10).'),
  })
  .describe(
    'Where in the code a task is, when it names no file: files (and optionally symbols, sessions, conventions) ranked ' +
      'by the words of the task, fusing lexical matches of identifiers and paths, commit messages, agent sessions and ' +
      'the git history\'s churn and recency; each item says which signals found it and at which rank. Use first on a ' +
      'task that names no path.',
  );

export const pipelineRunIntent = z
  .object({
    kind: z.literal('pipeline_run'),
    id: z.string().min(1).max(200).optional().describe('The run id (from the run context file); default the latest run.'),
  })
  .describe(
    'A pipeline run (a coordinator\'s or the daemon\'s): its phases with their sessions and results, the files each ' +
      'changed, the verdict and the routing trace. Use to learn what a run changed and why; no id: the latest run.',
  );

const timelineFilter = (what: string) =>
  z
    .string()
    .min(1)
    .max(TIMELINE_FILTER_MAX, `at most ${TIMELINE_FILTER_MAX} characters`)
    .optional()
    .describe(what);

export const timelineIntent = z
  .object({
    kind: z.literal('timeline'),
    limit: z
      .number()
      .int(`a whole number from 1 to ${TIMELINE_MAX_LIMIT}`)
      .min(1, `at least 1 (1 to ${TIMELINE_MAX_LIMIT})`)
      .max(TIMELINE_MAX_LIMIT, `at most ${TIMELINE_MAX_LIMIT} (1 to ${TIMELINE_MAX_LIMIT})`)
      .optional()
      .describe(`Most items on the page, 1 to ${TIMELINE_MAX_LIMIT} (default 50).`),
    offset: z
      .number()
      .int(`a whole number from 0 to ${TIMELINE_MAX_OFFSET}`)
      .min(0, `at least 0 (0 to ${TIMELINE_MAX_OFFSET})`)
      .max(TIMELINE_MAX_OFFSET, `at most ${TIMELINE_MAX_OFFSET} (0 to ${TIMELINE_MAX_OFFSET})`)
      .optional()
      .describe(`How many matching items to skip before the page, 0 to ${TIMELINE_MAX_OFFSET} (default 0).`),
    type: z.enum(TIMELINE_TYPES).optional().describe('Only sessions, or only pipeline runs (default both).'),
    status: timelineFilter('Only items with exactly this status (completed, in_progress, ...).'),
    outcome: timelineFilter("Only sessions with exactly this outcome (the daemon's: success, error, ...)."),
    branch: timelineFilter('Only sessions on exactly this git branch.'),
    workflow: timelineFilter("Only sessions of exactly this workflow id, or runs of exactly this mode."),
    text: timelineFilter('Only items whose title, goal or id contains this text, in any case.'),
  })
  .describe(
    'Sessions and pipeline runs together, newest first, one page at a time (`offset`, `limit`), filtered by type, ' +
      'status, outcome, branch, workflow and text; `total` counts every match and `facets` lists the values each ' +
      'filter can take over all items. For browsing the history page by page; recent_sessions for a quick look.',
  );

export const sessionIntent = z
  .object({ kind: z.literal('session'), id: session })
  .describe(
    'One session in full: its goal, recap, notes, tokens, duration, PR, git heads, trigger; the files it changed; ' +
      'its parent and child sessions; and the pipeline runs (with the phase) it was part of.',
  );

export const intentSchema = z.discriminatedUnion('kind', [
  importersIntent,
  dependenciesIntent,
  impactIntent,
  symbolIntent,
  fileSymbolsIntent,
  cliCommandsIntent,
  routesIntent,
  cyclesIntent,
  hotspotsIntent,
  recentSessionsIntent,
  filesTouchedIntent,
  sessionsTouchingIntent,
  sessionsByGoalIntent,
  conventionsIntent,
  coChangesIntent,
  fileHistoryIntent,
  diffImpactIntent,
  relatedIntent,
  pipelineRunIntent,
  timelineIntent,
  sessionIntent,
]);

export type Intent = z.infer<typeof intentSchema>;
export type IntentKind = Intent['kind'];
export type IntentOf<K extends IntentKind> = Extract<Intent, { kind: K }>;

// The kind list in kinds.ts and the schema must name the same kinds: each assignment fails to compile otherwise.
const _everyKindHasASchema: IntentKindName = null as unknown as IntentKind;
const _everySchemaIsListed: IntentKind = null as unknown as IntentKindName;
export { INTENT_KINDS };

export const queryRequestSchema = z.object({
  workspace: z.string().min(1).describe('Absolute path of the workspace folder.'),
  intent: intentSchema,
});

export type QueryRequest = z.infer<typeof queryRequestSchema>;

export const DEFAULT_LIMIT = 50;

export type ParsedIntent = { ok: true; intent: Intent } | { ok: false; message: string };

/** Validates an unknown value as an intent; the message names the offending field. */
export function parseIntent(value: unknown): ParsedIntent {
  const result = intentSchema.safeParse(value);
  if (result.success) return { ok: true, intent: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `intent.${issue.path.join('.')}` : 'intent';
  return { ok: false, message: `${where}: ${issue?.message ?? 'invalid'}` };
}
