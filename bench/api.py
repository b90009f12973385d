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

--stores sqlite,postgres and --processes 1,2 measure every combination in
one run, side by side.  PostgreSQL runs in a throwaway cluster that the
benchmark starts (scripts/pg.sh, fsync on) on a loopback port; two or more
processes share one database behind HAProxy (contrib/haproxy.cfg on
loopback ports), and /healthz is then measured through HAProxy as well.
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
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
import harness  # noqa: E402  (the tests' helpers: ports, the HAProxy configuration)
import pgwire  # noqa: E402  (the tests' small PostgreSQL client)


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


def wait_up(base, what):
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("%s did not come up" % what)


class Stack:
    """n kapsule servers on db (behind HAProxy when n > 1)."""

    def __init__(self, a, db, n, work):
        self.procs, self.logs, self.proxy = [], [], None
        ports = [harness.free_port() for _ in range(n)]
        for i, port in enumerate(ports):
            log = open(os.path.join(work, "server-%d.log" % port), "wb")
            self.logs.append(log)
            self.procs.append(subprocess.Popen(
                [a.bin, "serve", "--db=" + db, "--port=%d" % port, *a.server_args.split()],
                stdout=log, stderr=log))
            wait_up("http://127.0.0.1:%d" % port, "server %d" % (i + 1))
        if n == 1:
            self.base = "http://127.0.0.1:%d" % ports[0]
            return
        if not shutil.which("haproxy"):
            raise SystemExit("haproxy is missing: run scripts/deps.sh bench as root")
        front = harness.free_port()
        cfg = os.path.join(work, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(harness.haproxy_config(front, ports))
        plog = open(os.path.join(work, "haproxy.log"), "wb")
        self.logs.append(plog)
        self.proxy = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=plog, stderr=plog)
        self.base = "http://127.0.0.1:%d" % front
        wait_up(self.base, "haproxy")
        time.sleep(2.5)  # both servers pass their health checks

    def memory(self):
        mems = [memory(p.pid) for p in self.procs]
        return {"VmRSS": max(m.get("VmRSS", 0) for m in mems),
                "VmHWM": max(m.get("VmHWM", 0) for m in mems)}

    def stop(self):
        if self.proxy:
            self.proxy.terminate()
            self.proxy.wait(timeout=30)
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(timeout=60)
        for log in self.logs:
            log.close()


class Store:
    """The demo database of one store, made once per run."""

    def __init__(self, a, kind, work):
        self.kind, self.work, self.pgdir = kind, work, None
        os.makedirs(work, exist_ok=True)
        os.chmod(work, 0o755)
        if kind == "sqlite":
            self.db = a.db or os.path.join(work, "bench.db")
            fresh = not os.path.exists(self.db)
        else:
            self.pgdir = os.path.join(work, "pg")
            made = os.path.exists(os.path.join(self.pgdir, "data", "PG_VERSION"))
            env = dict(os.environ)
            env.pop("FAST", None)  # a real cluster: fsync on
            port = harness.free_port()
            if made:  # the port it was made with
                with open(os.path.join(self.pgdir, "data", "postgresql.conf")) as f:
                    port = int(re.findall(r"^port = (\d+)", f.read(), re.M)[-1])
            url = subprocess.run([os.path.join(ROOT, "scripts", "pg.sh"), "start", self.pgdir,
                                  str(port)], check=True, capture_output=True,
                                 text=True, env=env).stdout.strip()
            admin = pgwire.Connection(url)
            fresh = not admin.query("SELECT 1 FROM pg_database WHERE datname = 'bench'")
            if fresh:
                admin.query("CREATE DATABASE bench")
            admin.close()
            self.db = pgwire.with_database(url, "bench")
        if fresh:
            t0 = time.time()
            subprocess.run([a.bin, "demo", "--enquiries", str(a.enquiries), "--db=" + self.db],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print("%s: demo database with %d generated enquiries made in %.0f s"
                  % (kind, a.enquiries, time.time() - t0), file=sys.stderr)

    def sql(self, query, *args):
        if self.kind == "sqlite":
            con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
            try:
                return con.execute(query, args).fetchall()
            finally:
                con.close()
        con = pgwire.Connection(self.db)
        try:
            return con.query(query, *args)
        finally:
            con.close()

    def messages(self):
        return self.sql("SELECT COUNT(*) FROM messages")[0][0]

    def targets(self):
        """What the cases read and write, chosen once per store so that every
        configuration measures the same rows: (b) reads the demo enquiry with
        the longest thread (a vendor request, an answer with a file, notes);
        (c) writes to 2,000 other open enquiries of the customer."""
        saved = os.path.join(self.work, "targets.json")
        if not hasattr(self, "_targets") and os.path.exists(saved):
            with open(saved) as f:
                self._targets = tuple(json.load(f))  # a kept store: the same rows again
        if not hasattr(self, "_targets"):
            cust_id = self.sql("SELECT c.id FROM customers c JOIN users u ON u.id = c.user_id"
                               " WHERE u.email = 'jane.doe@example.com'")[0][0]
            thread_id = self.sql("SELECT enquiry_id FROM messages GROUP BY enquiry_id"
                                 " ORDER BY COUNT(*) DESC, enquiry_id LIMIT 1")[0][0]
            ids = [str(r[0]) for r in self.sql(
                "SELECT id FROM enquiries WHERE customer_id = ? AND status IN ('open',"
                " 'awaiting_customer') AND id <> ? ORDER BY id LIMIT 2000", cust_id, thread_id)]
            nmsg = self.sql("SELECT COUNT(*) FROM messages WHERE enquiry_id = ?",
                            thread_id)[0][0]
            total = self.sql("SELECT COUNT(*) FROM enquiries")[0][0]
            self._targets = (thread_id, ids, nmsg, total)
            with open(saved, "w") as f:
                json.dump(self._targets, f)
        return self._targets

    def close(self):
        if self.pgdir:
            subprocess.run([os.path.join(ROOT, "scripts", "pg.sh"), "stop", self.pgdir],
                           check=False)


def measure(a, store, nproc, work):
    """Every case, a.rounds times, on nproc servers over store."""
    stack = Stack(a, store.db, nproc, work)
    base = stack.base
    try:
        agent = post(base + "/api/v1/auth/login",
                     {"email": "agent@kapsule.co.uk", "password": "kapsule-demo"})["token"]
        customer = post(base + "/api/v1/auth/login",
                        {"email": "jane.doe@example.com", "password": "kapsule-demo"})["token"]
        thread_id, ids, nmsg, total = store.targets()

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
        label = "%s x%d" % (store.kind, nproc)
        for rnd in range(a.rounds):
            for name in ("queue", "enquiry", "post"):
                h = wrk(seconds=a.seconds, conns=a.connections, **cases["healthz"])
                runs["healthz"].append(h)
                before = store.messages()
                r = wrk(seconds=a.seconds, conns=a.connections, **cases[name])
                if name == "post":
                    committed.append((store.messages() - before) / a.seconds)
                runs[name].append(r)
                ratios[name].append(r["rps"] / h["rps"])
                print("%s round %d %-8s %8.0f req/s (healthz %8.0f) p50 %6.2f ms p99 %6.2f ms"
                      % (label, rnd + 1, name, r["rps"], h["rps"], r["p50_ms"], r["p99_ms"]),
                      file=sys.stderr)
        keepalive = wrk(url=base + "/healthz", seconds=a.seconds, conns=256)
        mem = stack.memory()
    finally:
        stack.stop()

    def med(name, key):
        return statistics.median(r[key] for r in runs[name])

    result = {
        "store": store.kind, "processes": nproc,
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
    return result


def report(result):
    print()
    print("%s, %d process(es): %d enquiries, %d connections, %d rounds of %d s; medians"
          % (result["store"], result["processes"], result["enquiries"], result["connections"],
             result["rounds"], result["seconds"]))
    print("%-34s %10s %9s %9s %9s" % ("", "req/s", "p50 ms", "p99 ms", "/healthz"))
    rows = [("GET /healthz (baseline)", "healthz"), ("(a) agent queue, first page", "queue"),
            ("(b) one enquiry with thread (%d)" % result["thread_messages"], "enquiry"),
            ("(c) customer posts a message", "post")]
    for label, key in rows:
        r = result[key]
        ratio = r.get("ratio_to_healthz")
        print("%-34s %10.0f %9.2f %9.2f %9s" % (label, r["rps"], r["p50_ms"], r["p99_ms"],
                                               "%.0f%%" % (100 * ratio) if ratio else "-"))
    print("(c) committed writes/s (counted in the database): %.0f"
          % result["post"]["committed_per_s"])
    ka = result["keepalive_256"]
    print("keep-alive check, /healthz at 256 connections: %.0f req/s, %d socket errors,"
          " %d non-2xx" % (ka["rps"], ka["socket_errors"], ka["non2xx"]))
    mem = result["memory_mb"]
    print("server memory (largest process): RSS %d MB now, %d MB peak"
          % (mem.get("VmRSS", 0), mem.get("VmHWM", 0)))
    bad = sum(result[k]["non2xx"] + result[k]["socket_errors"]
              for k in ("queue", "enquiry", "post"))
    if bad:
        print("WARNING: %d failed requests during the runs" % bad)


def side_by_side(results):
    if len(results) < 2:
        return
    print()
    print("Side by side (medians; req/s, p99 ms, share of /healthz):")
    head = "%-22s" % ""
    for r in results:
        head += " %22s" % ("%s x%d" % (r["store"], r["processes"]))
    print(head)
    for key, label in (("healthz", "/healthz"), ("queue", "(a) queue page"),
                       ("enquiry", "(b) enquiry"), ("post", "(c) post message")):
        line = "%-22s" % label
        for r in results:
            x = r[key]
            share = " %3.0f%%" % (100 * x["ratio_to_healthz"]) if "ratio_to_healthz" in x else ""
            line += " %22s" % ("%.0f %.1fms%s" % (x["rps"], x["p99_ms"], share))
        print(line)
    line = "%-22s" % "(c) committed/s"
    for r in results:
        line += " %22s" % ("%.0f" % r["post"]["committed_per_s"])
    print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("KAPSULE_BIN",
                                                    os.path.join(ROOT, "build", "kapsule")))
    ap.add_argument("--enquiries", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=8, help="per run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--db", help="reuse this SQLite demo database (made if missing)")
    ap.add_argument("--keep", help="keep the stores (and logs) in this folder and reuse"
                    " them next time instead of making them again")
    ap.add_argument("--stores", default="sqlite", help="sqlite, postgres or both (comma)")
    ap.add_argument("--processes", default="1", help="server processes, e.g. 1,2")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--server-args", default="", help="extra flags for kapsule serve")
    a = ap.parse_args()
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit("%s is missing: run scripts/deps.sh bench as root" % tool)
    stores = [x.strip() for x in a.stores.split(",") if x.strip()]
    procs = [int(x) for x in a.processes.split(",") if x.strip()]
    if not stores or any(x not in ("sqlite", "postgres") for x in stores) or \
            not procs or any(n < 1 or n > 8 for n in procs):
        raise SystemExit("--stores takes sqlite and/or postgres; --processes 1 to 8")

    work = a.keep or tempfile.mkdtemp(prefix="kapsule-bench-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)  # a PostgreSQL cluster inside runs as its own user
    results = []
    try:
        for kind in stores:
            store = Store(a, kind, os.path.join(work, kind))
            try:
                for n in procs:
                    os.makedirs(os.path.join(work, kind, "x%d" % n), exist_ok=True)
                    results.append(measure(a, store, n, os.path.join(work, kind, "x%d" % n)))
            finally:
                store.close()
    finally:
        for r in results:
            report(r)
        side_by_side(results)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(results[0] if len(results) == 1 else results, f, indent=2)
        if not a.db and not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
