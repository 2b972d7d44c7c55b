#!/usr/bin/env python3
"""End-to-end test of the web page in headless Chromium (Debian's /usr/bin/chromium), driven
by Playwright. Starts `kutip serve` on a ledger built from our own test article, pastes the
article into the page and checks the highlighting, then the corpus view.

    python3 tests/e2e/test_page.py [--screenshot FILE] [--article FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the binary where cargo put it: $KUTIP, else $CARGO_TARGET_DIR/release, else target/release
KUTIP = os.environ.get("KUTIP") or os.path.join(
    os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "kutip")
HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start_server(db):
    p = subprocess.Popen([KUTIP, "serve", "--db", db, "--addr", "127.0.0.1:0"],
                         stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    m = re.search(r"http://(\S+)", line)
    if not m:
        p.kill()
        raise SystemExit(f"server did not start: {line}")
    return p, "http://" + m.group(1)


def wait_text(page, sel, pred, timeout=10.0):
    """The text of `sel` once `pred` holds for it (the page's CSP forbids evaluated strings,
    so Python polls)."""
    end = time.time() + timeout
    while True:
        txt = page.inner_text(sel)
        if pred(txt) or time.time() > end:
            return txt
        time.sleep(0.05)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)
    print("ok -", msg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screenshot")
    ap.add_argument("--article", default=os.path.join(HERE, "article.txt"))
    ap.add_argument("--render-only", action="store_true",
                    help="only render --article and write --screenshot (no checks)")
    args = ap.parse_args()
    text = open(args.article, encoding="utf-8").read()
    tmp = tempfile.mkdtemp(prefix="kutip-e2e-")
    db = os.path.join(tmp, "ledger.db")
    docs = os.path.join(tmp, "docs.jsonl")
    with open(docs, "w", encoding="utf-8") as f:
        for k, d in enumerate(["2024-05-14", "2024-05-20", "2024-05-27"]):
            t = text.replace("35.000", f"{35000 + 900 * k:,}".replace(",", "."))
            f.write(json.dumps({"id": f"e2e-{k}", "date": d, "text": t,
                                "title": f"Laporan {k} <script>alert(1)</script>",
                                "url": f"https://contoh.id/berita/{k}"}) + "\n")
        # more statements than one page holds
        for k in range(40):
            t = (f"Juru bicara Dinas Contoh, Rahmat Hidayat, mengatakan jalan desa ke-{k} sudah diperbaiki. "
                 f"\u201cKami bekerja siang malam,\u201d kata Rahmat.")
            f.write(json.dumps({"id": f"page-{k}", "date": "2024-06-01", "text": t}) + "\n")
    subprocess.run([KUTIP, "ingest", "--db", db, "--input", "jsonl", docs], check=True,
                   stderr=subprocess.DEVNULL)
    server, url = start_server(db)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/")
            page.fill("#article", text)
            page.click("#analyse")
            page.wait_for_selector("#result:not([hidden])")
            if args.render_only:
                page.screenshot(path=args.screenshot or "page.png", full_page=True)
                browser.close()
                return
            page.wait_for_selector("#rendered span.quote")
            speakers = page.eval_on_selector_all(
                "#rendered span.speaker", "els => els.map(e => [e.dataset.speaker, e.style.color])")
            names = {s for s, _ in speakers}
            check("Daniel Hagari" in names and "Ismail Haniyeh" in names,
                  f"both speakers are highlighted: {sorted(names)}")
            colors = {s: c for s, c in speakers}
            check(colors["Daniel Hagari"] != colors["Ismail Haniyeh"],
                  "each speaker has its own colour")
            quotes = page.eval_on_selector_all(
                "#rendered span.quote", "els => els.map(e => [e.dataset.quoteSpeaker, e.style.textDecorationColor, e.textContent])")
            direct = [q for q in quotes if "berhenti" in q[2]]
            check(direct and direct[0][0] == "Daniel Hagari" and direct[0][1] == colors["Daniel Hagari"],
                  "Hagari's statement is underlined in his colour")
            check(any(q[0] == "Ismail Haniyeh" and "serius" in q[2] for q in quotes),
                  "the -nya quote is attributed to Haniyeh")
            cues = page.eval_on_selector_all("#rendered span.cue", "els => els.map(e => e.textContent)")
            check("kata" in cues and "ujarnya" in cues, f"cue words are marked: {cues}")
            figs = page.eval_on_selector_all(
                "#rendered span.figure", "els => els.map(e => [e.textContent, e.title])")
            check(any("35.000" in t and "kategori tewas (killed)" in tip and "Kementerian Kesehatan Gaza" in tip
                      for t, tip in figs), "the death toll is boxed with value, category and source")
            bp = page.eval_on_selector_all(
                "#rendered p.boilerplate", "els => els.map(e => [e.textContent, e.querySelectorAll('.quote').length])")
            check(bp and "Baca juga" in bp[0][0] and bp[0][1] == 0, "boilerplate is greyed and quote-free")
            check(page.locator("#rendered p.heading").count() == 1, "the subheading is a heading")
            rows = page.locator("#quotes-table tbody tr").count()
            check(rows >= 3, f"statements table has {rows} rows")
            check(page.locator("#figures-table tbody tr").count() >= 1, "figures table is filled")
            if args.screenshot:
                page.screenshot(path=args.screenshot, full_page=True)
                print("screenshot:", args.screenshot)

            # an uploaded web page: the server reads its charset and main text, the page shows
            # the text it analysed with the statements in it
            html = ("<!doctype html><html><head><meta charset=\"windows-1252\">"
                    "<title>Harga caf\xe9 naik - Warta Contoh</title></head><body>"
                    "<nav><a href=/>Beranda</a> <a href=/e>Ekonomi</a></nav><article>"
                    "<h1>Harga caf\xe9 naik</h1><p>Harga kopi di kafe-kafe Jakarta naik sejak awal bulan "
                    "karena biji kopi impor makin mahal.</p><p>\x93Kami terpaksa menaikkan harga,\x94 "
                    "kata pemilik kafe Rina Wulandari kepada wartawan di Jakarta pada Senin.</p>"
                    "<p>Pembaca menulis &lt;script&gt;window.pwned=1&lt;/script&gt; di kolom komentar kafe itu kemarin.</p>"
                    "</article></body></html>").encode("latin-1")
            with tempfile.TemporaryDirectory() as up:
                path = os.path.join(up, "kopi.html")
                with open(path, "wb") as f:
                    f.write(html)
                page.set_input_files("#upload", path)
                # the file is read asynchronously: wait until the page has taken it
                deadline = time.time() + 10
                while page.input_value("#article") != "" and time.time() < deadline:
                    time.sleep(0.05)
                check(page.input_value("#article") == "", "an uploaded page is not pasted as text")
                page.click("#analyse")
                wait_text(page, "#rendered", lambda t: "Rina" in t)
                shown = page.inner_text("#rendered")
                check("<p>" not in shown and "<article" not in shown and "Beranda" not in shown,
                      "the page's main text is shown, not its markup or menu")
                speakers = page.eval_on_selector_all("#rendered span.speaker", "els => els.map(e => e.dataset.speaker)")
                check("Rina Wulandari" in speakers, f"the page's statement is attributed: {speakers}")
                check("<script>window.pwned=1</script>" in shown
                      and page.evaluate("typeof window.pwned") == "undefined",
                      "a script written in the page's text is shown as text and never runs")
                quotes = page.eval_on_selector_all("#rendered span.quote", "els => els.map(e => e.textContent)")
                check(any("\u201cKami terpaksa" in q or "Kami terpaksa" in q for q in quotes),
                      f"curly quotes decoded from windows-1252: {quotes}")

            # corpus view: search, speaker page, timeline
            page.click("#tab-corpus")
            page.fill("#q-text", "perdamaian")
            page.click("#search-form button[type=submit]")
            page.wait_for_selector("#search-table tbody tr")
            cells = page.eval_on_selector_all("#search-table tbody tr td:nth-child(2)", "els => els.map(e => e.textContent)")
            check(len(cells) == 3 and all(c == "Ismail Haniyeh" for c in cells),
                  "full-text search finds Haniyeh's statement in the three documents")
            page.click("#search-table tbody tr td:nth-child(2) a")
            page.wait_for_selector("#speaker-page:not([hidden])")
            check("Ismail Haniyeh" in page.inner_text("#speaker-name"), "speaker page opens")
            links = page.eval_on_selector_all("#search-table a.doc-link", "els => els.map(e => [e.href, e.textContent, e.rel])")
            check(links and links[0][0].startswith("https://contoh.id/berita/") and "noopener" in links[0][2],
                  f"rows link to their article: {links[:1]}")
            check(any("<script>" in l[1] for l in links) and page.evaluate("typeof window.alert_called") == "undefined",
                  "a title with <script> shows as text")
            page.click("#timeline-form button")
            page.wait_for_selector("#timeline svg circle.point")
            pts = page.eval_on_selector_all("#timeline circle.point", "els => els.map(e => e.dataset.source)")
            check(len(pts) == 3 and set(pts) == {"Kementerian Kesehatan Gaza"},
                  f"timeline draws one series per source: {pts}")
            check(page.locator("#timeline-legend .item").count() == 1, "the legend lists the series")

            # pagination over 80+ statements, and the CSV of the current query
            page.fill("#q-text", "")
            page.fill("#q-speaker", "")
            with page.expect_response(lambda r: "/v1/quotes?" in r.url):
                page.click("#search-form button[type=submit]")
            rng = wait_text(page, "#range", lambda x: not x.endswith(" 6"))
            total = int(rng.split()[-1])
            check(rng.startswith("1–50") and total > 50, f"the first page says {rng}")
            first = page.inner_text("#search-table tbody tr:first-child")
            page.click("#next")
            wait_text(page, "#range", lambda x: x.startswith("51"))
            check(page.inner_text("#search-table tbody tr:first-child") != first,
                  "the next page shows other rows")
            page.click("#prev")
            wait_text(page, "#range", lambda x: x.startswith("1–"))
            href = page.get_attribute("#csv-link", "href")
            csv_text = page.evaluate("async (h) => (await fetch(h)).text()", href)
            rows = [r for r in csv_text.lstrip("\ufeff").splitlines() if r]
            check(rows[0].startswith("date,outlet,title,url") and len(rows) == total + 1,
                  f"the CSV download holds the whole query ({len(rows) - 1} rows)")

            # English on demand, Indonesian by default
            page.select_option("#lang", "en")
            check(page.inner_text("#tab-corpus") == "Corpus", "the page speaks English when asked")
            page.select_option("#lang", "id")
            check(page.inner_text("#tab-corpus") == "Korpus", "and Indonesian again")
            check(page.evaluate("async () => (await fetch('/favicon.svg')).headers.get('content-type')") == "image/svg+xml",
                  "a favicon is served")

            # a 390 px phone: nothing wider than the screen
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(url + "/")
            phone.fill("#article", text)
            phone.click("#analyse")
            phone.wait_for_selector("#result:not([hidden])")
            w = phone.evaluate("document.documentElement.scrollWidth")
            check(w <= 390, f"the article view fits a phone ({w} px)")
            phone.click("#tab-corpus")
            phone.click("#search-form button[type=submit]")
            phone.wait_for_selector("#pager:not([hidden])")
            w = phone.evaluate("document.documentElement.scrollWidth")
            check(w <= 390, f"the corpus view fits a phone ({w} px)")
            browser.close()
    finally:
        server.terminate()
        try:
            code = server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("server did not stop on SIGTERM")
    check(code == 0, "server shuts down cleanly on SIGTERM")
    print("e2e: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL -", e)
        sys.exit(1)
