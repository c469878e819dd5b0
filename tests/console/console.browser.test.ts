// The operator console in a real browser: Debian's chromium driven by playwright-core against a `kg serve` on
// 127.0.0.1 with a generated workspace and data dir. Each page is opened at its own URL, its key facts are read from
// the DOM and checked against what the API answers, a screenshot of each is written to tests/.artifacts/console,
// and the server's token, Host and Origin checks are tried from the browser as a hostile page would.

import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScriptedSession } from '../fixtures/agent-sessions.js';
import { generateDataDir, type GeneratedDataDir } from '../fixtures/datadir/generate.js';
import { ARTIFACTS, launchChromium } from '../support/browser.js';
import { kgRunner } from '../support/kg-process.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { tempDir } from '../support/temp.js';

// Code that page.evaluate runs in the browser: its globals, as this Node-typed file may name them.
declare const window: unknown;
declare const document: { cookie: string; getElementById(id: string): { getBoundingClientRect(): { left: number; top: number }; submit(): void } | null };

const TOKEN = 'console-test-token-0123456789';
const home = tempDir('kg-console-home-');
const kg = kgRunner(home);
let data: GeneratedDataDir;
let workspace: string;
let server: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let sessionId: string;

const api = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
};

const url = (path: string, query: Record<string, string | number> = {}) => {
  const u = new URL(path, server.url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
  return u.toString();
};

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A page with the console's cookie: opened once with ?token=. */
async function consolePage(): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`a page ran script it was given as text: dialog ${dialog.message()}`);
  });
  return page;
}

beforeAll(async () => {
  data = generateDataDir({ seed: 21, dir: join(tempDir('kg-console-'), 'fixture'), sessions: 130, workspaces: 1, malformed: false, runs: 2 });
  workspace = data.workspaces[0]!;
  const env = { WORKRAIL_DATA_DIR: data.dataDir, KG_LOCK_TIMEOUT_MS: '5000' };
  const indexed = await kg(['index', workspace], { env });
  expect(indexed.code, indexed.stderr).toBe(0);
  // One indexed session that kg's runner ran: its context record, with a turn that cites a slot, a later turn that
  // cites another, a slot no turn cites (with markup in it), a shortened slot and a slot that timed out.
  const session = data.sessions.find((s) => s.workspace === 0 && s.present && s.status === 'completed' && s.files !== null && s.files.length > 0 && s.run === null)!;
  sessionId = session.id;
  writeScriptedSession(data.dataDir, {
    id: sessionId,
    workspace,
    goal: session.goal ?? 'Tidy the db client',
    slots: [
      { slot: 'fileFacts', items: [{ key: 'file:src/db/client.ts', text: '- src/db/client.ts: imported by 2 file(s) (src/api/handlers.ts, src/webhooks/deliver.ts)' }], latencyMs: 12 },
      { slot: 'conventions', items: [{ key: 'convention:c1', text: '### AGENTS.md § Testing\nEvery change to the delivery queue needs a regression test beside the webhook signature checks.' }] },
      {
        slot: 'likelyFiles',
        items: [{ key: 'file:src/legacy.ts', text: '- src/legacy.ts: <img src=x onerror="alert(1)"> bm25 rank 1' }],
        shortened: 'left out 2 of 3 items to fit the budget',
      },
    ],
    leftOut: [{ slot: 'priorNotes', source: 'timeout', reason: 'its source ran past the 1000 ms deadline', latencyMs: 1000 }],
    turns: [
      { text: 'The graph says client.ts is imported by the handlers; I will start in src/db/client.ts.' },
      { text: 'Done. I added a regression test beside the webhook signature checks, as the delivery queue rule asks.' },
    ],
  });
  server = await startServe(home, env, ['--token', TOKEN]);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(url('/console', { token: TOKEN }));
  await page.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe('the console pages', () => {
  it('Workspaces: the indexed workspace with its freshness, counts and vector state', async () => {
    const page = await consolePage();
    const response = await page.goto(url('/console'));
    expect(response?.status()).toBe(200);
    const status = await api(`/v1/status?workspace=${encodeURIComponent(workspace)}`);
    const row = page.locator(`#workspaces tr[data-workspace="${workspace}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe(workspace);
    expect(cells[2]).toBe(String(status.gitHead).slice(0, 10));
    expect(Number(cells[4])).toBe((status.tables as Record<string, number>).files);
    expect(Number(cells[6])).toBe((status.tables as Record<string, number>).sessions);
    expect(cells[8]).toContain('off');
    // Its own scripts only, never in a frame.
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    await shot(page, 'workspaces');
    await page.close();
  });

  it("File: the file's importers and dependencies drawn as graph nodes; clicking a node opens that file", async () => {
    const page = await consolePage();
    await page.goto(url('/console/file', { workspace, path: 'src/db/client.ts', depth: 2 }));
    await page.locator('#graph[data-ready="true"]').waitFor();
    const importers = (await api('/v1/query', { workspace, intent: { kind: 'importers', file: 'src/db/client.ts', depth: 2 } })) as { items: { path: string }[] };
    const dependencies = (await api('/v1/query', { workspace, intent: { kind: 'dependencies', file: 'src/db/client.ts' } })) as { items: { path: string }[] };
    const drawn = await page.evaluate(() => {
      const cy = (window as unknown as { kgGraph: { nodes(): { map<T>(f: (n: { id(): string; data(k: string): unknown }) => T): T[] } } }).kgGraph;
      return cy.nodes().map((n) => ({ id: n.id(), role: n.data('role') as string, isTest: n.data('isTest') as boolean }));
    });
    const ids = drawn.map((n) => n.id).sort();
    expect(ids).toEqual(['src/db/client.ts', ...importers.items.map((i) => i.path), ...dependencies.items.map((d) => d.path)].sort());
    expect(drawn.find((n) => n.id === 'src/db/client.ts')?.role).toBe('focus');
    expect(drawn.find((n) => n.id === 'src/api/handlers.ts')?.role).toBe('importer');
    expect(drawn.find((n) => n.id === 'src/db/schema.ts')?.role).toBe('dependency');
    expect(drawn.find((n) => n.id === 'tests/handlers.test.ts')?.isTest).toBe(true);
    expect(await page.locator('#impact-summary').innerText()).toMatch(/reaches \d+ file\(s\), 1 of them tests/);
    expect(await page.locator('#symbols').innerText()).toContain('connect');
    await shot(page, 'file');
    // A click on the node of src/api/handlers.ts opens its page.
    const point = await page.evaluate(() => {
      const cy = (window as unknown as { kgGraph: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } }).kgGraph;
      const box = document.getElementById('graph')!.getBoundingClientRect();
      const p = cy.getElementById('src/api/handlers.ts').renderedPosition();
      return { x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForURL(/path=src%2Fapi%2Fhandlers\.ts/);
    expect(await page.locator('h1').innerText()).toBe('src/api/handlers.ts');
    await page.close();
  });

  it('Sessions: the timeline pages through every session and run, and filters', async () => {
    const page = await consolePage();
    await page.goto(url('/console/sessions', { workspace }));
    const first = await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    const info = await page.locator('#page-info').innerText();
    const total = Number(/(\d+) matching/.exec(info)![1]);
    const indexed = data.sessions.filter((s) => s.workspace === 0 && s.present).length + data.runs.filter((r) => r.workspace === 0).length;
    expect(total).toBe(indexed);
    expect(first).toHaveLength(50);
    expect(info).toContain(`page 1 of ${Math.ceil(total / 50)}`);
    await shot(page, 'sessions');
    await page.getByRole('link', { name: 'older →' }).click();
    await page.waitForURL(/page=2/);
    const second = await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(second).toHaveLength(50);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    // The URL is the page: a reload shows the same rows.
    await page.reload();
    expect(await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(second);
    // A filter: only completed sessions, counted as the API counts them.
    await page.goto(url('/console/sessions', { workspace }));
    await page.locator('select[name="status"]').selectOption('completed');
    await page.locator('select[name="type"]').selectOption('session');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=completed/);
    const statuses = await page.locator('#timeline tbody tr td:nth-child(4)').allInnerTexts();
    expect(new Set(statuses)).toEqual(new Set(['completed']));
    const completed = data.sessions.filter((s) => s.workspace === 0 && s.present && s.status === 'completed').length;
    expect(await page.locator('#page-info').innerText()).toContain(`${completed} matching`);
    await page.close();
  });

  it('Session: every slot in order with its text and size, shortened and left-out slots, and the analyze verdict beside each', async () => {
    const page = await consolePage();
    await page.goto(url('/console/session', { workspace, id: sessionId }));
    const analysis = (await api('/v1/analyze', { workspace, session: sessionId })) as { slots: { slot: string; verdict: string; tokens: number; items: { key: string; evidence: string | null }[] }[] };
    const slots = page.locator('#context article.slot');
    expect(await slots.evaluateAll((els) => els.map((e) => [e.getAttribute('data-slot'), e.getAttribute('data-included'), e.getAttribute('data-verdict')]))).toEqual([
      ['fileFacts', 'true', 'first_turn'],
      ['conventions', 'true', 'later_turn'],
      ['likelyFiles', 'true', 'ignored'],
      ['priorNotes', 'false', null],
    ]);
    // The same verdicts as `kg session analyze` gives, with its evidence.
    expect(analysis.slots.map((s) => s.verdict)).toEqual(['first_turn', 'later_turn', 'ignored']);
    const fileFacts = page.locator('article.slot[data-slot="fileFacts"]');
    expect(await fileFacts.locator('.verdict').innerText()).toBe('cited in turn 1');
    expect(await fileFacts.locator('header').innerText()).toContain(`${analysis.slots[0]!.tokens} tokens`);
    expect(await fileFacts.locator('header').innerText()).toContain('source 12 ms');
    expect(await fileFacts.locator('tr[data-key="file:src/db/client.ts"] q').innerText()).toBe(analysis.slots[0]!.items[0]!.evidence);
    expect(await page.locator('article.slot[data-slot="conventions"] .verdict').innerText()).toBe('cited later (turn 2)');
    const likely = page.locator('article.slot[data-slot="likelyFiles"]');
    expect(await likely.locator('header').innerText()).toContain('shortened');
    expect(await likely.locator('.reason').innerText()).toBe('left out 2 of 3 items to fit the budget');
    // The slot's text is shown as text: the markup in it is not an element of the page.
    expect(await likely.locator('pre.slot-text').textContent()).toContain('<img src=x onerror="alert(1)">');
    expect(await page.locator('#context img').count()).toBe(0);
    const timedOut = page.locator('article.slot[data-slot="priorNotes"]');
    expect(await timedOut.locator('header').innerText()).toContain('timed out');
    expect(await timedOut.locator('.reason').innerText()).toContain('deadline');
    // The session's own record: goal, the files it changed and which source said so.
    const session = data.sessions.find((s) => s.id === sessionId)!;
    const changed = await page.locator('#files-changed tr td:first-child').allInnerTexts();
    expect(changed.sort()).toEqual(session.files!.map((f) => f.path).sort());
    expect(await page.locator('#changes-source').innerText()).toContain(session.source!);
    await page.locator('article.slot details').first().evaluate((d) => ((d as unknown as { open: boolean }).open = true));
    await shot(page, 'session');
    await page.close();
  });

  it("Session: a child's parent and a parent's children link to each other", async () => {
    const child = data.sessions.find((s) => s.workspace === 0 && s.present && s.parentId !== null && s.parentId !== sessionId && data.sessions.some((p) => p.id === s.parentId && p.present))!;
    const page = await consolePage();
    await page.goto(url('/console/session', { workspace, id: child.id }));
    await page.locator('#parent a').click();
    await page.waitForURL(new RegExp(`id=${child.parentId}`));
    expect(await page.locator('#children').innerText()).toContain(child.title ?? child.id);
    expect(await page.locator('#no-context').innerText()).toContain('no record of the context');
    await page.close();
  });

  it('Pipeline runs: phases with their sessions and handoffs, the verdict and the trace', async () => {
    const page = await consolePage();
    await page.goto(url('/console/runs', { workspace }));
    const runs = data.runs.filter((r) => r.workspace === 0);
    expect(await page.locator('#timeline tbody tr').count()).toBe(runs.length);
    await page.locator('#timeline tbody tr a').first().click();
    await page.waitForURL(/\/console\/run\?/);
    const id = new URL(page.url()).searchParams.get('id')!;
    const run = runs.find((r) => r.id === id)!;
    expect(await page.locator('#phases tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-phase')))).toEqual(run.sessions.map((s) => s.phase));
    const answer = (await api('/v1/query', { workspace, intent: { kind: 'pipeline_run', id } })) as { trace: string[] };
    if (answer.trace.length > 0) expect(await page.locator('#trace li').allInnerTexts()).toEqual(answer.trace);
    await shot(page, 'run');
    await page.close();
  });

  it('Enrich playground: a goal and a budget in, the manifest and the slots out', async () => {
    const page = await consolePage();
    await page.goto(url('/console/enrich', { workspace }));
    await page.locator('textarea[name="goal"]').fill('Make src/db/client.ts retry the connection');
    await page.locator('input[name="budget"]').fill('1500');
    await page.getByRole('button', { name: 'Enrich' }).click();
    await page.waitForURL(/goal=/);
    const slots = await page.locator('#manifest tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-slot')));
    expect(slots).toContain('fileFacts');
    expect(await page.locator('#enrich-summary').innerText()).toMatch(/of 1500 tokens/);
    expect(await page.locator('article.slot[data-slot="fileFacts"] pre').innerText()).toContain('src/db/client.ts');
    await shot(page, 'enrich');
    await page.close();
  });

  it('a bad address gets a page with one line saying what is wrong, and the status that says so', async () => {
    const page = await consolePage();
    const unknown = await page.goto(url('/console/session', { workspace, id: 'sess_nope' }));
    expect(unknown?.status()).toBe(404);
    expect(await page.locator('.error').innerText()).toMatch(/^unknown session: sess_nope/);
    const relative = await page.goto(url('/console/file', { workspace: 'ws-0', path: 'src/db/client.ts' }));
    expect(relative?.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toBe('workspace: the query parameter must be an absolute path');
    const depth = await page.goto(url('/console/file', { workspace, path: 'src/db/client.ts', depth: 9 }));
    expect(depth?.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toBe('depth: a whole number from 1 to 3');
    const elsewhere = await page.goto(url('/console/hotspots', { workspace: tempDir('kg-console-not-served-') }));
    expect(elsewhere?.status()).toBe(403);
    expect(await page.locator('.error').innerText()).toMatch(/^kg serve does not serve/);
    await page.close();
  });

  it('Hotspots and cycles: the most imported files, as the API ranks them', async () => {
    const page = await consolePage();
    await page.goto(url('/console/hotspots', { workspace }));
    const hotspots = (await api('/v1/query', { workspace, intent: { kind: 'hotspots', limit: 30 } })) as { items: { path: string }[] };
    expect(await page.locator('#hotspots tbody tr td:first-child').allInnerTexts()).toEqual(hotspots.items.map((h) => h.path));
    expect(await page.locator('#cycle-summary').innerText()).toContain('cycle group(s)');
    await shot(page, 'hotspots');
    await page.close();
  });
});

describe('the console against a hostile browser', () => {
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    // A web page of another origin that the operator happens to open: it posts to the API as forms can.
    attacker = createServer((request, response) => {
      const target = new URL(request.url ?? '/', 'http://x').searchParams.get('target') ?? '';
      response.setHeader('Content-Type', 'text/html');
      response.end(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${target}"><input name='{"workspace":"${workspace}","full":true,"x":"' value='"}'></form>
<script>
window.corsResult = fetch(${JSON.stringify(server.url)} + '/v1/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(() => 'answered', (e) => 'refused: ' + e.name);
</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });
  afterAll(() => attacker?.close());

  it('without the token a browser gets a page asking for it; a wrong token is refused; the right one is kept in an HttpOnly cookie for the console only', async () => {
    const fresh = await browser.newContext();
    const page = await fresh.newPage();
    const bare = await page.goto(url('/console'));
    expect(bare?.status()).toBe(401);
    expect(await page.locator('.error').innerText()).toContain('/console?token=');
    const wrong = await page.goto(url('/console', { token: 'not-the-token' }));
    expect(wrong?.status()).toBe(401);
    const right = await page.goto(url('/console/hotspots', { workspace, token: TOKEN }));
    expect(right?.status()).toBe(200);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await fresh.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookies[0]!.value).not.toContain(TOKEN);
    // The cookie opens the console's pages, not the API.
    const apiStatus = await page.evaluate(async (ws) => (await fetch(`/v1/status?workspace=${encodeURIComponent(ws)}`)).status, workspace);
    expect(apiStatus).toBe(401);
    await shot(page, 'token');
    await fresh.close();
  });

  it('a page reached through another host name (DNS rebinding) is refused by its Host', async () => {
    const page = await context.newPage();
    const response = await page.goto(`http://evil.test:${server.port}/console`);
    expect(response?.status()).toBe(403);
    expect(await page.locator('body').innerText()).toContain('forbidden_host');
    await page.close();
  });

  it("another origin's form posts to the API and to /mcp are refused, its JSON fetch never gets past the preflight, and nothing is reindexed", async () => {
    const before = await api(`/v1/status?workspace=${encodeURIComponent(workspace)}`);
    for (const target of ['/v1/reindex', '/mcp']) {
      const page = await context.newPage();
      await page.goto(`${attackerUrl}/?target=${encodeURIComponent(server.url + target)}`);
      expect(await page.evaluate(() => (window as unknown as { corsResult: Promise<string> }).corsResult)).toMatch(/^refused/);
      const [response] = await Promise.all([page.waitForNavigation(), page.evaluate(() => document.getElementById('f')!.submit())]);
      expect(response?.status()).toBe(403);
      expect(await page.locator('body').innerText()).toContain('forbidden_origin');
      await shot(page, `cross-origin${target.replace(/\//g, '-')}`);
      await page.close();
    }
    const after = await api(`/v1/status?workspace=${encodeURIComponent(workspace)}`);
    expect(after.indexedAt).toBe(before.indexedAt);
  });
});
