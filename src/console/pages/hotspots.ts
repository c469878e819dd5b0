// Hotspots and cycles: the most imported files of the workspace, and its import cycles (runtime ones marked).

import type { KgBackend } from '../../backend/backend.js';
import { ask } from '../ask.js';
import { href, html, type Html } from '../html.js';
import { layout } from '../layout.js';

export async function hotspotsPage(backend: KgBackend, workspace: string): Promise<Html> {
  const [hotspots, cycles] = await Promise.all([
    ask(backend, workspace, { kind: 'hotspots', limit: 30 }),
    ask(backend, workspace, { kind: 'cycles', level: 'all', limit: 30 }),
  ]);
  const fileLink = (path: string) => html`<a class="path" href="${href('/console/file', { workspace, path })}">${path}</a>`;
  return layout(
    { title: 'Hotspots and cycles', section: 'hotspots', workspace },
    html`<div class="grid">
<section>
<h2>Most imported files</h2>
<table id="hotspots"><thead><tr><th>File</th><th class="num">Importers</th></tr></thead><tbody>
${hotspots.items.map((item) => html`<tr><td>${fileLink(item.path)}</td><td class="num">${item.importers}</td></tr>`)}
</tbody></table>
${hotspots.truncated ? html`<p class="muted">the ${hotspots.items.length} most imported of ${hotspots.total} files</p>` : ''}
</section>
<section>
<h2>Import cycles</h2>
<p class="muted" id="cycle-summary">${cycles.total} cycle group(s), ${cycles.runtimeCycles} of them runtime cycles (type-only imports left out)</p>
${cycles.items.length === 0 ? html`<p>No import cycles.</p>` : ''}
${cycles.items.map(
  (cycle) => html`<div class="card cycle">
<h3>${cycle.size} files <span class="badge ${cycle.runtime ? 'error' : 'ok'}">${cycle.runtime ? 'runtime cycle' : 'type-only step'}</span>${
    cycle.runtimeGroups.length > 0 && !cycle.runtime ? html` <span class="muted">holds runtime cycles of ${cycle.runtimeGroups.join(', ')} files</span>` : ''
  }</h3>
<p class="muted">${cycle.steps.map((step, k) => html`${k === 0 ? '' : ' → '}${step.from}${step.typeOnly ? ' (type-only)' : ''}`)} → ${cycle.example[0] ?? ''}</p>
<ul class="plain">${cycle.files.map((file) => html`<li>${fileLink(file)}</li>`)}</ul>
</div>`,
)}
</section>
</div>`,
  );
}
