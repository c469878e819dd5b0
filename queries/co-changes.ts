// co_changes: the files that usually change in the same commit as a file, from the git history in the graph.

import { z } from 'zod';
import { answerSchema, freshnessOf, type QueryContext } from './answer.js';
import { BULK_COMMIT_FILES, coChangePartners, commitsOf, historyNote, knownHistoryFile } from './git-history.js';
import type { IntentOf } from './intents.js';
import { renderList } from './render.js';
import { walkImports } from './walk.js';

const DEFAULT_PARTNERS = 10;

export const coChangeItemSchema = z.object({
  path: z.string().describe('The partner, as named at HEAD.'),
  support: z.number().int().describe('Commits (of at most 30 files) that changed both.'),
  confidence: z.number().describe("support / the commits (of at most 30 files) that changed FILE: the share of FILE's commits that changed the partner too."),
  importLinked: z.boolean().describe('Whether an import path links the two, in either direction.'),
});
export type CoChangeItem = z.infer<typeof coChangeItemSchema>;

export const coChangesAnswerSchema = answerSchema('co_changes', coChangeItemSchema).extend({
  file: z.string().describe('FILE as the graph names it (its name at HEAD).'),
  commits: z.number().int().describe('The commits of at most 30 files that changed FILE: what support and confidence count from.'),
  bulkCommits: z.number().int().describe('Commits of more than 30 files that changed FILE, left out.'),
  note: z.string().nullable().describe('Why there is no or only part of the git history, when so.'),
});
export type CoChangesAnswer = z.infer<typeof coChangesAnswerSchema>;

export async function coChanges(context: QueryContext, intent: IntentOf<'co_changes'>): Promise<CoChangesAnswer> {
  const file = await knownHistoryFile(context, intent.file);
  const limit = intent.limit ?? DEFAULT_PARTNERS;
  // Independent reads: with several read connections they run in parallel.
  const [{ partners, total }, counts, note] = await Promise.all([coChangePartners(context, [file], { limit }), commitsOf(context, file), historyNote(context)]);
  // Without a snapshot a walk is a SQL round per hop: only when there is a partner to tell about.
  const linked = partners.length > 0 ? await importNeighbourhood(context, file) : new Set<string>();
  const items = partners.map(({ path, support, confidence }) => ({ path, support, confidence, importLinked: linked.has(path) }));
  const truncated = total > items.length;
  const header =
    counts.considered === 0
      ? `no commits of at most ${BULK_COMMIT_FILES} files changed ${file}${note ? ` (${note})` : ''}`
      : `${total} file(s) changed together with ${file} in its ${counts.considered} commit(s) of at most ${BULK_COMMIT_FILES} files` +
        (counts.bulk > 0 ? ` (${counts.bulk} larger commit(s) ignored)` : '') +
        (note ? `; ${note}` : '');
  return {
    kind: 'co_changes',
    items,
    total,
    truncated,
    file,
    commits: counts.considered,
    bulkCommits: counts.bulk,
    note,
    text: renderList(header, items.map(describePartner), truncated),
    freshness: await freshnessOf(context, [file]),
  };
}

function describePartner(item: CoChangeItem): string {
  return `${item.path}  ${item.support} commit(s), ${Math.round(item.confidence * 100)}%${item.importLinked ? ' [import-linked]' : ''}`;
}

/** Every file an import path links to `file`: what it imports, transitively, and what transitively imports it. */
async function importNeighbourhood(context: QueryContext, file: string): Promise<Set<string>> {
  const [importers, dependencies] = await Promise.all([
    walkImports(context, [file], 'importers', 100),
    walkImports(context, [file], 'dependencies', 100),
  ]);
  return new Set([...importers.keys(), ...dependencies.keys()]);
}
