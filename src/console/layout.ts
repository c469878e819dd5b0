// The frame every console page shares: its title, the workspace it is about and the links between the pages.

import { basename } from 'node:path';
import { href, html, type Html } from './html.js';

export type Section = 'workspaces' | 'file' | 'sessions' | 'runs' | 'enrich' | 'hotspots';

const SECTIONS: readonly { id: Section; label: string; path: string }[] = [
  { id: 'file', label: 'Files', path: '/console/file' },
  { id: 'sessions', label: 'Sessions', path: '/console/sessions' },
  { id: 'runs', label: 'Pipeline runs', path: '/console/runs' },
  { id: 'enrich', label: 'Enrich playground', path: '/console/enrich' },
  { id: 'hotspots', label: 'Hotspots & cycles', path: '/console/hotspots' },
];

export interface PageFrame {
  title: string;
  section: Section;
  /** The workspace the page is about (absolute root); the links keep it. */
  workspace?: string | undefined;
  /** Scripts of the console's own assets, in order (`module`: an ES module, run after the page is parsed). */
  scripts?: readonly { src: string; module?: boolean }[];
}

// The stylesheet's id is the one cytoscape looks for before it adds a <style> of its own (which the CSP would refuse):
// console.css carries that rule instead.
export function layout(frame: PageFrame, body: Html): Html {
  const ws = frame.workspace;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · kg console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" id="__________cytoscape_stylesheet" href="/console/assets/console.css">
</head>
<body data-section="${frame.section}">
<header class="top">
  <a class="brand" href="/console">kg console</a>
  <a href="/console" class="${frame.section === 'workspaces' ? 'active' : ''}">Workspaces</a>
  ${ws
    ? html`<span class="ws" title="${ws}">${basename(ws)}</span>${SECTIONS.map(
        (s) => html`<a href="${href(s.path, { workspace: ws })}" class="${s.id === frame.section ? 'active' : ''}">${s.label}</a>`,
      )}`
    : ''}
</header>
<main>
<h1>${frame.title}</h1>
${body}
</main>
${(frame.scripts ?? []).map((s) => (s.module ? html`<script type="module" src="${s.src}"></script>` : html`<script src="${s.src}"></script>`))}
</body>
</html>
`;
}

/** A page that says what went wrong, in one line. */
export function errorPage(status: number, message: string, workspace?: string): Html {
  return layout({ title: status === 401 ? 'Token needed' : status === 404 ? 'Not found' : 'Cannot show this', section: 'workspaces', workspace }, html`<p class="error" role="alert">${message}</p>`);
}
