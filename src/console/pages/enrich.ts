// The Enrich playground: a goal and a budget in, the slots and the manifest out, exactly as a session starting now
// would get them (the manifest is not recorded: trying a goal here is no session).

import type { KgBackend } from '../../backend/backend.js';
import type { EnrichResult } from '../../enricher/schema.js';
import { html, type Html } from '../html.js';
import { layout } from '../layout.js';

export const DEFAULT_PLAYGROUND_BUDGET = 2000;

export async function enrichPage(backend: KgBackend, workspace: string, goal: string | undefined, budgetTokens: number): Promise<Html> {
  const result = goal ? await backend.enrich({ workspace, goal, budgetTokens, record: false }) : null;
  return layout(
    { title: 'Enrich playground', section: 'enrich', workspace },
    html`<form class="card" method="get" action="/console/enrich" id="enrich-form">
<input type="hidden" name="workspace" value="${workspace}">
<label>Goal<textarea name="goal" placeholder="Fix the retry delay in src/retry.ts">${goal ?? ''}</textarea></label>
<label>Budget (tokens) <input type="number" name="budget" min="1" max="1000000" value="${budgetTokens}"></label>
<button type="submit">Enrich</button>
</form>
${result ? resultOf(result) : html`<p class="muted">A goal and a budget in: the slots and the manifest out, as a session would get them.</p>`}`,
  );
}

function resultOf(result: EnrichResult): Html {
  const m = result.manifest;
  return html`<p class="muted" id="enrich-summary">${m.renderedTokens} of ${m.budgetTokens} tokens (${m.renderedBytes} bytes) in ${Math.round(m.totalMs)} ms${m.goalPaths.length > 0 ? ` · paths in the goal: ${m.goalPaths.join(', ')}` : ''}</p>
<h2>Manifest</h2>
<table id="manifest"><thead><tr><th>Slot</th><th>Included</th><th>Source</th><th class="num">Items</th><th class="num">Tokens</th><th class="num">Bytes</th><th class="num">Latency</th><th>Why</th></tr></thead><tbody>
${m.slots.map(
  (s) => html`<tr data-slot="${s.slot}" data-included="${s.included}"><td>${s.slot}</td><td>${s.included ? (s.shortened ? html`<span class="badge shortened">shortened</span>` : html`<span class="badge ok">whole</span>`) : html`<span class="badge left_out">left out</span>`}</td><td><span class="badge ${s.source}">${s.source}</span></td><td class="num">${s.itemsIncluded} / ${s.items}</td><td class="num">${s.tokens}</td><td class="num">${s.bytes}</td><td class="num">${Math.round(s.latencyMs)} ms</td><td class="muted">${s.reason ?? ''}</td></tr>`,
)}
</tbody></table>
<h2>Slots</h2>
${result.sections.map((section) => html`<article class="slot" data-slot="${section.slot}"><header><h3>${section.slot}</h3><span class="muted">${section.items.length} item(s)</span></header><pre class="slot-text">${section.text}</pre></article>`)}
<details><summary>The whole rendered section</summary><pre id="rendered">${result.rendered}</pre></details>`;
}
