/**
 * The dashboard's only static files, served from the project itself (no CDN) at `/assets/…`:
 * one style sheet and one small script that follows a running build's log. Kept as strings in a
 * module so that `tsc` carries them into `dist/` with the code that serves them.
 */

/**
 * Colours meet WCAG 2.1 AA (4.5:1 for text) on their backgrounds; a status is always written
 * as a word too, never told by colour alone.
 * @see https://www.w3.org/TR/WCAG21/#contrast-minimum
 */
export const DASHBOARD_CSS = `:root { color-scheme: light; --fg: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --link: #0b4f9c; --bg: #ffffff; --panel: #f4f5f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 1; }
header.site { display: flex; flex-wrap: wrap; gap: 16px; align-items: baseline; padding: 10px 20px; background: #1d2b3a; color: #fff; }
header.site a { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.1em; text-decoration: none; }
header.site nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { padding: 12px 20px 40px; max-width: 1400px; }
h1 { font-size: 1.5em; margin: 8px 0 12px; }
h2 { font-size: 1.2em; margin: 24px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; color: var(--muted); }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 0.92em; }
pre.log { background: #111; color: #eaeaea; padding: 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; max-height: 75vh; overflow-y: auto; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 0.9em; white-space: nowrap; }
.status-failed, .status-error, .status-high, .status-refused, .status-rejected { background: #fde8e8; color: #8a1111; }
.status-succeeded, .status-passed, .status-ok, .status-clean, .status-origin, .status-sent { background: #e3f3e7; color: #0b5a1d; }
.status-running, .status-requested { background: #e5eefc; color: #163f78; }
.status-queued, .status-waiting, .status-findings, .status-incomplete { background: #fff3cf; color: #5a4300; }
.status-superseded, .status-never, .status-skipped, .status-unknown { background: #ececec; color: #3d3d3d; }
.muted { color: var(--muted); }
form.filter { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; margin: 8px 0 12px; }
form.filter label { display: flex; flex-direction: column; font-weight: 600; font-size: 0.9em; }
form.filter input, form.filter select, form.filter button { font: inherit; padding: 4px 8px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 22px; border-left: 1px solid var(--line); }
ul.tree { padding-left: 0; border-left: 0; }
ul.tree li { margin: 6px 0; }
ol.chain { margin: 4px 0; padding-left: 20px; }
ul.plain { list-style: none; margin: 0; padding: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
ul.legend { display: flex; flex-wrap: wrap; gap: 14px; list-style: none; padding: 0; margin: 4px 0 10px; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 14px; border: 2px solid; border-radius: 4px; }
.graph-frame { overflow: auto; max-height: 80vh; border: 1px solid var(--line); background: #fff; }
svg.graph text { font: 13px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; fill: var(--fg); }
svg.graph rect { stroke-width: 2; }
svg.graph a:focus-visible rect, svg.graph a:hover rect { stroke-width: 4; }
svg.graph a:focus-visible { outline: none; }
svg.graph path.edge { fill: none; stroke: #555; stroke-width: 1.4; }
svg.graph path.edge.learned { stroke-dasharray: 5 4; }
svg.graph .arrow-head { fill: #555; }
.graph-failed, svg.graph .graph-failed rect { background: #fde8e8; fill: #fde8e8; border-color: #8a1111; stroke: #8a1111; }
.graph-succeeded, svg.graph .graph-succeeded rect { background: #e3f3e7; fill: #e3f3e7; border-color: #0b5a1d; stroke: #0b5a1d; }
.graph-running, svg.graph .graph-running rect { background: #e5eefc; fill: #e5eefc; border-color: #163f78; stroke: #163f78; }
.graph-queued, svg.graph .graph-queued rect { background: #fff3cf; fill: #fff3cf; border-color: #5a4300; stroke: #5a4300; }
.graph-superseded, .graph-never, svg.graph .graph-superseded rect, svg.graph .graph-never rect { background: #ececec; fill: #ececec; border-color: #3d3d3d; stroke: #3d3d3d; }
.graph-external, svg.graph .graph-external rect { background: #fff; fill: #fff; border-color: #777; stroke: #777; border-style: dashed; stroke-dasharray: 4 3; }
ul.edges li { margin: 3px 0; }
form.inline { display: inline-flex; gap: 6px; align-items: center; margin: 0; }
form.inline input, form.inline button { font: inherit; padding: 2px 6px; }
`;

/**
 * Follows a running build's log: appends what the page's event stream sends (as text, never
 * markup) and stops at its `end` event. Without JavaScript the page still shows the log as it
 * was, with a link to load it again.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export const FOLLOW_LOG_JS = `'use strict';
(function () {
  var log = document.getElementById('log');
  var state = document.getElementById('log-state');
  if (!log || !log.getAttribute('data-stream') || typeof EventSource === 'undefined') return;
  var source = new EventSource(log.getAttribute('data-stream'));
  function add(text) {
    var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.appendChild(document.createTextNode(text));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }
  function say(text) { if (state) state.textContent = text; }
  source.addEventListener('open', function () { say('Following the log as it is written.'); });
  source.addEventListener('message', function (event) { add(event.data); });
  source.addEventListener('gap', function (event) { add('\\n' + event.data + '\\n\\n'); });
  source.addEventListener('end', function (event) {
    source.close();
    say('The build ended: ' + event.data + '. The log is complete.');
  });
  source.addEventListener('error', function () { say('Connection lost; trying again.'); });
})();
`;
