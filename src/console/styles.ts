// The console's one stylesheet, served as /console/assets/console.css (the pages carry no inline style: the CSP
// allows only the console's own files).

export const CONSOLE_CSS = `
:root { --fg: #1d232b; --muted: #5d6875; --line: #d9dee4; --bg: #f6f7f9; --accent: #2457c5; --ok: #1a7f43; --warn: #a15c00; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; gap: 14px; align-items: center; padding: 10px 20px; background: #fff; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header.top a { color: var(--muted); text-decoration: none; }
header.top a.active { color: var(--fg); font-weight: 600; border-bottom: 2px solid var(--accent); }
header.top .brand { color: var(--fg); font-weight: 700; margin-right: 8px; }
header.top .ws { padding: 2px 8px; border-radius: 10px; background: #e8eefb; color: var(--accent); font-weight: 600; }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 20px; margin: 4px 0 14px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; }
a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f4; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid var(--line); padding: 8px; margin: 4px 0; max-height: 420px; overflow: auto; }
.muted { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
.grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; }
.card { background: #fff; border: 1px solid var(--line); padding: 10px 12px; margin-bottom: 12px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #eef1f4; color: var(--muted); white-space: nowrap; }
.badge.first_turn, .badge.ok, .badge.current, .badge.success, .badge.completed, .badge.approve { background: #e3f4ea; color: var(--ok); }
.badge.later_turn, .badge.shortened, .badge.partial, .badge.lagging, .badge.minor, .badge.in_progress { background: #fdf0dc; color: var(--warn); }
.badge.ignored, .badge.timeout, .badge.error, .badge.left_out, .badge.blocking, .badge.unknown, .badge.incomplete { background: #fde7e5; color: var(--bad); }
.slot { background: #fff; border: 1px solid var(--line); padding: 10px 12px; margin-bottom: 10px; }
.slot header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.slot header h3 { margin: 0; }
.slot.left-out { background: #fbfbfc; border-style: dashed; }
.items td:first-child { width: 40%; }
form.filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; margin-bottom: 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: 4px 6px; }
textarea { width: 100%; min-height: 70px; }
.pager { display: flex; gap: 12px; align-items: center; margin: 10px 0; }
#graph, .__________cytoscape_container { position: relative; }
#graph { height: 520px; background: #fff; border: 1px solid var(--line); }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); margin: 4px 0 10px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; vertical-align: -1px; background: var(--c); }
.legend .l-focus { --c: #2457c5; } .legend .l-importer { --c: #7a8ca5; } .legend .l-dependency { --c: #b9c4d3; } .legend .l-test { --c: #1a7f43; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { padding: 2px 0; }
`;
