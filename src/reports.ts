// The index and reindex reports as zod schemas, for the HTTP API's job views and its OpenAPI document. The reports
// are made in indexers/; the assertions below make a change there that is not made here fail to compile.

import { implementReportSchema, reviewReportSchema } from './coordinators/report-schema.js';
import { z } from 'zod';
import type { IndexReport } from '../indexers/index.js';
import type { ReindexReport } from '../indexers/reindex.js';
import type { Holds, SchemaMatches } from './schema-matches.js';

const writtenCounts = z
  .object({
    files: z.number().int(),
    symbols: z.number().int(),
    packages: z.number().int(),
    cliCommands: z.number().int(),
    routes: z.number().int(),
    diagnostics: z.number().int(),
    edges: z.number().int(),
  })
  .describe('Rows the index wrote, by kind.');

const historyCounts = z.object({
  sessions: z.number().int(),
  pipelineRuns: z.number().int(),
  conventions: z.number().int(),
  producedBy: z.number().int(),
  appliesTo: z.number().int(),
});

const gitFacts = z
  .object({
    commits: z.number().int().describe('Commits in the graph after this run.'),
    head: z.string().nullable().describe('The commit the history was read from.'),
    depth: z.number().int().describe('First-parent commits read back from HEAD at most (0: history off).'),
    shallow: z.boolean().describe("A shallow clone: the oldest commit's changes are unknown."),
    detached: z.boolean(),
    mode: z.enum(['full', 'incremental', 'none']).describe('`incremental`: only the new commits were read; `none`: no history to read.'),
    read: z.number().int().describe('Commits read by this run.'),
    note: z.string().nullable().describe('Why there is no history, or why it was read whole on a reindex.'),
  })
  .describe('The git history indexed.');

const vectorReport = z
  .discriminatedUnion('state', [
    z.object({ state: z.literal('off'), forgotten: z.boolean().describe('True when --no-vectors removed the vectors of an earlier run.') }),
    z.object({
      state: z.literal('synced'),
      model: z.string(),
      dimensions: z.number().int(),
      modelSource: z.enum(['model_dir', 'cache', 'download', 'given']).nullable().describe('Where the model came from; null when nothing needed embedding.'),
      texts: z.number().int().describe('Texts of the graph that have a vector.'),
      embedded: z.number().int().describe('Embedded by this run (new or changed texts).'),
      kept: z.number().int().describe('Kept from before: their text had not changed.'),
      removed: z.number().int(),
      rebuilt: z.boolean().describe('All vectors were made again (another model, or a table that could not be read).'),
      repaired: z.boolean().describe('The vector table could not be read and was made again.'),
      embedMs: z.number(),
      textsPerSecond: z.number().nullable(),
      durationMs: z.number(),
      dir: z.string().describe('Where the vectors live (a LanceDB folder beside the graph).'),
    }),
    z.object({ state: z.literal('unavailable'), reason: z.string().describe('Why the vectors could not be brought up to date, in one line.'), dir: z.string() }),
  ])
  .describe('The vectors after this run: off, brought up to date, or unavailable (the graph is written either way).');

const skippedFile = z.object({
  path: z.string(),
  reason: z
    .enum(['too_large', 'binary', 'unreadable', 'build_output'])
    .describe('`build_output` names a whole folder (a package\'s dist/, a framework\'s cache) left out.'),
  size: z.number().int().optional(),
});

const warning = z
  .object({ code: z.string(), message: z.string(), path: z.string().optional(), session: z.string().optional() })
  .describe('A problem worth telling the user about that did not stop the work.');

export const indexReportSchema = z.object({
  workspace: z.string(),
  indexedAt: z.string(),
  gitHead: z.string().nullable(),
  durationMs: z.number(),
  counts: writtenCounts,
  history: historyCounts.extend({
    dataDir: z.string().describe('The agent data dir read (absolute), whether or not it exists.'),
    sessionsInDataDir: z.number().int().describe("Sessions in the data dir, of every workspace; `sessions` counts this workspace's."),
  }),
  git: gitFacts,
  tsconfigs: z.array(z.string()),
  resolution: z
    .object({
      filesBySource: z
        .object({ project: z.number().int(), nearest_tsconfig: z.number().int(), defaults: z.number().int() })
        .describe('Code files by how their options were chosen: a project includes them, the nearest tsconfig.json, kg\'s defaults.'),
      filesByTsconfig: z.record(z.string(), z.number().int()).describe('Code files per tsconfig whose options resolved them ("(defaults)": kg\'s).'),
      unresolved: z.object({
        missingFile: z.number().int().describe('Relative specifiers that name no file.'),
        packageNotFound: z.number().int().describe('Bare specifiers no installed package answers.'),
        examples: z.array(z.object({ path: z.string(), specifier: z.string(), line: z.number().int(), reason: z.enum(['missing_file', 'package_not_found']) })),
      }),
      edgesByKind: z.record(z.string(), z.number().int()),
    })
    .describe('How the index resolved the workspace.'),
  skipped: z.array(skippedFile),
  vectors: vectorReport,
  warnings: z.array(warning),
});

export const reindexReportSchema = z.object({
  workspace: z.string(),
  mode: z.enum(['incremental', 'full']).describe('`incremental` when only the changes were redone, `full` when a change called for a full index.'),
  reason: z.string().describe('Why a full index was done, or how the changes were found.'),
  indexedAt: z.string(),
  gitHead: z.string().nullable(),
  durationMs: z.number(),
  added: z.array(z.string()),
  modified: z.array(z.string()),
  deleted: z.array(z.string()),
  reResolved: z.number().int().describe('Files whose imports were resolved again because files appeared or disappeared.'),
  historyRefreshed: z
    .boolean()
    .describe('Whether sessions, pipeline runs and conventions were read again (their inputs changed, or --session).'),
  counts: writtenCounts.nullable(),
  history: historyCounts.nullable(),
  git: gitFacts.nullable().describe('The git history, when it was read again (HEAD moved, or a full index).'),
  skipped: z.array(skippedFile),
  vectors: vectorReport,
  warnings: z.array(warning),
});

// Each fails to compile when the schema and the indexers' report type drift apart, in either direction.
export type _IndexReportMatches = Holds<SchemaMatches<typeof indexReportSchema, IndexReport>>;
export type _ReindexReportMatches = Holds<SchemaMatches<typeof reindexReportSchema, ReindexReport>>;

/** What a done job holds: its report and the graph file it wrote. */
export const jobResultSchema = z.union([
  indexReportSchema.extend({ db: z.string() }),
  reindexReportSchema.extend({ db: z.string() }),
  reviewReportSchema,
  implementReportSchema,
]);
export type JobResult = z.infer<typeof jobResultSchema>;
