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

// ---- one language per page: Indonesian, or English ----
const I18N = {
  id: {
    tab_article: "Artikel", tab_corpus: "Korpus", language: "Bahasa",
    paste: "Tempel teks berita di sini…", upload: "atau unggah berkas", analyse: "Analisis",
    statements: "Pernyataan", figures: "Angka", speaker: "Pembicara", kind: "Jenis",
    cue: "Kata kerja", content: "Isi", figure: "Angka", value: "Nilai", category: "Kategori",
    what: "Apa", source: "Sumber", no_ledger: "Server ini berjalan tanpa basis data ledger (--db).",
    words: "Kata dalam pernyataan", since: "sejak", until: "hingga", search: "Cari pernyataan",
    top_speakers: "Pembicara teratas", prev: "‹ Sebelumnya", next: "Berikutnya ›", csv: "Unduh CSV",
    timeline: "Linimasa angka", what_filter: "Apa yang dihitung (opsional)", place: "Tempat (opsional)",
    draw: "Gambar", date: "Tanggal", role: "Peran", outlet: "Media", article: "Artikel",
    documents: "Dokumen", topics: "Topik", empty: "Teks kosong", analysing: "menganalisis…",
    pageLoaded: (n) => `halaman ${n} dimuat: Analisis membaca teks beritanya`,
    of: "dari", none: "tidak ada", no_dated: "Tidak ada angka bertanggal.", author: "(penulis)",
    no_source: "(tanpa sumber)", qualifier: "kualifikasi", when: "waktu", log: "skala log",
    legend: ["Setiap pembicara berwarna sendiri; pernyataan digarisbawahi dengan warnanya, ",
      "kata kerja", " ditandai, ", "angka", " diberi kotak (arahkan kursor untuk rinciannya), ",
      "boilerplate", " berwarna abu-abu."],
    kinds: { direct: "langsung", indirect: "tidak langsung", mixed: "campuran" },
    qualifiers: { exact: "tepat", more_than: "lebih dari", at_least: "sedikitnya", about: "sekitar",
      less_than: "kurang dari", at_most: "paling banyak", range: "rentang" },
    categories: { killed: "tewas", injured: "luka", hostage: "sandera", displaced: "mengungsi",
      missing: "hilang", detained: "ditahan", released: "dibebaskan", affected: "terdampak",
      money: "uang", percent: "persen", count: "jumlah", other: "lainnya" },
    speaker_info: (n, d, r, t) => `${n} pernyataan dalam ${d} dokumen. Peran: ${r}. Topik: ${t}.`,
    found: (n, a, b) => `${n} pernyataan, ${a} angka (${b} ms)`,
  },
  en: {
    tab_article: "Article", tab_corpus: "Corpus", language: "Language",
    paste: "Paste a news text here…", upload: "or upload a file", analyse: "Analyse",
    statements: "Statements", figures: "Figures", speaker: "Speaker", kind: "Kind",
    cue: "Cue verb", content: "Content", figure: "Figure", value: "Value", category: "Category",
    what: "What", source: "Source", no_ledger: "This server runs without a ledger database (--db).",
    words: "Words in the statement", since: "since", until: "until", search: "Search statements",
    top_speakers: "Top speakers", prev: "‹ Previous", next: "Next ›", csv: "Download CSV",
    timeline: "Figure timeline", what_filter: "What is counted (optional)", place: "Place (optional)",
    draw: "Draw", date: "Date", role: "Role", outlet: "Outlet", article: "Article",
    documents: "Documents", topics: "Topics", empty: "The text is empty", analysing: "analysing…",
    pageLoaded: (n) => `page ${n} loaded: Analyse reads its article text`,
    of: "of", none: "none", no_dated: "No dated figures.", author: "(the author)",
    no_source: "(no source)", qualifier: "qualifier", when: "time", log: "log scale",
    legend: ["Each speaker has a colour; statements are underlined in it, ", "cue verbs",
      " are marked, ", "figures", " are boxed (hover for details), ", "boilerplate", " is grey."],
    kinds: { direct: "direct", indirect: "indirect", mixed: "mixed" },
    qualifiers: { exact: "exact", more_than: "more than", at_least: "at least", about: "about",
      less_than: "less than", at_most: "at most", range: "range" },
    categories: { killed: "killed", injured: "injured", hostage: "hostages", displaced: "displaced",
      missing: "missing", detained: "detained", released: "released", affected: "affected",
      money: "money", percent: "percent", count: "count", other: "other" },
    speaker_info: (n, d, r, t) => `${n} statements in ${d} documents. Roles: ${r}. Topics: ${t}.`,
    found: (n, a, b) => `${n} statements, ${a} figures (${b} ms)`,
  },
};
let LANG = (() => {
  try { return localStorage.getItem("kutip-lang") === "en" ? "en" : "id"; } catch (e) { return "id"; }
})();
const t = (k) => I18N[LANG][k] ?? I18N.id[k] ?? k;
const tKind = (k) => (I18N[LANG].kinds[k] ?? k);
const tQual = (k) => (I18N[LANG].qualifiers[k] ?? k);
const tCat = (k) => (I18N[LANG].categories[k] ?? k);
const num = (v) => (v == null ? "" : v.toLocaleString(LANG === "en" ? "en-GB" : "id-ID"));

function applyLanguage() {
  document.documentElement.lang = LANG;
  for (const e of document.querySelectorAll("[data-i18n]")) {
    if (e.dataset.i18n !== "legend_html") e.textContent = t(e.dataset.i18n);
  }
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  const [a, cue, b, fig, c, bp, d] = t("legend");
  $(".legend").replaceChildren(a, el("mark", { class: "cue" }, cue), b, el("span", { class: "figure" }, fig), c,
    el("span", { class: "boilerplate" }, bp), d);
  const sel = $("#t-category");
  const cur = sel.value || "killed";
  sel.replaceChildren(...Object.keys(I18N.id.categories).map((k) => el("option", { value: k }, tCat(k))));
  sel.value = cur;
  $("#lang").value = LANG;
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
      t("value").toLowerCase() + " " + (f.value != null ? num(f.value) : "?"),
      t("qualifier") + " " + tQual(f.qualifier),
      t("category").toLowerCase() + " " + tCat(f.category) + " (" + f.category + ")",
      f.what ? t("what").toLowerCase() + ": " + f.what.text : null,
      t("source").toLowerCase() + ": " + (f.source ? f.source.name : t("author")),
      f.when ? t("when") + ": " + f.when.text : null,
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
      el("td", {}, tKind(q.kind)),
      el("td", {}, q.cue ? q.cue.text : ""),
      el("td", {}, q.text)));
  }
  const ft = $("#figures-table tbody");
  ft.replaceChildren();
  for (const f of ledger.figures) {
    ft.append(el("tr", {},
      el("td", {}, f.text),
      el("td", {}, num(f.value)),
      el("td", {}, tCat(f.category)),
      el("td", {}, f.what ? f.what.text : ""),
      el("td", {}, f.source ? f.source.name : "")));
  }
  $("#result").hidden = false;
}

// a web page uploaded and not yet replaced by typing: its bytes go to the server as they
// are (text/html), which reads its charset, main text and metadata
let uploadedPage = null;

async function analyse(ev) {
  ev.preventDefault();
  const text = $("#article").value;
  const page = !text.trim() ? uploadedPage : null;
  if (!text.trim() && !page) { status(t("empty"), true); return; }
  status(t("analysing"));
  try {
    const t0 = performance.now();
    const ledger = await api("/v1/extract", page ? {
      method: "POST",
      headers: { "content-type": "text/html" },
      body: page.bytes,
    } : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    // a page's offsets point into the text the server analysed, which it sends back
    const analysed = page ? (ledger.text || "") : text;
    if (page) $("#article").value = analysed;
    render(analysed, ledger);
    status(t("found")(ledger.quotes.length, ledger.figures.length, Math.round(performance.now() - t0)));
  } catch (e) {
    status(e.message, true);
  }
}

// ---- corpus view ----
function table(head, rows) {
  const tb = $("#search-table");
  tb.tHead.replaceChildren(el("tr", {}, ...head.map((h) => el("th", {}, h))));
  tb.tBodies[0].replaceChildren(...rows);
}

function speakerLink(name) {
  if (!name) return "";
  return el("a", { class: "speaker-link", href: "#", onclick: (e) => { e.preventDefault(); openSpeaker(name); } }, name);
}

// a link to the article the row comes from (its URL when known, else its id)
function articleLink(r) {
  const label = r.title || r.doc_id;
  if (r.url && /^https?:\/\//i.test(r.url)) {
    return el("a", { href: r.url, target: "_blank", rel: "noopener noreferrer", class: "doc-link" }, label);
  }
  return el("span", { class: "doc-id" }, label);
}

function quoteRows(quotes) {
  return quotes.map((q) => el("tr", {},
    el("td", {}, q.date || ""), el("td", {}, speakerLink(q.speaker)), el("td", {}, q.role || ""),
    el("td", {}, tKind(q.kind)), el("td", {}, q.cue || ""), el("td", {}, q.text), el("td", {}, q.outlet || ""),
    el("td", {}, articleLink(q))));
}

const quoteHead = () => [t("date"), t("speaker"), t("role"), t("kind"), t("cue"), t("statements"), t("outlet"), t("article")];

// the statements query on screen: its parameters and page
const PAGE = 50;
let current = null;

function showPage(r) {
  const from = r.total ? r.offset + 1 : 0, to = r.offset + r.quotes.length;
  $("#range").textContent = `${from}–${to} ${t("of")} ${r.total}`;
  $("#prev").disabled = r.offset === 0;
  $("#next").disabled = r.next == null;
  const p = new URLSearchParams(current.params);
  p.set("format", "csv");
  $("#csv-link").href = "/v1/quotes?" + p;
  $("#pager").hidden = false;
}

async function runQuotes(params, offset) {
  current = { params, offset };
  const p = new URLSearchParams(params);
  p.set("limit", String(PAGE));
  p.set("offset", String(offset));
  const r = await api("/v1/quotes?" + p);
  table(quoteHead(), quoteRows(r.quotes));
  showPage(r);
  status(`${r.total} ${t("statements").toLowerCase()}`);
  return r;
}

async function search(ev) {
  if (ev) ev.preventDefault();
  const params = {};
  for (const [k, id] of [["speaker", "#q-speaker"], ["text", "#q-text"], ["since", "#q-since"], ["until", "#q-until"]]) {
    const v = $(id).value.trim();
    if (v) params[k] = v;
  }
  $("#speaker-page").hidden = true;
  try { await runQuotes(params, 0); } catch (e) { status(e.message, true); }
}

async function turn(delta) {
  if (!current) return;
  try { await runQuotes(current.params, Math.max(0, current.offset + delta * PAGE)); } catch (e) { status(e.message, true); }
}

async function topSpeakers() {
  try {
    const r = await api("/v1/speakers?limit=50");
    $("#speaker-page").hidden = true;
    $("#pager").hidden = true;
    current = null;
    table([t("speaker"), t("kind"), t("statements"), t("documents"), t("role"), t("topics")], r.speakers.map((s) => el("tr", {},
      el("td", {}, speakerLink(s.name)), el("td", {}, s.kind), el("td", {}, s.quotes), el("td", {}, s.documents),
      el("td", {}, s.roles.join("; ")), el("td", {}, s.topics.join(", ")))));
    status(`${r.speakers.length} ${t("of")} ${r.total} ${t("speaker").toLowerCase()}`);
  } catch (e) { status(e.message, true); }
}

async function openSpeaker(name) {
  try {
    const [r, s] = await Promise.all([
      runQuotes({ speaker: name }, 0),
      api("/v1/speakers?limit=500"),
    ]);
    const info = s.speakers.find((x) => x.name === name);
    $("#speaker-name").textContent = name;
    $("#speaker-info").textContent = info
      ? t("speaker_info")(info.quotes, info.documents, info.roles.join("; ") || "—", info.topics.join(", "))
      : `${r.total} ${t("statements").toLowerCase()}.`;
    $("#speaker-page").hidden = false;
  } catch (e) { status(e.message, true); }
}

// ---- figure timeline: one series per (source, what is counted); a log scale when values
// span orders of magnitude; points joined only within a series ----
function seriesKey(f) {
  const what = (f.what || "").toLowerCase().split(/\s+/).filter(Boolean).slice(0, 2).join(" ");
  return `${f.source || t("no_source")} · ${what || tCat(f.category)}`;
}

function drawTimeline(figures) {
  const box = $("#timeline");
  const pts = figures.filter((f) => f.date && f.value != null)
    .map((f) => ({ t: Date.parse(f.date), v: f.value, key: seriesKey(f), f }));
  const legend = $("#timeline-legend");
  if (!pts.length) {
    box.replaceChildren(el("p", { class: "empty" }, t("no_dated")));
    legend.replaceChildren();
    return;
  }
  const W = Math.max(320, Math.min(1000, box.clientWidth || 860)), H = 320, L = 64, R = 16, T = 16, B = 36;
  const t0 = Math.min(...pts.map((p) => p.t)), t1 = Math.max(...pts.map((p) => p.t));
  const pos = pts.map((p) => p.v).filter((v) => v > 0);
  const vmin = pos.length ? Math.min(...pos) : 1, vmax = Math.max(...pts.map((p) => p.v)) || 1;
  const log = pos.length === pts.length && vmax / vmin >= 100;
  const ly = (v) => Math.log10(Math.max(v, vmin));
  const y = log
    ? (v) => H - B - ((ly(v) - ly(vmin)) / ((ly(vmax) - ly(vmin)) || 1)) * (H - T - B)
    : (v) => H - B - (v / vmax) * (H - T - B);
  const x = (tt) => L + (t1 === t0 ? (W - L - R) / 2 : ((tt - t0) / (t1 - t0)) * (W - L - R));
  const NS = "http://www.w3.org/2000/svg";
  const s = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    return e;
  };
  const svg = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": t("timeline"), "data-scale": log ? "log" : "linear" });
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#999" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#999" }));
  const ticks = log
    ? Array.from({ length: Math.floor(ly(vmax)) - Math.ceil(ly(vmin)) + 1 }, (_, i) => 10 ** (Math.ceil(ly(vmin)) + i))
    : [0, 1, 2, 3, 4].map((k) => (vmax * k) / 4);
  for (const v of ticks) {
    svg.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, num(Math.round(v))));
    svg.append(s("line", { x1: L, y1: y(v), x2: W - R, y2: y(v), stroke: "#eee" }));
  }
  if (log) svg.append(s("text", { x: L + 4, y: T + 10, "font-size": 10, fill: "#777" }, t("log")));
  const fmt = (tt) => new Date(tt).toISOString().slice(0, 10);
  svg.append(s("text", { x: L, y: H - 12, "font-size": 11 }, fmt(t0)));
  svg.append(s("text", { x: W - R, y: H - 12, "font-size": 11, "text-anchor": "end" }, fmt(t1)));
  const series = new Map();
  for (const p of pts) {
    if (!series.has(p.key)) series.set(p.key, []);
    series.get(p.key).push(p);
  }
  const items = [];
  let k = 0;
  for (const [key, ps] of series) {
    const color = PALETTE[k % PALETTE.length];
    ps.sort((a, b) => a.t - b.t);
    if (ps.length > 1) {
      svg.append(s("polyline", { points: ps.map((p) => `${x(p.t)},${y(p.v)}`).join(" "), fill: "none", stroke: color, "stroke-width": 1.5, class: "series", "data-series": key }));
    }
    for (const p of ps) {
      const c = s("circle", { cx: x(p.t), cy: y(p.v), r: 4, fill: color, class: "point", "data-source": p.f.source || "", "data-series": key });
      const tip = [`${fmt(p.t)}: ${num(p.v)} (${tQual(p.f.qualifier)})`, `${t("source")}: ${p.f.source || t("no_source")}`,
        `${t("article")}: ${p.f.title || p.f.doc_id}`, p.f.text].join("\n");
      c.append(s("title", {}, tip));
      svg.append(c);
    }
    items.push(el("span", { class: "item" }, el("span", { class: "swatch", style: "background:" + color }), `${key} (${ps.length})`));
    k++;
  }
  box.replaceChildren(svg);
  legend.replaceChildren(...items);
}

async function timeline(ev) {
  if (ev) ev.preventDefault();
  const p = new URLSearchParams({ limit: "2000" });
  const c = $("#t-category").value.trim(), w = $("#t-what").value.trim(), pl = $("#t-place").value.trim();
  if (c) p.set("category", c);
  if (w) p.set("what", w);
  if (pl) p.set("place", pl);
  try {
    const r = await api("/v1/figures?" + p);
    drawTimeline(r.figures);
    status(`${r.figures.length} ${t("of")} ${r.total} ${t("figures").toLowerCase()}`);
  } catch (e) { status(e.message, true); }
}

function showView(name) {
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.view === name);
  $("#view-article").hidden = name !== "article";
  $("#view-corpus").hidden = name !== "corpus";
}

async function init() {
  applyLanguage();
  $("#lang").addEventListener("change", (ev) => {
    LANG = ev.target.value === "en" ? "en" : "id";
    try { localStorage.setItem("kutip-lang", LANG); } catch (e) { /* private mode */ }
    applyLanguage();
  });
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showView(b.dataset.view));
  $("#extract-form").addEventListener("submit", analyse);
  $("#upload").addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    if (!f) return;
    const bytes = await f.arrayBuffer();
    const head = new TextDecoder().decode(bytes.slice(0, 1024));
    if (/\.x?html?$/i.test(f.name) || /^\s*<(!doctype|html)/i.test(head)) {
      uploadedPage = { bytes, name: f.name };
      $("#article").value = "";
      status(t("pageLoaded")(f.name));
    } else {
      uploadedPage = null;
      $("#article").value = new TextDecoder().decode(bytes);
    }
  });
  $("#article").addEventListener("input", () => { uploadedPage = null; });
  $("#search-form").addEventListener("submit", search);
  $("#show-speakers").addEventListener("click", topSpeakers);
  $("#prev").addEventListener("click", () => turn(-1));
  $("#next").addEventListener("click", () => turn(1));
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
