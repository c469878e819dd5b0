// A pipeline run's page: its phases in order with their sessions and handoffs (each phase's recap), the files they
// changed, the verdict, and the routing trace.

import type { KgBackend } from '../../backend/backend.js';
import { ask } from '../ask.js';
import { href, html, shortTime, type Html } from '../html.js';
import { layout } from '../layout.js';

export async function runPage(backend: KgBackend, workspace: string, id: string): Promise<Html> {
  const answer = await ask(backend, workspace, { kind: 'pipeline_run', id });
  const run = answer.run;
  if (!run) return layout({ title: 'Pipeline run', section: 'runs', workspace }, html`<p class="muted">No pipeline run on this workspace.</p>`);
  return layout(
    { title: run.goal ?? run.id, section: 'runs', workspace },
    html`<dl class="facts card" id="run-facts">
<dt>Run</dt><dd><code>${run.id}</code>${run.active ? html` <span class="badge in_progress">active</span>` : ''}</dd>
<dt>Mode</dt><dd>${run.mode ?? '–'}</dd>
<dt>Status</dt><dd>${run.status ? html`<span class="badge ${run.status}">${run.status}</span>` : '–'}</dd>
<dt>Started</dt><dd>${shortTime(run.startedAt)}</dd>
<dt>Verdict</dt><dd id="verdict">${run.verdict ? html`<span class="badge ${run.verdict}">${run.verdict}</span>` : '–'}</dd>
</dl>
<h2>Phases</h2>
<table id="phases"><thead><tr><th>Phase</th><th>Session</th><th>Result</th><th>Completed</th><th>Files changed</th></tr></thead><tbody>
${answer.items.map(
  (phase) => html`<tr data-phase="${phase.phase}">
<td>${phase.phase}</td>
<td>${phase.sessionId ? html`<a href="${href('/console/session', { workspace, id: phase.sessionId })}">${phase.session?.title ?? phase.sessionId}</a>` : '–'}</td>
<td>${phase.result ? html`<span class="badge ${phase.result === 'full' ? 'ok' : phase.result}">${phase.result}</span>` : '–'}</td>
<td>${shortTime(phase.completedAt)}</td>
<td>${phase.filesChanged.map((f, k) => html`${k > 0 ? ', ' : ''}<a class="path" href="${href('/console/file', { workspace, path: f })}">${f}</a>`)}</td>
</tr>`,
)}
</tbody></table>
<h2>Handoffs</h2>
${answer.items.filter((p) => p.recap).map((p) => html`<details class="card handoff" open><summary><strong>${p.phase}</strong></summary><pre>${p.recap}</pre></details>`)}
${answer.items.every((p) => !p.recap) ? html`<p class="muted">No phase left a recap.</p>` : ''}
<h2>Routing trace</h2>
${answer.trace.length === 0 ? html`<p class="muted">No routing decisions recorded.</p>` : html`<ol id="trace">${answer.trace.map((t) => html`<li>${t}</li>`)}</ol>`}`,
  );
}
