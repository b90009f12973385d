"""The server itself: limits on headers and bodies, unknown paths and methods,
keep-alive, request logs, security headers, health and metrics, graceful
shutdown with a request in flight, and configuration errors."""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Server, ServerCase, check_clean_exit


class Limits(ServerCase, unittest.TestCase):
    server_args = ("--max-body-bytes=4096", "--max-header-bytes=8k")

    def raw(self, data, read_timeout=5):
        s = socket.create_connection(("127.0.0.1", self.s.port), timeout=read_timeout)
        try:
            s.sendall(data)
            out = b""
            while True:
                try:
                    d = s.recv(65536)
                except socket.timeout:
                    break
                if not d:
                    break
                out += d
                if b"\r\n\r\n" in out:
                    head, _, body = out.partition(b"\r\n\r\n")
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            if len(body) >= int(line.split(b":")[1]):
                                return out
            return out
        finally:
            s.close()

    def test_header_too_large(self):
        r = self.s.get("/healthz", headers={"X-Big": "a" * 40000})
        self.assertEqual(r.status, 431)
        r = self.s.get("/healthz", headers={"X-Fits": "a" * 3000})
        self.assertEqual(r.status, 200)

    def test_body_over_limit_by_length(self):
        before = self.s.fingerprint()
        r = self.s.post("/api/v1/enquiries/1/status", self.t["agent"],
                        raw=b"{" + b" " * 5000 + b"}", content_type="application/json")
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["code"], "too_large")
        self.assertEqual(before, self.s.fingerprint())

    def test_body_over_limit_chunked(self):
        body = b"5000\r\n" + b"a" * 0x5000 + b"\r\n0\r\n\r\n"
        out = self.raw(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:200])
        self.assertIn(b'"too_large"', out)

    def test_body_on_bodyless_route(self):
        r = self.s.request("GET", "/healthz", raw=b"x", content_type="text/plain")
        self.assertEqual(r.status, 413)

    def test_body_at_limit_is_read(self):
        # Exactly at the limit the body is read and judged on its content.
        body = b'{"email":"' + b"a" * (4096 - 30) + b'","password":"x"}'
        body = body[:4096 - 2] + b'"}' if len(body) > 4096 else body
        r = self.s.post("/api/v1/auth/login", raw=body, content_type="application/json")
        self.assertNotEqual(r.status, 413)

    def test_unknown_path_and_method(self):
        r = self.s.get("/nope")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        r = self.s.request("DELETE", "/api/v1/enquiries", token=self.t["agent"])
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, POST")
        self.assertEqual(r.json()["error"]["code"], "method_not_allowed")
        r = self.s.request("BREW", "/healthz")
        self.assertIn(r.status, (404, 405, 501))

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=5)
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        sock = conn.sock
        self.assertIsNotNone(sock)
        for _ in range(20):
            conn.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + self.t["agent"]})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertIs(conn.sock, sock, "the connection was not kept alive")
        conn.close()

    def test_keep_alive_under_load(self):
        # 256 keep-alive connections at once, 10 requests each, bounded in
        # time: every answer arrives, on the connection it was asked on.
        errors, done = [], []
        lock = threading.Lock()

        def client():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=20)
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                r.read()
                sock = conn.sock
                for _ in range(9):
                    conn.request("GET", "/healthz")
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200 or conn.sock is not sock:
                        raise AssertionError("status %d or a new connection" % r.status)
                conn.close()
                with lock:
                    done.append(1)
            except Exception as e:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(repr(e))

        threads = [threading.Thread(target=client) for _ in range(256)]
        t0 = time.time()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(len(done), 256)
        self.assertLess(time.time() - t0, 60)

    def test_security_headers_and_request_id(self):
        r = self.s.get("/healthz", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(r.header("X-Request-Id"), "abc-123")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("X-Frame-Options"), "DENY")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        r = self.s.get("/healthz", headers={"X-Request-Id": "bad id\twith <junk>"})
        rid = r.header("X-Request-Id")
        self.assertTrue(rid and "<" not in rid and " " not in rid)

    def test_request_log_lines(self):
        self.s.get("/healthz", headers={"X-Request-Id": "log-check-1"})
        self.s.get("/api/v1/enquiries/999999", self.t["agent"])
        time.sleep(0.2)
        lines = [l for l in self.s.read_log().splitlines() if l.strip()]
        parsed = [json.loads(l) for l in lines]  # every line is one JSON object
        reqs = [p for p in parsed if p.get("msg") == "request"]
        mine = [p for p in reqs if p.get("request_id") == "log-check-1"]
        self.assertEqual(len(mine), 1)
        for key in ("ts", "level", "method", "path", "status", "duration_ms", "request_id"):
            self.assertIn(key, mine[0])
        self.assertEqual(mine[0]["path"], "/healthz")
        self.assertEqual(mine[0]["status"], 200)
        self.assertTrue(any(p["status"] == 404 and p["path"] == "/api/v1/enquiries/999999"
                            for p in reqs))

    def test_health_ready_metrics(self):
        self.assertEqual(self.s.get("/healthz").json(), {"status": "ok"})
        self.assertEqual(self.s.get("/readyz").json(), {"ready": True})
        m = self.s.get("/metrics")
        self.assertEqual(m.status, 200)
        text = m.body.decode()
        self.assertIn('kapsule_http_requests_total{class="2xx"}', text)
        self.assertIn("kapsule_http_request_duration_seconds_bucket", text)
        self.assertIn("kapsule_db_writes_total", text)

    def test_front_page(self):
        r = self.s.get("/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        page = r.body.decode()
        self.assertIn("/api/v1/openapi.yaml", page)
        self.assertIn(harness.AGENT, page)
        self.assertIn("kapsule-demo", page)


class Shutdown(unittest.TestCase):
    def test_in_flight_request_finishes(self):
        s = Server()
        try:
            body = json.dumps({"email": harness.AGENT, "password": harness.PASSWORD}).encode()
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                         % len(body) + body[:10])
            time.sleep(0.3)
            s.proc.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            self.assertIsNone(s.proc.poll(), "server quit with a request in flight")
            # New connections are refused while it drains.
            with self.assertRaises(OSError):
                c = socket.create_connection(("127.0.0.1", s.port), timeout=2)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                if not c.recv(100):
                    raise OSError("closed")
            sock.sendall(body[10:])
            out = b""
            while b"}}" not in out and b'"user"' not in out:
                d = sock.recv(65536)
                if not d:
                    break
                out += d
            sock.close()
            self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:300])
            self.assertIn(b'"token"', out)
            s.proc.wait(timeout=15)
            self.assertEqual(s.proc.returncode, 0)
        finally:
            code, log = s.close()
        check_clean_exit(0 if code in (0, None) else code, log)


class Config(unittest.TestCase):
    def run_kapsule(self, args, env=None, cwd=None):
        e = dict(os.environ)
        e.pop("KAPSULE_CONFIG", None)
        if env:
            e.update(env)
        return subprocess.run([harness.BIN, *args], capture_output=True, text=True, env=e,
                              cwd=cwd or tempfile.gettempdir(), timeout=30)

    def test_unknown_key_names_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "kapsule.conf")
            with open(path, "w") as f:
                f.write("# comment\nport = 8123\n\nthreads = 4\ncolour = blue\n")
            p = self.run_kapsule(["serve", "--config", path])
            self.assertEqual(p.returncode, 2)
            self.assertIn("%s:5: unknown key 'colour'" % path, p.stderr)

    def test_bad_value_names_file_and_line(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "kapsule.conf"), "w") as f:
                f.write("port = 99999\n")
            p = self.run_kapsule(["serve"], cwd=d)
            self.assertEqual(p.returncode, 2)
            self.assertIn("kapsule.conf:1: 'port' must be a whole number from 1 to 65535", p.stderr)

    def test_bad_env_and_flag(self):
        p = self.run_kapsule(["serve"], env={"KAPSULE_THREADS": "lots"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("environment KAPSULE_THREADS", p.stderr)
        p = self.run_kapsule(["serve", "--cookie-secure=maybe"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("flag --cookie_secure", p.stderr)

    def test_missing_named_file(self):
        p = self.run_kapsule(["serve", "--config", "/nonexistent/k.conf"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("/nonexistent/k.conf: cannot open", p.stderr)

    def test_printed_defaults_load_back(self):
        p = self.run_kapsule(["config"])
        self.assertEqual(p.returncode, 0)
        keys = [l.split("=")[0].strip() for l in p.stdout.splitlines()
                if l and not l.startswith("#")]
        self.assertIn("reopen_window_days", keys)
        self.assertIn("vendor_due_hours", keys)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "k.conf")
            with open(path, "w") as f:
                f.write(p.stdout)
            s = Server(extra_args=("--config=" + path,), folder=d)
            try:
                self.assertEqual(s.get("/healthz").status, 200)
            finally:
                code, log = s.close()
            check_clean_exit(code, log)

    def test_environment_and_flag_precedence(self):
        # The flag wins over the environment, which wins over the file.
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "kapsule.conf"), "w") as f:
                f.write("operator_name = FromFile\n")
            s = Server(folder=d, env={"KAPSULE_OPERATOR_NAME": "FromEnv"})
            try:
                self.assertIn("FromEnv", s.get("/").body.decode())
            finally:
                code, log = s.close()
            check_clean_exit(code, log)


if __name__ == "__main__":
    unittest.main()
