// The UI's only stylesheet (served from /ui/assets/app.css, so the CSP can say style-src 'self') and
// its only script: the copy button, inline and allowed by its hash. Without JavaScript the button
// stays hidden and the reply sits in a read-only textarea, ready to select and copy by hand.

export const stylesheet = `
:root { --ink: #1d2430; --muted: #5b6473; --line: #d5dae1; --bg: #f5f7fa; --card: #fff; --brand: #1f4e8c;
  --brand-ink: #fff; --ok-bg: #e7f4ea; --ok: #1e6b34; --warn-bg: #fff4e0; --warn: #8a4b00; --bad-bg: #fdecec; --bad: #a61b1b; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
header.top { background: var(--brand); color: var(--brand-ink); }
header.top .bar { max-width: 72rem; margin: 0 auto; padding: .6rem 1.25rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
header.top .brand { font-weight: 700; font-size: 1.1rem; color: var(--brand-ink); text-decoration: none; }
header.top nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
header.top nav a { color: var(--brand-ink); text-decoration: none; padding: .2rem 0; border-bottom: 2px solid transparent; }
header.top nav a[aria-current="page"], header.top nav a:hover { border-bottom-color: var(--brand-ink); }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
header.top .who a { color: var(--brand-ink); }
header.top .who form { margin: 0; }
header.top .who button { background: transparent; color: var(--brand-ink); border: 1px solid rgba(255,255,255,.7); padding: .2rem .6rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 0 0 .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.card > :first-child { margin-top: 0; }
.card > :last-child { margin-bottom: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: minmax(0, 7fr) minmax(0, 5fr); align-items: start; }
@media (max-width: 56rem) { .grid { grid-template-columns: minmax(0, 1fr); } }
main.narrow { max-width: 32rem; padding-top: 2.5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: .55rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; background: #eef1f5; }
td .excerpt { color: var(--muted); font-size: .9rem; display: block; }
td.nowrap { white-space: nowrap; }
td form { margin: 0; }
td button { padding: .2rem .75rem; font-size: .9rem; }
/* On a phone a table keeps readable columns and scrolls sideways in its box; the page itself never does. */
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--card); margin-bottom: 1rem; }
.table-wrap table { border: 0; min-width: 40rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; }
form.filters .field { margin: 0; }
form.filters input[type="search"] { min-width: 14rem; }
form.filters .grow { flex: 1 1 20rem; }
form.filters .grow input { width: 100%; }
.field { margin-bottom: 1rem; }
.field > label, .field > .label, fieldset legend { display: block; font-weight: 600; margin-bottom: .25rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
.choices label, label.check { display: flex; gap: .5rem; align-items: baseline; font-weight: 400; margin: .2rem 0; }
.choices.inline { display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
.field > label.check { display: flex; font-weight: 400; }
form.filters label.check { margin-bottom: .5rem; }
input[type="text"], input[type="search"], input[type="password"], input[type="date"], select { height: 2.5rem; }
input[type="text"], input[type="search"], input[type="password"], input[type="date"], select, textarea { font: inherit; color: inherit; border: 1px solid #9aa3af; border-radius: 4px; padding: .4rem .5rem; background: #fff; max-width: 100%; }
input[type="text"], input[type="password"], textarea { width: 100%; }
textarea { min-height: 6rem; resize: vertical; }
textarea.reply { min-height: 8rem; background: #fbfcfd; }
.hint { color: var(--muted); font-size: .875rem; margin: .2rem 0 0; }
fieldset.invalid { border-left: 3px solid var(--bad); padding-left: .75rem; }
.invalid input, .invalid select, .invalid textarea { border-color: var(--bad); border-width: 2px; }
.field-error { color: var(--bad); font-weight: 600; font-size: .9rem; margin: .25rem 0 0; }
button, .button { font: inherit; cursor: pointer; border-radius: 4px; border: 1px solid var(--brand); background: var(--brand); color: var(--brand-ink); padding: .45rem 1rem; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.notice { border-radius: 6px; padding: .75rem 1rem; margin-bottom: 1rem; border: 1px solid; }
.notice.ok { background: var(--ok-bg); color: var(--ok); border-color: #b7dcc0; }
.notice.warn { background: var(--warn-bg); color: var(--warn); border-color: #f0cf9a; }
.notice.bad { background: var(--bad-bg); color: var(--bad); border-color: #f1b5b5; }
.notice p { margin: .2rem 0 0; }
.badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: .05rem .5rem; border-radius: 999px; border: 1px solid var(--line); background: #eef1f5; color: var(--ink); white-space: nowrap; }
.badge.overdue, .badge.reason { background: var(--bad-bg); color: var(--bad); border-color: #f1b5b5; }
.badge.open { background: var(--warn-bg); color: var(--warn); border-color: #f0cf9a; }
.badge.claimed { background: #e6eefb; color: var(--brand); border-color: #bcd0f0; }
.badge.resolved, .badge.published { background: var(--ok-bg); color: var(--ok); border-color: #b7dcc0; }
ul.reasons { list-style: none; padding: 0; margin: 0; }
ul.reasons li { margin-bottom: .35rem; }
ul.reasons .detail { color: var(--muted); font-size: .9rem; }
.message { white-space: pre-wrap; overflow-wrap: anywhere; }
.suggestion { border-top: 1px solid var(--line); padding-top: .75rem; margin-top: .75rem; }
.suggestion:first-of-type { border-top: 0; margin-top: 0; padding-top: 0; }
.snippet { color: var(--muted); font-size: .9rem; }
.hit { padding: .75rem 1.25rem; margin-bottom: .6rem; }
.hit h3 { margin: 0; }
.hit p { margin: .2rem 0 0; }
.hit .muted { font-size: .875rem; }
.paging { display: flex; gap: 1rem; margin-top: .75rem; }
.muted { color: var(--muted); }
.spaced { margin-top: 1rem; }
.heatmap { min-width: 28rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.examples { margin: .5rem 0; padding-left: 1.2rem; } ul.examples li { margin: .25rem 0; }
.heatmap th, .heatmap td { text-align: center; padding: .2rem .35rem; font-variant-numeric: tabular-nums; }
.heatmap td.heat-1 { background: #e3ecf7; } .heatmap td.heat-2 { background: #c2d5ee; }
.heatmap td.heat-3 { background: #8fb2de; } .heatmap td.heat-4 { background: #4f7fc0; color: #fff; }
.heatmap td.heat-5 { background: #1f4e8c; color: #fff; font-weight: 600; }
/* Report charts: inline SVG; the value text and the table below carry the numbers, the fill only shapes them. */
figure.chart { margin: 0 0 1rem; }
svg.chart { display: block; width: 100%; max-width: 45rem; height: auto; }
svg.chart .mark { fill: var(--brand); }
svg.chart text { fill: var(--ink); font-size: 13px; }
svg.chart .value { font-weight: 600; font-variant-numeric: tabular-nums; }
svg.chart .small, svg.chart .tick { font-size: 11px; }
svg.chart .tick, svg.chart .axis-label { fill: var(--muted); }
svg.chart .axis { stroke: var(--ink); }
svg.chart .grid { stroke: var(--line); }
figure.chart details { margin-top: .5rem; }
figure.chart summary { cursor: pointer; color: var(--brand); }
figure.chart caption, .card table caption { text-align: left; font-weight: 600; padding: .4rem .6rem; }
.article-body { overflow-wrap: anywhere; }
.article-body h1, .article-body h2, .article-body h3 { margin: 1rem 0 .5rem; }
.article-body pre { background: #eef1f5; padding: .75rem; overflow-x: auto; border-radius: 4px; }
.article-body code { background: #eef1f5; padding: 0 .2rem; border-radius: 3px; }
.article-body pre code { padding: 0; }
.article-body table { display: block; overflow-x: auto; }
.article-body blockquote { margin: 0 0 1rem; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
footer { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem 2rem; color: var(--muted); font-size: .85rem; }
`

export const copyScript = `document.querySelectorAll('button[data-copy]').forEach(function (button) {
  button.hidden = false;
  button.addEventListener('click', function () {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var label = button.textContent;
    var done = function () { button.textContent = button.getAttribute('data-copied'); setTimeout(function () { button.textContent = label; }, 2000); };
    var fallback = function () { source.select(); document.execCommand('copy'); done(); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(source.value).then(done, fallback);
    else fallback();
  });
});`

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return btoa(String.fromCharCode(...digest))
}

let scriptHash: Promise<string> | undefined
/** The CSP source that allows exactly the copy script. */
export const copyScriptSource = () => (scriptHash ??= sha256Base64(copyScript).then((hash) => `'sha256-${hash}'`))
