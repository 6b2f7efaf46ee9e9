/// The dashboard page: one self-contained document (no CDN, nothing fetched but this server's `/api/*`). It
/// reads `/api/stats` every second and draws its own SVG charts; `/api/explain?name=` answers the search box.
/// Script errors are counted in `body[data-errors]`, so a headless browser can check the page ran clean.
package enum DashboardPage {
    package static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>domcat</title>
<style>
:root { --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: baseline; gap: 1.5rem; padding: .8rem 1.2rem; background: var(--ink); color: #fff; flex-wrap: wrap; }
header h1 { margin: 0; font-size: 1.2rem; }
header .figure b { font-size: 1.2rem; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; padding: 1rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: .95rem; margin: 0 0 .5rem; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: .2rem .4rem; border-bottom: 1px solid var(--line); text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.pick { cursor: pointer; } tr.pick:hover, tr.on { background: #eef2ff; }
.bar { display: inline-block; height: .6rem; background: var(--accent); border-radius: 2px; vertical-align: middle; }
svg { width: 100%; height: 180px; display: block; }
.legend span { display: inline-flex; align-items: center; gap: .25rem; margin-right: .8rem; font-size: .85rem; }
.legend i { width: .8rem; height: .8rem; display: inline-block; border-radius: 2px; }
input { font: inherit; padding: .35rem .5rem; width: 100%; border: 1px solid var(--line); border-radius: 6px; }
.muted { color: var(--muted); }
pre { margin: .5rem 0 0; white-space: pre-wrap; font-size: .85rem; }
</style>
</head>
<body data-errors="0">
<header>
  <h1>domcat</h1>
  <span class="figure">names/s <b id="rate">–</b></span>
  <span class="figure">names <b id="total">–</b></span>
  <span class="figure" id="versions"></span>
  <span class="muted" id="updated"></span>
</header>
<main>
  <section class="wide"><h2 id="rateTitle">Names per second</h2><svg id="rateChart" viewBox="0 0 1000 180" preserveAspectRatio="none"></svg></section>
  <div id="models" style="display: contents"></div>
  <section><h2>Clients asking for <span id="riskyLabels"></span></h2><table id="clients"></table><p class="muted" id="clientsNote"></p></section>
  <section><h2>Serving</h2><table id="serving"></table></section>
  <section><h2>Look up a name</h2><input id="search" placeholder="e.g. ads.example.com — Enter" autocomplete="off"><pre id="answer" class="muted"></pre></section>
</main>
<script>
"use strict";
window.addEventListener("error", () => { document.body.dataset.errors = String(Number(document.body.dataset.errors) + 1); });
window.addEventListener("unhandledrejection", () => { document.body.dataset.errors = String(Number(document.body.dataset.errors) + 1); });
const palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#9ca3af"];
const fmt = n => n >= 1e6 ? (n / 1e6).toFixed(2) + "M" : n >= 1e4 ? (n / 1e3).toFixed(1) + "k" : String(Math.round(n));
const esc = s => String(s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
const chosen = {};
// The charts span the last hour, or the time since the process started when that is shorter.
let spanSeconds = 3600;
const spanText = () => spanSeconds >= 3600 ? "last hour" : `last ${Math.max(1, Math.round(spanSeconds / 60))} min`;

function lineChart(svg, values) {
  const max = Math.max(1, ...values), w = 1000, h = 180;
  const pts = values.map((v, i) => `${(i / Math.max(1, values.length - 1) * w).toFixed(1)},${(h - 4 - v / max * (h - 24)).toFixed(1)}`);
  svg.innerHTML = `<text x="4" y="14" font-size="12" fill="#6b7280">${fmt(max)}/s</text>` +
    `<polyline fill="none" stroke="${palette[0]}" stroke-width="1.5" points="${pts.join(" ")}"/>`;
}

function stackedChart(svg, rows, width) {
  const w = 1000, h = 180, n = rows.length, k = rows.length ? rows[0].length : 0;
  const totals = rows.map(r => r.reduce((a, b) => a + b, 0) / width);
  const max = Math.max(1e-9, ...totals);
  let base = rows.map(() => 0), shapes = "";
  for (let j = 0; j < k; j++) {
    const top = rows.map((r, i) => base[i] + r[j] / width);
    const x = i => (i / Math.max(1, n - 1) * w).toFixed(1), y = v => (h - 4 - v / max * (h - 24)).toFixed(1);
    const upper = top.map((v, i) => `${x(i)},${y(v)}`), lower = base.map((v, i) => `${x(i)},${y(v)}`).reverse();
    shapes += `<polygon fill="${palette[j % palette.length]}" fill-opacity=".8" points="${upper.concat(lower).join(" ")}"/>`;
    base = top;
  }
  svg.innerHTML = `<text x="4" y="14" font-size="12" fill="#6b7280">${fmt(max)}/s</text>` + shapes;
}

function modelSection(model, index) {
  let el = document.getElementById("model" + index);
  if (!el) {
    el = document.createElement("section");
    el.id = "model" + index;
    el.className = "wide";
    el.innerHTML = `<h2></h2><div class="legend"></div><svg viewBox="0 0 1000 180" preserveAspectRatio="none"></svg>
      <div style="display:grid;grid-template-columns:1fr 1fr;gap:1rem"><table class="labels"></table><div><h2 class="namesTitle"></h2><table class="names"></table></div></div>`;
    document.getElementById("models").appendChild(el);
  }
  el.querySelector("h2").textContent = `${model.name} ${model.version} — names per label, ${spanText()}`;
  el.querySelector(".legend").innerHTML = model.series.labels.map((l, j) => `<span><i style="background:${palette[j % palette.length]}"></i>${esc(l)}</span>`).join("");
  const slots = Math.min(model.series.rows.length, Math.max(6, Math.ceil(spanSeconds / model.series.width) + 1));
  stackedChart(el.querySelector("svg"), model.series.rows.slice(-slots), model.series.width);
  const top = model.top_labels, max = Math.max(1, ...top.map(t => t.count));
  if (!chosen[index] || !top.some(t => t.label === chosen[index])) chosen[index] = top.length ? top[0].label : null;
  el.querySelector(".labels").innerHTML = `<tr><th>label</th><th class="n">names, ${spanText()}</th><th></th></tr>` +
    top.map(t => `<tr class="pick${t.label === chosen[index] ? " on" : ""}" data-label="${esc(t.label)}"><td>${esc(t.label)}</td>` +
      `<td class="n">${t.count}</td><td><span class="bar" style="width:${(t.count / max * 120).toFixed(0)}px"></span></td></tr>`).join("");
  el.querySelectorAll("tr.pick").forEach(tr => tr.onclick = () => { chosen[index] = tr.dataset.label; refresh(); });
  const names = (model.top_names[chosen[index]] || []);
  el.querySelector(".namesTitle").textContent = chosen[index] ? `top names: ${chosen[index]}` : "top names";
  // A count with an error is between its sure part and itself: shown as "≥ sure", the upper bound muted.
  el.querySelector(".names").innerHTML = `<tr><th>name</th><th class="n">count</th></tr>` +
    names.map(e => `<tr><td>${esc(e.name)}</td><td class="n">${e.error ? `≥${e.count - e.error} <span class="muted">(≤${e.count})</span>` : e.count}</td></tr>`).join("");
}

function render(s) {
  spanSeconds = Math.min(3600, Math.max(60, s.now - s.started + 1));
  const perSecond = s.per_second.slice(-spanSeconds);
  document.getElementById("rateTitle").textContent = `Names per second, ${spanText()}`;
  document.getElementById("rate").textContent = fmt(perSecond.length > 1 ? perSecond[perSecond.length - 2] : 0);
  document.getElementById("total").textContent = fmt(s.names);
  document.getElementById("versions").textContent = s.models.map(m => `${m.name} ${m.version}`).join(" · ");
  document.getElementById("updated").textContent = "updated " + new Date(s.now * 1000).toLocaleTimeString();
  // At most 360 points: ten-second means over the hour, single seconds over a short span.
  const step = Math.max(1, Math.ceil(perSecond.length / 360)), points = [];
  for (let i = 0; i < perSecond.length; i += step) points.push(perSecond.slice(i, i + step).reduce((a, b) => a + b, 0) / step);
  lineChart(document.getElementById("rateChart"), points);
  s.models.forEach(modelSection);
  document.getElementById("riskyLabels").textContent = s.clients.labels.join(", ");
  document.getElementById("clients").innerHTML = `<tr><th>client</th><th class="n">names</th></tr>` +
    s.clients.top.map(c => `<tr><td>${esc(c.client)}</td><td class="n">${c.count}</td></tr>`).join("");
  document.getElementById("clientsNote").textContent = s.clients.top.length ? `since ${new Date(s.since * 1000).toLocaleTimeString()}`
    : "no client seen asking for these (the log format must carry clients)";
  const rows = [];
  for (const [tier, ratio] of Object.entries((s.cache || {}).hit_ratio || {})) rows.push([`cache hits: ${tier}`, (ratio * 100).toFixed(1) + "%"]);
  for (const [q, v] of Object.entries((s.latency || {}).seconds || {})) rows.push([`batch latency ${q}`, `≤ ${(v * 1000).toFixed(2)} ms`]);
  if (s.experiment) {
    const e = s.experiment;
    rows.push([`experiment ${e.id}`, `${e.mode}: ${e.control} vs ${e.treatment}`]);
    for (const arm of ["control", "treatment"]) if (e[arm + "_names"] !== undefined) rows.push([`${arm} names`, String(e[arm + "_names"])]);
  }
  document.getElementById("serving").innerHTML = rows.map(r => `<tr><td>${esc(r[0])}</td><td class="n">${esc(r[1])}</td></tr>`).join("");
}

async function refresh() {
  try {
    const response = await fetch("/api/stats", { cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch (e) {
    document.getElementById("updated").textContent = "no answer from the server";
  }
}

document.getElementById("search").addEventListener("keydown", async ev => {
  if (ev.key !== "Enter") return;
  const name = ev.target.value.trim();
  if (!name) return;
  const out = document.getElementById("answer");
  const response = await fetch("/api/explain?name=" + encodeURIComponent(name));
  const a = await response.json();
  if (a.error) { out.textContent = a.error; return; }
  out.textContent = a.models.map(m => `${m.model}: ${m.label} (p ${m.p})` +
    (m.why && m.why.length ? "\n  " + m.why.map(w => `${w.token} ${(w.weight * 100).toFixed(0)}%`).join(", ") : "")).join("\n");
});

refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
"""#
}
