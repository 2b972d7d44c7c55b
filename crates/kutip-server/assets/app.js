// kutip web page: article view (highlighted ledger) and corpus view (search, speaker page,
// figure timeline). No dependencies; served by `kutip serve`.
"use strict";

const PALETTE = ["#d6336c", "#1c7ed6", "#2b8a3e", "#e8590c", "#7048e8", "#0c8599",
  "#c2255c", "#5c940d", "#862e9c", "#a61e4d", "#364fc7", "#087f5b"];

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "style") e.style.cssText = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k ?? "")));
  return e;
};

function status(msg, isError = false) {
  const s = $("#status");
  s.textContent = msg;
  s.className = isError ? "error" : "";
}

async function api(path, opts) {
  const r = await fetch(path, opts);
  const body = await r.json().catch(() => ({ error: { message: r.statusText } }));
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}

// ---- offsets: the ledger counts UTF-8 bytes, JavaScript strings count UTF-16 units ----
function byteIndex(text) {
  const map = new Map();
  let b = 0, i = 0;
  for (const ch of text) {
    map.set(b, i);
    const cp = ch.codePointAt(0);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(b, i);
  return (off) => map.get(off) ?? i;
}

// ---- article view ----
function speakerKey(q) {
  if (!q.speaker) return null;
  return q.speaker.entity != null ? "e" + q.speaker.entity : "n" + q.speaker.name;
}

function render(text, ledger) {
  const idx = byteIndex(text);
  const colors = new Map();
  const colorOf = (key) => {
    if (key == null) return "#868e96";
    if (!colors.has(key)) colors.set(key, PALETTE[colors.size % PALETTE.length]);
    return colors.get(key);
  };
  const spans = [];
  for (const q of ledger.quotes) {
    const key = speakerKey(q);
    const color = colorOf(key);
    const who = q.speaker ? q.speaker.name : "";
    spans.push({ start: q.start, end: q.end, type: "quote", color, who, kind: q.kind });
    if (q.speaker && q.speaker.mention && q.speaker.mention.end > q.speaker.mention.start) {
      spans.push({ start: q.speaker.mention.start, end: q.speaker.mention.end, type: "speaker", color, who });
    }
    if (q.cue) spans.push({ start: q.cue.start, end: q.cue.end, type: "cue", color, who });
  }
  for (const f of ledger.figures) {
    const tip = [
      "nilai " + (f.value != null ? f.value.toLocaleString("id-ID") : "?"),
      "kualifikasi " + f.qualifier,
      "kategori " + f.category,
      f.what ? "apa: " + f.what.text : null,
      f.source ? "sumber: " + f.source.name : "sumber: (penulis)",
      f.when ? "waktu: " + f.when.text : null,
    ].filter(Boolean).join("\n");
    spans.push({ start: f.start, end: f.end, type: "figure", tip, f });
  }
  const root = $("#rendered");
  root.replaceChildren();
  for (const b of ledger.blocks) {
    const p = el("p", { class: b.kind, "data-kind": b.kind });
    const inside = spans.filter((s) => s.start < b.end && s.end > b.start);
    const cuts = new Set([b.start, b.end]);
    for (const s of inside) {
      cuts.add(Math.max(s.start, b.start));
      cuts.add(Math.min(s.end, b.end));
    }
    const bounds = [...cuts].sort((x, y) => x - y);
    for (let k = 0; k + 1 < bounds.length; k++) {
      const [a, z] = [bounds[k], bounds[k + 1]];
      const piece = text.slice(idx(a), idx(z));
      const active = inside.filter((s) => s.start <= a && s.end >= z);
      if (!active.length) { p.append(piece); continue; }
      const span = el("span", {}, piece);
      const cls = [];
      for (const s of active) {
        if (s.type === "quote") {
          cls.push("quote");
          span.style.textDecorationColor = s.color;
          span.dataset.quoteSpeaker = s.who;
          span.dataset.quoteKind = s.kind;
        } else if (s.type === "speaker") {
          cls.push("speaker");
          span.style.background = s.color + "2e";
          span.style.color = s.color;
          span.dataset.speaker = s.who;
        } else if (s.type === "cue") {
          cls.push("cue");
        } else if (s.type === "figure") {
          cls.push("figure");
          span.title = s.tip;
          span.dataset.category = s.f.category;
          if (s.f.value != null) span.dataset.value = s.f.value;
        }
      }
      span.className = [...new Set(cls)].join(" ");
      p.append(span);
    }
    root.append(p);
  }
  // tables
  const qt = $("#quotes-table tbody");
  qt.replaceChildren();
  for (const q of ledger.quotes) {
    const color = colorOf(speakerKey(q));
    const who = q.speaker ? q.speaker.name : "—";
    const role = q.role ? " (" + q.role + ")" : "";
    qt.append(el("tr", { "data-speaker": who },
      el("td", {}, el("span", { class: "swatch", style: "background:" + color }), who + role),
      el("td", {}, q.kind),
      el("td", {}, q.cue ? q.cue.text : ""),
      el("td", {}, q.text)));
  }
  const ft = $("#figures-table tbody");
  ft.replaceChildren();
  for (const f of ledger.figures) {
    ft.append(el("tr", {},
      el("td", {}, f.text),
      el("td", {}, f.value != null ? f.value.toLocaleString("id-ID") : ""),
      el("td", {}, f.category),
      el("td", {}, f.what ? f.what.text : ""),
      el("td", {}, f.source ? f.source.name : "")));
  }
  $("#result").hidden = false;
}

async function analyse(ev) {
  ev.preventDefault();
  const text = $("#article").value;
  if (!text.trim()) { status("Teks kosong", true); return; }
  status("menganalisis…");
  try {
    const t0 = performance.now();
    const ledger = await api("/v1/extract", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    render(text, ledger);
    status(`${ledger.quotes.length} pernyataan, ${ledger.figures.length} angka (${Math.round(performance.now() - t0)} ms)`);
  } catch (e) {
    status(e.message, true);
  }
}

// ---- corpus view ----
function table(head, rows) {
  const t = $("#search-table");
  t.tHead.replaceChildren(el("tr", {}, ...head.map((h) => el("th", {}, h))));
  t.tBodies[0].replaceChildren(...rows);
}

function speakerLink(name) {
  if (!name) return "";
  return el("a", { class: "speaker-link", onclick: () => openSpeaker(name) }, name);
}

function quoteRows(quotes) {
  return quotes.map((q) => el("tr", {},
    el("td", {}, q.date || ""), el("td", {}, speakerLink(q.speaker)), el("td", {}, q.role || ""),
    el("td", {}, q.kind), el("td", {}, q.cue || ""), el("td", {}, q.text), el("td", {}, q.outlet || "")));
}

const QUOTE_HEAD = ["Tanggal", "Pembicara", "Peran", "Jenis", "Kata kerja", "Pernyataan", "Media"];

async function search(ev) {
  if (ev) ev.preventDefault();
  const p = new URLSearchParams();
  for (const [k, id] of [["speaker", "#q-speaker"], ["text", "#q-text"], ["since", "#q-since"], ["until", "#q-until"]]) {
    const v = $(id).value.trim();
    if (v) p.set(k, v);
  }
  p.set("limit", "100");
  $("#speaker-page").hidden = true;
  try {
    const r = await api("/v1/quotes?" + p);
    table(QUOTE_HEAD, quoteRows(r.quotes));
    status(`${r.quotes.length} pernyataan`);
  } catch (e) { status(e.message, true); }
}

async function topSpeakers() {
  try {
    const r = await api("/v1/speakers?limit=50");
    $("#speaker-page").hidden = true;
    table(["Pembicara", "Jenis", "Pernyataan", "Dokumen", "Peran", "Topik"], r.speakers.map((s) => el("tr", {},
      el("td", {}, speakerLink(s.name)), el("td", {}, s.kind), el("td", {}, s.quotes), el("td", {}, s.documents),
      el("td", {}, s.roles.join("; ")), el("td", {}, s.topics.join(", ")))));
    status(`${r.speakers.length} pembicara`);
  } catch (e) { status(e.message, true); }
}

async function openSpeaker(name) {
  try {
    const [q, s] = await Promise.all([
      api("/v1/quotes?limit=200&speaker=" + encodeURIComponent(name)),
      api("/v1/speakers?limit=500"),
    ]);
    const info = s.speakers.find((x) => x.name === name);
    $("#speaker-name").textContent = name;
    $("#speaker-info").textContent = info
      ? `${info.quotes} pernyataan dalam ${info.documents} dokumen. Peran: ${info.roles.join("; ") || "—"}. Topik: ${info.topics.join(", ")}.`
      : `${q.quotes.length} pernyataan.`;
    $("#speaker-page").hidden = false;
    table(QUOTE_HEAD, quoteRows(q.quotes));
  } catch (e) { status(e.message, true); }
}

function drawTimeline(figures) {
  const box = $("#timeline");
  const pts = figures.filter((f) => f.date && f.value != null)
    .map((f) => ({ t: Date.parse(f.date), v: f.value, src: f.source || "(tanpa sumber)", f }));
  if (!pts.length) { box.replaceChildren(el("p", { class: "empty" }, "Tidak ada angka bertanggal.")); return; }
  const W = 860, H = 340, L = 70, R = 190, T = 20, B = 40;
  const t0 = Math.min(...pts.map((p) => p.t)), t1 = Math.max(...pts.map((p) => p.t));
  const vmax = Math.max(...pts.map((p) => p.v)) || 1;
  const x = (t) => L + (t1 === t0 ? (W - L - R) / 2 : ((t - t0) / (t1 - t0)) * (W - L - R));
  const y = (v) => H - B - (v / vmax) * (H - T - B);
  const NS = "http://www.w3.org/2000/svg";
  const s = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    return e;
  };
  const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "linimasa angka" });
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#999" }));
  for (let k = 0; k <= 4; k++) {
    const v = (vmax * k) / 4;
    svg.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, Math.round(v).toLocaleString("id-ID")));
    svg.append(s("line", { x1: L, y1: y(v), x2: W - R, y2: y(v), stroke: "#eee" }));
  }
  const fmt = (t) => new Date(t).toISOString().slice(0, 10);
  svg.append(s("text", { x: L, y: H - 12, "font-size": 11 }, fmt(t0)));
  svg.append(s("text", { x: W - R, y: H - 12, "font-size": 11, "text-anchor": "end" }, fmt(t1)));
  const series = new Map();
  for (const p of pts) {
    if (!series.has(p.src)) series.set(p.src, []);
    series.get(p.src).push(p);
  }
  let k = 0;
  for (const [src, ps] of series) {
    const color = PALETTE[k % PALETTE.length];
    ps.sort((a, b) => a.t - b.t);
    if (ps.length > 1) {
      svg.append(s("polyline", { points: ps.map((p) => `${x(p.t)},${y(p.v)}`).join(" "), fill: "none", stroke: color, "stroke-width": 1.5, class: "series", "data-source": src }));
    }
    for (const p of ps) {
      const c = s("circle", { cx: x(p.t), cy: y(p.v), r: 4, fill: color, class: "point", "data-source": src });
      c.append(s("title", {}, `${fmt(p.t)}: ${p.v.toLocaleString("id-ID")} (${p.f.qualifier}) — ${src}\n${p.f.text}`));
      svg.append(c);
    }
    svg.append(s("rect", { x: W - R + 14, y: T + k * 18, width: 10, height: 10, fill: color }));
    svg.append(s("text", { x: W - R + 30, y: T + k * 18 + 9, "font-size": 11 }, src.length > 26 ? src.slice(0, 25) + "…" : src));
    k++;
  }
  box.replaceChildren(svg);
}

async function timeline(ev) {
  if (ev) ev.preventDefault();
  const p = new URLSearchParams({ limit: "2000" });
  const c = $("#t-category").value.trim(), pl = $("#t-place").value.trim();
  if (c) p.set("category", c);
  if (pl) p.set("place", pl);
  try {
    const r = await api("/v1/figures?" + p);
    drawTimeline(r.figures);
    status(`${r.figures.length} angka`);
  } catch (e) { status(e.message, true); }
}

function showView(name) {
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.view === name);
  $("#view-article").hidden = name !== "article";
  $("#view-corpus").hidden = name !== "corpus";
}

async function init() {
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showView(b.dataset.view));
  $("#extract-form").addEventListener("submit", analyse);
  $("#upload").addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    if (f) $("#article").value = await f.text();
  });
  $("#search-form").addEventListener("submit", search);
  $("#show-speakers").addEventListener("click", topSpeakers);
  $("#timeline-form").addEventListener("submit", timeline);
  try {
    const h = await api("/healthz");
    if (!h.ledger) {
      $("#corpus-off").hidden = false;
      $("#search-form").hidden = true;
      $("#timeline-form").hidden = true;
    }
  } catch (e) { status(e.message, true); }
}

init();
