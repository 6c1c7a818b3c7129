"""Benchmark `letter-audit serve`: a decision's round trip, the index of a large batch served,
and many reviewers deciding at once (no decision lost, none duplicated).

    python benchmarks/bench_serve.py                      # 10,000 letters, 20 reviewers x 500 decisions
    python benchmarks/bench_serve.py --letters 2000 --reviewers 5 --each 100 --db postgresql://...

The server runs in a process of its own (tests/serve_child.py: the app on uvicorn over a
made-up worksheet of LETTERS letters with three findings each, decisions in an SQLite file
unless --db says otherwise), on loopback; the clients are threads of this process (httpx).
Figures are printed as JSON: median and 95th percentile in milliseconds. Run by hand; the
figures go in the README. Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from audit.serve import decisions as store  # noqa: E402
from audit.serve.database import open_database  # noqa: E402
from serve_support import free_port, login  # noqa: E402


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}
    return {"median_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1), "n": len(ordered)}


def fingerprint(letter: int, k: int) -> str:  # as serve_support.synthetic_sheet makes them
    return f"{letter:08x}{k:04x}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=10000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--each", type=int, default=500)
    parser.add_argument("--db", help="database URL (default: an SQLite file in a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    url = args.db or f"sqlite:///{folder / 'review.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "serve_child.py"), url, str(port),
                              str(args.letters)])
    figures = {"letters": args.letters, "findings": 3 * args.letters, "database": url.split(":")[0]}
    try:
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if child.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
        with httpx.Client(timeout=60) as client:
            token = login(client, base, "bench")
            index = []
            for _ in range(7):
                started = time.perf_counter()
                response = client.get(f"{base}/")
                index.append(time.perf_counter() - started)
                assert response.status_code == 200 and response.text.count("<tr data-path=") == args.letters
            figures["index"] = {**percentiles(index), "bytes": len(response.content)}
            trips = []
            for k in range(200):
                body = {"decisions": [{"fingerprint": fingerprint(k + 1, 0), "state": "accepted",
                                       "request_id": uuid.uuid4().hex}]}
                started = time.perf_counter()
                response = client.post(f"{base}/api/decisions", json=body, headers={"X-CSRF-Token": token})
                trips.append(time.perf_counter() - started)
                assert response.status_code == 200
            figures["decision_round_trip"] = percentiles(trips)

        sent, errors, latencies, lock = [], [], [], threading.Lock()

        def reviewer(number: int):
            with httpx.Client(timeout=60) as client:
                token = login(client, base, f"reviewer {number}")
                for k in range(args.each):
                    item = (number * args.each + k) % (3 * args.letters)
                    request_id = uuid.uuid4().hex
                    body = {"decisions": [{"fingerprint": fingerprint(item // 3 + 1, item % 3),
                                           "state": "needs-fix", "request_id": request_id}]}
                    started = time.perf_counter()
                    response = client.post(f"{base}/api/decisions", json=body, headers={"X-CSRF-Token": token})
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        (sent if response.status_code == 200 else errors).append(request_id)

        started = time.perf_counter()
        threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(args.reviewers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        engine = open_database(url)
        stored = store.count(engine)
        engine.dispose()
        figures["concurrent"] = {"reviewers": args.reviewers, "decisions_each": args.each,
                                 "seconds": round(elapsed, 1), "per_second": round(len(sent) / elapsed, 1),
                                 "errors": len(errors), "acknowledged": len(sent),
                                 "stored_total": stored, "expected_total": 200 + args.reviewers * args.each,
                                 **percentiles(latencies)}
    finally:
        child.terminate()
        child.wait(10)
    print(json.dumps(figures, indent=1))
    return 0 if figures["concurrent"]["errors"] == 0 and stored == 200 + args.reviewers * args.each else 1


if __name__ == "__main__":
    raise SystemExit(main())
