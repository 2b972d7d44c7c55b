#!/usr/bin/env python3
"""p50/p95 latency of `kutip query quotes --speaker S --text W` on a ledger database.

    python3 scripts/query-latency.py /tmp/big.db [N]

Speakers are the 40 most quoted; words are the top topics of each (so most queries have
hits). Reports the time kutip measures around the query (after opening the database) and the
wall time of the whole process.
"""
import json
import random
import subprocess
import sys
import time

KUTIP = "./target/release/kutip"


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    db = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    out = subprocess.run([KUTIP, "query", "--db", db, "speakers", "--limit", "40",
                          "--format", "jsonl"], capture_output=True, text=True, check=True)
    speakers = [json.loads(l) for l in out.stdout.splitlines()]
    qs = [(s["name"].split()[-1], t) for s in speakers for t in s["topics"][:3]]
    random.seed(1)
    random.shuffle(qs)
    qs = qs[:n]
    inproc, wall, hits = [], [], 0
    for name, word in qs:
        t = time.time()
        r = subprocess.run([KUTIP, "query", "--db", db, "quotes", "--speaker", name,
                            "--text", word, "--limit", "50"], capture_output=True, text=True)
        wall.append((time.time() - t) * 1000)
        last = r.stderr.strip().splitlines()[-1]
        inproc.append(float(last.split(" in ")[-1].split()[0]))
        hits += int(last.split()[0]) > 0
    print(f"{len(qs)} queries ({hits} with hits)")
    print(f"query   ms: p50 {pct(inproc, .5):.1f}  p95 {pct(inproc, .95):.1f}  max {max(inproc):.1f}")
    print(f"process ms: p50 {pct(wall, .5):.1f}  p95 {pct(wall, .95):.1f}")


if __name__ == "__main__":
    main()
