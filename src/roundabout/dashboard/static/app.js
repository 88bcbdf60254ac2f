// roundabout dashboard: plain JS, no build step. Every call carries the API key.
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
  return s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? "\\x" + n.toString(16).padStart(2, "0") : "\\u" + n.toString(16).padStart(4, "0");
  });
}

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value == null ? "" : visible(String(value));
  if (cls) el.className = cls;
  return el;
}

function money(x, cur) {
  if (x == null) return "n/a";
  const a = Math.abs(x);
  const [d, s] = a >= 1e9 ? [1e9, "bn"] : a >= 1e6 ? [1e6, "m"] : a >= 1e3 ? [1e3, "k"] : [1, ""];
  return cur + " " + (x / d).toFixed(1) + s;
}

function pct(x) { return x == null ? "n/a" : (100 * x).toFixed(1) + "%"; }

function filters() {
  const f = {};
  for (const [id, name] of [["f-hub", "hub"], ["f-product", "products"], ["f-from", "period_from"], ["f-to", "period_to"]]) {
    const v = $(id).value.trim();
    if (v) f[name] = v;
  }
  return f;
}

function qs(obj) {
  const p = new URLSearchParams(obj).toString();
  return p ? "?" + p : "";
}

function unavailable(target, reason) {
  target.replaceChildren(text("p", "not available: " + reason, "na"));
}

async function drawChart(name, f) {
  const target = $("chart-" + name);
  target.replaceChildren(text("span", "loading…", "muted"));
  try {
    const c = await api("/charts/" + name + qs(f));
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
  }
}

async function loadLeaks(f) {
  const box = $("summary");
  const body = $("findings").querySelector("tbody");
  body.replaceChildren();
  const params = { did: "false", top: "100" };
  if (f.hub) params.hubs = f.hub;
  if (f.period_from && f.period_to) params.window = f.period_from + ":" + f.period_to;
  try {
    const r = await api("/leaks" + qs(params));
    const s = r.summary;
    box.replaceChildren(
      text("p", `Window ${s.window} against ${s.baseline}; goods ${s.goods}; target ${s.target}.`),
      text("p", `Offset share, all hubs: ${pct(s.offset_share)} of a direct drop of ${money(s.direct_drop, s.currency)} ` +
        `(published: about 5% for Mar–Aug 2022, later 5 to 10 per cent).`),
    );
    const prefix = f.products || "";
    const rows = r.findings.filter((x) => !prefix || x.product.startsWith(prefix));
    rows.forEach((x, i) => {
      const tr = document.createElement("tr");
      tr.append(text("td", i + 1), text("td", x.hub), text("td", x.product), text("td", money(x.score, s.currency)),
        text("td", money(x.excess_in, s.currency)), text("td", money(x.lost_in_transit, s.currency)),
        text("td", x.explanation, "expl"));
      body.appendChild(tr);
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = text("td", "no finding for these filters", "muted");
      td.colSpan = 7;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  } catch (e) {
    unavailable(box, e.message);
  }
}

async function decideOn(a, decision, button) {
  const reviewer = $("reviewer").value.trim() || "analyst";
  button.disabled = true;
  try {
    await api("/decisions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ party_id: a.party_id, entity_id: a.entity_id, decision, reviewer,
        reason: "recorded from the dashboard" }),
    });
    $("status").textContent = visible(`decision recorded: ${a.party_id} × ${a.entity_id}: ${decision}`);
    await loadAlerts();
  } catch (e) {
    $("status").textContent = visible("decision failed: " + e.message);
    button.disabled = false;
  }
}

async function loadAlerts() {
  const body = $("alerts").querySelector("tbody");
  try {
    const r = await api("/alerts");
    body.replaceChildren();
    for (const a of r.alerts) {
      const tr = document.createElement("tr");
      tr.dataset.party = a.party_id;
      tr.dataset.entity = a.entity_id;
      const cell = document.createElement("td");
      for (const [label, decision] of [["True match", "true_match"], ["False positive", "false_positive"]]) {
        const b = text("button", label, "decide");
        b.type = "button";
        b.dataset.decision = decision;
        b.addEventListener("click", () => decideOn(a, decision, b));
        cell.appendChild(b);
      }
      tr.append(text("td", a.party_id), text("td", `${a.entity_name || ""} (${a.entity_id})`),
        text("td", a.score.toFixed(2) + (a.match ? " match" : "")), text("td", a.status), cell);
      body.appendChild(tr);
    }
    if (!r.alerts.length) {
      const tr = document.createElement("tr");
      const td = text("td", "no open alert", "muted");
      td.colSpan = 5;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  } catch (e) {
    body.replaceChildren();
    $("status").textContent = visible("alerts: " + e.message);
  }
}

async function loadAudit() {
  const box = $("audit-state");
  try {
    const v = await api("/audit");
    box.textContent = visible(v.ok ? v.message : "WARNING: " + v.message);
    box.className = v.ok ? "muted" : "na";
    box.dataset.ok = String(v.ok);
  } catch (e) {
    box.textContent = visible("audit: " + e.message);
  }
}

async function refresh() {
  if (!key()) { $("key-state").textContent = "no key"; return; }
  const f = filters();
  $("status").textContent = "loading…";
  await Promise.all([loadLeaks(f), drawChart("monthly", f), drawChart("sankey", f), loadAlerts(), loadAudit()]);
  $("status").textContent = "up to date " + new Date().toLocaleTimeString();
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
  document.body.dataset.ready = "1";
  if (key()) { $("key-state").textContent = "key set"; refresh(); }
});
})();
