import { createHash } from 'node:crypto'

/**
 * The HTML report's only stylesheet and only script, inline, and the Content-Security-Policy that
 * allows exactly these two by their hashes: no other script can run (an inline handler in a value
 * would be text anyway, since every value is escaped) and nothing can be loaded from anywhere.
 */

export const STYLE = `
:root { color-scheme: light; --ok: #2f6fb5; --quiet: #9aa7b5; --problem: #c4314b; --current: #0e7c3a; }
* { box-sizing: border-box; }
body { font: 13px/1.45 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; color: #1b1f24; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 24px 0 8px; border-bottom: 1px solid #d8dee4; padding-bottom: 4px; }
.sub { color: #57606a; margin: 0 0 16px; }
.status-completed { color: var(--current); } .status-failed, .status-interrupted { color: var(--problem); }
table.facts { border-collapse: collapse; }
table.facts th { text-align: left; font-weight: 600; padding: 2px 16px 2px 0; color: #57606a; vertical-align: top; }
table.facts td { padding: 2px 0; vertical-align: top; }
.grid { display: flex; flex-wrap: wrap; gap: 12px 32px; }
figure { margin: 0; break-inside: avoid; }
.chart-note { max-width: 460px; color: #57606a; font-size: 11px; margin: 4px 0 0; } figcaption { font-weight: 600; margin: 0 0 4px; color: #1b1f24; }
.chart .bar.ok { fill: var(--ok); } .chart .bar.quiet { fill: var(--quiet); }
.chart .bar.problem { fill: var(--problem); } .chart .bar.current { fill: var(--current); }
.chart .label { font-size: 12px; fill: #1b1f24; } .chart .value { font-size: 12px; fill: #57606a; }
.chart .small { font-size: 10px; fill: #57606a; } .chart .axis { stroke: #d8dee4; }
.note { background: #fff8c5; border: 1px solid #eac54f; padding: 6px 10px; border-radius: 4px; }
.controls { display: flex; gap: 8px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.controls input, .controls select { font: inherit; padding: 3px 6px; }
table.records { border-collapse: collapse; width: 100%; }
table.records th, table.records td { border-bottom: 1px solid #eaeef2; padding: 3px 6px; text-align: left; vertical-align: top; }
table.records thead th { background: #f6f8fa; position: sticky; top: 0; }
table.records tr[hidden] { display: none; }
td.num { text-align: right; color: #57606a; }
th.changes { width: 42%; } th.error { width: 24%; }
.chg { display: block; white-space: pre-wrap; word-break: break-word; }
.chg .col { font-weight: 600; } .chg .before { color: #8c2a3c; } .chg .after { color: #1a5c2e; }
.outcome-failed, .outcome-conflict, .action-error { color: var(--problem); font-weight: 600; }
.err { color: var(--problem); white-space: pre-wrap; word-break: break-word; }
.id { color: #57606a; font-size: 11px; display: block; }
footer { margin-top: 24px; color: #57606a; font-size: 11px; }
@media print {
  body { margin: 0; font-size: 10px; }
  .controls { display: none; }
  table.records thead { display: table-header-group; }
  table.records tr { break-inside: avoid; }
  table.records thead th { position: static; }
  h2 { break-after: avoid; }
}
@page { size: A4 landscape; margin: 12mm; }
`

/** Filters the record table by action, outcome and text; rows are hidden, never rewritten. */
export const SCRIPT = `
(function () {
  var q = document.getElementById('filter-text');
  var action = document.getElementById('filter-action');
  var outcome = document.getElementById('filter-outcome');
  var shown = document.getElementById('shown-count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#records tbody tr'));
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  function apply() {
    var t = q.value.trim().toLowerCase(), a = action.value, o = outcome.value, n = 0;
    rows.forEach(function (r, i) {
      var ok = (!a || r.getAttribute('data-action') === a) &&
        (!o || r.getAttribute('data-outcome') === o) &&
        (!t || texts[i].indexOf(t) !== -1);
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n.toLocaleString('en-US');
  }
  q.addEventListener('input', apply);
  action.addEventListener('change', apply);
  outcome.addEventListener('change', apply);
  apply();
})();
`

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

/** Only the inline style and script above; no loads of any kind, no forms, no base URL. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
].join('; ')
