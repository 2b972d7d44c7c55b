#!/usr/bin/env python3
"""Replicate a JSONL corpus with new ids and dates, for load tests of the ledger.

    python3 scripts/synth-corpus.py ../shared/data/news/detik.jsonl 157 > /tmp/synth.jsonl

Copy k of every document gets the id "<id>#k" and its date moved k*3 days later, so the
same statements recur across a long timeline (157 copies of detik give ~1M statements).
"""
import datetime
import json
import sys


def main():
    src, copies = sys.argv[1], int(sys.argv[2])
    docs = [json.loads(line) for line in open(src, encoding="utf-8") if line.strip()]
    out = sys.stdout
    for k in range(copies):
        for d in docs:
            d2 = dict(d)
            d2["id"] = f"{d.get('id', 'doc')}#{k}"
            date = str(d.get("date") or "2025-01-01")[:10]
            try:
                base = datetime.date.fromisoformat(date)
            except ValueError:
                base = datetime.date(2025, 1, 1)
            d2["date"] = (base + datetime.timedelta(days=3 * k)).isoformat()
            out.write(json.dumps(d2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
