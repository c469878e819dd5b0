// A session's page: its goal, recap, notes, the files it changed (and which source said so), its parent and children,
// and the context it was given: every slot in prompt order with its text, size and source latency, whether it was
// shortened, timed out or left out and why, and beside each slot `kg session analyze`'s verdict with the evidence.

import { KgError } from '../../../graph/errors.js';
import type { SessionAnalysis, SlotAnalysis, Verdict } from '../../analyze/schema.js';
import type { KgBackend } from '../../backend/backend.js';
import type { SlotManifest } from '../../enricher/schema.js';
import { ask } from '../ask.js';
import { href, html, shortTime, type Html } from '../html.js';
import { layout } from '../layout.js';

const VERDICT_LABEL: Record<Verdict, string> = { first_turn: 'cited in turn 1', later_turn: 'cited later', ignored: 'ignored' };

export async function sessionPage(backend: KgBackend, workspace: string, id: string): Promise<Html> {
  const [answer, analysis] = await Promise.all([ask(backend, workspace, { kind: 'session', id }), analysisOf(backend, workspace, id)]);
  const s = answer.session;
  const sessionLink = (other: { id: string; title: string | null }) => html`<a href="${href('/console/session', { workspace, id: other.id })}">${other.title ?? other.id}</a>`;
  return layout(
    { title: s.title ?? s.id, section: 'sessions', workspace },
    html`<div class="grid">
<section>
<dl class="facts card" id="session-facts">
<dt>Session</dt><dd><code>${s.id}</code></dd>
<dt>Status</dt><dd>${s.status ? html`<span class="badge ${s.status}">${s.status}</span>` : '–'} ${s.outcome ? html`<span class="badge ${s.outcome}">${s.outcome}</span>` : ''}</dd>
<dt>When</dt><dd>${shortTime(s.startedAt)} → ${shortTime(s.endedAt)}${s.durationMs !== null ? ` (${Math.round(s.durationMs / 1000)} s)` : ''}</dd>
<dt>Branch</dt><dd>${s.branch ?? '–'}</dd>
<dt>Workflow</dt><dd>${s.workflowId ?? '–'}</dd>
<dt>Tokens</dt><dd>${s.inputTokens ?? '–'} in · ${s.outputTokens ?? '–'} out</dd>
<dt>Parent</dt><dd id="parent">${answer.parent ? sessionLink(answer.parent) : '–'}</dd>
<dt>Children</dt><dd id="children">${answer.children.length === 0 ? '–' : answer.children.map((c, k) => html`${k > 0 ? ', ' : ''}${sessionLink(c)}`)}${answer.childrenTotal > answer.children.length ? ` and ${answer.childrenTotal - answer.children.length} more` : ''}</dd>
${answer.runs.length > 0 ? html`<dt>Pipeline runs</dt><dd>${answer.runs.map((r, k) => html`${k > 0 ? ', ' : ''}<a href="${href('/console/run', { workspace, id: r.runId })}">${r.runId}</a> (${r.phase})`)}</dd>` : ''}
</dl>
<h2>Goal</h2>
<pre id="goal">${s.goal ?? s.title ?? ''}</pre>
<h2>Recap</h2>
${s.recap ? html`<pre id="recap">${s.recap}</pre>` : html`<p class="muted">No recap.</p>`}
${s.notes ? html`<h2>Notes</h2><pre id="notes">${s.notes}</pre>` : ''}
<h2>Files changed</h2>
<p class="muted" id="changes-source">${s.changesKnown ? `as ${s.changesSource ?? 'its record'} says` : 'no source said which files it changed'}</p>
<table id="files-changed"><tbody>
${answer.items.map((f) => html`<tr><td><a class="path" href="${href('/console/file', { workspace, path: f.path })}">${f.path}</a></td><td><span class="badge">${f.change}</span></td><td class="muted">${f.source}</td></tr>`)}
</tbody></table>
</section>
<section id="context">
<h2>The context it was given</h2>
${contextOf(analysis)}
</section>
</div>`,
  );
}

type Analysis = { ok: true; report: SessionAnalysis } | { ok: false; message: string };

async function analysisOf(backend: KgBackend, workspace: string, id: string): Promise<Analysis> {
  try {
    const report = await backend.analyze({ workspace, session: id });
    if (!('slots' in report)) return { ok: false, message: 'the analysis answered for the workspace, not the session' };
    return { ok: true, report };
  } catch (error) {
    // A session that kg's runner did not run (and no daemon log of) has no record of what it was given.
    if (error instanceof KgError && error.code === 'unknown_session') return { ok: false, message: error.message };
    throw error;
  }
}

function contextOf(analysis: Analysis): Html {
  if (!analysis.ok) return html`<p class="muted" id="no-context">kg keeps no record of the context this session was given: ${analysis.message}</p>`;
  const a = analysis.report;
  const manifest = a.manifest?.slots ?? [];
  const given = new Set(a.slots.map((slot) => slot.slot));
  const leftOut = manifest.filter((m) => !m.included && !given.has(m.slot));
  return html`<p class="muted" id="analysis-summary">${a.slots.length} slot(s) given over ${a.turns} assistant turn(s)${a.partial ? ` (partial: ${a.partialReason ?? ''})` : ''}; ${a.ignoredTokens} token(s) no turn cited${a.manifest ? ` · budget ${a.manifest.budgetTokens}, rendered ${a.manifest.renderedTokens} tokens in ${Math.round(a.manifest.totalMs)} ms` : ''}</p>
${a.slots.map((slot, k) => slotCard(slot, k + 1, manifest.find((m) => m.slot === slot.slot)))}
${leftOut.map((m) => html`<article class="slot left-out" data-slot="${m.slot}" data-included="false">
<header><h3>${m.slot}</h3><span class="badge ${m.source === 'timeout' ? 'timeout' : 'left_out'}">${m.source === 'timeout' ? 'timed out' : 'left out'}</span><span class="muted">source ${m.source} · ${Math.round(m.latencyMs)} ms</span></header>
<p class="reason">${m.reason ?? 'nothing to give'}</p>
</article>`)}
${a.queryCalls.length > 0
    ? html`<h2>query_knowledge calls</h2><table id="query-calls"><thead><tr><th class="num">Turn</th><th>Kind</th><th>Subject</th><th>Verdict</th></tr></thead><tbody>${a.queryCalls.map(
        (q) => html`<tr><td class="num">${q.turn}</td><td>${q.kind}</td><td class="path">${q.subject ?? '–'}</td><td><span class="badge ${q.verdict === 'already_held' ? 'minor' : ''}">${q.verdict === 'already_held' ? `already held by ${q.heldBy ?? ''}` : 'lacked'}</span></td></tr>`,
      )}</tbody></table>`
    : ''}`;
}

function slotCard(slot: SlotAnalysis, position: number, manifest: SlotManifest | undefined): Html {
  const firstTurn = slot.items.map((i) => i.turn).filter((t): t is number => t !== null).sort((x, y) => x - y)[0];
  return html`<article class="slot" data-slot="${slot.slot}" data-included="true" data-verdict="${slot.verdict}">
<header><h3>${position}. ${slot.slot}</h3>
<span class="badge ${slot.verdict} verdict">${VERDICT_LABEL[slot.verdict]}${slot.verdict === 'later_turn' && firstTurn ? ` (turn ${firstTurn})` : ''}</span>
${manifest?.shortened ? html`<span class="badge shortened">shortened</span>` : ''}
${manifest && manifest.source !== 'ok' && manifest.source !== 'given' ? html`<span class="badge ${manifest.source}">${manifest.source}</span>` : ''}
<span class="muted">${slot.tokens} tokens · ${slot.bytes} bytes${manifest ? ` · source ${Math.round(manifest.latencyMs)} ms` : ''}${manifest ? ` · ${manifest.itemsIncluded} of ${manifest.items} item(s)` : ''}</span></header>
${manifest?.reason ? html`<p class="reason muted">${manifest.reason}</p>` : ''}
<details><summary>Text as given</summary><pre class="slot-text">${slot.text}</pre></details>
<table class="items"><thead><tr><th>Item</th><th>Verdict</th><th>Evidence</th></tr></thead><tbody>
${slot.items.map(
  (item) => html`<tr data-key="${item.key}" data-verdict="${item.verdict}"><td class="path">${item.key} <span class="muted">${item.tokens} tok</span></td><td><span class="badge ${item.verdict}">${VERDICT_LABEL[item.verdict]}${item.turn !== null && item.verdict === 'later_turn' ? ` (turn ${item.turn})` : ''}</span></td><td>${item.evidence ? html`<q>${item.evidence}</q> <span class="muted">by ${item.rule ?? ''}</span>` : html`<span class="muted">–</span>`}</td></tr>`,
)}
</tbody></table>
</article>`;
}
