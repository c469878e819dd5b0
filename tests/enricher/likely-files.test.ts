// The "files likely involved" slot against real graphs: for a goal that names no path, the files `related` ranks best,
// each with the facts a named file gets (importers, what a change reaches and its tests, the sessions that changed
// it), rendered one short line of why and one of facts within the budget; a deadline that passes while the facts are
// asked leaves the paths; missing fact kinds leave the facts out, not the slot; a file the goal names is never also
// a likely one.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrichContext, type EnrichEnvironment } from '../../src/enricher/enrich.js';
import { renderSlots } from '../../src/enricher/render.js';
import type { EnrichResult, FileFact, WorkflowContextSlots } from '../../src/enricher/schema.js';
import { estimateTokens } from '../../src/enricher/text.js';
import { enrich } from '../../src/enrich.js';
import { indexWorkspace, openGraph, type Graph } from '../../src/api.js';
import { generateDataDir } from '../fixtures/datadir/generate.js';
import { GitRepo } from '../support/git-repo.js';
import { tempDir } from '../support/temp.js';

const FACT_KINDS = new Set(['importers', 'impact', 'sessions_touching']);
// Words of the generated workspace's handlers and database client, and of its sessions' goals; no path.
const GOAL = 'make listing the users faster: the handlers connect to the database client for every request';

let workspace: string;
let graph: Graph;
let repo: GitRepo;

beforeAll(async () => {
  const dir = tempDir('kg-likely-');
  process.env.KG_HOME = join(dir, 'kg-home');
  const data = generateDataDir({ seed: 31, dir: join(dir, 'fixture') });
  workspace = data.workspaces[0]!;
  await indexWorkspace(workspace, { dataDir: data.dataDir });
  graph = await openGraph({ workspace });

  // A repository whose three files always change together (and import nothing, once the first commit is rewritten).
  repo = new GitRepo(join(dir, 'ws'));
  repo.commit({
    subject: 'feat: the first files',
    write: {
      'src/shared/clock.ts': 'export const now = () => Date.now();\n',
      'src/webhooks/deliver.ts': "import { now } from '../shared/clock.js';\nexport const deliver = () => now();\n",
      'src/webhooks/queue.ts': 'export const queue: string[] = [];\n',
      'package.json': '{"name":"ws","type":"module"}\n',
    },
  });
  for (const subject of ['fix: timeouts', 'fix: slow endpoints', 'feat: retries']) {
    repo.commit({ subject, write: { 'src/shared/clock.ts': null, 'src/webhooks/deliver.ts': null, 'src/webhooks/queue.ts': null } });
  }
  await indexWorkspace(repo.dir, { dataDir: join(dir, 'no-data') });
});

afterAll(() => {
  graph.close();
  delete process.env.KG_HOME;
});

function slot(result: EnrichResult, name: string) {
  return result.manifest.slots.find((s) => s.slot === name)!;
}

/** The section of `rendered` under `heading`, line by line. */
function section(rendered: string, heading: string): string[] {
  const start = rendered.indexOf(`## ${heading}`);
  if (start < 0) return [];
  const end = rendered.indexOf('\n\n## ', start);
  return rendered.slice(start, end < 0 ? undefined : end).split('\n').slice(1);
}

describe('for a goal that names no path', () => {
  it('gives each likely file the facts the file facts slot gives a named file, and renders them', async () => {
    // A deadline well past what the facts take on a loaded machine: this is about what they say.
    const result = await enrich({ workspace, goal: GOAL, budgetTokens: 4000, deadlineMs: 20_000, record: false });
    expect(result.manifest.goalPaths).toEqual([]);
    const likely = result.slots.likelyFiles;
    expect(likely.length).toBeGreaterThan(1);
    expect(likely.map((f) => f.path)).toContain('src/api/handlers.ts');
    const n = likely.length;
    expect(slot(result, 'likelyFiles')).toMatchObject({ source: 'ok', included: true, items: n, itemsIncluded: n, shortened: false });
    for (const file of likely) {
      // The same facts, word for word, as a goal naming the file gets.
      const named = await enrich({ workspace, goal: `look at ${file.path}`, budgetTokens: 4000, deadlineMs: 20_000, record: false });
      expect(file.facts, file.path).toEqual(named.slots.fileFacts[0]);
    }
    const handlers = likely.find((f) => f.path === 'src/api/handlers.ts')!.facts!;
    expect(handlers).toMatchObject({ importers: ['src/trigger/trigger-router.ts', 'tests/handlers.test.ts'], importersTotal: 2, tests: ['tests/handlers.test.ts'] });
    expect(likely.some((f) => f.facts!.sessions.length > 0)).toBe(true);

    // Each one: a short line of why, then a line of facts.
    const lines = section(result.rendered, 'Files likely involved (from the knowledge graph, not yet read)');
    expect(lines).toHaveLength(2 * likely.length);
    likely.forEach((file, i) => {
      expectWhyLine(lines[2 * i]!, file.path, file.why);
      const facts = lines[2 * i + 1]!;
      expect(facts).toMatch(/^ {2}(imported by \d+ file\(s\) \([^)]+\)|no file imports it); a change reaches \d+ file\(s\)/);
      if (file.facts!.sessions.length > 0) expect(facts).toContain(`changed by session ${file.facts!.sessions[0]!.id} "`);
    });
    expect(lines[2 * likely.findIndex((f) => f.path === 'src/api/handlers.ts') + 1]).toMatch(
      /^ {2}imported by 2 file\(s\) \(src\/trigger\/trigger-router\.ts, tests\/handlers\.test\.ts\); a change reaches \d+ file\(s\), 1 of them tests \(tests\/handlers\.test\.ts\)/,
    );
  });

  it('leaves the paths without facts, not an empty slot, when the deadline passes while the facts are asked', async () => {
    // The graph as it is, its fact kinds answering only after the deadline (a few ms) has passed.
    const slow: EnrichEnvironment['query'] = (intent) =>
      FACT_KINDS.has(intent.kind) ? new Promise((resolve) => setTimeout(resolve, 200)).then(() => graph.query(intent)) : graph.query(intent);
    const related = await enrichContext(
      { root: workspace, query: slow, hasKind: (kind) => !FACT_KINDS.has(kind) },
      { goal: GOAL, budgetTokens: 4000, deadlineMs: 20_000 },
    );
    const expected = related.slots.likelyFiles.map((f) => f.path);
    expect(expected.length).toBeGreaterThan(1);
    // The answer of `related`, given at once, so that a deadline of a few ms passes while the facts are asked.
    const answers = new Map<string, Awaited<ReturnType<EnrichEnvironment['query']>>>();
    const quick: EnrichEnvironment['query'] = async (intent) => {
      if (intent.kind !== 'related') return slow(intent);
      const key = JSON.stringify(intent);
      if (!answers.has(key)) answers.set(key, await graph.query(intent));
      return answers.get(key)!;
    };
    await quick({ kind: 'related', text: GOAL, of: ['file'], limit: 5 });
    const result = await enrichContext({ root: workspace, query: quick }, { goal: GOAL, budgetTokens: 4000, deadlineMs: 5 });
    expect(result.slots.likelyFiles.map((f) => f.path)).toEqual(expected);
    expect(result.slots.likelyFiles.every((f) => f.facts === null)).toBe(true);
    expect(slot(result, 'likelyFiles')).toMatchObject({ source: 'partial', included: true, items: expected.length });
    expect(slot(result, 'likelyFiles').reason).toMatch(/5 ms deadline/);
    const lines = section(result.rendered, 'Files likely involved (from the knowledge graph, not yet read)');
    expect(lines).toHaveLength(expected.length);
    result.slots.likelyFiles.forEach((f, i) => expectWhyLine(lines[i]!, f.path, f.why));
  });

  it('leaves the facts out, not the slot, when the schema lacks a kind they need', async () => {
    const result = await enrichContext(
      { root: workspace, query: (intent) => graph.query(intent), hasKind: (kind) => kind !== 'sessions_touching' },
      { goal: GOAL, budgetTokens: 4000, deadlineMs: 20_000 },
    );
    expect(result.slots.likelyFiles.length).toBeGreaterThan(1);
    expect(result.slots.likelyFiles.every((f) => f.facts === null)).toBe(true);
    expect(slot(result, 'likelyFiles')).toMatchObject({ source: 'ok', included: true });
    expect(slot(result, 'fileFacts')).toMatchObject({ source: 'unavailable' });
  });

  it('stays within every budget, giving up facts before paths', async () => {
    const whole = await enrich({ workspace, goal: GOAL, budgetTokens: 100_000, deadlineMs: 20_000, record: false });
    expect(whole.slots.likelyFiles.every((f) => f.facts !== null)).toBe(true);
    let sawPathsOnly = false;
    for (let budget = 20; budget <= 1200; budget += 20) {
      const rendered = renderSlots(whole.slots, budget);
      expect(estimateTokens(rendered.text), `budget ${budget}`).toBeLessThanOrEqual(budget);
      const stat = rendered.slots.likelyFiles;
      if (!stat.included) continue;
      expect(stat.tokens, `budget ${budget}`).toBeLessThanOrEqual(budget);
      const lines = section(rendered.text, 'Files likely involved (from the knowledge graph, not yet read)');
      // Whole files in rank order, a line of why and one of facts each; the last one cut short keeps its why line first.
      lines.forEach((line, i) => {
        const file = whole.slots.likelyFiles[Math.floor(i / 2)]!;
        if (i % 2 === 0) expect(line.startsWith(`- ${file.path}: `), `budget ${budget}: ${line}`).toBe(true);
        else expect(line.startsWith('  '), `budget ${budget}: ${line}`).toBe(true);
      });
      sawPathsOnly ||= stat.shortened && lines.length % 2 === 1;
    }
    expect(sawPathsOnly).toBe(true);
    // Beside the other slots, the likely files get at least their fair share (or all they need).
    const shared = renderSlots(whole.slots, 1500);
    expect(shared.slots.likelyFiles.included).toBe(true);
    const alone = renderSlots({ ...emptySlots(), likelyFiles: whole.slots.likelyFiles }, 100_000).slots.likelyFiles.tokens;
    expect(shared.slots.likelyFiles.tokens).toBeGreaterThanOrEqual(Math.min(0.15 * 1500, alone));
  });
});

describe('a file the goal names', () => {
  it('is not also a likely file, though it changes with the other named one', async () => {
    const one = await enrich({ workspace: repo.dir, goal: 'speed up src/shared/clock.ts', budgetTokens: 2000, deadlineMs: 20_000, record: false });
    // Co-change partners of a named path come without facts: the named file's own facts come first.
    expect(one.slots.likelyFiles).toEqual([
      { path: 'src/webhooks/deliver.ts', why: 'changed with src/shared/clock.ts in 4 of its 4 commits (100%)', facts: null },
      { path: 'src/webhooks/queue.ts', why: 'changed with src/shared/clock.ts in 4 of its 4 commits (100%)', facts: null },
    ]);
    expect(section(one.rendered, 'Files likely involved (from the knowledge graph, not yet read)')).toEqual([
      '- src/webhooks/deliver.ts: changed with src/shared/clock.ts in 4 of its 4 commits (100%)',
      '- src/webhooks/queue.ts: changed with src/shared/clock.ts in 4 of its 4 commits (100%)',
    ]);

    const goal = 'speed up src/shared/clock.ts and src/webhooks/deliver.ts';
    const both = await enrich({ workspace: repo.dir, goal, budgetTokens: 2000, deadlineMs: 20_000, record: false });
    expect(both.slots.fileFacts.map((f) => f.path)).toEqual(['src/shared/clock.ts', 'src/webhooks/deliver.ts']);
    expect(both.slots.likelyFiles.map((f) => f.path)).toEqual(['src/webhooks/queue.ts']);
    expect(both.rendered.split('- src/webhooks/deliver.ts:')).toHaveLength(2);
  });

  it('is rendered once, with the file facts, when the slots list it in both', () => {
    const fact: FileFact = { path: 'src/a.ts', importers: [], importersTotal: 0, impactTotal: 0, tests: [], sessions: [] };
    const likelyFiles = [
      { path: 'src/a.ts', why: 'text #1: a', facts: fact },
      { path: 'src/b.ts', why: 'text #2: b', facts: null },
    ];
    const rendered = renderSlots({ ...emptySlots(), fileFacts: [fact], likelyFiles }, 1000);
    expect(rendered.text.split('src/a.ts')).toHaveLength(2);
    expect(rendered.text).toContain('- src/b.ts: text #2: b');
    expect(rendered.slots.likelyFiles).toMatchObject({ items: 2, itemsIncluded: 1, reason: '1 duplicate(s) left out' });
  });
});

/** A likely file's first line: its path and its why, whole or shortened to about 40 tokens. */
function expectWhyLine(line: string, path: string, why: string): void {
  const head = `- ${path}: `;
  expect(line.startsWith(head), line).toBe(true);
  const shown = line.slice(head.length);
  if (shown !== why) {
    expect(shown.endsWith(' …'), line).toBe(true);
    expect(why.startsWith(shown.slice(0, -2)), line).toBe(true);
    expect(estimateTokens(shown)).toBeLessThanOrEqual(40);
  }
}

function emptySlots(): WorkflowContextSlots {
  return { coordinatorSummary: null, conventions: [], fileFacts: [], likelyFiles: [], priorNotes: [], gitDiffStat: null };
}
