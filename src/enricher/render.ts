// Renders the slots as one markdown prompt section within a token budget: each slot with content gets a fair share
// first, the room left goes to the higher-priority slots, each item whole or shortened at a sentence or line boundary,
// and nothing is said twice.

import { SLOT_NAMES, type FileFact, type SlotName, type WorkflowContextSlots } from './schema.js';
import { ELLIPSIS, estimateTokens, shortenToTokens, tokenWeight, wellFormed } from './text.js';

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
  /** Its section as rendered (heading included); null when not included. */
  text: string | null;
  /** Each item as it went in (whole or shortened), with what it is about. */
  given: { key: string; text: string }[];
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

/** A slot's section as it is being filled; filling continues where it stopped when more room comes. */
interface Section {
  draft: Draft;
  /** Its heading and, unless no earlier slot has anything, the gap before it: paid with its first item. */
  overhead: number;
  /** The weight of the whole section, without what earlier slots hold word for word. */
  need: number;
  kept: string[];
  keptItems: Item[];
  /** The next item to try. */
  next: number;
  /** Token weight taken: 0 while nothing is kept, else the overhead, the items and the separators between them. */
  weight: number;
  duplicates: number;
  /** Whether its last kept item is a shortened one (taken back and given again when more room comes). */
  lastShortened: boolean;
}

interface Given {
  keys: Set<string>;
  content: Set<string>;
}

const EMPTY_SLOT: RenderedSlot = { included: false, items: 0, itemsIncluded: 0, shortened: false, bytes: 0, tokens: 0, reason: 'nothing to include', text: null, given: [] };

// Less room than this left for an item is not worth a shortened stub.
const MIN_ITEM_TOKENS = 8;
// A prior note's recap is a snippet, not the whole record; so is a likely file's why (a guess, with its facts after).
const RECAP_TOKENS = 200;
const LIKELY_WHY_TOKENS = 40;
const SECTION_GAP = '\n\n';

// Each slot's weight in the fair shares. Conventions are the rules the session must follow and file facts what the
// graph knows of the files in the goal; the rest is a lead to follow up, not something to obey.
const SHARE_WEIGHTS: Record<Exclude<SlotName, 'coordinatorSummary'>, number> = {
  conventions: 0.35,
  fileFacts: 0.25,
  likelyFiles: 0.15,
  priorNotes: 0.15,
  gitDiffStat: 0.1,
};
// The coordinator's summary is its explicit word: first claim, but not on the whole budget while others have content.
const SUMMARY_SHARE = 0.5;
// What the summary's heading and the gap before the next section cost, with room to spare.
const SUMMARY_HEADING_TOKENS = 16;

/** The least budget, at or above `base`, whose summary share holds `summary` whole (so it is never shortened). */
export function budgetForSummary(summary: string, base: number): number {
  return Math.max(base, Math.ceil((estimateTokens(summary) + SUMMARY_HEADING_TOKENS) / SUMMARY_SHARE));
}

/**
 * The sections in slot order, within `budgetTokens`. Priority alone let one large slot (a 60-section AGENTS.md) take
 * the whole budget, so the budget is dealt in two passes, in priority order:
 *
 * 1. Each slot with content gets a share and fills it item by item. The coordinator's summary first, up to half the
 *    budget; the others split what remains by SHARE_WEIGHTS, progressively: a slot needing less than its share takes
 *    what it needs and its surplus is split among the rest by the same weights (an empty slot is the case of needing
 *    nothing). That hands surplus to every slot still wanting room, where giving it in priority order would give it
 *    all to the conventions again. A slot that cannot show even its first item within its share gives that one item
 *    (whole, or shortened to what is left) from the room of the lower-priority slots; one that cannot show it even so
 *    is left out with every slot after it, so a slot never loses to a lower-priority one.
 * 2. The room still left (what a share could not use because its next item did not fit, what the summary was held
 *    back from) goes, in priority order, to the slots that were cut, each continuing where it stopped; a shortened
 *    item is given again in the larger room.
 *
 * The room is counted in `tokenWeight`s, which add up, so the text's `estimateTokens` never exceeds the budget.
 */
export function renderSlots(slots: WorkflowContextSlots, budgetTokens: number): Rendered {
  const sections = planSections(draftSections(slots));
  const given: Given = { keys: new Set(), content: new Set() };
  let used = 0;
  // The first slot left out for room: every later one is left out too, so a slot never loses to a lower one.
  let stop = sections.length;
  sections.forEach((section, index) => {
    if (section.draft.items.length === 0) return;
    const left = index > stop ? 0 : budgetTokens - used;
    const share = section.draft.slot === 'coordinatorSummary' ? Math.min(section.need, SUMMARY_SHARE * budgetTokens) : fairShare(sections, index, left);
    fill(section, Math.min(share, left), given);
    if (section.kept.length === 0 && section.next < section.draft.items.length) fill(section, left, given, 1);
    if (section.kept.length === 0 && section.next < section.draft.items.length) stop = Math.min(stop, index);
    used += section.weight;
  });
  for (const section of sections.slice(0, stop)) {
    if (!isCut(section)) continue;
    const before = section.weight;
    fill(section, before + (budgetTokens - used), given);
    used += section.weight - before;
  }

  const stats = {} as Record<SlotName, RenderedSlot>;
  const bodies: string[] = [];
  for (const { draft, kept, keptItems, duplicates, next, lastShortened } of sections) {
    const stat: RenderedSlot = { ...EMPTY_SLOT, items: draft.items.length, reason: null, given: [] };
    stats[draft.slot] = stat;
    if (draft.items.length === 0) {
      stat.reason = 'nothing to include';
      continue;
    }
    if (kept.length === 0) {
      stat.reason = duplicates === draft.items.length ? 'everything in it was already given' : 'no room in the token budget';
      continue;
    }
    const body = `## ${draft.title}\n${kept.join(draft.separator)}`;
    bodies.push(body);
    stat.included = true;
    stat.text = body;
    stat.given = kept.map((text, k) => ({ key: keptItems[k]!.key, text }));
    stat.itemsIncluded = kept.length;
    stat.shortened = lastShortened || next < draft.items.length;
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
  for (const slot of SLOT_NAMES) stats[slot] ??= { ...EMPTY_SLOT, given: [] };
  return { text: bodies.join(SECTION_GAP), slots: stats };
}

/** Each draft as an empty section, with what it would take in whole (items an earlier slot holds word for word left out). */
function planSections(drafts: readonly Draft[]): Section[] {
  const planned: Given = { keys: new Set(), content: new Set() };
  let earlier = false;
  return drafts.map((draft) => {
    // The gap is charged to every section after the first with content, even when that one ends up left out: a
    // quarter token or so too much, never too little.
    const overhead = tokenWeight(`## ${draft.title}\n`) + (earlier ? tokenWeight(SECTION_GAP) : 0);
    earlier ||= draft.items.length > 0;
    let need = 0;
    for (const item of draft.items) {
      if (planned.keys.has(item.key) || planned.content.has(item.content)) continue;
      need += (need === 0 ? overhead : tokenWeight(draft.separator)) + tokenWeight(item.text);
      planned.keys.add(item.key);
      planned.content.add(item.content);
    }
    return { draft, overhead, need, kept: [], keptItems: [], next: 0, weight: 0, duplicates: 0, lastShortened: false };
  });
}

/**
 * The share of `sections[index]` in `room`, split with the later slots that have content by SHARE_WEIGHTS, by
 * progressive filling: those needing less than their share take their need, the rest split what remains.
 */
function fairShare(sections: readonly Section[], index: number, room: number): number {
  const target = sections[index]!;
  let open = sections.slice(index).filter((s) => s.draft.items.length > 0 && s.draft.slot !== 'coordinatorSummary');
  let left = room;
  for (;;) {
    const total = open.reduce((sum, s) => sum + weightOf(s), 0);
    const satisfied = open.filter((s) => s.need <= (left * weightOf(s)) / total);
    if (satisfied.includes(target)) return target.need;
    if (satisfied.length === 0) return (left * weightOf(target)) / total;
    left -= satisfied.reduce((sum, s) => sum + s.need, 0);
    open = open.filter((s) => !satisfied.includes(s));
  }
}

function weightOf(section: Section): number {
  return SHARE_WEIGHTS[section.draft.slot as keyof typeof SHARE_WEIGHTS];
}

function isCut(section: Section): boolean {
  return section.lastShortened || section.next < section.draft.items.length;
}

/**
 * Fills `section` on from where it stopped, up to `limit` token weight in all (at most `maxNew` more items): items
 * already given are skipped, the next whole if it fits, else shortened if the room is worth it, else it stops there.
 */
function fill(section: Section, limit: number, given: Given, maxNew = Infinity): void {
  const { draft } = section;
  const glue = tokenWeight(draft.separator);
  // A shortened item is taken back and given again in the larger room; kept as it was if that gives no more of it
  // (the larger room may still be under MIN_ITEM_TOKENS).
  let retaken: string | null = null;
  if (section.lastShortened) {
    if (limit <= section.weight) return;
    const item = section.keptItems.pop()!;
    retaken = section.kept.pop()!;
    section.next--;
    section.weight = section.kept.length === 0 ? 0 : section.weight - glue - tokenWeight(retaken);
    section.lastShortened = false;
    given.keys.delete(item.key);
    given.content.delete(item.content);
  }
  for (let added = 0; section.next < draft.items.length && added < maxNew; section.next++) {
    const item = draft.items[section.next]!;
    if (given.keys.has(item.key) || given.content.has(item.content)) {
      section.duplicates++;
      continue;
    }
    const extra = section.kept.length === 0 ? section.overhead : glue;
    const room = limit - section.weight - extra;
    let chosen: string | null = tokenWeight(item.text) <= room ? item.text : null;
    if (chosen === null && room >= MIN_ITEM_TOKENS) chosen = shortenToTokens(item.text, Math.floor(room));
    if (retaken !== null) {
      if (chosen === null || tokenWeight(chosen) < tokenWeight(retaken)) chosen = retaken;
      retaken = null;
    }
    if (chosen === null) return;
    section.kept.push(chosen);
    section.keptItems.push(item);
    section.weight += extra + tokenWeight(chosen);
    given.keys.add(item.key);
    given.content.add(item.content);
    added++;
    if (chosen !== item.text) {
      section.lastShortened = true;
      section.next++;
      return;
    }
  }
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
      items: slots.fileFacts.map((f) => item(`file:${f.path}`, `file:${f.path}`, `- ${f.path}: ${describeFacts(f, NAMED_FILE)}`)),
    },
    likelyFiles: {
      slot: 'likelyFiles',
      title: 'Files likely involved (from the knowledge graph, not yet read)',
      separator: '\n',
      // Keyed as a file of the goal is: a file the goal names is not given again as a likely one.
      items: slots.likelyFiles.map((f) => {
        const why = shortenToTokens(oneLine(f.why), LIKELY_WHY_TOKENS) ?? ELLIPSIS;
        return item(`file:${f.path}`, `file:${f.path}`, `- ${f.path}: ${why}${f.facts ? `\n  ${describeFacts(f.facts, LIKELY_FILE)}` : ''}`);
      }),
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

/** How much of a file's facts to show: a file of the goal in full, a likely one (a guess) in one short line. */
interface FactsShown {
  importers: number;
  tests: number;
  sessions: number;
  /** Token budget of each session title, or null for the whole title. */
  titleTokens: number | null;
}
const NAMED_FILE: FactsShown = { importers: Infinity, tests: 5, sessions: Infinity, titleTokens: null };
const LIKELY_FILE: FactsShown = { importers: 2, tests: 2, sessions: 1, titleTokens: 10 };

function describeFacts(f: FileFact, shown: FactsShown): string {
  const parts: string[] = [];
  const more = (count: number, total: number) => (total > count ? `, +${total - count} more` : '');
  const importers = f.importers.slice(0, shown.importers);
  parts.push(
    f.importersTotal === 0
      ? 'no file imports it'
      : `imported by ${f.importersTotal} file(s) (${importers.join(', ')}${more(importers.length, f.importersTotal)})`,
  );
  if (f.impactTotal !== null) {
    const tests = f.tests.slice(0, shown.tests);
    parts.push(
      `a change reaches ${f.impactTotal} file(s)` +
        (f.tests.length > 0 ? `, ${f.tests.length} of them tests (${tests.join(', ')}${more(tests.length, f.tests.length)})` : ', no tests'),
    );
  }
  if (f.sessions.length > 0) {
    const title = (s: FileFact['sessions'][number]) => {
      const whole = s.title ? oneLine(s.title) : 'untitled';
      return shown.titleTokens === null ? whole : (shortenToTokens(whole, shown.titleTokens) ?? ELLIPSIS);
    };
    const sessions = f.sessions.slice(0, shown.sessions);
    parts.push(
      `changed by ${sessions.map((s) => `session ${s.id} "${title(s)}" (${day(s.endedAt)}, ${s.change})`).join('; ')}` +
        (f.sessions.length > sessions.length ? ` and ${f.sessions.length - sessions.length} more session(s)` : ''),
    );
  }
  return parts.join('; ');
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
