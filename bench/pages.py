"""Server-side render time of the agent desk's queue page on a demo
database (default 100,000 generated enquiries), on SQLite and PostgreSQL.

For each store it makes the database (`kapsule demo --enquiries N`),
starts one server with a line per request in its log, signs in as the
demo agent and requests each URL below R times, one at a time and in
turn, after a warm-up.  The figure is the server's own `duration_ms` for each request
(from reading the request to the last byte handed to the socket), so the
client's speed does not count.  It prints per URL the median and 90th
percentile, and the ratio of the median to that of the API's queue
(`GET /api/v1/enquiries?limit=50`, the same rows as JSON) measured in the
same run.  The target is a median under 50 ms for `/desk`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api"))
import harness  # noqa: E402

AGENT, PASSWORD = "agent@kapsule.co.uk", "kapsule-demo"
URLS = [
    ("API queue (baseline)", "/api/v1/enquiries?limit=50"),
    ("queue /desk", "/desk"),
    ("queue, open", "/desk?status=open"),
    ("queue, overdue", "/desk?status=active&view=overdue"),
    ("queue, unassigned", "/desk?status=active&view=unassigned"),
    ("queue, damaged, oldest first", "/desk?status=active&category=damaged&sort=age"),
    ("queue, all 100k, oldest first", "/desk?status=all&sort=age"),
    ("search, an order number", "/desk/search?q=KP-100201"),
    ("search, a customer's name", "/desk/search?q=Jane+Doe"),
    ("search, a word in every enquiry", "/desk/search?q=help"),
]


def call(base, path, token, body=None, rid=None):
    h = {"Authorization": "Bearer " + token} if token else {"Content-Type": "application/json"}
    if rid:
        h["X-Request-Id"] = rid
    req = urllib.request.Request(base + path, data=body, headers=h)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read()


def durations(log):
    """The duration_ms of each request in the server's log, by request id."""
    out = {}
    with open(log, "rb") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if "duration_ms" in rec and "request_id" in rec:
                out[rec["request_id"]] = float(rec["duration_ms"])
    return out


def bench(kind, db, a, work):
    port = harness.free_port()
    log = os.path.join(work, "server-%s.log" % kind)
    with open(log, "wb") as f:
        proc = subprocess.Popen([a.bin, "serve", "--db=" + db, "--port=%d" % port,
                                 "--log-requests=true", "--log-level=info"],
                                stdout=f, stderr=f)
    base = "http://127.0.0.1:%d" % port
    try:
        for _ in range(300):
            try:
                call(base, "/healthz", None)
                break
            except OSError:
                time.sleep(0.1)
        status, body = call(base, "/api/v1/auth/login", None,
                            json.dumps({"email": AGENT, "password": PASSWORD}).encode())
        token = json.loads(body)["token"]
        sizes = {}
        for name, path in URLS:
            for _ in range(a.warmup):
                call(base, path, token)
        # The URLs in turn, round after round, so that the machine's noise falls on all alike.
        for i in range(a.rounds):
            for k, (name, path) in enumerate(URLS):
                status, body = call(base, path, token, rid="bench-%d-%d" % (k, i))
                assert status == 200, (path, status)
                sizes[k] = len(body)
        time.sleep(0.5)  # the last lines reach the log
        seen = durations(log)
        results = []
        for k, (name, path) in enumerate(URLS):
            times = [seen["bench-%d-%d" % (k, i)] for i in range(a.rounds)]
            results.append((name, path, statistics.median(times),
                            statistics.quantiles(times, n=10)[-1], sizes[k]))
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/kapsule")
    ap.add_argument("--enquiries", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--pg-url", default=os.environ.get("KAPSULE_BENCH_PG"))
    ap.add_argument("--sqlite-db", help="an SQLite demo database made before, used as it is")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="kapsule-pages-")
    stores = []
    if a.store in ("sqlite", "both"):
        stores.append(("sqlite", os.path.join(work, "pages.db")))
    if a.store in ("postgres", "both"):
        if not a.pg_url:
            raise SystemExit("PostgreSQL: give --pg-url or KAPSULE_BENCH_PG (bench/pages.sh does)")
        stores.append(("postgres", a.pg_url))
    for kind, db in stores:
        t0 = time.time()
        if kind == "sqlite" and a.sqlite_db:
            db = a.sqlite_db
        else:
            subprocess.run([a.bin, "demo", "--enquiries", str(a.enquiries), "--db=" + db],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print("%s: demo database with %d generated enquiries made in %.0f s"
                  % (kind, a.enquiries, time.time() - t0), flush=True)
        results = bench(kind, db, a, work)
        base = results[0][2]
        print("%s: %d requests per URL, one at a time; server-side duration_ms"
              % (kind, a.rounds))
        print("  %-32s %9s %9s %7s %9s" % ("", "median", "p90", "x API", "bytes"))
        for name, path, med, p90, size in results:
            print("  %-32s %9.2f %9.2f %7.2f %9d" % (name, med, p90, med / base, size))
        desk = results[1][2]
        print("  /desk median %.2f ms: %s the 50 ms target" % (desk, "within" if desk < 50
                                                                 else "OVER"), flush=True)


if __name__ == "__main__":
    main()
