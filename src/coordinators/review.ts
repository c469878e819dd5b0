// `kg coordinate review`: the changed files from git; for them, what they reach (and the tests that reach them), the
// sessions that changed them before, the conventions that apply and the related files; a coordinator summary of it
// within a byte budget; one review session through the runner with that summary; a typed verdict read from the
// session's artifact (else an explicit verdict line of its notes, else unknown); the run written and reindexed.

import { isKgError, KgError, oneLine } from '../../graph/errors.js';
import type { AnswerOf } from '../../queries/index.js';
import type { KgBackend } from '../backend/backend.js';
import { approves, readVerdict } from './artifacts.js';
import { runPhaseSession, timeLeft, type CoordinatorOptions } from './phase.js';
import type { ReviewReport } from './report-schema.js';
import { RunRecord } from './run-record.js';
import { renderSummary, type RenderedSummary, type SummarySection } from './summary.js';

export interface ReviewRange {
  /** The base commit (default HEAD). */
  base?: string;
  /** The head commit (default: the working tree). */
  head?: string;
}

export type ReviewOutcome = Pick<ReviewReport, 'sessionId' | 'reading' | 'approved' | 'resultKind'>;

const MAX_LISTED = 30;
const WORKRAIL_DIR = '.workrail';

export const VERDICT_INSTRUCTIONS =
  'Call finish with your notes and an artifact that is exactly {"kind":"kg.review_verdict","verdict":"clean"|"minor"|"blocking",' +
  '"confidence":"high"|"medium"|"low","findings":[{"severity":"critical"|"major"|"minor"|"nit","file":"path","line":N,"summary":"...",' +
  '"category":"..."}],"summary":"..."}; end your notes with a line "Verdict: clean", "Verdict: minor" or "Verdict: blocking".';

export async function coordinateReview(options: CoordinatorOptions & ReviewRange): Promise<ReviewReport> {
  const range = rangeText(options);
  const { changed, summary } = await reviewSummary(options, options, []);
  const run = RunRecord.create(options.workspace, { coordinator: 'review', goal: `Review ${range}`, mode: 'REVIEW_ONLY', ...(options.now ? { now: options.now } : {}) });
  run.decide(`summary: ${summary.kept.length} section(s) in ${summary.bytes} bytes${summary.dropped.length > 0 ? `; dropped whole: ${summary.dropped.join(', ')}` : ''}`);
  const outcome = await reviewPhase(options, run, 'review', reviewGoal(range, changed), summary.text);
  run.complete(outcome.reading.verdict);
  const reindex = await reindexRun(options.backend, options.workspace, options.dataDir);
  return {
    coordinator: 'review',
    ...outcome,
    runId: run.runId,
    runFile: run.path,
    changed,
    summary: { bytes: summary.bytes, kept: summary.kept, dropped: summary.dropped },
    trace: [...run.trace],
    reindex,
  };
}

/** One review session and its verdict, recorded as phase `name` of `run`. */
export async function reviewPhase(options: CoordinatorOptions, run: RunRecord, name: string, goal: string, summary: string): Promise<ReviewOutcome> {
  const left = timeLeft(options);
  if (left !== null && left <= 0) {
    run.decide(`${name}: not started, the run's deadline has passed; verdict unknown`);
    return { sessionId: null, reading: readVerdict(null, null), approved: false, resultKind: 'fallback' };
  }
  options.onProgress?.(`${name}: review session`);
  const session = await runPhaseSession(options, { goal, summary, allowWrite: false });
  // A session that did not finish (outcome other than success) has no verdict to read: a partial answer is no approval.
  const reading = session.outcome === 'success' ? readVerdict(session.artifact, session.notes) : { ...readVerdict(null, null), problem: `the session ended ${session.reason}: ${session.message}` };
  const resultKind = reading.source === 'artifact' ? 'full' : reading.source === 'notes' ? 'partial' : 'fallback';
  run.phase(name, session.sessionId, {
    kind: resultKind,
    ...(reading.source === 'artifact' ? { artifact: session.artifact } : {}),
    recapMarkdown: session.notes,
    confidenceBand: reading.confidence,
    problem: reading.problem,
  });
  run.decide(`${name}: verdict ${reading.verdict} from ${reading.source === 'none' ? 'nothing usable' : reading.source}${reading.problem && reading.source !== 'artifact' ? ` (${reading.problem})` : ''}`);
  return { sessionId: session.sessionId, reading, approved: approves(reading.verdict), resultKind };
}

/** The summary a review session gets: what the graph says about the diff, section by section within the budget. */
export async function reviewSummary(options: CoordinatorOptions, range: ReviewRange, first: SummarySection[]): Promise<{ changed: string[]; summary: RenderedSummary }> {
  const ask = <K extends 'diff_impact' | 'related'>(intent: { kind: K } & Record<string, unknown>) =>
    options.backend.query({ workspace: options.workspace, intent: intent as never }) as Promise<AnswerOf<K>>;
  const diff = await ask({ kind: 'diff_impact', ...(range.base !== undefined ? { base: range.base } : {}), ...(range.head !== undefined ? { head: range.head } : {}), limit: MAX_LISTED });
  // The runs' own records (`.workrail/`) are not the change under review.
  const files = diff.changed.filter((file) => !file.path.startsWith(`${WORKRAIL_DIR}/`));
  if (files.length === 0) throw new KgError('bad_input', `nothing to review: no file changed ${rangeText(range)}`);
  const changed = files.map((file) => file.path);
  const reached = new Set(diff.items.map((item) => item.path));
  let related: AnswerOf<'related'> | null = null;
  try {
    related = await ask({ kind: 'related', text: changed.slice(0, 10).join(' '), limit: 8 });
  } catch (error) {
    // Related files help; a workspace whose graph cannot rank them still gets its review.
    if (!isKgError(error)) throw error;
  }
  const sections: SummarySection[] = [
    ...first,
    { title: `Changed files (${rangeText(range)})`, body: files.map((f) => `- ${f.path} (${f.status})`).join('\n') },
    {
      title: 'What the change reaches',
      body: [
        ...diff.items.map((i) => `- ${i.path}${i.depth > 1 ? ` (${i.depth} hops)` : ''}${i.isTest ? ' [test]' : ''}`),
        ...(diff.truncated ? [`- … and ${diff.total - diff.items.length} more`] : []),
        ...(diff.tests.length > 0 ? [`Tests to run: ${diff.tests.join(', ')}`] : []),
      ].join('\n'),
    },
    { title: 'Conventions that apply', body: diff.conventions.map((c) => `- ${c.source} § ${c.headingPath}${c.scope ? ` (in ${c.scope}/)` : ''}`).join('\n') },
    { title: 'Sessions that changed these files before', body: diff.sessions.map((s) => `- ${s.id}: ${s.title ?? 'untitled'} (${s.outcome ?? s.status ?? 'unknown'}; ${s.files.join(', ')})`).join('\n') },
    { title: 'Files that usually change with these', body: diff.missingCoChanges.map((p) => `- ${p.path}`).join('\n') },
    { title: 'Related files', body: (related?.items ?? []).filter((i) => i.path !== null && !changed.includes(i.path) && !reached.has(i.path)).map((i) => `- ${i.path}`).join('\n') },
  ];
  return { changed, summary: renderSummary(sections, options.summaryBytes) };
}

export function reviewGoal(range: string, changed: readonly string[]): string {
  const listed = changed.slice(0, 10).join(', ') + (changed.length > 10 ? `, and ${changed.length - 10} more` : '');
  return `Review the change ${range}: ${changed.length} file(s) changed (${listed}). Read the changed files and what they reach, and report real problems only. ${VERDICT_INSTRUCTIONS}`;
}

export function rangeText(range: ReviewRange): string {
  return range.head !== undefined ? `from ${range.base ?? 'HEAD'} to ${range.head}` : `from ${range.base ?? 'HEAD'} to the working tree`;
}

/** After the run: its context file (and the sessions' records) into the graph, so `pipeline_run` answers about it. */
export async function reindexRun(backend: KgBackend, workspace: string, dataDir: string): Promise<{ ok: boolean; message: string | null }> {
  try {
    const job = await backend.waitForJob((await backend.reindex({ workspace, dataDir })).id);
    return job.status === 'failed' ? { ok: false, message: job.error?.message ?? 'the reindex failed' } : { ok: true, message: null };
  } catch (error) {
    return { ok: false, message: oneLine(error) };
  }
}
