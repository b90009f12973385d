"""Test harness: runs a real `kapsule serve` on a temporary database and
talks to it over HTTP with the standard library only.

KAPSULE_BIN names the binary (default build/kapsule).  Each Server has its own
folder, port and database; the test clock is on so tests move time forward
instead of sleeping.

The store is a temporary SQLite file, or, when KAPSULE_TEST_PG holds the URL
of a PostgreSQL server (scripts/pg.sh starts a throwaway one), a database of
its own on that server, created for the Server and dropped afterwards.
Tests read the store through Server.sql() and the helpers beside it, which
hide the difference.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid

import pgwire

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("KAPSULE_BIN", os.path.join(ROOT, "build", "kapsule"))
PG = os.environ.get("KAPSULE_TEST_PG")
PASSWORD = "kapsule-demo"
TOKEN = "demo-integration-token-kapsule-000000000000"

CUSTOMER = "jane.doe@example.com"
CUSTOMER2 = "tom.baker@example.com"
VENDOR = "sales@northwind-ceramics.example"       # Northwind Ceramics
VENDOR_B = "dispatch@northwind-ceramics.example"  # also Northwind
VENDOR2 = "hello@blueheron-outdoor.example"       # Blue Heron Outdoor
AGENT = "agent@kapsule.co.uk"
AGENT2 = "sam.agent@kapsule.co.uk"
ADMIN = "admin@kapsule.co.uk"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def haproxy_config(front, backends, quick_checks=False):
    """contrib/haproxy.cfg with its listening port and servers moved to the
    given loopback ports; quick_checks shortens the health checks (for a
    short test)."""
    with open(os.path.join(ROOT, "contrib", "haproxy.cfg")) as f:
        text = f.read()
    text = re.sub(r"bind 127\.0\.0\.1:\d+", "bind 127.0.0.1:%d" % front, text)
    servers = "".join("\tserver app%d 127.0.0.1:%d check\n" % (i + 1, p)
                      for i, p in enumerate(backends))
    text = re.sub(r"(\tserver app\d+ [^\n]*\n)+", servers, text)
    if quick_checks:
        text = text.replace("inter 1s fall 2 rise 2", "inter 200ms fall 2 rise 1")
    assert "127.0.0.1:%d" % front in text and all(str(p) in text for p in backends)
    return text


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


class Server:
    """A kapsule server on a fresh database, with the demo data unless demo=False."""

    def __init__(self, demo=True, extra_args=(), env=None, db=None, folder=None, demo_args=()):
        self.dir = folder or tempfile.mkdtemp(prefix="kapsule-test-")
        self.pg = None          # connection for reading a PostgreSQL store
        self.own_db = None      # the database this Server created, to drop
        if db:
            self.db = db
            fresh = not PG and not os.path.exists(db)
        elif PG:
            self.own_db = "kt_" + uuid.uuid4().hex[:16]
            admin = pgwire.Connection(PG)
            try:
                admin.query("CREATE DATABASE %s" % self.own_db)
            finally:
                admin.close()
            self.db = pgwire.with_database(PG, self.own_db)
            fresh = True
        else:
            self.db = os.path.join(self.dir, "test.db")
            fresh = True
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ)
        self.env.pop("KAPSULE_CONFIG", None)
        if env:
            self.env.update(env)
        self.proc = None
        if demo and fresh:
            self.cli("demo", *demo_args, check=True)
        self.start()

    def args(self):
        return ["--db=" + self.db, "--port=%d" % self.port, "--test-clock=true",
                "--jobs-interval-ms=0", "--password-mem-kib=8192",
                "--password-ops=1"] + self.extra_args

    def cli(self, *argv, check=False, stdin=None, timeout=120):
        p = subprocess.run([BIN, *argv, "--db=" + self.db, "--password-mem-kib=8192",
                            "--password-ops=1"],
                           cwd=self.dir, env=self.env, capture_output=True, text=True,
                           input=stdin, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("kapsule %s failed: %s%s" % (argv, p.stdout, p.stderr))
        return p

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "serve", *self.args()], cwd=self.dir, env=self.env,
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + self.read_log())
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("server did not start: " + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        if self.proc:
            self.log.close()
        self.proc = None
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def close(self):
        code = self.stop()
        log = self.read_log()
        if self.pg:
            self.pg.close()
            self.pg = None
        if self.own_db:
            admin = pgwire.Connection(PG)
            try:
                admin.query("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.own_db)
            finally:
                admin.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code, log

    # ---- HTTP ----

    def request(self, method, path, token=None, body=None, headers=None, raw=None,
                content_type=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {}
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw
            if content_type:
                h["Content-Type"] = content_type
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = content_type or "application/json"
        if headers:
            h.update(headers)
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            out = Response(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()
        return out

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, token=None, body=None, **kw):
        if body is None and "raw" not in kw:
            body = {}
        return self.request("POST", path, token=token, body=body, **kw)

    def new_order(self, t, amount=1500, number=None):
        """A new order of Jane's with Northwind (pushed by the integration, tokens t): its id."""
        r = self.post("/api/v1/orders", t["integration"], {
            "number": number or "KP-T-" + uuid.uuid4().hex[:12], "customer_ref": "C-1001",
            "vendor_ref": "V-NORTHWIND",
            "items": [{"sku": "NW-JUG", "name": "Milk jug", "quantity": 1, "unit_price": amount}],
            "amount": amount, "currency": "GBP"})
        assert r.status == 201, r
        return r.json()["id"]

    def open_enquiry(self, t, category="product_question", subject="Where is it?",
                     message="It has not come.", amount=1500, number=None):
        """A new order of Jane's with Northwind and her enquiry about it: the enquiry's id."""
        r = self.post("/api/v1/enquiries", t["customer"], {
            "order_id": self.new_order(t, amount, number), "category": category,
            "subject": subject, "message": message})
        assert r.status == 201, r
        return r.json()["id"]

    def login(self, email, password=PASSWORD):
        r = self.post("/api/v1/auth/login", body={"email": email, "password": password})
        if r.status != 200:
            raise AssertionError("login %s: %r" % (email, r))
        return r.json()["token"]

    def tokens(self):
        """Signs in every demo role; returns a dict role -> token."""
        return {
            "customer": self.login(CUSTOMER),
            "customer2": self.login(CUSTOMER2),
            "vendor": self.login(VENDOR),
            "vendor_b": self.login(VENDOR_B),
            "vendor2": self.login(VENDOR2),
            "agent": self.login(AGENT),
            "agent2": self.login(AGENT2),
            "admin": self.login(ADMIN),
            "integration": TOKEN,
        }

    def advance(self, admin_token, ms):
        r = self.post("/api/v1/_test/clock", admin_token, {"advance_ms": ms})
        assert r.status == 200, r
        return r

    # ---- the database, read directly ----

    def is_postgres(self):
        return self.db.startswith(("postgres://", "postgresql://"))

    def sql(self, query, *args):
        """Rows of query (with ? placeholders) as tuples, on either store."""
        if self.is_postgres():
            if self.pg is not None:
                try:
                    return self.pg.query(query, *args)
                except ConnectionError:  # the server restarted since
                    self.pg.close()
            self.pg = pgwire.Connection(self.db)
            return self.pg.query(query, *args)
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def change(self, query, *args):
        """Runs a statement that changes the store (for tests that tamper)."""
        if self.is_postgres():
            return self.sql(query, *args)
        con = sqlite3.connect(self.db, timeout=10)
        try:
            with con:
                con.execute(query, args)
        finally:
            con.close()

    def tables(self):
        """The store's tables, by name."""
        if self.is_postgres():
            q = ("SELECT table_name FROM information_schema.tables"
                 " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")
        else:
            # Text search indexes (FTS5 tables and their shadow tables) are derived
            # from the tables they index: they are not tables of their own here.
            rows = self.sql("SELECT name, sql FROM sqlite_master WHERE type='table'"
                            " AND name NOT LIKE 'sqlite_%' ORDER BY name")
            fts = [n for n, sql in rows if (sql or "").startswith("CREATE VIRTUAL TABLE")]
            return [n for n, _ in rows if not any(n == v or n.startswith(v + "_") for v in fts)]
        return [r[0] for r in self.sql(q)]

    def columns(self, table):
        if self.is_postgres():
            return [r[0] for r in self.sql(
                "SELECT column_name FROM information_schema.columns WHERE table_schema ="
                " 'public' AND table_name = ? ORDER BY ordinal_position", table)]
        return [r[1] for r in self.sql("PRAGMA table_info(%s)" % table)]

    def table_rows(self, table):
        """Every row of table in a stable order."""
        if self.is_postgres():
            return self.sql("SELECT * FROM %s t ORDER BY t" % table)
        return self.sql("SELECT * FROM %s ORDER BY rowid" % table)

    def integrity_problems(self):
        """What the store's own checks find wrong (an empty list when nothing)."""
        if self.is_postgres():
            # PostgreSQL checks references as it writes; amcheck verifies that
            # every index is well formed and holds every row of its table.
            self.sql("CREATE EXTENSION IF NOT EXISTS amcheck")
            out = []
            for (name,) in self.sql(
                    "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a"
                    " ON a.oid = c.relam WHERE n.nspname = 'public' AND a.amname = 'btree'"):
                try:
                    self.sql("SELECT bt_index_check('public.%s'::regclass, true)" % name)
                except pgwire.Error as e:
                    out.append((name, str(e)))
            return out
        out = [r for r in self.sql("PRAGMA integrity_check") if r != ("ok",)]
        return out + self.sql("PRAGMA foreign_key_check")

    def snapshot(self):
        """Keeps a copy of every table, for restore()."""
        if self.is_postgres():
            self.sql("DROP SCHEMA IF EXISTS snap CASCADE; CREATE SCHEMA snap; " + "; ".join(
                "CREATE TABLE snap.%s AS SELECT * FROM public.%s" % (t, t)
                for t in self.tables()))
            return
        self.saved = sqlite3.connect(":memory:")
        src = sqlite3.connect(self.db, timeout=10)
        try:
            src.backup(self.saved)
        finally:
            src.close()

    def restore(self):
        """Puts the tables back as snapshot() saw them, with the server running."""
        if self.is_postgres():
            tables = self.tables()
            stmts = ["BEGIN", "SET LOCAL session_replication_role = replica",
                     "TRUNCATE %s" % ", ".join(tables)]
            for t in tables:
                stmts.append("INSERT INTO public.%s SELECT * FROM snap.%s" % (t, t))
                if "id" in self.columns(t):
                    stmts.append("SELECT setval(pg_get_serial_sequence('%s', 'id'),"
                                 " COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)" % (t, t))
            stmts.append("COMMIT")
            self.sql("; ".join(stmts))
            return
        dst = sqlite3.connect(self.db, timeout=10)
        try:
            self.saved.backup(dst)
        finally:
            dst.close()

    def counts(self):
        """Row counts of every table: a fingerprint to show nothing changed."""
        return {t: self.sql("SELECT COUNT(*) FROM %s" % t)[0][0] for t in self.tables()}

    def fingerprint(self):
        """Counts plus the state columns that writes change."""
        fp = self.counts()
        fp["enquiries_state"] = self.sql(
            "SELECT id, status, assignee_id, message_count, due_at FROM enquiries ORDER BY id")
        fp["vreq_state"] = self.sql("SELECT id, state FROM vendor_requests ORDER BY id")
        fp["sessions_revoked"] = self.sql(
            "SELECT id FROM sessions WHERE revoked_at IS NOT NULL ORDER BY id")
        return fp

    def derived_mismatches(self):
        """Enquiries whose kept copies (counts, times, names, due time) differ
        from the rows they are derived from, as (id, what) pairs."""
        checks = [
            ("message_count", "e.message_count <> (SELECT COUNT(*) FROM messages m"
             " WHERE m.enquiry_id = e.id)"),
            ("last_message_at", "e.last_message_at <> (SELECT MAX(m.created_at) FROM messages m"
             " WHERE m.enquiry_id = e.id)"),
            ("customer_message_count", "e.customer_message_count <> (SELECT COUNT(*) FROM"
             " messages m WHERE m.enquiry_id = e.id AND m.audience = 'customer')"),
            ("customer_last_message_at", "e.customer_last_message_at <> (SELECT"
             " COALESCE(MAX(m.created_at), 0) FROM messages m WHERE m.enquiry_id = e.id"
             " AND m.audience = 'customer')"),
            ("created_at", "e.created_at <> (SELECT MIN(m.created_at) FROM messages m"
             " WHERE m.enquiry_id = e.id)"),
            ("order_number", "e.order_number <> (SELECT o.number FROM orders o"
             " WHERE o.id = e.order_id)"),
            ("shop_name", "e.shop_name <> (SELECT v.shop_name FROM vendors v"
             " WHERE v.id = e.vendor_id)"),
            ("customer_name", "e.customer_name <> (SELECT c.first_name || ' ' || c.last_name"
             " FROM customers c WHERE c.id = e.customer_id)"),
            ("due_at", "e.due_at <> COALESCE((SELECT MIN(r.due_at) FROM vendor_requests r"
             " WHERE r.enquiry_id = e.id AND r.state IN ('open', 'overdue')),"
             " 9223372036854775807)"),
        ]
        out = []
        for what, cond in checks:
            out += [(row[0], what) for row in
                    self.sql("SELECT e.id FROM enquiries e WHERE " + cond + " ORDER BY e.id")]
        return out


def new_key():
    return str(uuid.uuid4())


def multipart(fields, files):
    """Encodes fields {name: text} and files [(field, filename, bytes, type)]."""
    boundary = "----kapsule" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                    % (boundary, name)).encode())
        out.append(value if isinstance(value, bytes) else value.encode())
        out.append(b"\r\n")
    for field, filename, data, ctype in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, field, filename, ctype)).encode())
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f000500010ffa4c170000000049454e44ae426082")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ServerCase:
    """Mixin for unittest.TestCase classes that share one server: starts it with
    the demo data and every role signed in, and on tear-down checks that it shut
    down cleanly (exit 0, no sanitizer report)."""

    server_args = ()
    demo_args = ()
    server_env = None
    demo = True

    @classmethod
    def setUpClass(cls):
        cls.s = Server(demo=cls.demo, extra_args=cls.server_args, env=cls.server_env,
                       demo_args=cls.demo_args)
        cls.t = cls.s.tokens() if cls.demo else {}

    @classmethod
    def tearDownClass(cls):
        code, log = cls.s.close()
        check_clean_exit(code, log)


def check_clean_exit(code, log):
    for marker in ("Sanitizer", "runtime error:", "LeakSanitizer"):
        if marker in log:
            raise AssertionError("sanitizer report in server log:\n" + log[-6000:])
    if code != 0:
        raise AssertionError("server exited with %r:\n%s" % (code, log[-3000:]))
