// The reports of the coordinators, as one schema each: the CLI's `--json`, a coordinator job's result over HTTP and
// its OpenAPI entry.

import { z } from 'zod';
import { findingSchema } from './artifacts.js';

const reindexSchema = z.object({ ok: z.boolean(), message: z.string().nullable() });

export const verdictReadingSchema = z.object({
  verdict: z.enum(['clean', 'minor', 'blocking', 'unknown']).describe('unknown routes as blocking and is never approved.'),
  source: z.enum(['artifact', 'notes', 'none']).describe("Where it came from: the session's artifact, an explicit `Verdict:` line of its notes, or neither."),
  confidence: z.enum(['high', 'medium', 'low']).nullable(),
  findings: z.array(findingSchema),
  summary: z.string().nullable(),
  problem: z.string().nullable().describe('Why the artifact was not used, when it was not.'),
});

export const reviewReportSchema = z.object({
  coordinator: z.literal('review'),
  runId: z.string(),
  runFile: z.string(),
  sessionId: z.string().nullable(),
  reading: verdictReadingSchema,
  approved: z.boolean(),
  resultKind: z.enum(['full', 'partial', 'fallback']),
  changed: z.array(z.string()),
  summary: z.object({ bytes: z.number().int(), kept: z.array(z.string()), dropped: z.array(z.string()) }),
  trace: z.array(z.string()),
  reindex: reindexSchema,
});
export type ReviewReport = z.infer<typeof reviewReportSchema>;

export const implementReportSchema = z.object({
  coordinator: z.literal('implement'),
  runId: z.string(),
  runFile: z.string(),
  outcome: z.enum(['approved', 'escalated']).describe('approved: a review came back clean; escalated: a person must look.'),
  why: z.string(),
  verdict: verdictReadingSchema.shape.verdict.nullable(),
  verdictSource: verdictReadingSchema.shape.source.nullable(),
  fixPasses: z.number().int(),
  phases: z.array(z.object({ phase: z.string(), sessionId: z.string(), result: z.enum(['full', 'partial', 'fallback']), outcome: z.string() })),
  trace: z.array(z.string()),
  reindex: reindexSchema,
});
export type ImplementReport = z.infer<typeof implementReportSchema>;
