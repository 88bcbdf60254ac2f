// roundabout dashboard: plain JS, no build step. Every call carries the API key.
//
// Filters say what they change (the hint under each), and nothing changes until Apply: the
// line under the form says which filters the page shows, and when the form has been edited
// since. The summary's title names the hubs it covers. Every text from the store or a list
// (party and entity names, reasons) goes through text(): textContent, control and bidi
// characters shown as escapes.
(function () {
"use strict";

const $ = (id) => document.getElementById(id);
const KEY = "roundabout.key";

function key() { return sessionStorage.getItem(KEY) || ""; }

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// A GET answered 202 is being computed by a background job: ask again until it is done.
async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + key() }, options.headers || {});
  for (let tries = 0; ; tries++) {
    const res = await fetch(path, Object.assign({}, options, { headers }));
    const body = await res.json().catch(() => ({}));
    if (res.status === 202 && tries < 600) {
      await sleep(1000 * Math.min(Number(res.headers.get("Retry-After")) || 1, 5));
      continue;
    }
    if (!res.ok) {
      const msg = (body.error && body.error.message) || res.statusText;
      throw new Error(res.status + ": " + msg);
    }
    return body;
  }
}

// Control and bidi characters shown as escapes, as roundabout.text_safety.visible does:
// a list or party name must not reorder or hide the text around it.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
function visible(s) {
  return String(s).replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? "\\x" + n.toString(16).padStart(2, "0") : "\\u" + n.toString(16).padStart(4, "0");
  });
}

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value == null ? "" : visible(value);
  if (cls) el.className = cls;
  return el;
}

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

function money(x, cur) {
  if (x == null) return "n/a";
  const a = Math.abs(x);
  const [d, s] = a >= 1e9 ? [1e9, "bn"] : a >= 1e6 ? [1e6, "m"] : a >= 1e3 ? [1e3, "k"] : [1, ""];
  return cur + " " + (x / d).toFixed(1) + s;
}

function pct(x) { return x == null ? "n/a" : (100 * x).toFixed(1) + "%"; }

function qs(obj) {
  const p = new URLSearchParams(obj).toString();
  return p ? "?" + p : "";
}

function unavailable(target, reason) {
  target.replaceChildren(text("p", "not available: " + reason, "na"));
}

// -- filters ---------------------------------------------------------------------------------

const MONTH = /^[0-9]{4}-[0-9]{2}$/;
const PRODUCT = /^[0-9]{2,10}$/;

// The form as filters, or an error naming the field at fault.
function readForm() {
  const hubs = [...document.querySelectorAll("#f-hubs input:checked")].map((b) => b.value);
  const v = (id) => $(id).value.trim();
  const f = { hubs, winFrom: v("f-win-from"), winTo: v("f-win-to"), product: v("f-product"),
    from: v("f-from"), to: v("f-to") };
  for (const [name, val] of [["Leak window from", f.winFrom], ["Leak window to", f.winTo],
    ["Chart period from", f.from], ["Chart period to", f.to]]) {
    if (val && !MONTH.test(val)) return { error: `${name}: write a month as YYYY-MM, not "${val}"` };
  }
  if (Boolean(f.winFrom) !== Boolean(f.winTo)) return { error: "Leak window: give both months, or neither" };
  if (f.winFrom && f.winFrom > f.winTo) return { error: "Leak window: from is after to" };
  if (f.from && f.to && f.from > f.to) return { error: "Chart period: from is after to" };
  if (f.product && !PRODUCT.test(f.product)) return { error: `Goods: 2 to 10 digits, not "${f.product}"` };
  return f;
}

let applied = null; // the filters the page shows
let summaryHubs = []; // the hubs the last summary covered
let lastSummary = null; // the last summary shown (its window and baseline)

function hubWords(f) { return f.hubs.length ? f.hubs.join(", ") : "all hubs"; }

// The line under the form: what the page shows, in words.
function describe(f, s) {
  const parts = [`hubs: ${f.hubs.length ? f.hubs.join(", ") : "all (" + (summaryHubs.join(", ") || "the seven defaults") + ")"}`];
  if (s) parts.push(`leak window ${s.window} against baseline ${s.baseline}` + (f.winFrom ? "" : " (default)"));
  else parts.push(f.winFrom ? `leak window ${f.winFrom}:${f.winTo}` : "default leak window");
  parts.push(f.product ? `findings and charts: products ${f.product}…` : "all products");
  parts.push(f.from || f.to ? `charts: ${f.from || "start"} to ${f.to || "end"}` : "charts: every month");
  return "Showing " + parts.join(" · ");
}

function markDirty() {
  if (!applied) return;
  const f = readForm();
  const same = !f.error && JSON.stringify(f) === JSON.stringify(applied);
  $("scope").classList.toggle("dirty", !same);
  $("status").textContent = same ? $("status").dataset.done || "" : "filters changed: press Apply to update the page";
}

// -- charts ----------------------------------------------------------------------------------

async function drawChart(name, f) {
  const target = $("chart-" + name);
  target.replaceChildren(text("span", "loading…", "muted"));
  const q = {};
  if (f.hubs.length) q.hub = f.hubs.join(",");
  if (f.product) q.products = f.product;
  if (f.from) q.period_from = f.from;
  if (f.to) q.period_to = f.to;
  try {
    const c = await api("/charts/" + name + qs(q));
    if (!c.available) return unavailable(target, c.reason);
    if (c.svg) {
      const doc = new DOMParser().parseFromString(c.svg, "image/svg+xml");
      target.replaceChildren(document.importNode(doc.documentElement, true));
    } else if (window.vegaEmbed) {
      target.replaceChildren();
      await window.vegaEmbed(target, c.vega_lite, { actions: false, renderer: "svg" });
    } else {
      unavailable(target, "the chart library did not load");
    }
    for (const n of c.notes || []) target.appendChild(text("p", n, "muted"));
  } catch (e) {
    unavailable(target, e.message);
    throw e;
  }
}

// -- summary and findings ----------------------------------------------------------------------

const table = { rows: [], sort: "score", dir: -1, page: 0, currency: "" };

function ci(x) {
  return x && x.length === 2 ? `${pct(x[0])} to ${pct(x[1])}` : "n/a";
}

// The placebo: the same analysis with every ban and both periods 12 months earlier. What it
// finds where no ban was in force measures the method's noise (the report says the same).
function placeboWords(s) {
  const p = s.placebo;
  if (!p) return "Placebo: not run.";
  if (p.available === false) return `Placebo: not available: ${p.reason}`;
  return `Placebo (every ban and both periods 12 months earlier: window ${p.window} against ${p.baseline}): ` +
    `hub excess ${money(p.hub_excess, s.currency)} against ${money(s.hub_excess, s.currency)} in the real window, ` +
    `offset share ${pct(p.offset_share)}.`;
}

async function loadLeaks(f) {
  const box = $("summary");
  const params = { did: "false", top: "500" };
  if (f.hubs.length) params.hubs = f.hubs.join(",");
  if (f.winFrom) params.window = f.winFrom + ":" + f.winTo;
  try {
    const r = await api("/leaks" + qs(params));
    const s = r.summary;
    lastSummary = s;
    summaryHubs = Object.keys(s.hubs || {});
    const covered = f.hubs.length ? f.hubs.join(", ") : `all hubs (${summaryHubs.join(", ")})`;
    $("summary-title").textContent = visible("Summary: " + covered);
    box.replaceChildren(
      text("p", `Window ${s.window} against ${s.baseline}; goods ${s.goods} (every listed good, whatever the Goods filter); target ${s.target}.`),
      text("p", `Offset share, ${f.hubs.length ? f.hubs.join(" + ") : "all hubs"}: ${pct(s.offset_share)} of a direct drop of ${money(s.direct_drop, s.currency)}; ` +
        `excess into ${f.hubs.length ? f.hubs.join(" + ") : "the hubs"} ${money(s.hub_excess, s.currency)} (published: about 5% for Mar–Aug 2022, later 5 to 10 per cent).`),
      text("p", `90% interval of the offset share (bootstrap over products): ${ci(s.offset_share_ci)}.`, "summary-ci"),
      text("p", placeboWords(s), "summary-placebo"),
    );
    if (summaryHubs.length > 1) {
      const t = document.createElement("table");
      t.id = "summary-hubs";
      const head = document.createElement("tr");
      head.append(text("th", "hub"), text("th", "offset share"), text("th", "90% interval"), text("th", "excess in"), text("th", "lost in transit"));
      t.appendChild(head);
      for (const [h, x] of Object.entries(s.hubs)) {
        const tr = document.createElement("tr");
        tr.append(text("td", h), text("td", pct(x.offset_share)), text("td", ci(x.offset_share_ci)), text("td", money(x.hub_excess, s.currency)),
          text("td", money(x.lost_in_transit, s.currency)));
        t.appendChild(tr);
      }
      box.appendChild(t);
    }
    table.currency = s.currency;
    table.all = r.findings;
    table.page = 0;
    table.rows = r.findings.filter((x) => !f.product || x.product.startsWith(f.product));
    const note = f.product
      ? `${table.rows.length} of ${r.findings.length} findings are products ${f.product}…`
      : `${r.findings.length} findings`;
    $("findings-note").textContent = visible(note + (r.findings.length >= 500 ? " (the top 500 by score)" : "") +
      `; hubs: ${covered}; window ${s.window}.`);
    $("findings-title").textContent = visible("Findings: " + covered);
    drawFindings();
  } catch (e) {
    lastSummary = null;
    $("summary-title").textContent = visible("Summary: " + hubWords(f));
    unavailable(box, e.message);
    table.rows = [];
    drawFindings();
    throw e;
  }
}

function sortedRows() {
  const k = table.sort;
  const d = table.dir;
  return [...table.rows].sort((a, b) => {
    const x = a[k], y = b[k];
    if (x == null && y == null) return 0;
    if (x == null) return 1; // missing figures last, either way
    if (y == null) return -1;
    return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * d;
  });
}

function drawFindings() {
  const body = $("findings").querySelector("tbody");
  const size = Number($("page-size").value);
  const rows = sortedRows();
  const pages = Math.max(1, Math.ceil(rows.length / size));
  table.page = Math.min(table.page, pages - 1);
  const start = table.page * size;
  body.replaceChildren();
  rows.slice(start, start + size).forEach((x, i) => {
    const tr = document.createElement("tr");
    const c = table.currency;
    tr.append(text("td", start + i + 1), text("td", x.hub), text("td", x.product), text("td", money(x.score, c)),
      text("td", money(x.excess_in, c)), text("td", money(x.lost_in_transit, c)), text("td", x.explanation, "expl"));
    body.appendChild(tr);
  });
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = text("td", "no finding for these filters", "muted");
    td.colSpan = 7;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  $("page-info").textContent = rows.length
    ? `rows ${start + 1}–${Math.min(start + size, rows.length)} of ${rows.length} · page ${table.page + 1} of ${pages}`
    : "no rows";
  $("page-prev").disabled = table.page === 0;
  $("page-next").disabled = table.page >= pages - 1;
  for (const th of document.querySelectorAll("#findings th[data-sort]")) {
    th.setAttribute("aria-sort", th.dataset.sort === table.sort ? (table.dir > 0 ? "ascending" : "descending") : "none");
  }
}

// -- alerts and decisions ------------------------------------------------------------------

let me = null; // the key: who decisions are recorded as

function reasonBox(label) {
  const input = document.createElement("input");
  input.className = "reason";
  input.placeholder = "your reason (required)";
  input.maxLength = 500;
  input.setAttribute("aria-label", label);
  return input;
}

// A reason box and buttons that stay disabled until a reason is typed.
function decisionCell(label, choices, send) {
  const td = document.createElement("td");
  const input = reasonBox(label);
  td.append(input, document.createElement("br"));
  const buttons = choices.map(([text_, decision]) => {
    const b = text("button", text_, "decide");
    b.type = "button";
    b.dataset.decision = decision;
    b.disabled = true;
    b.addEventListener("click", async () => {
      for (const x of buttons) x.disabled = true;
      try {
        await send(decision, input.value.trim());
      } catch (e) {
        $("status").textContent = visible("decision failed: " + e.message);
        for (const x of buttons) x.disabled = !input.value.trim();
      }
    });
    td.appendChild(b);
    return b;
  });
  input.addEventListener("input", () => { for (const b of buttons) b.disabled = !input.value.trim(); });
  if (me && !me.permissions.includes("decide")) {
    input.disabled = true;
    td.appendChild(text("div", "this key may not decide", "muted"));
  }
  return td;
}

async function post(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

function whyCell(a) {
  const td = document.createElement("td");
  td.className = "why";
  if (a.basis) {
    const share = a.owned_share != null ? " " + pct(a.owned_share) : "";
    td.appendChild(text("span", a.basis + share, "basis " + a.basis));
  }
  if (a.via && a.via.length) {
    const names = a.via.map((id, i) => `${a.via_names[i] || id} (${id})`);
    td.appendChild(text("div", "via " + names.join(" → "), "via"));
  }
  td.appendChild(text("div", a.explanation || "(no explanation: the entry is not in the lists in use)", a.explanation ? "expl" : "muted"));
  return td;
}

async function loadAlerts() {
  const body = $("alerts").querySelector("tbody");
  const r = await api("/alerts");
  body.replaceChildren();
  for (const a of r.alerts) {
    const tr = document.createElement("tr");
    tr.dataset.party = a.party_id;
    tr.dataset.entity = a.entity_id;
    const party = cell(text("strong", a.party_name || "(no name recorded)"), document.createElement("br"),
      text("span", a.party_id + (a.party_country ? " · " + a.party_country : ""), "muted pid"));
    if (a.declaration_id) party.appendChild(text("div", `${a.role} of declaration ${a.declaration_id}`, "muted"));
    const entry = cell(text("strong", a.entity_name || a.entity_id), document.createElement("br"),
      text("span", a.entity_id + (a.programs && a.programs.length ? " · " + a.programs.join(", ") : ""), "muted"));
    const send = async (decision, reason) => {
      await post("/decisions", { party_id: a.party_id, entity_id: a.entity_id, record: a.party_hash, decision, reason });
      $("status").textContent = visible(`decision recorded as ${me ? me.name : "this key"}: ${a.party_name || a.party_id} × ${a.entity_name || a.entity_id}: ${decision}`);
      await Promise.all([loadAlerts(), loadAudit()]);
    };
    tr.append(party, entry, text("td", a.score.toFixed(2) + (a.match ? " match" : "")), whyCell(a), text("td", a.status),
      decisionCell(`reason for ${a.party_id}`, [["True match", "true_match"], ["False positive", "false_positive"]], send));
    body.appendChild(tr);
  }
  if (!r.alerts.length) empty(body, "no open party alert", 6);
}

function empty(body, msg, cols) {
  const tr = document.createElement("tr");
  const td = text("td", msg, "muted");
  td.colSpan = cols;
  tr.appendChild(td);
  body.appendChild(tr);
}

function reasonList(items, withSource) {
  const ul = document.createElement("ul");
  ul.className = "reasons";
  for (const x of items) {
    const li = text("li", `${x.code} (${x.weight.toFixed(2)}): ${x.detail}`);
    if (withSource && x.source) {
      const more = document.createElement("details");
      more.append(text("summary", "source", "src"), text("div", x.source, "src"));
      li.appendChild(more);
    }
    ul.appendChild(li);
  }
  return ul;
}

async function loadShipments() {
  const body = $("shipments").querySelector("tbody");
  const r = await api("/alerts/shipments");
  body.replaceChildren();
  for (const a of r.alerts) {
    const tr = document.createElement("tr");
    tr.dataset.declaration = a.declaration_id;
    const s = a.summary;
    const decl = cell(text("strong", a.declaration_id), document.createElement("br"),
      text("span", `${s.exporter || "?"} → ${s.consignee || "?"} (${s.destination_country || "?"}), HS ${s.hs_code || "?"}` +
        (s.date ? ", " + s.date : ""), "muted"));
    const other = a.reasons.filter((x) => !x.code.startsWith("redflag:"));
    const flags = cell(a.redflags.length ? reasonList(a.redflags, true) : text("span", "none fired", "muted"));
    if (a.redflags_not_checked.length) {
      flags.appendChild(text("div", "not checked: " + a.redflags_not_checked.join("; "), "src"));
    }
    const hits = document.createElement("td");
    for (const [role, hs] of Object.entries(a.hits)) {
      for (const h of hs.slice(0, 2)) {
        const line = text("div", `${role}: ${h.name} (${h.entity_id}) ${h.score.toFixed(2)}${h.match ? " match" : ""}`);
        if (h.basis && h.basis !== "listed") {
          line.appendChild(text("span", " " + h.basis + (h.owned_share != null ? " " + pct(h.owned_share) : ""), "basis " + h.basis));
        }
        hits.appendChild(line);
      }
    }
    if (!hits.childNodes.length) hits.appendChild(text("span", "no party hit", "muted"));
    const send = async (decision, reason) => {
      await post("/decisions/shipments", { declaration_id: a.declaration_id, record: a.record, decision, reason });
      $("status").textContent = visible(`decision recorded as ${me ? me.name : "this key"}: declaration ${a.declaration_id}: ${decision}`);
      await Promise.all([loadShipments(), loadAudit()]);
    };
    tr.append(decl, text("td", a.risk.toFixed(2)), cell(reasonList(other, false)), flags, hits,
      decisionCell(`reason for declaration ${a.declaration_id}`, [["Hold", "hold"], ["Release", "release"]], send));
    body.appendChild(tr);
  }
  if (!r.alerts.length) empty(body, "no open shipment alert", 6);
}

async function loadAudit() {
  const box = $("audit-state");
  const v = await api("/audit");
  box.textContent = visible(v.ok ? v.message : "WARNING: " + v.message);
  box.className = v.ok ? "muted" : "na";
  box.dataset.ok = String(v.ok);
}

async function loadMe() {
  me = await api("/keys/me");
  $("key-state").textContent = visible(`key ${me.name} (${me.permissions.join(", ")})`);
  $("actor").textContent = visible(`Decisions are recorded as ${me.name} (audit actor ${me.actor}), with the reason you type.`);
}

// -- the page --------------------------------------------------------------------------------

async function refresh() {
  if (!key()) { $("key-state").textContent = "no key"; return; }
  const f = readForm();
  if (f.error) {
    $("status").textContent = visible(f.error);
    $("status").className = "err";
    return;
  }
  $("status").className = "muted";
  $("status").textContent = "loading…";
  $("scope").classList.remove("dirty");
  $("scope").textContent = visible(describe(f, null));
  applied = f;
  const failed = [];
  const part = (name, p) => p.catch((e) => { failed.push(name + ": " + e.message); });
  await part("key", loadMe());
  await Promise.all([part("summary", loadLeaks(f)), part("monthly chart", drawChart("monthly", f)),
    part("Sankey chart", drawChart("sankey", f)), part("party alerts", loadAlerts()),
    part("shipment alerts", loadShipments()), part("audit", loadAudit())]);
  $("scope").textContent = visible(describe(f, lastSummary));
  const at = new Date().toLocaleTimeString();
  const done = failed.length ? `loaded at ${at} with errors: ${failed.join("; ")}` : `loaded at ${at} for the filters above`;
  $("status").dataset.done = done;
  $("status").textContent = visible(done);
  $("status").className = failed.length ? "err" : "muted";
  markDirty();
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("api-key").value.trim());
    $("api-key").value = "";
    $("key-state").textContent = "key set";
    refresh();
  });
  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); refresh(); });
  $("filters").addEventListener("input", markDirty);
  $("filters").addEventListener("change", markDirty);
  for (const th of document.querySelectorAll("#findings th[data-sort]")) {
    th.querySelector("button").addEventListener("click", () => {
      const k = th.dataset.sort;
      if (table.sort === k) table.dir = -table.dir;
      else { table.sort = k; table.dir = k === "hub" || k === "product" ? 1 : -1; }
      table.page = 0;
      drawFindings();
    });
  }
  $("page-prev").addEventListener("click", () => { table.page -= 1; drawFindings(); });
  $("page-next").addEventListener("click", () => { table.page += 1; drawFindings(); });
  $("page-size").addEventListener("change", () => { table.page = 0; drawFindings(); });
  document.body.dataset.ready = "1";
  if (key()) { $("key-state").textContent = "key set"; refresh(); }
});
})();
