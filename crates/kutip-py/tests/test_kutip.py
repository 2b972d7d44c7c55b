"""The Python package against the kutip command line: same ledgers, field by field.

The CLI binary is found under CARGO_TARGET_DIR or target/ (release, then debug); tests on
the detik corpus skip when ../shared is absent, the Spark test when pyspark or Java is.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kutip

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"

# articles of our own, written for these tests
OWN = [
    {"id": "banjir", "date": "2025-02-10", "outlet": "Warta Contoh",
     "text": "DEMAK, Warta Contoh - Banjir merendam 1.200 rumah di Kabupaten Demak sejak Senin pagi.\n\n"
             "“Kami sudah mengerahkan perahu karet,” kata Kepala BPBD Demak Agus Salim kepada wartawan.\n\n"
             "Menurut BPBD, sebanyak 3.200 warga mengungsi ke balai desa. Ia menambahkan bantuan terus datang."},
    {"id": "harga", "title": "Harga kopi naik",
     "text": "“Kami terpaksa menaikkan harga,” kata pemilik kafe Rina Wulandari.\n\n"
             "Harga biji kopi naik 15 persen dalam sebulan terakhir, menurut data Asosiasi Eksportir Kopi."},
    {"id": "kosong", "text": ""},
    {"id": "potong", "text": "Ia meminta"},
]


def cli():
    for base in filter(None, [os.environ.get("CARGO_TARGET_DIR"), str(ROOT / "target")]):
        for profile in ("release", "debug"):
            p = Path(base) / profile / "kutip"
            if p.exists():
                return str(p)
    pytest.skip("the kutip binary is not built (cargo build --release)")


def cli_ledgers(path):
    out = subprocess.run([cli(), "extract", str(path)], capture_output=True, check=True)
    return [json.loads(l) for l in out.stdout.splitlines()]


def write_jsonl(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def same(a, b):
    """Every field of two ledgers, with the first difference named."""
    assert a.keys() == b.keys(), (a.keys(), b.keys())
    for k in a:
        assert a[k] == b[k], f"{a.get('id')}: field {k!r} differs"


def test_extract_gives_the_ledger_as_dicts():
    led = kutip.extract("“Kami siap,” kata Menteri Pertanian Andi Amran Sulaiman.", id="a",
                        meta={"date": "2025-01-02", "outlet": "Contoh"})
    assert led["schema"] == "kutip/1" and led["id"] == "a"
    assert led["meta"] == {"date": "2025-01-02", "outlet": "Contoh"}
    q = led["quotes"][0]
    assert q["speaker"]["name"] == "Andi Amran Sulaiman" and q["kind"] == "direct"
    text = "“Kami siap,” kata Menteri Pertanian Andi Amran Sulaiman."
    assert text.encode()[q["start"]:q["end"]].decode() == q["text"]


def test_a_page_gives_its_main_text():
    page = ("<html><head><title>Kopi - Warta</title></head><body><nav><a href=/>Beranda</a></nav>"
            "<article><h1>Kopi</h1><p>Harga kopi di kafe-kafe Jakarta naik sejak awal bulan karena biji mahal.</p>"
            "<p>&ldquo;Kami terpaksa menaikkan harga,&rdquo; kata pemilik kafe Rina Wulandari di Jakarta.</p>"
            "</article></body></html>")
    led = kutip.extract(page, html=True)
    assert "Beranda" not in led["text"] and led["quotes"][0]["speaker"]["name"] == "Rina Wulandari"
    assert kutip.extract_many([{"id": "p", "html": page}])[0]["text"] == led["text"]


def test_errors_are_python_exceptions_with_the_cli_messages(tmp_path):
    with pytest.raises(TypeError):
        kutip.extract(b"bytes")
    with pytest.raises(TypeError):
        kutip.extract("x", meta={"title": 3})
    with pytest.raises(ValueError):
        kutip.extract_many([{"id": "a"}])
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a model")
    with pytest.raises(kutip.KutipError, match="loading model"):
        kutip.Model.load(str(bad))
    with pytest.raises(kutip.KutipError, match="reading model"):
        kutip.Model.load(str(tmp_path / "none.model"))


def test_our_articles_read_as_the_cli_reads_them(tmp_path):
    f = tmp_path / "own.jsonl"
    write_jsonl(f, OWN)
    want = cli_ledgers(f)
    for threads in (1, 2):
        got = kutip.extract_many(OWN, threads=threads)
        assert len(got) == len(want)
        for a, b in zip(got, want):
            same(a, b)
    one = OWN[0]
    meta = {k: v for k, v in one.items() if k not in ("id", "text")}
    same(kutip.extract(one["text"], id=one["id"], meta=meta), want[0])
    # a JSON-lines file's lines as they are (blank lines are no document)
    with open(f, "ab") as out:
        out.write(b"\n")
    with open(f, "rb") as lines:
        got = kutip.extract_many(lines, threads=2)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        same(a, b)
    with pytest.raises(kutip.KutipError, match="malformed JSON"):
        kutip.extract_many([b'{"id": "rusak", "text": "Ia berkata'])


def flat(ledgers, table):
    """The rows extract_arrow should give for a table, from ledgers."""
    rows = []
    for l in ledgers:
        for i, it in enumerate(l[table]):
            rows.append((l["id"], i, it["text"], it["start"], it["end"]))
    return rows


def test_arrow_columns_hold_every_item_with_its_document_and_offsets(tmp_path):
    pa = pytest.importorskip("pyarrow")
    batch = pa.RecordBatch.from_pylist(OWN, schema=pa.schema(
        [("id", pa.string()), ("text", pa.string()), ("title", pa.string()),
         ("date", pa.string()), ("outlet", pa.string())]))
    out = kutip.extract_arrow(batch)
    assert set(out) == {"quotes", "figures", "documents"}
    ledgers = kutip.extract_many(OWN)
    for table in ("quotes", "figures"):
        t = out[table].to_pydict()
        got = list(zip(t["doc_id"], t["seq"], t["text"], t["start"], t["end"]))
        assert got == flat(ledgers, table), table
    q = out["quotes"].to_pydict()
    assert "Agus Salim" in q["speaker"] and q["speaker_kind"][0] in ("person", "organization", "descriptor")
    f = out["figures"].to_pydict()
    assert 1200.0 in f["value"] and out["figures"].schema.field("value").type == pa.float64()
    d = out["documents"].to_pydict()
    assert d["doc_id"] == [x["id"] for x in OWN] and d["n_quotes"][0] == len(ledgers[0]["quotes"])
    # an empty batch gives typed, empty tables
    empty = kutip.extract_arrow(batch.slice(0, 0))
    assert empty["quotes"].num_rows == 0 and empty["quotes"].schema == kutip.arrow_schemas()["quotes"]


def detik():
    p = SHARED / "data" / "news" / "detik.jsonl"
    if not p.exists():
        pytest.skip(f"{p} not found (../shared is absent)")
    return p


def test_the_detik_corpus_reads_as_the_cli_reads_it():
    p = detik()
    docs = [json.loads(l) for l in open(p, encoding="utf-8")]
    got = kutip.extract_many(docs, threads=2)
    want = cli_ledgers(p)
    assert len(got) == len(want) == len(docs)
    for a, b in zip(got, want):
        same(a, b)


def spark_session():
    pytest.importorskip("pyspark")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed (Spark needs it)")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (SparkSession.builder.master("local[2]").appName("kutip-test")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
            .config("spark.ui.enabled", "false").getOrCreate())


def test_spark_gives_the_cli_ledgers(tmp_path):
    from kutip import spark as ks

    spark = spark_session()
    try:
        docs = OWN
        try:
            docs = [json.loads(l) for l in open(detik(), encoding="utf-8")][:300] + OWN
        except pytest.skip.Exception:
            pass
        f = tmp_path / "in.jsonl"
        write_jsonl(f, docs)
        want = cli_ledgers(f)
        df = spark.createDataFrame([{k: d.get(k) for k in ("id", "text", "title", "date", "url", "outlet")}
                                    for d in docs],
                                   "id string, text string, title string, date string, url string, outlet string")
        led = ks.extract(df.repartition(3))
        q = sorted((r["doc_id"], r["seq"], r["text"], r["start"], r["end"], r["speaker"], r["cue"])
                   for r in led.quotes.collect())
        q_want = sorted((l["id"], i, x["text"], x["start"], x["end"],
                         (x["speaker"] or {}).get("name"), (x["cue"] or {}).get("text"))
                        for l in want for i, x in enumerate(l["quotes"]))
        assert q == q_want
        fg = sorted((r["doc_id"], r["seq"], r["text"], r["value"], r["source"])
                    for r in led.figures.collect())
        fg_want = sorted((l["id"], i, x["text"], x["value"], (x["source"] or {}).get("name"))
                         for l in want for i, x in enumerate(l["figures"]))
        assert fg == fg_want
        assert led.documents.count() == len(docs)
    finally:
        spark.stop()


def write_warc(path):
    """A small crawl of our own pages: a request, two HTML responses (one gzip member each)."""
    import gzip

    def page(title, who, said):
        return (f"<html><head><title>{title} - Warta Contoh</title></head><body><nav><a href=/>Beranda</a></nav>"
                f"<article><h1>{title}</h1><p>Selasa, 21 Okt 2025 14:30 WIB</p><p>Hujan deras sejak Senin malam "
                f"membuat sungai meluap dan merendam permukiman di tepi kota.</p><p>&ldquo;{said},&rdquo; kata {who} "
                f"kepada wartawan di posko pengungsian.</p></article></body></html>").encode()

    def record(kind, uri, block):
        head = (f"WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-10-21T08:00:00Z\r\n"
                f"Content-Length: {len(block)}\r\n\r\n").encode()
        return gzip.compress(head + block + b"\r\n\r\n")

    def http(body):
        return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body

    with open(path, "wb") as f:
        f.write(record("request", "https://warta.contoh/a", b"GET /a HTTP/1.1\r\n\r\n"))
        f.write(record("response", "https://warta.contoh/a", http(page("Banjir", "Agus Salim", "Perahu karet siap"))))
        f.write(record("response", "https://warta.contoh/b", http(page("Longsor", "Rina Wulandari", "Warga mengungsi"))))


def test_a_web_archive_reads_as_the_cli_reads_it(tmp_path):
    w = tmp_path / "crawl.warc.gz"
    write_warc(w)
    want = cli_ledgers(w)
    pages = list(kutip.read_warc(str(w)))
    assert [p["id"] for p in pages] == ["https://warta.contoh/a", "https://warta.contoh/b"]
    got = kutip.extract_many(pages)
    assert len(got) == len(want) == 2
    for a, b in zip(got, want):
        same(a, b)
    assert got[1]["quotes"][0]["speaker"]["name"] == "Rina Wulandari"
