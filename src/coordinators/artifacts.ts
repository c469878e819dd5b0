// What coordinators read from their sessions: the typed artifacts a session hands back with `finish` (a review
// verdict, a discovery or coding handoff), one schema each, and how a phase's result is classified from them.

import { z } from 'zod';

const path = z.string().min(1).max(4096);
const line = z.string().min(1).max(4000);

export const findingSchema = z.object({
  severity: z.enum(['critical', 'major', 'minor', 'nit']),
  file: path,
  line: z.number().int().min(1).optional(),
  summary: line,
  category: z.string().min(1).max(100).optional(),
});

/** The review verdict: the one schema every reader of a review session's artifact validates with. */
export const reviewVerdictSchema = z.object({
  kind: z.literal('kg.review_verdict').optional(),
  verdict: z.enum(['clean', 'minor', 'blocking']),
  confidence: z.enum(['high', 'medium', 'low']),
  findings: z.array(findingSchema).max(200),
  summary: z.string().min(1).max(8000),
});
export type ReviewVerdict = z.infer<typeof reviewVerdictSchema>;

/** What discovery hands to coding. */
export const discoveryHandoffSchema = z.object({
  kind: z.literal('kg.discovery_handoff'),
  version: z.literal(1),
  direction: z.string().min(1).max(8000).describe('The chosen direction, and why.'),
  keyFiles: z.array(path).max(50),
  invariants: z.array(line).max(50),
  constraints: z.array(line).max(50),
});
export type DiscoveryHandoff = z.infer<typeof discoveryHandoffSchema>;

/** What coding hands to review: WorkRail's `wr.coding_handoff`, which kg's session indexer reads `filesChanged` of. */
export const codingHandoffSchema = z.object({
  kind: z.literal('wr.coding_handoff'),
  version: z.literal(1),
  branchName: z.string().max(200).optional(),
  keyDecisions: z.array(line).max(50),
  knownLimitations: z.array(line).max(50),
  testsAdded: z.array(path).max(50),
  filesChanged: z.array(path).max(20),
  correctedAssumptions: z.array(line).max(50).optional(),
});
export type CodingHandoff = z.infer<typeof codingHandoffSchema>;

export type Verdict = ReviewVerdict['verdict'] | 'unknown';

export interface VerdictReading {
  verdict: Verdict;
  /** Where it came from: the artifact, an explicit `Verdict:` line of the final notes, or neither. */
  source: 'artifact' | 'notes' | 'none';
  confidence: ReviewVerdict['confidence'] | null;
  findings: ReviewVerdict['findings'];
  summary: string | null;
  /** Why the artifact was not used, when it was not. */
  problem: string | null;
}

// An explicit verdict line: `Verdict: clean`, alone on its line (markdown emphasis allowed), nothing else counts.
const VERDICT_LINE = /^[\s>*_-]*verdict\s*[:=]\s*[*_`]*(clean|minor|blocking)[*_`]*[\s.]*$/im;

/** The verdict of a review session: its artifact when valid, else an explicit verdict line of its notes, else unknown. */
export function readVerdict(artifact: unknown, notes: string | null): VerdictReading {
  const parsed = reviewVerdictSchema.safeParse(artifact);
  if (parsed.success) {
    const { verdict, confidence, findings, summary } = parsed.data;
    return { verdict, source: 'artifact', confidence, findings, summary, problem: null };
  }
  const problem = artifact === null || artifact === undefined ? 'no artifact' : `invalid artifact: ${firstIssue(parsed.error)}`;
  const match = notes ? VERDICT_LINE.exec(notes) : null;
  if (match) return { verdict: match[1]!.toLowerCase() as Verdict, source: 'notes', confidence: null, findings: [], summary: notes, problem };
  return { verdict: 'unknown', source: 'none', confidence: null, findings: [], summary: notes, problem };
}

/** Only a clean verdict approves; `unknown` routes as `blocking` does. */
export function approves(verdict: Verdict): boolean {
  return verdict === 'clean';
}

/** How a phase ended: `full` (its artifact valid), `partial` (notes only), `fallback` (nothing usable). */
export type PhaseResultKind = 'full' | 'partial' | 'fallback';

export function classifyPhase<T>(schema: z.ZodType<T>, artifact: unknown, notes: string | null, succeeded: boolean): { kind: PhaseResultKind; artifact: T | null; problem: string | null } {
  const parsed = schema.safeParse(artifact);
  if (parsed.success && succeeded) return { kind: 'full', artifact: parsed.data, problem: null };
  const problem = !succeeded ? 'the session did not finish' : artifact === null || artifact === undefined ? 'no artifact' : `invalid artifact: ${firstIssue(parsed.error!)}`;
  return { kind: succeeded && notes !== null && notes.trim() !== '' ? 'partial' : 'fallback', artifact: null, problem };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match its schema';
  return `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}
