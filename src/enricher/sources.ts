// The slot sources: each fills one slot from the graph (through query_knowledge intents) or from git.
// Intent kinds are looked up at run time: a source whose kinds the schema lacks is reported unavailable, and one that
// can do without some kinds (the facts of the likely files) leaves out what they would give.

import { execFile } from 'node:child_process';
import { isKgError } from '../../graph/errors.js';
import type { ConventionItem } from '../../queries/index.js';
import { hasIntentKind } from '../tools.js';
import type { DeadlineWork } from './deadline.js';
import type { ConventionSlotItem, FileFact, LikelyFile, PriorNote, SlotName, WorkflowContextSlots } from './schema.js';
import type { TypedQuery } from './typed-query.js';

export type SourceSlot = Exclude<SlotName, 'coordinatorSummary'>;
export type SlotValue<K extends SourceSlot> = WorkflowContextSlots[K];

export interface SourceInput<V> extends DeadlineWork<V> {
  root: string;
  goal: string;
  /** Workspace-relative paths named in the goal. */
  goalPaths: readonly string[];
  /** Answers one query_knowledge intent with its kind's answer; rejects (KgError) for files or sessions the graph does not know. */
  query: TypedQuery;
}

/** One source of one slot; the hono-style single interface every source (and every test fake) implements. */
export interface SlotSource<K extends SourceSlot = SourceSlot> {
  slot: K;
  /** The intent kinds it asks; if the schema lacks one, the source does not run. */
  needs: readonly string[];
  run(input: SourceInput<SlotValue<K>>): Promise<SlotValue<K>>;
}

export interface SourceOptions {
  /** Prior session notes to give (default 3). */
  priorNotes?: number;
  /** Runs `git diff HEAD~1 --stat` in `root`; for tests. */
  gitDiffStat?: (root: string, signal: AbortSignal) => Promise<string | null>;
  /** Whether the intent schema has a kind, for what a source can do without; default: the schema as it is now. */
  hasKind?(kind: string): boolean;
}

export function defaultSources(options: SourceOptions = {}): SlotSource[] {
  return [
    conventionsSource(),
    fileFactsSource(),
    likelyFilesSource(options.hasKind ?? hasIntentKind),
    priorNotesSource(options.priorNotes ?? 3),
    gitDiffStatSource(options.gitDiffStat ?? gitDiffStat),
  ] as SlotSource[];
}

/** The newest root sessions of the workspace, each with its recap. */
export function priorNotesSource(count: number): SlotSource<'priorNotes'> {
  return {
    slot: 'priorNotes',
    needs: ['recent_sessions', 'files_touched'],
    async run(input) {
      const recent = await input.query({ kind: 'recent_sessions', limit: Math.max(20, count * 4) });
      const roots = recent.items.filter((s) => s.parentId === null).slice(0, count);
      const notes: PriorNote[] = roots.map((s) => ({
        id: s.id,
        title: s.title,
        branch: s.branch,
        endedAt: s.endedAt ?? s.startedAt,
        recap: null,
      }));
      input.partial([...notes]);
      await Promise.all(
        notes.map(async (note, i) => {
          const touched = await input.query({ kind: 'files_touched', session: note.id, limit: 1 });
          notes[i] = { ...note, recap: touched.session.recap };
          input.partial([...notes]);
        }),
      );
      return notes;
    },
  };
}

/**
 * Every section of every rule document that applies to the goal's paths (the whole workspace when it names none),
 * those about the goal's words first.
 */
export function conventionsSource(): SlotSource<'conventions'> {
  return {
    slot: 'conventions',
    needs: ['conventions'],
    async run(input) {
      // The workspace root, as an absolute path, is where workspace-wide sections apply.
      const targets = input.goalPaths.length > 0 ? input.goalPaths : [input.root];
      const found = new Map<string, ConventionSlotItem>();
      const add = (items: readonly ConventionItem[]) => {
        for (const item of items) {
          if (!found.has(item.id)) {
            found.set(item.id, { id: item.id, source: item.source, headingPath: item.headingPath, scope: item.scope, body: item.body });
          }
        }
        input.partial([...found.values()]);
      };
      // One ranking of the goal's words over every section, then what applies to each path: the sections that
      // apply and are about the goal first, in ranking order, then the rest that apply, nearest folder first.
      const [about, ...applying] = await Promise.all([
        input.query({ kind: 'conventions', text: input.goal, limit: 200 }).catch(() => null),
        ...targets.map((file) => input.query({ kind: 'conventions', file, limit: 200 })),
      ]);
      const applies = new Set(applying.flatMap((answer) => answer.items.map((item) => item.id)));
      add((about?.items ?? []).filter((item) => applies.has(item.id)));
      for (const answer of applying) add(answer.items);
      return [...found.values()];
    },
  };
}

/** The intent kinds the facts of a file are asked with. */
const FILE_FACT_KINDS = ['importers', 'impact', 'sessions_touching'] as const;

/** Files shown as likely involved. */
const LIKELY_FILES = 5;
/** Co-change partners worth naming for a path of the goal: seen together at least twice, in a third of its commits. */
const PARTNER_MIN_SUPPORT = 2;
const PARTNER_MIN_CONFIDENCE = 0.3;

/**
 * The files likely involved: for a goal that names no path, the best files `related` finds for its words (with why),
 * each with the facts a named file gets when the schema has their kinds (`hasKind`); the bare list goes to the
 * deadline first, so a deadline that passes while the facts are asked still leaves the paths. For a goal that names
 * paths, the files that usually change with them (git co-change) and are not named, without facts: those go to the
 * named files, whose own facts would wait behind up to three queries for each of ten partners on the one graph.
 */
export function likelyFilesSource(hasKind: (kind: string) => boolean = hasIntentKind): SlotSource<'likelyFiles'> {
  return {
    slot: 'likelyFiles',
    needs: ['related', 'co_changes'],
    async run(input) {
      if (input.goalPaths.length > 0) return coChangePartners(input);
      const files = await relatedFiles(input);
      input.partial([...files]);
      if (!FILE_FACT_KINDS.every(hasKind)) return files;
      await Promise.all(
        files.map(async (file, i) => {
          files[i] = { ...file, facts: await factsOf(input, file.path) };
          input.partial([...files]);
        }),
      );
      return files;
    },
  };
}

async function relatedFiles(input: SourceInput<LikelyFile[]>): Promise<LikelyFile[]> {
  const answer = await input.query({ kind: 'related', text: input.goal, of: ['file'], limit: LIKELY_FILES });
  return answer.items.map((item) => ({
    path: item.path ?? item.title,
    why: item.why.map((w) => `${w.signal} #${w.rank}: ${w.detail}`).join('; '),
    facts: null,
  }));
}

/** The usual co-change partners of the goal's paths, never one of those paths: a named file is not a likely one. */
async function coChangePartners(input: SourceInput<LikelyFile[]>): Promise<LikelyFile[]> {
  const named = new Set(input.goalPaths);
  const found = new Map<string, LikelyFile>();
  const answers = await Promise.all(
    input.goalPaths.map((file) =>
      input.query({ kind: 'co_changes', file, limit: LIKELY_FILES }).catch((error: unknown) => {
        // A folder, or a file the graph does not hold: no partners to name.
        if (isKgError(error) && error.code === 'unknown_file') return null;
        throw error;
      }),
    ),
  );
  for (const answer of answers) {
    for (const partner of answer?.items ?? []) {
      if (named.has(partner.path) || found.has(partner.path)) continue;
      if (partner.support < PARTNER_MIN_SUPPORT || partner.confidence < PARTNER_MIN_CONFIDENCE) continue;
      found.set(partner.path, {
        path: partner.path,
        why: `changed with ${answer!.file} in ${partner.support} of its ${answer!.commits} commits (${Math.round(partner.confidence * 100)}%)`,
        facts: null,
      });
    }
  }
  return [...found.values()].slice(0, LIKELY_FILES * 2);
}

/** For each file the goal names: who imports it, what a change reaches, which sessions changed it. */
export function fileFactsSource(): SlotSource<'fileFacts'> {
  return {
    slot: 'fileFacts',
    needs: FILE_FACT_KINDS,
    async run(input) {
      const facts: (FileFact | null)[] = input.goalPaths.map(() => null);
      const settle = () => input.partial(facts.filter((f): f is FileFact => f !== null));
      await Promise.all(
        input.goalPaths.map(async (path, i) => {
          facts[i] = await factsOf(input, path);
          settle();
        }),
      );
      return facts.filter((f): f is FileFact => f !== null);
    },
  };
}

/**
 * What the graph knows of one file: who imports it, what a change to it reaches and which tests, which sessions
 * changed it. Null for a folder or a file the graph does not hold.
 */
export async function factsOf(input: Pick<SourceInput<unknown>, 'query'>, path: string): Promise<FileFact | null> {
  try {
    const [importers, impact, sessions] = await Promise.all([
      input.query({ kind: 'importers', file: path, limit: 10 }),
      input.query({ kind: 'impact', files: [path], limit: 1 }),
      input.query({ kind: 'sessions_touching', file: path, limit: 5 }),
    ]);
    return {
      path,
      importers: importers.items.map((item) => item.path),
      importersTotal: importers.total,
      impactTotal: impact.total,
      tests: impact.tests,
      sessions: sessions.items.map((s) => ({
        id: s.id,
        title: s.title,
        endedAt: s.endedAt ?? s.startedAt,
        change: s.change,
      })),
    };
  } catch (error) {
    if (isKgError(error) && error.code === 'unknown_file') return null;
    throw error;
  }
}

export function gitDiffStatSource(run: (root: string, signal: AbortSignal) => Promise<string | null>): SlotSource<'gitDiffStat'> {
  return {
    slot: 'gitDiffStat',
    needs: [],
    run: (input) => run(input.root, input.signal),
  };
}

/** `git diff HEAD~1 --stat` in `root` (paths under it only); null outside git or without a parent commit. */
export function gitDiffStat(root: string, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['diff', 'HEAD~1', '--stat', '--relative', '--no-color'],
      { cwd: root, signal, maxBuffer: 4 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => resolve(error ? null : stdout.trimEnd() || null),
    );
  });
}
