// Renders the slots as one markdown prompt section within a token budget: higher-priority slots first, each item
// whole or shortened at a sentence or line boundary, lower-priority items and slots dropped, nothing said twice.

import { SLOT_NAMES, type SlotName, type WorkflowContextSlots } from './schema.js';
import { estimateTokens, shortenToTokens, tokenWeight, wellFormed } from './text.js';

export interface RenderedSlot {
  included: boolean;
  /** Items the slot held. */
  items: number;
  itemsIncluded: number;
  shortened: boolean;
  bytes: number;
  tokens: number;
  /** Why it is not in whole; null when it is. */
  reason: string | null;
}

export interface Rendered {
  text: string;
  slots: Record<SlotName, RenderedSlot>;
}

interface Item {
  /** What the item is about (a convention id, a session id): one mention per render. */
  key: string;
  /** Normalized content, so two documents with the same text are not both given. */
  content: string;
  text: string;
}

interface Draft {
  slot: SlotName;
  title: string;
  items: Item[];
  separator: string;
}

// Less room than this left for an item is not worth a shortened stub.
const MIN_ITEM_TOKENS = 8;
// A prior note's recap is a snippet, not the whole record.
const RECAP_TOKENS = 200;
const SECTION_GAP = '\n\n';

export function renderSlots(slots: WorkflowContextSlots, budgetTokens: number): Rendered {
  const drafts = draftSections(slots);
  const stats = {} as Record<SlotName, RenderedSlot>;
  const seenKeys = new Set<string>();
  const seenContent = new Set<string>();
  let used = 0;
  let text = '';
  for (const draft of drafts) {
    const stat: RenderedSlot = { included: false, items: draft.items.length, itemsIncluded: 0, shortened: false, bytes: 0, tokens: 0, reason: null };
    stats[draft.slot] = stat;
    if (draft.items.length === 0) {
      stat.reason = 'nothing to include';
      continue;
    }
    const gap = text === '' ? '' : SECTION_GAP;
    const heading = `## ${draft.title}\n`;
    let weight = tokenWeight(gap) + tokenWeight(heading);
    const kept: string[] = [];
    let duplicates = 0;
    let cut = false;
    for (const item of draft.items) {
      if (seenKeys.has(item.key) || seenContent.has(item.content)) {
        duplicates++;
        continue;
      }
      const glue = kept.length > 0 ? tokenWeight(draft.separator) : 0;
      const room = budgetTokens - used - weight - glue;
      const cost = tokenWeight(item.text);
      let chosen: string | null = cost <= room ? item.text : null;
      if (chosen === null && room >= MIN_ITEM_TOKENS) {
        chosen = shortenToTokens(item.text, Math.floor(room));
        if (chosen !== null) stat.shortened = true;
      }
      if (chosen === null) {
        cut = true;
        break;
      }
      kept.push(chosen);
      weight += glue + tokenWeight(chosen);
      seenKeys.add(item.key);
      seenContent.add(item.content);
      if (chosen !== item.text) {
        cut = true;
        break;
      }
    }
    if (kept.length === 0) {
      stat.reason = duplicates === draft.items.length ? 'everything in it was already given' : 'no room in the token budget';
      continue;
    }
    const body = heading + kept.join(draft.separator);
    text += gap + body;
    used += weight;
    stat.included = true;
    stat.itemsIncluded = kept.length;
    stat.shortened ||= cut;
    stat.bytes = Buffer.byteLength(body, 'utf8');
    stat.tokens = estimateTokens(body);
    const left = draft.items.length - kept.length - duplicates;
    const notes = [
      left > 0 ? `${left} of ${draft.items.length} item(s) left out for the token budget` : null,
      stat.shortened && left === 0 ? 'shortened for the token budget' : null,
      duplicates > 0 ? `${duplicates} duplicate(s) left out` : null,
    ].filter((note) => note !== null);
    stat.reason = notes.length > 0 ? notes.join('; ') : null;
  }
  for (const slot of SLOT_NAMES) stats[slot] ??= { included: false, items: 0, itemsIncluded: 0, shortened: false, bytes: 0, tokens: 0, reason: 'nothing to include' };
  return { text, slots: stats };
}

function draftSections(slots: WorkflowContextSlots): Draft[] {
  const drafts: Record<SlotName, Draft> = {
    coordinatorSummary: {
      slot: 'coordinatorSummary',
      title: 'Summary from the coordinator',
      separator: '\n',
      items: present(slots.coordinatorSummary).map((summary) => item('summary', summary, summary)),
    },
    conventions: {
      slot: 'conventions',
      title: 'Workspace conventions that apply',
      separator: SECTION_GAP,
      items: slots.conventions
        .filter((c) => c.body.trim() !== '')
        .map((c) => {
          const where = `${c.source}${c.headingPath ? ` § ${c.headingPath}` : ''}${c.scope ? ` (applies to ${c.scope}/)` : ''}`;
          return item(`convention:${c.id}`, c.body, `### ${where}\n${c.body.trim()}`);
        }),
    },
    fileFacts: {
      slot: 'fileFacts',
      title: 'What the knowledge graph says about the files in the goal',
      separator: '\n',
      items: slots.fileFacts.map((f) => item(`file:${f.path}`, `file:${f.path}`, describeFile(f))),
    },
    likelyFiles: {
      slot: 'likelyFiles',
      title: 'Files likely involved (from the knowledge graph, not yet read)',
      separator: '\n',
      items: slots.likelyFiles.map((f) => item(`likely:${f.path}`, `likely:${f.path}`, `- ${f.path}: ${f.why}`)),
    },
    priorNotes: {
      slot: 'priorNotes',
      title: 'Prior sessions on this workspace (newest first)',
      separator: '\n',
      items: slots.priorNotes.map((n) => {
        const recap = n.recap ? shortenToTokens(oneLine(n.recap), RECAP_TOKENS) : null;
        const head = `- ${day(n.endedAt)} ${n.title ? oneLine(n.title) : '(untitled)'}${n.branch ? ` [${n.branch}]` : ''} (session ${n.id})`;
        return item(`session:${n.id}`, `session:${n.id}`, recap ? `${head}: ${recap}` : head);
      }),
    },
    gitDiffStat: {
      slot: 'gitDiffStat',
      title: 'Changes in the last commit (git diff HEAD~1 --stat)',
      separator: '\n',
      items: present(slots.gitDiffStat).map((stat) => item('git-diff-stat', stat, summaryFirst(stat))),
    },
  };
  return SLOT_NAMES.map((slot) => drafts[slot]);
}

function item(key: string, content: string, text: string): Item {
  return { key, content: content.replace(/\s+/g, ' ').trim().toLowerCase(), text: wellFormed(text) };
}

function present(text: string | null): string[] {
  return text !== null && text.trim() !== '' ? [text.trim()] : [];
}

function describeFile(f: WorkflowContextSlots['fileFacts'][number]): string {
  const parts: string[] = [];
  const more = (shown: number, total: number) => (total > shown ? `, +${total - shown} more` : '');
  parts.push(
    f.importersTotal === 0
      ? 'no file imports it'
      : `imported by ${f.importersTotal} file(s) (${f.importers.join(', ')}${more(f.importers.length, f.importersTotal)})`,
  );
  if (f.impactTotal !== null) {
    const tests = f.tests.slice(0, 5);
    parts.push(
      `a change reaches ${f.impactTotal} file(s)` +
        (f.tests.length > 0 ? `, ${f.tests.length} of them tests (${tests.join(', ')}${more(tests.length, f.tests.length)})` : ', no tests'),
    );
  }
  if (f.sessions.length > 0) {
    parts.push(`changed by ${f.sessions.map((s) => `session ${s.id} "${s.title ? oneLine(s.title) : 'untitled'}" (${day(s.endedAt)}, ${s.change})`).join('; ')}`);
  }
  return `- ${f.path}: ${parts.join('; ')}`;
}

// git prints the totals last; under a tight budget they matter most.
function summaryFirst(stat: string): string {
  const lines = stat.split('\n').filter((line) => line.trim() !== '');
  const total = lines.length > 1 && /files? changed/.test(lines[lines.length - 1]!) ? [lines.pop()!] : [];
  return [...total, ...lines].map((line) => `    ${line.trim()}`).join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'undated';
}
