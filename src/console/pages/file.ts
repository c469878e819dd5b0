// The File page: a file's neighbourhood drawn as a graph (importers above, dependencies below, tests marked; a click
// opens that file), what a change to it reaches, the sessions that changed it, the conventions that apply, its symbols.

import type { KgBackend } from '../../backend/backend.js';
import { ask } from '../ask.js';
import { href, html, jsonBlock, shortTime, type Html } from '../html.js';
import { layout } from '../layout.js';
import { neighbourhood, MAX_NEIGHBOURHOOD_DEPTH } from '../neighbourhood.js';

export async function filePage(backend: KgBackend, workspace: string, path: string | undefined, depth: number): Promise<Html> {
  if (!path) return fileIndexPage(backend, workspace);
  const fileUrl = (p: string) => href('/console/file', { workspace, path: p, depth: depth === 1 ? undefined : depth });
  const [graph, impact, sessions, conventions, symbols] = await Promise.all([
    neighbourhood(backend, workspace, path, depth),
    ask(backend, workspace, { kind: 'impact', files: [path], limit: 200 }),
    ask(backend, workspace, { kind: 'sessions_touching', file: path, limit: 50 }),
    ask(backend, workspace, { kind: 'conventions', file: path, limit: 20 }),
    ask(backend, workspace, { kind: 'file_symbols', file: path, limit: 200 }),
  ]);
  const tests = new Set([...impact.tests, ...impact.items.filter((i) => i.isTest).map((i) => i.path)]);
  const drawn = {
    nodes: graph.nodes.map((n) => ({ id: n.path, label: n.path.slice(n.path.lastIndexOf('/') + 1), role: n.role, isTest: tests.has(n.path), href: fileUrl(n.path) })),
    edges: graph.edges,
  };
  const importers = graph.nodes.filter((n) => n.role === 'importer');
  const dependencies = graph.nodes.filter((n) => n.role === 'dependency');
  const link = (p: string) => html`<a class="path" href="${fileUrl(p)}">${p}</a>`;
  return layout(
    { title: path, section: 'file', workspace, scripts: [{ src: '/console/assets/cytoscape.min.js' }, { src: '/console/assets/file-graph.js', module: true }] },
    html`${pathForm(workspace, path, depth)}
<div class="legend"><span class="l-focus">this file</span><span class="l-importer">importers</span><span class="l-dependency">dependencies</span><span class="l-test">tests</span>
<span>${importers.length} importer(s) and ${dependencies.length} dependency file(s) within ${depth} hop(s)${graph.cut ? ', some left out of the drawing' : ''}; dashed: type-only</span></div>
<div id="graph" role="img" aria-label="import graph around ${path}"></div>
${jsonBlock('graph-data', drawn)}
<div class="grid">
<section>
<h2>Neighbours</h2>
<table id="neighbours"><thead><tr><th>File</th><th>Relation</th><th class="num">Hops</th></tr></thead><tbody>
${graph.nodes
  .filter((n) => n.role !== 'focus')
  .map((n) => html`<tr data-role="${n.role}"><td>${link(n.path)}${tests.has(n.path) ? html` <span class="badge ok">test</span>` : ''}</td><td>${n.role === 'importer' ? 'imports it' : 'imported by it'}</td><td class="num">${n.depth}</td></tr>`)}
</tbody></table>
<h2>Impact</h2>
<p class="muted" id="impact-summary">a change here reaches ${impact.total} file(s), ${impact.tests.length} of them tests</p>
<ul class="plain" id="impact">${impact.items.slice(0, 100).map((i) => html`<li>${link(i.path)} <span class="muted">${i.depth} hop(s)${i.package ? `, through package ${i.package}` : ''}</span>${i.isTest ? html` <span class="badge ok">test</span>` : ''}</li>`)}</ul>
</section>
<section>
<h2>Sessions that changed it</h2>
${sessions.items.length === 0 ? html`<p class="muted">No session changed this file.</p>` : ''}
<table id="file-sessions"><tbody>
${sessions.items.map(
  (s) => html`<tr><td>${shortTime(s.endedAt ?? s.startedAt)}</td><td><a href="${href('/console/session', { workspace, id: s.id })}">${s.title ?? s.id}</a></td><td><span class="badge">${s.change}</span> <span class="muted">from ${s.source}</span></td></tr>`,
)}
</tbody></table>
<h2>Conventions that apply</h2>
${conventions.items.length === 0 ? html`<p class="muted">No convention section applies.</p>` : ''}
${conventions.items.map((c) => html`<details class="card"><summary><strong>${c.headingPath || c.source}</strong> <span class="muted">${c.source}${c.scope ? ` · for ${c.scope}/` : ''}</span></summary><pre>${c.body}</pre></details>`)}
<h2>Symbols</h2>
<table id="symbols"><tbody>
${symbols.items.map((s) => html`<tr><td><code>${s.name}</code></td><td class="muted">${s.kind}</td><td class="num">line ${s.line ?? '?'}</td></tr>`)}
</tbody></table>
${symbols.items.length === 0 ? html`<p class="muted">No exported symbol.</p>` : ''}
</section>
</div>`,
  );
}

function pathForm(workspace: string, path: string, depth: number): Html {
  return html`<form class="filters" method="get" action="/console/file">
<input type="hidden" name="workspace" value="${workspace}">
<label>File <input name="path" value="${path}" size="60" placeholder="src/index.ts"></label>
<label>Depth <select name="depth">${Array.from({ length: MAX_NEIGHBOURHOOD_DEPTH }, (_, k) => k + 1).map((d) => html`<option value="${d}"${d === depth ? html` selected` : ''}>${d}</option>`)}</select></label>
<button type="submit">Show</button>
</form>`;
}

/** Without a file: where to start, the most imported files. */
async function fileIndexPage(backend: KgBackend, workspace: string): Promise<Html> {
  const hotspots = await ask(backend, workspace, { kind: 'hotspots', limit: 20 });
  return layout(
    { title: 'Files', section: 'file', workspace },
    html`${pathForm(workspace, '', 1)}
<h2>Most imported files</h2>
<ul class="plain">${hotspots.items.map((h) => html`<li><a class="path" href="${href('/console/file', { workspace, path: h.path })}">${h.path}</a> <span class="muted">${h.importers} importer(s)</span></li>`)}</ul>`,
  );
}
