"""Several servers on one PostgreSQL database, and the database going away.

- Two `kapsule serve` processes behind HAProxy (contrib/haproxy.cfg, with
  loopback ports): bounded load through the balancer while one process is
  killed with SIGKILL and started again.  Afterwards every write that got a
  2xx is stored exactly once (clients retry failures with the same
  Idempotency-Key, which may land on the other process), nothing is
  half-written, and a session made on one process works on the other.
- PostgreSQL stopped for a few seconds under load and started again: the
  server answers 503 with Retry-After meanwhile and /readyz is false, it
  recovers without a restart, and no acknowledged write is lost.

These need PostgreSQL: they run in the second pass of `make test`, which
starts a throwaway cluster and sets KAPSULE_TEST_PG (and KAPSULE_TEST_PG_DIR,
the cluster's folder, for stopping it).
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import harness

NEEDS_PG = unittest.skipUnless(harness.PG, "needs PostgreSQL: the second pass of make test")


class Load:
    """Client threads that post messages with Idempotency-Keys to `port` for
    a bounded time, retrying each failed request (connection errors, 502,
    503) with the same key until it gets an answer or its own deadline."""

    def __init__(self, port, token, enquiries, threads=6, seconds=6.0, tag="load"):
        self.port, self.token, self.enquiries = port, token, enquiries
        self.threads, self.seconds, self.tag = threads, seconds, tag
        self.lock = threading.Lock()
        self.acked = {}            # key -> message id from the 2xx answer
        self.statuses = {}         # status (or "error") -> count, every attempt
        self.retry_after = 0       # 503 answers that said when to come back
        self.unanswered = []       # keys given up on (never acknowledged)
        self.started_at = None

    def count(self, what):
        with self.lock:
            self.statuses[what] = self.statuses.get(what, 0) + 1

    def post(self, conn_box, key, enquiry, body):
        conn = conn_box[0]
        if conn is None:
            conn = conn_box[0] = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            conn.request("POST", "/api/v1/enquiries/%d/messages" % enquiry,
                         body=json.dumps({"body": body}),
                         headers={"Authorization": "Bearer " + self.token,
                                  "Content-Type": "application/json", "Idempotency-Key": key})
            r = conn.getresponse()
            data = r.read()
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn_box[0] = None
            return r.status, data, r.getheader("Retry-After")
        except (OSError, http.client.HTTPException):
            conn.close()
            conn_box[0] = None
            return None, None, None

    def worker(self, n):
        box = [None]
        i = 0
        end = self.started_at + self.seconds
        while time.time() < end:
            i += 1
            key = "%s-%d-%d" % (self.tag, n, i)
            enquiry = self.enquiries[(n * 7919 + i) % len(self.enquiries)]
            body = "scale %s" % key
            give_up = time.time() + 12
            while True:
                status, data, retry_after = self.post(box, key, enquiry, body)
                self.count(status if status else "error")
                if status in (200, 201):
                    with self.lock:
                        self.acked[key] = json.loads(data)["id"]
                    break
                if status == 503 and retry_after:
                    with self.lock:
                        self.retry_after += 1
                if status not in (None, 502, 503, 504) or time.time() > give_up:
                    with self.lock:
                        self.unanswered.append((key, status, data))
                    break
                time.sleep(0.05)
        if box[0]:
            box[0].close()

    def start(self):
        self.started_at = time.time()
        self.pool = [threading.Thread(target=self.worker, args=(n,)) for n in range(self.threads)]
        for t in self.pool:
            t.start()

    def join(self):
        for t in self.pool:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in self.pool), "a client thread hung"
        print("\n  %s: %d writes acknowledged; answers %s" % (
            self.tag, len(self.acked), dict(sorted(self.statuses.items(), key=str))),
            file=sys.stderr)


def customer_enquiries(s):
    return [r[0] for r in s.sql(
        "SELECT e.id FROM enquiries e JOIN customers c ON c.id = e.customer_id"
        " JOIN users u ON u.id = c.user_id WHERE u.email = ? AND e.status IN"
        " ('open', 'awaiting_customer', 'awaiting_vendor') ORDER BY e.id", harness.CUSTOMER)]


def check_exactly_once(test, s, load):
    """Every acknowledged write is stored once, with the id it was answered
    with; no write is stored twice; derived columns agree with their rows."""
    rows = s.sql("SELECT body, id FROM messages WHERE body LIKE ?", "scale %s-%%" % load.tag)
    stored = {}
    for body, mid in rows:
        stored.setdefault(body[len("scale "):], []).append(mid)
    twice = {k: v for k, v in stored.items() if len(v) > 1}
    test.assertEqual(twice, {}, "writes stored more than once")
    for key, mid in load.acked.items():
        test.assertEqual(stored.get(key), [mid], "acknowledged write %s is not stored as %d"
                         % (key, mid))
    test.assertEqual(s.derived_mismatches(), [])
    audited = s.sql("SELECT COUNT(*) FROM audit_events a JOIN messages m ON m.id = a.object_id"
                    " WHERE a.action = 'message.create' AND m.body LIKE ?",
                    "scale %s-%%" % load.tag)[0][0]
    test.assertEqual(audited, len(rows), "a stored message has no audit event")
    # Writers of several processes took turns: the audit log is still one chain.
    p = s.cli("audit", "verify")
    test.assertEqual(p.returncode, 0, p.stdout + p.stderr)


@NEEDS_PG
class TwoProcesses(unittest.TestCase):
    def setUp(self):
        if not shutil.which("haproxy"):
            self.fail("haproxy is missing: run scripts/deps.sh test as root")
        self.a = harness.Server()
        self.b = harness.Server(demo=False, db=self.a.db)
        self.dir = tempfile.mkdtemp(prefix="kapsule-haproxy-")
        self.front = harness.free_port()
        cfg = os.path.join(self.dir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(harness.haproxy_config(self.front, [self.a.port, self.b.port],
                                           quick_checks=True))
        check = subprocess.run(["haproxy", "-c", "-f", cfg], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.log = open(os.path.join(self.dir, "haproxy.log"), "wb")
        self.proxy = subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=self.log,
                                      stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if self.get_front("/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)

    def tearDown(self):
        self.proxy.terminate()
        self.proxy.wait(timeout=10)
        self.log.close()
        self.b.close()
        self.a.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def get_front(self, path, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.front, timeout=10)
        try:
            conn.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def test_sessions_work_on_either_process(self):
        for made, used in ((self.a, self.b), (self.b, self.a)):
            token = made.login(harness.AGENT)
            r = used.get("/api/v1/me", token)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["email"], harness.AGENT)
            # Signed out on one, refused on the other.
            self.assertEqual(made.post("/api/v1/auth/logout", token).status, 200)
            deadline = time.time() + 3
            while used.get("/api/v1/me", token).status == 200 and time.time() < deadline:
                time.sleep(0.1)
            self.assertEqual(used.get("/api/v1/me", token).status, 401)

    def test_kill_one_process_under_load(self):
        token = self.a.login(harness.CUSTOMER)
        enquiries = customer_enquiries(self.a)
        self.assertGreater(len(enquiries), 1)
        load = Load(self.front, token, enquiries, threads=6, seconds=6.0, tag="ha")
        load.start()
        time.sleep(2.0)
        self.b.kill()
        time.sleep(1.5)
        self.b.start()
        load.join()
        self.assertEqual(load.unanswered, [], "requests that never got an answer")
        self.assertGreater(len(load.acked), 100, load.statuses)
        # Both processes served writes: the balancer spread them.
        served = {}
        for srv in (self.a, self.b):
            served[srv.port] = srv.read_log().count('"path":"/api/v1/enquiries/')
        self.assertTrue(all(served.values()), served)
        check_exactly_once(self, self.a, load)
        # The balancer answers through both again.
        status, _ = self.get_front("/readyz")
        self.assertEqual(status, 200)


@NEEDS_PG
class DatabaseOutage(unittest.TestCase):
    def setUp(self):
        self.pgdir = os.environ.get("KAPSULE_TEST_PG_DIR")
        if not self.pgdir:
            self.fail("KAPSULE_TEST_PG_DIR is not set: make test sets it with KAPSULE_TEST_PG")
        self.pgport = str(urllib.parse.urlparse(harness.PG).port)
        self.s = harness.Server()

    def tearDown(self):
        self.pg("start")  # whatever happened, leave the cluster running
        self.s.close()

    def test_idle_connections_after_a_crash_and_restart(self):
        # Every pooled connection and the writer's are idle when PostgreSQL
        # goes down at once (immediate shutdown, as after a crash) and comes
        # back: the first requests after it must not see the dead connections.
        token = self.s.login(harness.CUSTOMER)
        agent = self.s.login(harness.AGENT)
        enquiry = customer_enquiries(self.s)[0]
        for _ in range(12):  # use several pooled connections
            self.assertEqual(self.s.get("/api/v1/enquiries", agent).status, 200)
        self.pg("kill")
        self.pg("start")
        self.assertEqual(self.s.get("/readyz").status, 200)
        for _ in range(12):
            r = self.s.get("/api/v1/enquiries", agent)
            self.assertEqual(r.status, 200, r)
        r = self.s.post("/api/v1/enquiries/%d/messages" % enquiry, token,
                        {"body": "after the restart"})
        self.assertEqual(r.status, 201, r)

    def pg(self, what):
        args = [os.path.join(harness.ROOT, "scripts", "pg.sh"), what, self.pgdir]
        if what == "start":
            args.append(self.pgport)
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_database_stopped_and_started_under_load(self):
        token = self.s.login(harness.CUSTOMER)
        enquiries = customer_enquiries(self.s)
        pid = self.s.proc.pid
        load = Load(self.s.port, token, enquiries, threads=4, seconds=8.0, tag="outage")
        load.start()
        time.sleep(1.5)
        self.pg("stop")
        before = len(load.acked)
        time.sleep(0.5)
        ready = self.s.get("/readyz")
        me = self.s.get("/api/v1/me", token)
        time.sleep(2.0)
        during = len(load.acked)
        self.pg("start")
        load.join()
        # Meanwhile: not ready, and requests refused with 503 and Retry-After.
        self.assertEqual(ready.status, 503, ready)
        self.assertEqual(ready.json(), {"ready": False})
        self.assertEqual(me.status, 503, me)
        self.assertEqual(me.json()["error"]["code"], "unavailable")
        self.assertIsNotNone(me.header("Retry-After"))
        self.assertGreater(load.statuses.get(503, 0), 0, load.statuses)
        self.assertGreater(load.retry_after, 0)
        self.assertLessEqual(during - before, load.threads, "writes acknowledged with the"
                             " database down")
        # Recovered without a restart: same process, ready, writing again.
        self.assertEqual(self.s.proc.pid, pid)
        self.assertIsNone(self.s.proc.poll())
        self.assertEqual(self.s.get("/readyz").status, 200)
        self.assertGreater(len(load.acked), during, "no write succeeded after the restart")
        errors = [l for l in self.s.read_log().splitlines() if '"level":"error"' in l]
        self.assertEqual(load.unanswered, [], "requests that never got an answer; the server"
                         " logged: %s" % "\n".join(errors[:20]))
        check_exactly_once(self, self.s, load)


@NEEDS_PG
class StatementTimeout(unittest.TestCase):
    """db_statement_timeout_ms bounds how long a request waits on the
    database: a read behind a lock, and a write behind another process's
    writer, answer 503 and change nothing; both work once the lock goes."""

    def setUp(self):
        self.s = harness.Server(extra_args=("--db-statement-timeout-ms=400",))
        self.holder = harness.pgwire.Connection(self.s.db)

    def tearDown(self):
        self.holder.close()
        self.s.close()

    def test_read_behind_a_table_lock(self):
        agent = self.s.login(harness.AGENT)
        self.holder.query("BEGIN; LOCK TABLE enquiries IN ACCESS EXCLUSIVE MODE")
        t0 = time.time()
        r = self.s.get("/api/v1/enquiries", agent)
        waited = time.time() - t0
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()["error"]["code"], "unavailable")
        self.assertIsNotNone(r.header("Retry-After"))
        self.assertLess(waited, 5.0)
        self.holder.query("ROLLBACK")
        self.assertEqual(self.s.get("/api/v1/enquiries", agent).status, 200)

    def test_write_behind_another_writer(self):
        token = self.s.login(harness.CUSTOMER)
        enquiry = customer_enquiries(self.s)[0]
        before = self.s.counts()
        # Another process's writer holds the writers' lock.
        self.holder.query("SELECT pg_advisory_lock(1262571603)")
        t0 = time.time()
        r = self.s.post("/api/v1/enquiries/%d/messages" % enquiry, token,
                        {"body": "waits for the lock"})
        waited = time.time() - t0
        self.assertEqual(r.status, 503, r)
        self.assertIsNotNone(r.header("Retry-After"))
        self.assertLess(waited, 5.0)
        self.assertEqual(self.s.counts(), before)
        self.holder.query("SELECT pg_advisory_unlock(1262571603)")
        r = self.s.post("/api/v1/enquiries/%d/messages" % enquiry, token,
                        {"body": "after the lock"})
        self.assertEqual(r.status, 201, r)


if __name__ == "__main__":
    unittest.main()
