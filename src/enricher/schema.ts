// The enricher's contract, defined once: the request, the typed context slots, the manifest and the result.

import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** The slots, highest priority first: rendering under a tight budget drops from the end. */
export const SLOT_NAMES = ['coordinatorSummary', 'conventions', 'fileFacts', 'likelyFiles', 'priorNotes', 'gitDiffStat'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];

export const DEFAULT_DEADLINE_MS = 1000;

export const enrichRequestSchema = z.object({
  workspace: z
    .string()
    .min(1)
    .refine((path) => isAbsolute(path), { message: 'must be an absolute path' })
    .describe('Absolute path of the workspace folder.'),
  goal: z.string().min(1).max(20_000).describe('The task the session is about to do; file paths in it are looked up in the graph.'),
  budgetTokens: z.number().int().min(1).max(1_000_000).describe('The most (estimated) tokens the rendered section may take.'),
  spawnDepth: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('0 for a root session (the default). Child sessions (> 0) get no sources unless includeChildSessions.'),
  coordinatorSummary: z
    .string()
    .max(1_000_000)
    .optional()
    .describe("A coordinator's summary of the work so far; it takes precedence over (and suppresses) prior session notes."),
  includeChildSessions: z.boolean().optional().describe('Enrich a child session (spawnDepth > 0) too.'),
  deadlineMs: z.number().int().min(1).max(60_000).optional().describe('The deadline of each source (default 1000).'),
  sessionId: z.string().min(1).max(500).optional().describe('The session being started, recorded in the manifest.'),
  record: z.boolean().optional().describe('Store the manifest with the graph (default true).'),
});
export type EnrichRequest = z.infer<typeof enrichRequestSchema>;

const priorNote = z.object({
  id: z.string(),
  title: z.string().nullable(),
  branch: z.string().nullable(),
  endedAt: z.string().nullable(),
  recap: z.string().nullable(),
});
const convention = z.object({
  id: z.string(),
  source: z.string(),
  headingPath: z.string(),
  scope: z.string(),
  body: z.string(),
});
const fileFact = z.object({
  path: z.string(),
  importers: z.array(z.string()).describe('Files that import it directly (up to 10).'),
  importersTotal: z.number().int(),
  impactTotal: z.number().int().nullable().describe('Files a change to it reaches transitively; null if not asked.'),
  tests: z.array(z.string()).describe('Test files that reach it.'),
  sessions: z
    .array(z.object({ id: z.string(), title: z.string().nullable(), endedAt: z.string().nullable(), change: z.string() }))
    .describe('Sessions that changed it, newest first.'),
});

const likelyFile = z.object({
  path: z.string(),
  why: z.string().describe('What points at it: the signals of `related` with their ranks, or the named file it usually changes with.'),
  facts: fileFact
    .nullable()
    .describe(
      'For a goal that names no path, what the graph knows about it, as for a file named in the goal; null when the ' +
        'query kinds for it are missing, the graph does not hold it or the deadline came first, and for the co-change ' +
        'partners of named paths.',
    ),
});

/** The typed context a session is given; each slot is filled by one source (or by the caller, for the summary). */
export const slotsSchema = z.object({
  coordinatorSummary: z.string().nullable(),
  conventions: z.array(convention).describe('Convention sections of every rule document that applies to the goal paths.'),
  fileFacts: z.array(fileFact).describe('What the graph knows about each file named in the goal.'),
  likelyFiles: z
    .array(likelyFile)
    .describe(
      'Files likely involved: for a goal that names no path, the files `related` ranks best for its words (identifiers, ' +
        'commit messages, sessions, git churn and recency); for one that names paths, their usual co-change partners.',
    ),
  priorNotes: z.array(priorNote).describe('The latest root sessions on the workspace, newest first.'),
  gitDiffStat: z.string().nullable().describe('`git diff HEAD~1 --stat`.'),
});
export type WorkflowContextSlots = z.infer<typeof slotsSchema>;
export type PriorNote = z.infer<typeof priorNote>;
export type ConventionSlotItem = z.infer<typeof convention>;
export type FileFact = z.infer<typeof fileFact>;
export type LikelyFile = z.infer<typeof likelyFile>;

/** How a slot's source fared. */
export const SOURCE_OUTCOMES = ['ok', 'partial', 'timeout', 'error', 'unavailable', 'skipped', 'suppressed', 'given', 'absent'] as const;
export type SourceOutcome = (typeof SOURCE_OUTCOMES)[number];

export const slotManifestSchema = z.object({
  slot: z.enum(SLOT_NAMES),
  included: z.boolean().describe('Whether any of it is in the rendered text.'),
  source: z.enum(SOURCE_OUTCOMES),
  /** Why it was dropped, shortened, partial or empty; null when it went in whole. */
  reason: z.string().nullable(),
  items: z.number().int().describe('Items the source found.'),
  itemsIncluded: z.number().int().describe('Items in the rendered text (whole or shortened).'),
  shortened: z.boolean().describe('True when items were left out or text was cut at a sentence or line boundary.'),
  bytes: z.number().int().describe('UTF-8 bytes of its rendered section.'),
  tokens: z.number().int().describe('Estimated tokens of its rendered section.'),
  latencyMs: z.number().describe('How long its source ran (0 when it did not run).'),
});
export type SlotManifest = z.infer<typeof slotManifestSchema>;

export const manifestSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  workspace: z.string(),
  sessionId: z.string().nullable(),
  goal: z.string(),
  goalPaths: z.array(z.string()).describe('The workspace paths found in the goal.'),
  spawnDepth: z.number().int(),
  budgetTokens: z.number().int(),
  deadlineMs: z.number().int(),
  totalMs: z.number().describe('Wall time of the sources and the render.'),
  renderedBytes: z.number().int(),
  renderedTokens: z.number().int(),
  slots: z.array(slotManifestSchema),
});
export type EnrichManifest = z.infer<typeof manifestSchema>;

/** An included slot as it went into the rendered text: what a session analysis compares the agent's turns with. */
export const renderedSectionSchema = z.object({
  slot: z.enum(SLOT_NAMES),
  text: z.string().describe('Its section of `rendered`, heading included.'),
  items: z
    .array(z.object({ key: z.string().describe('What the item is about: `file:<path>`, `session:<id>`, `convention:<id>`, `summary`, `git-diff-stat`.'), text: z.string() }))
    .describe('Each item as it went in, whole or shortened.'),
});
export type RenderedSection = z.infer<typeof renderedSectionSchema>;

export const enrichResultSchema = z.object({
  slots: slotsSchema,
  rendered: z.string().describe('The prompt section: markdown, within the token budget.'),
  sections: z.array(renderedSectionSchema).describe('The included slots in the order of `rendered`.'),
  manifest: manifestSchema,
});
export type EnrichResult = z.infer<typeof enrichResultSchema>;
