// The operator console's benchmark: page loads in Debian's chromium (playwright-core) against a running `kg serve`
// that holds the effect corpus with an agent history of 2,000 sessions: the first page as an operator opens it, then
// each page again and again, timed from navigation to the load event (the File page to its graph drawn).

import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeScriptedSession } from '../tests/fixtures/agent-sessions.js';
import { generateDataDir } from '../tests/fixtures/datadir/generate.js';
import { CHROMIUM, launchChromium } from '../tests/support/browser.js';
import type { Corpus } from './corpora.js';
import { median } from './measure.js';
import { reindexThrough, startServe } from './serve.js';

export interface PageLoad {
  page: string;
  /** The first load of the page in a fresh browser. */
  firstMs: number;
  p50Ms: number;
  maxMs: number;
  loads: number;
  /** The server's part: the page's HTML fetched alone (no browser, no assets), median. */
  serverP50Ms: number;
}

export interface ConsoleFigures {
  corpus: string;
  sessions: number;
  files: number;
  pages: PageLoad[];
  targetFirstPageMs: number;
}

// Enough that the workspace holds 2,000 (the generator gives some sessions to no workspace, or leaves them out).
const SESSIONS = 2150;
const RECORDED_CONTEXTS = 200;
export const CONSOLE_TARGET_MS = 1000;

export async function benchConsole(corpus: Corpus, runs: number): Promise<ConsoleFigures | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `no chromium at ${CHROMIUM} (tests/support/ensure-chromium.sh installs it)` };
  const dir = mkdtempSync(join(tmpdir(), 'kg-bench-console-'));
  const history = generateDataDir({ seed: 9, dir: join(dir, 'history'), sessions: SESSIONS, workspaces: 1, malformed: false, git: false });
  const workspace = history.workspaces[0]!;
  // The effect corpus is the workspace's code; the generated sessions worked on it.
  cpSync(corpus.root, workspace, { recursive: true });
  const sessions = history.sessions.filter((s) => s.workspace === 0 && s.present);
  for (const s of sessions.slice(0, RECORDED_CONTEXTS)) {
    writeScriptedSession(history.dataDir, {
      id: s.id,
      workspace,
      goal: s.goal ?? 'work on the stream module',
      slots: [
        { slot: 'fileFacts', items: [{ key: 'file:packages/effect/src/Stream.ts', text: '- packages/effect/src/Stream.ts: imported by many files' }] },
        { slot: 'priorNotes', items: [{ key: `session:${s.id}`, text: `- an earlier session: ${s.recap ?? 'no recap'}` }] },
      ],
      turns: [{ text: 'Starting in packages/effect/src/Stream.ts.' }, { text: 'Done.' }],
    });
  }
  const server = await startServe(history.dataDir, dir);
  const browser = await launchChromium();
  try {
    await reindexThrough(server.url, { workspace, full: true });
    const status = (await (await fetch(`${server.url}/v1/status?workspace=${encodeURIComponent(workspace)}`)).json()) as { tables: Record<string, number> };
    const files = status.tables.files ?? 0;
    const hot = (await (
      await fetch(`${server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace, intent: { kind: 'hotspots', limit: 1 } }) })
    ).json()) as { items: { path: string }[] };
    const runId = history.runs.find((r) => r.workspace === 0)?.id;
    const q = (path: string, query: Record<string, string | number>) => `${server.url}${path}?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
    const pages: { name: string; url: string; ready?: string }[] = [
      { name: 'Workspaces (/console)', url: `${server.url}/console` },
      { name: 'Sessions, page 1', url: q('/console/sessions', { workspace }) },
      { name: 'Sessions, page 30', url: q('/console/sessions', { workspace, page: 30 }) },
      { name: 'Sessions, filtered', url: q('/console/sessions', { workspace, status: 'completed', type: 'session' }) },
      { name: 'Session (with its context)', url: q('/console/session', { workspace, id: sessions[0]!.id }) },
      { name: `File (${hot.items[0]!.path}, depth 2)`, url: q('/console/file', { workspace, path: hot.items[0]!.path, depth: 2 }), ready: '#graph[data-ready="true"]' },
      ...(runId ? [{ name: 'Pipeline run', url: q('/console/run', { workspace, id: runId }) }] : []),
      { name: 'Hotspots and cycles', url: q('/console/hotspots', { workspace }) },
      { name: 'Enrich playground', url: q('/console/enrich', { workspace, goal: `fix the stream retry in ${hot.items[0]!.path}`, budget: 2000 }) },
    ];
    const loads = Math.max(5, runs * 5);
    const figures: PageLoad[] = [];
    for (const p of pages) {
      // A fresh browser context per page: its first load fetches the assets too.
      const context = await browser.newContext();
      const page = await context.newPage();
      const first = await timedLoad(page, p.url, p.ready);
      const times: number[] = [];
      for (let k = 0; k < loads; k++) times.push(await timedLoad(page, p.url, p.ready));
      await context.close();
      const server: number[] = [];
      for (let k = 0; k < loads; k++) {
        const begun = performance.now();
        await (await fetch(p.url)).text();
        server.push(performance.now() - begun);
      }
      figures.push({ page: p.name, firstMs: first, p50Ms: median(times), maxMs: Math.max(...times), loads, serverP50Ms: median(server) });
    }
    return { corpus: corpus.spec.name, sessions: status.tables.sessions ?? 0, files, pages: figures, targetFirstPageMs: CONSOLE_TARGET_MS };
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timedLoad(page: Page, url: string, ready?: string): Promise<number> {
  const begun = performance.now();
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || response.status() !== 200) throw new Error(`${url}: ${response?.status() ?? 'no response'}`);
  if (ready) await page.locator(ready).waitFor();
  return performance.now() - begun;
}

export function formatConsole(figures: ConsoleFigures | { skipped: string }): string {
  if ('skipped' in figures) return `console: skipped (${figures.skipped})`;
  const first = figures.pages[0]!;
  const worst = Math.max(...figures.pages.map((p) => Math.max(p.firstMs, p.maxMs)));
  return [
    `## The console in chromium (${figures.corpus}, ${figures.files} files, ${figures.sessions} sessions)`,
    '',
    '| page | first load ms | p50 ms | max ms | loads | server p50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...figures.pages.map((p) => `| ${p.page} | ${p.firstMs.toFixed(0)} | ${p.p50Ms.toFixed(0)} | ${p.maxMs.toFixed(0)} | ${p.loads} | ${p.serverP50Ms.toFixed(0)} |`),
    '',
    `first page ${first.firstMs.toFixed(0)} ms (target < ${figures.targetFirstPageMs}: ${first.firstMs < figures.targetFirstPageMs ? 'met' : 'NOT met'}); slowest load of any page ${worst.toFixed(0)} ms`,
  ].join('\n');
}
