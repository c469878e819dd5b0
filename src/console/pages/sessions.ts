// The Sessions timeline: sessions and pipeline runs newest first, filtered and paged by the `timeline` intent (one
// page of rows is read, whatever the number of sessions).

import type { KgBackend } from '../../backend/backend.js';
import { ask } from '../ask.js';
import { href, html, shortTime, type Html } from '../html.js';
import { layout } from '../layout.js';

export const TIMELINE_PAGE_SIZE = 50;

export interface TimelineFilters {
  type?: 'session' | 'run' | undefined;
  status?: string | undefined;
  outcome?: string | undefined;
  branch?: string | undefined;
  workflow?: string | undefined;
  text?: string | undefined;
}

export async function sessionsPage(backend: KgBackend, workspace: string, filters: TimelineFilters, page: number, section: 'sessions' | 'runs' = 'sessions'): Promise<Html> {
  const offset = (page - 1) * TIMELINE_PAGE_SIZE;
  const answer = await ask(backend, workspace, { kind: 'timeline', limit: TIMELINE_PAGE_SIZE, offset, ...defined(filters) });
  const pages = Math.max(1, Math.ceil(answer.total / TIMELINE_PAGE_SIZE));
  const base = section === 'runs' ? '/console/runs' : '/console/sessions';
  const pageUrl = (n: number) => href(base, { workspace, ...filters, page: n === 1 ? undefined : n });
  const select = (name: keyof TimelineFilters, label: string, values: readonly string[]) =>
    html`<label>${label} <select name="${name}"><option value="">any</option>${values.map((v) => html`<option value="${v}"${filters[name] === v ? html` selected` : ''}>${v}</option>`)}</select></label>`;
  return layout(
    { title: section === 'runs' ? 'Pipeline runs' : 'Sessions', section, workspace },
    html`<form class="filters" method="get" action="${base}">
<input type="hidden" name="workspace" value="${workspace}">
${section === 'sessions' ? select('type', 'Kind', ['session', 'run']) : html`<input type="hidden" name="type" value="run">`}
${select('status', 'Status', answer.facets.status)}
${section === 'sessions' ? html`${select('outcome', 'Outcome', answer.facets.outcome)}${select('branch', 'Branch', answer.facets.branch)}${select('workflow', 'Workflow', answer.facets.workflow)}` : ''}
<label>Text <input name="text" value="${filters.text ?? ''}" placeholder="title or goal"></label>
<button type="submit">Filter</button>
</form>
<div class="pager" id="pager">
${page > 1 ? html`<a rel="prev" href="${pageUrl(page - 1)}">← newer</a>` : html`<span class="muted">← newer</span>`}
<span id="page-info">page ${page} of ${pages} · ${answer.total} matching</span>
${page < pages ? html`<a rel="next" href="${pageUrl(page + 1)}">older →</a>` : html`<span class="muted">older →</span>`}
</div>
<table id="timeline"><thead><tr><th>When</th><th>Kind</th><th>Title</th><th>Status</th><th>Outcome</th><th>Branch</th><th>Workflow</th><th class="num">Tokens</th></tr></thead><tbody>
${answer.items.map(
  (item) => html`<tr data-id="${item.id}" data-type="${item.type}">
<td>${shortTime(item.at)}</td>
<td><span class="badge">${item.type}</span></td>
<td><a href="${href(item.type === 'run' ? '/console/run' : '/console/session', { workspace, id: item.id })}">${item.title ?? item.id}</a>${item.parentId ? html` <span class="muted">child</span>` : ''}</td>
<td>${item.status ? html`<span class="badge ${item.status}">${item.status}</span>` : '–'}</td>
<td>${item.type === 'run' ? (item.verdict ? html`<span class="badge ${item.verdict}">${item.verdict}</span>` : '–') : (item.outcome ?? '–')}</td>
<td>${item.branch ?? '–'}</td>
<td>${item.workflowId ?? '–'}</td>
<td class="num">${item.tokens ?? '–'}</td>
</tr>`,
)}
</tbody></table>
${answer.items.length === 0 ? html`<p class="muted">Nothing matches.</p>` : ''}`,
  );
}

function defined(filters: TimelineFilters): TimelineFilters {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as TimelineFilters;
}
