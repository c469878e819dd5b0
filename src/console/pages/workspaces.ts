// The Workspaces page, the console's first: every indexed workspace with its freshness (indexed when, at which HEAD,
// the HEAD now), what it holds, and whether its vectors are on.

import type { KgBackend } from '../../backend/backend.js';
import { href, html, shortTime, type Html } from '../html.js';
import { layout } from '../layout.js';

export async function workspacesPage(backend: KgBackend): Promise<Html> {
  const listing = await backend.workspaces();
  const short = (sha: string | null) => (sha ? sha.slice(0, 10) : '–');
  return layout(
    { title: 'Workspaces', section: 'workspaces' },
    html`${listing.length === 0 ? html`<p class="muted">No workspace is indexed in this server's KG_HOME yet: run <code>kg index DIR</code>.</p>` : ''}
<table id="workspaces"><thead><tr><th>Workspace</th><th>Indexed</th><th>HEAD at index</th><th>HEAD now</th><th class="num">Files</th><th class="num">Symbols</th><th class="num">Sessions</th><th class="num">Edges</th><th>Vectors</th><th></th></tr></thead><tbody>
${listing.map((entry) => {
  const s = entry.status;
  if (!s) return html`<tr data-workspace="${entry.workspace}"><td class="path">${entry.workspace}</td><td colspan="9" class="error">${entry.error?.message ?? 'unreadable'}</td></tr>`;
  const ws = entry.workspace;
  const edges = Object.values(s.edges).reduce((sum, n) => sum + n, 0);
  return html`<tr data-workspace="${ws}">
<td><a class="path" href="${href('/console/sessions', { workspace: ws })}">${ws}</a></td>
<td>${shortTime(s.indexedAt)}</td>
<td><code>${short(s.gitHead)}</code></td>
<td><code>${short(s.gitHeadNow)}</code>${s.headMovedSinceIndex ? html` <span class="badge lagging">moved</span>` : html` <span class="badge current">same</span>`}</td>
<td class="num">${s.tables.files ?? 0}</td>
<td class="num">${s.tables.symbols ?? 0}</td>
<td class="num">${s.tables.sessions ?? 0}</td>
<td class="num">${edges}</td>
<td><span class="badge ${s.vectors.state}">${s.vectors.state}</span>${s.vectors.model ? html` <span class="muted">${s.vectors.model}</span>` : ''}</td>
<td><a href="${href('/console/file', { workspace: ws })}">files</a> · <a href="${href('/console/hotspots', { workspace: ws })}">hotspots</a></td>
</tr>`;
})}
</tbody></table>`,
  );
}
