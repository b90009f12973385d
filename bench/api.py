#!/usr/bin/env python3
"""Load benchmark of the API on a demo database (default 100,000 enquiries).

Measures, with wrk on loopback, for a bounded time each:
  (a) the agent queue's first page        GET /api/v1/enquiries
  (b) one enquiry with its thread         GET /api/v1/enquiries/{id}
  (c) a customer posting a message        POST /api/v1/enquiries/{id}/messages
beside GET /healthz measured in the same round, several rounds, and prints
medians: requests/s, p50, p99, the ratio to /healthz, committed writes/s
(counted in the database), and the server's memory.  Also a keep-alive check
of /healthz at 256 connections.  Figures go to stdout and, as JSON, to
--json FILE.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_wrk(out):
    def latency(label):
        m = re.search(r"^\s+%s\s+([\d.]+)(us|ms|s)\s*$" % label, out, re.M)
        if not m:
            return None
        v = float(m.group(1))
        return v / 1000.0 if m.group(2) == "us" else v * 1000.0 if m.group(2) == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps, "requests": total, "p50_ms": latency("50%"), "p99_ms": latency("99%"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
    }


def wrk(url, seconds, conns, headers=(), script=None, env=None, threads=2):
    cmd = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=seconds + 60)
    if p.returncode != 0:
        raise SystemExit("wrk failed: " + p.stderr)
    return parse_wrk(p.stdout)


def post(url, body, token=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def memory(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("KAPSULE_BIN",
                                                    os.path.join(ROOT, "build", "kapsule")))
    ap.add_argument("--enquiries", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=8, help="per run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--port", type=int, default=18731)
    ap.add_argument("--db", help="reuse this demo database (made if missing)")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--server-args", default="", help="extra flags for kapsule serve")
    a = ap.parse_args()
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit("%s is missing: run scripts/deps.sh bench as root" % tool)

    work = tempfile.mkdtemp(prefix="kapsule-bench-")
    db = a.db or os.path.join(work, "bench.db")
    if not os.path.exists(db):
        t0 = time.time()
        subprocess.run([a.bin, "demo", "--enquiries", str(a.enquiries), "--db=" + db],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("demo database with %d generated enquiries made in %.0f s"
              % (a.enquiries, time.time() - t0), file=sys.stderr)
    log = open(os.path.join(work, "server.log"), "wb")
    srv = subprocess.Popen([a.bin, "serve", "--db=" + db, "--port=%d" % a.port,
                            *a.server_args.split()], stdout=log, stderr=log)
    base = "http://127.0.0.1:%d" % a.port
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        agent = post(base + "/api/v1/auth/login",
                     {"email": "agent@kapsule.co.uk", "password": "kapsule-demo"})["token"]
        customer = post(base + "/api/v1/auth/login",
                        {"email": "jane.doe@example.com", "password": "kapsule-demo"})["token"]
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        cust_id = con.execute("SELECT c.id FROM customers c JOIN users u ON u.id = c.user_id"
                              " WHERE u.email = 'jane.doe@example.com'").fetchone()[0]
        # (b) reads the demo enquiry with the longest thread (a vendor request, an
        # answer with a file, notes); (c) writes to other enquiries of the customer.
        thread_id = con.execute("SELECT enquiry_id FROM messages GROUP BY enquiry_id"
                                " ORDER BY COUNT(*) DESC, enquiry_id LIMIT 1").fetchone()[0]
        ids = [str(r[0]) for r in con.execute(
            "SELECT id FROM enquiries WHERE customer_id = ? AND status IN ('open',"
            " 'awaiting_customer') AND id <> ? ORDER BY id LIMIT 2000", (cust_id, thread_id))]
        nmsg = con.execute("SELECT COUNT(*) FROM messages WHERE enquiry_id = ?",
                           (thread_id,)).fetchone()[0]
        total = con.execute("SELECT COUNT(*) FROM enquiries").fetchone()[0]
        con.close()

        auth = ("Authorization: Bearer " + agent,)
        cases = {
            "healthz": dict(url=base + "/healthz"),
            "queue": dict(url=base + "/api/v1/enquiries", headers=auth),
            "enquiry": dict(url=base + "/api/v1/enquiries/%d" % thread_id, headers=auth),
            "post": dict(url=base, script=os.path.join(ROOT, "bench", "post_message.lua"),
                         env={"TOKEN": customer, "IDS": ",".join(ids)}),
        }
        runs = {k: [] for k in cases}
        ratios = {k: [] for k in cases if k != "healthz"}
        committed = []
        for rnd in range(a.rounds):
            for name in ("queue", "enquiry", "post"):
                h = wrk(seconds=a.seconds, conns=a.connections, **cases["healthz"])
                runs["healthz"].append(h)
                before = count_messages(db)
                r = wrk(seconds=a.seconds, conns=a.connections, **cases[name])
                if name == "post":
                    committed.append((count_messages(db) - before) / a.seconds)
                runs[name].append(r)
                ratios[name].append(r["rps"] / h["rps"])
                print("round %d %-8s %8.0f req/s (healthz %8.0f) p50 %6.2f ms p99 %6.2f ms"
                      % (rnd + 1, name, r["rps"], h["rps"], r["p50_ms"], r["p99_ms"]),
                      file=sys.stderr)
        keepalive = wrk(url=base + "/healthz", seconds=a.seconds, conns=256)
        mem = memory(srv.pid)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        log.close()

    def med(name, key):
        return statistics.median(r[key] for r in runs[name])

    result = {
        "enquiries": total, "connections": a.connections, "seconds": a.seconds,
        "rounds": a.rounds, "thread_messages": nmsg,
        "healthz": {"rps": med("healthz", "rps"), "p50_ms": med("healthz", "p50_ms"),
                    "p99_ms": med("healthz", "p99_ms")},
        "keepalive_256": keepalive, "memory_mb": mem,
    }
    for name in ratios:
        result[name] = {"rps": med(name, "rps"), "p50_ms": med(name, "p50_ms"),
                        "p99_ms": med(name, "p99_ms"),
                        "ratio_to_healthz": statistics.median(ratios[name]),
                        "non2xx": sum(r["non2xx"] for r in runs[name]),
                        "socket_errors": sum(r["socket_errors"] for r in runs[name])}
    result["post"]["committed_per_s"] = statistics.median(committed)

    print()
    print("%d enquiries, %d connections, %d rounds of %d s; medians"
          % (total, a.connections, a.rounds, a.seconds))
    print("%-34s %10s %9s %9s %9s" % ("", "req/s", "p50 ms", "p99 ms", "/healthz"))
    rows = [("GET /healthz (baseline)", "healthz"), ("(a) agent queue, first page", "queue"),
            ("(b) one enquiry with thread (%d)" % nmsg, "enquiry"),
            ("(c) customer posts a message", "post")]
    for label, key in rows:
        r = result[key]
        ratio = r.get("ratio_to_healthz")
        print("%-34s %10.0f %9.2f %9.2f %9s" % (label, r["rps"], r["p50_ms"], r["p99_ms"],
                                               "%.0f%%" % (100 * ratio) if ratio else "-"))
    print("(c) committed writes/s (counted in the database): %.0f"
          % result["post"]["committed_per_s"])
    print("keep-alive check, /healthz at 256 connections: %.0f req/s, %d socket errors,"
          " %d non-2xx" % (keepalive["rps"], keepalive["socket_errors"], keepalive["non2xx"]))
    print("server memory: RSS %d MB now, %d MB peak" % (mem.get("VmRSS", 0), mem.get("VmHWM", 0)))
    bad = sum(result[k]["non2xx"] + result[k]["socket_errors"] for k in ratios)
    if bad:
        print("WARNING: %d failed requests during the runs" % bad)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)
    if not a.db:
        shutil.rmtree(work, ignore_errors=True)


def count_messages(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return con.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    main()
