// The reports of `kg session analyze`, as one schema: the CLI's `--json`, the HTTP API and its OpenAPI document.

import { z } from 'zod';
import { manifestSchema } from '../enricher/schema.js';

export const verdictSchema = z.enum(['first_turn', 'later_turn', 'ignored']);
export type Verdict = z.infer<typeof verdictSchema>;

export const citationRuleSchema = z.enum(['path', 'identifier', 'ngram']);

export const itemAnalysisSchema = z.object({
  key: z.string().describe('What the item is about: `file:<path>`, `session:<id>`, `convention:<id>`, `summary`, `git-diff-stat`.'),
  tokens: z.number().int(),
  verdict: verdictSchema,
  turn: z.number().int().nullable().describe('The first assistant turn (1-based) that cites it; null when none does.'),
  rule: citationRuleSchema.nullable().describe('The citation rule that matched.'),
  evidence: z.string().nullable().describe('The span of the turn that cites it.'),
});
export type ItemAnalysis = z.infer<typeof itemAnalysisSchema>;

export const slotAnalysisSchema = z.object({
  slot: z.string(),
  text: z.string().describe('The slot\'s section exactly as the model was given it.'),
  tokens: z.number().int(),
  bytes: z.number().int(),
  verdict: verdictSchema.describe('The best of its items\' verdicts.'),
  items: z.array(itemAnalysisSchema),
});
export type SlotAnalysis = z.infer<typeof slotAnalysisSchema>;

export const queryCallAnalysisSchema = z.object({
  turn: z.number().int(),
  kind: z.string(),
  subject: z.string().nullable(),
  verdict: z.enum(['already_held', 'lacked']).describe('already_held: a slot gave it before the call (it was not read); lacked: no slot had it (worth pre-loading).'),
  heldBy: z.string().nullable(),
});
export type QueryCallAnalysis = z.infer<typeof queryCallAnalysisSchema>;

export const sessionAnalysisSchema = z.object({
  sessionId: z.string(),
  source: z.enum(['kg-runner', 'daemon']),
  workspace: z.string(),
  goal: z.string(),
  turns: z.number().int().describe('Assistant turns read.'),
  partial: z.boolean(),
  partialReason: z.string().nullable(),
  slots: z.array(slotAnalysisSchema).describe('The slots given, in the order of the prompt.'),
  manifest: manifestSchema
    .nullable()
    .describe("The enricher's manifest for the session: every slot, with its source's outcome and latency, and whether it was shortened or left out and why; null for a daemon session."),
  queryCalls: z.array(queryCallAnalysisSchema),
  ignoredTokens: z.number().int().describe('Tokens of the items no turn cited.'),
});
export type SessionAnalysis = z.infer<typeof sessionAnalysisSchema>;

export const slotKindSummarySchema = z.object({
  slot: z.string(),
  sessionsGiven: z.number().int(),
  sessionsCitedFirstTurn: z.number().int(),
  sessionsCited: z.number().int(),
  shareCited: z.number().describe('sessionsCited / sessionsGiven.'),
  tokensGiven: z.number().int(),
  tokensIgnored: z.number().int(),
});
export type SlotKindSummary = z.infer<typeof slotKindSummarySchema>;

export const allSessionsAnalysisSchema = z.object({
  workspace: z.string(),
  sessions: z.number().int(),
  partial: z.number().int(),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  slotKinds: z.array(slotKindSummarySchema),
  queryCalls: z.object({
    alreadyHeld: z.number().int(),
    lacked: z.number().int(),
    topLacked: z.array(z.object({ kind: z.string(), count: z.number().int() })),
  }),
  ignoredTokens: z.number().int(),
});
export type AllSessionsAnalysis = z.infer<typeof allSessionsAnalysisSchema>;

/** One session's report with `session`, else the workspace's. */
export const analyzeReportSchema = z.union([sessionAnalysisSchema, allSessionsAnalysisSchema]);
export type AnalyzeReport = z.infer<typeof analyzeReportSchema>;
