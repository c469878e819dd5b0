// What the history intents share: the co-change partners of files, whether the graph holds any git history, and the
// file check that also knows files only git history names. Without a snapshot each is one set-based SQL statement;
// with one (a graph that stays open) the co-change facts are read once per graph generation, in one statement, and
// answered in memory: a few multi-join statements cost a server several ms each, the maps microseconds.

import { z } from 'zod';
import type { GraphReader } from '../graph/store.js';
import type { QueryContext } from './answer.js';
import { knownFiles, normalizePath } from './files.js';
import type { GraphSnapshot } from './snapshot.js';
import { compare } from './walk.js';

/**
 * Commits that changed more files than this (a formatting pass, a dependency bump, a vendored folder, a big merge)
 * say nothing about which files belong together: co-change ignores them. The bench (bench/cochange.ts) uses the same.
 */
export const BULK_COMMIT_FILES = 30;

/** Partners worth naming beside the import graph (impact, diff_impact): seen together at least twice, and often. */
export const HINT_MIN_SUPPORT = 2;
export const HINT_MIN_CONFIDENCE = 0.3;

export const coChangePartnerSchema = z.object({
  path: z.string().describe('The partner, as named at HEAD.'),
  support: z.number().int().describe('Commits (of at most 30 files) that changed both it and `with`.'),
  confidence: z.number().describe("support / the commits (of at most 30 files) that changed `with`."),
  with: z.string().describe('The given file it changes with (of several, the one it changes with most).'),
});
export type CoChangePartner = z.infer<typeof coChangePartnerSchema>;

export interface PartnerOptions {
  /** Paths never named as partners (the asked files always are). */
  exclude?: readonly string[];
  minSupport?: number;
  minConfidence?: number;
  limit: number;
}

/**
 * The co-change partners of `files` (names at HEAD: `commit_files.current`, so renames are followed) among the non-bulk
 * commits, best first: support, then confidence, then path. A partner whose latest change in the history is its
 * deletion is gone from HEAD and left out; files the code index does not read (a README, a stylesheet) stay in.
 * For several asked files a partner appears once, with the asked file it changes with most. `total` counts the
 * partners before the limit.
 */
export async function coChangePartners(
  context: QueryContext,
  files: readonly string[],
  options: PartnerOptions,
): Promise<{ partners: CoChangePartner[]; total: number }> {
  if (files.length === 0) return { partners: [], total: 0 };
  if (context.snapshot) return partnersInMemory(await historyOf(context.snapshot, context.reader), files, options);
  const rows = await context.reader.all<CoChangePartner & { total: number }>(
    `WITH asked AS (SELECT DISTINCT unnest(?::VARCHAR[]) AS file),
     mine AS (
       SELECT DISTINCT f.current AS file, f.sha FROM commit_files f JOIN commits c ON c.sha = f.sha
       WHERE f.current IN (SELECT file FROM asked) AND c.files_changed <= ${BULK_COMMIT_FILES}),
     considered AS (SELECT file, count(*) AS n FROM mine GROUP BY file),
     pairs AS (
       SELECT m.file, f.current AS path, count(DISTINCT f.sha) AS support
       FROM commit_files f JOIN mine m ON m.sha = f.sha
       WHERE f.current NOT IN (SELECT file FROM asked)
       GROUP BY m.file, f.current),
     gone AS (
       SELECT current FROM commit_files WHERE current IN (SELECT path FROM pairs)
       GROUP BY current HAVING arg_max(status, seq) = 'deleted'),
     scored AS (
       SELECT p.path, p.support, p.support / c.n AS confidence, p.file AS "with",
              row_number() OVER (PARTITION BY p.path ORDER BY p.support DESC, p.support / c.n DESC, p.file) AS rank
       FROM pairs p JOIN considered c ON c.file = p.file
       WHERE p.path NOT IN (SELECT current FROM gone)
         AND p.path NOT IN (SELECT unnest(?::VARCHAR[]))
         AND p.support >= ? AND p.support / c.n >= ?)
     SELECT path, support, confidence, "with", count(*) OVER () AS total FROM scored WHERE rank = 1
     ORDER BY support DESC, confidence DESC, path LIMIT ?`,
    // The asked files lead the excluded ones: DuckDB binds no empty list.
    [files, [...files, ...(options.exclude ?? [])], options.minSupport ?? 1, options.minConfidence ?? 0, options.limit],
  );
  const total = rows[0]?.total ?? 0;
  return { partners: rows.map(({ total: _total, ...partner }) => partner), total };
}

/** How many non-bulk commits changed `file` (by its name at HEAD), and how many bulk ones were left out. */
export async function commitsOf(context: QueryContext, file: string): Promise<{ considered: number; bulk: number }> {
  if (context.snapshot) {
    const history = await historyOf(context.snapshot, context.reader);
    return { considered: history.commitsOf.get(file)?.length ?? 0, bulk: history.bulk.get(file) ?? 0 };
  }
  const [row] = await context.reader.all<{ considered: number; bulk: number }>(
    `SELECT count(DISTINCT f.sha) FILTER (WHERE c.files_changed <= ${BULK_COMMIT_FILES}) AS considered,
            count(DISTINCT f.sha) FILTER (WHERE c.files_changed > ${BULK_COMMIT_FILES}) AS bulk
     FROM commit_files f JOIN commits c ON c.sha = f.sha WHERE f.current = ?`,
    [file],
  );
  return { considered: row?.considered ?? 0, bulk: row?.bulk ?? 0 };
}

/** Churn counts the file's commits among the last this many on HEAD's first-parent chain. */
export const CHURN_WINDOW = 50;
/** Decayed churn: each commit weighs 1/2 for every this many days it is older than HEAD's commit. */
export const CHURN_HALF_LIFE_DAYS = 30;

export const churnSchema = z
  .object({
    recent: z.number().int().describe(`Commits (of at most ${BULK_COMMIT_FILES} files) among the last ${CHURN_WINDOW} that changed it.`),
    decayed: z.number().describe(`Its commits (of at most ${BULK_COMMIT_FILES} files), each weighing 1/2 per ${CHURN_HALF_LIFE_DAYS} days before HEAD's commit.`),
    lastChange: z.string().nullable().describe('Author time of the newest commit that changed it (any size), ISO 8601.'),
    ageDays: z.number().int().nullable().describe("Whole days from that commit to HEAD's commit."),
  })
  .describe('How much and how recently the file changed, from the git history in the graph.');
export type Churn = z.infer<typeof churnSchema>;

/**
 * The churn of each of `paths` (names at HEAD) that the history has. Bulk commits (more than BULK_COMMIT_FILES files:
 * a reformat, a bump) say nothing about where work happens: they count for `lastChange` only.
 */
export async function fileChurn(context: QueryContext, paths: readonly string[]): Promise<Map<string, Churn>> {
  if (paths.length === 0) return new Map();
  const rows = await context.reader.all<Churn & { path: string }>(
    `WITH head AS (SELECT max(seq) AS seq, arg_max(authored_at, seq) AS at FROM commits),
     touched AS (
       SELECT DISTINCT f.current AS path, c.sha, c.seq, c.authored_at, c.files_changed <= ${BULK_COMMIT_FILES} AS counted
       FROM commit_files f JOIN commits c ON c.sha = f.sha
       WHERE f.current IN (SELECT unnest(?::VARCHAR[])))
     SELECT t.path,
            count(*) FILTER (WHERE t.counted AND t.seq > h.seq - ${CHURN_WINDOW})::INTEGER AS recent,
            coalesce(sum(exp(-ln(2) * greatest(date_diff('second', t.authored_at, h.at), 0) / 86400.0 / ${CHURN_HALF_LIFE_DAYS}))
              FILTER (WHERE t.counted), 0)::DOUBLE AS decayed,
            strftime(arg_max(t.authored_at, t.seq) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.000Z') AS "lastChange",
            (greatest(date_diff('second', arg_max(t.authored_at, t.seq), h.at), 0) // 86400)::INTEGER AS "ageDays"
     FROM touched t CROSS JOIN head h GROUP BY t.path, h.seq, h.at`,
    [[...paths]],
  );
  return new Map(rows.map(({ path, ...churn }) => [path, { ...churn, decayed: Math.round(churn.decayed * 1000) / 1000 }]));
}

/**
 * What an answer built on git history should say about the history itself: null when the graph has commits and
 * git had every commit's changes, else why it has none or where it ends.
 */
export async function historyNote(context: QueryContext): Promise<string | null> {
  if (context.snapshot) return (await historyOf(context.snapshot, context.reader)).note;
  return readHistoryNote(context.reader);
}

async function readHistoryNote(reader: GraphReader): Promise<string | null> {
  const [row] = await reader.all<{ commits: number; oldest: string | null; shallow: boolean }>(
    `SELECT count(*) AS commits, min(authored_at) AS oldest, bool_or(files_changed IS NULL) AS shallow FROM commits`,
  );
  if (!row || row.commits === 0) {
    return 'the graph holds no git history (the workspace is not in a git repository, it has no commits, or history is off: `kg index --history-depth N`)';
  }
  if (row.shallow) return `the history is a shallow clone's: what changed before ${row.oldest?.slice(0, 10) ?? 'its oldest commit'} is unknown`;
  return null;
}

/**
 * The graph path of `file` for a history intent: a file the code index holds, or one git history names at HEAD (a
 * file the code index does not read, or one since deleted). Otherwise the `unknown_file` error every file intent gives.
 */
export async function knownHistoryFile(context: QueryContext, file: string): Promise<string> {
  const path = normalizePath(context.root, file);
  if (context.snapshot) {
    if ((await historyOf(context.snapshot, context.reader)).named.has(path)) return path;
  } else {
    const [named] = await context.reader.all<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM commit_files WHERE current = ?) AS found`, [path]);
    if (named?.found) return path;
  }
  const [known] = await knownFiles(context, [path]);
  return known!;
}

/** The co-change facts of one graph generation, by name at HEAD. */
interface HistoryFacts {
  /** name -> the commits of at most BULK_COMMIT_FILES files that changed it. */
  commitsOf: Map<string, string[]>;
  /** sha -> the names its commit changed (commits of at most BULK_COMMIT_FILES files only). */
  filesOf: Map<string, string[]>;
  /** name -> how many larger commits changed it. */
  bulk: Map<string, number>;
  /** Names whose latest change in the history is their deletion. */
  gone: Set<string>;
  /** Every name the history has. */
  named: Set<string>;
  note: string | null;
}

// Per snapshot, so per graph generation: a new generation has a new snapshot, and its facts are read again.
const FACTS = new WeakMap<GraphSnapshot, Promise<HistoryFacts>>();

function historyOf(snapshot: GraphSnapshot, reader: GraphReader): Promise<HistoryFacts> {
  let facts = FACTS.get(snapshot);
  if (!facts) {
    facts = readHistoryFacts(reader);
    FACTS.set(snapshot, facts);
    // A failed read is not kept: the next question tries again.
    facts.catch(() => FACTS.delete(snapshot));
  }
  return facts;
}

async function readHistoryFacts(reader: GraphReader): Promise<HistoryFacts> {
  const [rows, note] = await Promise.all([
    reader.all<{ path: string; shas: string[]; bulk: number; gone: boolean }>(
      `SELECT f.current AS path,
              coalesce(list(DISTINCT f.sha) FILTER (WHERE c.files_changed <= ${BULK_COMMIT_FILES}), []::VARCHAR[]) AS shas,
              count(DISTINCT f.sha) FILTER (WHERE c.files_changed > ${BULK_COMMIT_FILES}) AS bulk,
              arg_max(f.status, f.seq) = 'deleted' AS gone
       FROM commit_files f JOIN commits c ON c.sha = f.sha
       GROUP BY f.current`,
    ),
    readHistoryNote(reader),
  ]);
  const facts: HistoryFacts = { commitsOf: new Map(), filesOf: new Map(), bulk: new Map(), gone: new Set(), named: new Set(), note };
  for (const row of rows) {
    facts.named.add(row.path);
    if (row.gone) facts.gone.add(row.path);
    if (row.bulk > 0) facts.bulk.set(row.path, row.bulk);
    facts.commitsOf.set(row.path, row.shas);
    for (const sha of row.shas) {
      const names = facts.filesOf.get(sha);
      if (names) names.push(row.path);
      else facts.filesOf.set(sha, [row.path]);
    }
  }
  return facts;
}

/** coChangePartners over the facts in memory: the same partners, in the same order, as its SQL. */
function partnersInMemory(facts: HistoryFacts, files: readonly string[], options: PartnerOptions): { partners: CoChangePartner[]; total: number } {
  const asked = new Set(files);
  const excluded = new Set(options.exclude ?? []);
  const minSupport = options.minSupport ?? 1;
  const minConfidence = options.minConfidence ?? 0;
  const best = new Map<string, CoChangePartner>();
  for (const file of asked) {
    const commits = facts.commitsOf.get(file) ?? [];
    const support = new Map<string, number>();
    for (const sha of commits) {
      for (const name of facts.filesOf.get(sha) ?? []) if (!asked.has(name)) support.set(name, (support.get(name) ?? 0) + 1);
    }
    for (const [path, n] of support) {
      const confidence = n / commits.length;
      if (n < minSupport || confidence < minConfidence || facts.gone.has(path) || excluded.has(path)) continue;
      const partner = { path, support: n, confidence, with: file };
      const held = best.get(path);
      if (!held || byStrength(partner, held) < 0 || (byStrength(partner, held) === 0 && compare(file, held.with) < 0)) best.set(path, partner);
    }
  }
  const ranked = [...best.values()].sort((a, b) => byStrength(a, b) || compare(a.path, b.path));
  return { partners: ranked.slice(0, options.limit), total: ranked.length };
}

/** Stronger first: more support, then more confidence. */
function byStrength(a: CoChangePartner, b: CoChangePartner): number {
  return b.support - a.support || b.confidence - a.confidence;
}
