"""Identity: argon2id passwords, sessions by bearer token or cookie, CSRF on
cookie writes, logout, expiry, revocation, API tokens, and the limits on
failed sign-ins per account and per client address."""
import http.client
import json
import subprocess
import unittest

import harness
from harness import ServerCase

HOUR = 3600000


class Auth(ServerCase, unittest.TestCase):
    def login_raw(self, email, password):
        return self.s.post("/api/v1/auth/login", body={"email": email, "password": password})

    def test_passwords_and_tokens_are_not_stored_in_clear(self):
        hashes = [h for (h,) in self.s.sql("SELECT password_hash FROM users WHERE password_hash"
                                             " IS NOT NULL")]
        self.assertTrue(hashes)
        for h in hashes:
            self.assertTrue(h.startswith("$argon2id$"), h)
        tok = self.s.login(harness.AGENT2)
        stored = [x for (x,) in self.s.sql("SELECT token_hash FROM sessions")]
        self.assertNotIn(tok, stored)
        self.assertNotIn(harness.TOKEN, stored)

    def test_wrong_password_and_unknown_user_look_the_same(self):
        a = self.login_raw(harness.AGENT, "wrong password")
        b = self.login_raw("nobody@example.com", "wrong password")
        self.assertEqual(a.status, 401)
        self.assertEqual(b.status, 401)
        self.assertEqual(a.json(), b.json())
        self.assertEqual(a.json()["error"]["code"], "invalid_credentials")

    def test_email_is_case_insensitive(self):
        r = self.login_raw("Agent@Kapsule.CO.UK", harness.PASSWORD)
        self.assertEqual(r.status, 200, r)

    def test_cookie_session_needs_csrf_for_writes(self):
        r = self.login_raw(harness.CUSTOMER, harness.PASSWORD)
        self.assertEqual(r.status, 200)
        cookie = r.header("Set-Cookie")
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertIn("Path=/", cookie)
        self.assertNotIn("Secure", cookie)
        value = cookie.split(";")[0]
        csrf = r.json()["csrf_token"]
        me = self.s.get("/api/v1/me", headers={"Cookie": value})
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json()["csrf_token"], csrf)
        before = self.s.fingerprint()
        body = {"body": "via cookie"}
        r = self.s.post("/api/v1/enquiries/1/messages", body=body, headers={"Cookie": value})
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["error"]["code"], "csrf_token_invalid")
        r = self.s.post("/api/v1/enquiries/1/messages", body=body,
                        headers={"Cookie": value, "X-CSRF-Token": "wrong" * 8})
        self.assertEqual(r.status, 403)
        self.assertEqual(before, self.s.fingerprint())
        r = self.s.post("/api/v1/enquiries/1/messages", body=body,
                        headers={"Cookie": value, "X-CSRF-Token": csrf})
        self.assertEqual(r.status, 201, r)

    def test_logout_revokes(self):
        tok = self.s.login(harness.VENDOR2)
        self.assertEqual(self.s.get("/api/v1/me", tok).status, 200)
        r = self.s.post("/api/v1/auth/logout", tok)
        self.assertEqual(r.status, 200, r)
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        r = self.s.get("/api/v1/me", tok)
        self.assertEqual(r.status, 401)
        self.assertIn("sign in again", r.json()["error"]["message"])
        self.assertEqual(self.s.post("/api/v1/auth/logout", tok).status, 401)

    def test_sessions_list_and_revoke(self):
        a = self.s.login(harness.AGENT2)
        b = self.s.login(harness.AGENT2)
        r = self.s.get("/api/v1/sessions", a)
        self.assertEqual(r.status, 200)
        items = r.json()["items"]
        current = [x for x in items if x["current"]]
        self.assertEqual(len(current), 1)
        other = [x for x in items if not x["current"]]
        self.assertTrue(other)
        # Another user cannot revoke it: it does not exist for them.
        r = self.s.request("DELETE", "/api/v1/sessions/%d" % other[0]["id"], self.t["customer"])
        self.assertEqual(r.status, 404)
        r = self.s.request("DELETE", "/api/v1/sessions/%d" % current[0]["id"], b)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.s.get("/api/v1/me", a).status, 401)
        self.assertEqual(self.s.get("/api/v1/me", b).status, 200)
        # Only admins list other users' sessions; admins may revoke any.
        uid = self.s.get("/api/v1/me", b).json()["id"]
        self.assertEqual(self.s.get("/api/v1/sessions?user_id=%d" % uid, self.t["agent"]).status,
                         403)
        r = self.s.get("/api/v1/sessions?user_id=%d" % uid, self.t["admin"])
        self.assertEqual(r.status, 200)
        sid = [x["id"] for x in r.json()["items"]][0]
        self.assertEqual(self.s.request("DELETE", "/api/v1/sessions/%d" % sid,
                                        self.t["admin"]).status, 200)
        self.assertEqual(self.s.get("/api/v1/me", b).status, 401)

    def test_integration_tokens(self):
        r = self.s.get("/api/v1/vendors", harness.TOKEN)
        self.assertEqual(r.status, 200)
        integ = self.s.sql("SELECT id FROM users WHERE role = 'integration'")[0][0]
        r = self.s.post("/api/v1/tokens", self.t["admin"], {"user_id": integ, "label": "erp"})
        self.assertEqual(r.status, 201, r)
        tok = r.json()["token"]
        self.assertEqual(self.s.get("/api/v1/me", tok).json()["role"], "integration")
        agent = self.s.sql("SELECT id FROM users WHERE email = ?", harness.AGENT)[0][0]
        r = self.s.post("/api/v1/tokens", self.t["admin"], {"user_id": agent, "label": "x"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["field"], "user_id")
        self.assertEqual(self.s.post("/api/v1/tokens", self.t["agent"],
                                     {"user_id": integ, "label": "x"}).status, 403)
        # A token that is not one of ours, or malformed, is just "not signed in".
        self.assertEqual(self.s.get("/api/v1/me", "x" * 43).status, 401)
        self.assertEqual(self.s.get("/api/v1/me", "short").status, 401)


class Limits(ServerCase, unittest.TestCase):
    server_args = ("--login-account-failures=3", "--login-address-failures=8",
                   "--login-window-minutes=10")

    def login_raw(self, email, password):
        return self.s.post("/api/v1/auth/login", body={"email": email, "password": password})

    def test_account_and_address_limits(self):
        s = self.s
        for _ in range(3):
            self.assertEqual(self.login_raw(harness.VENDOR2, "nope").status, 401)
        r = self.login_raw(harness.VENDOR2, harness.PASSWORD)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json()["error"]["code"], "rate_limited")
        self.assertGreater(int(r.header("Retry-After")), 0)
        # Another account from the same address still signs in.
        self.assertEqual(self.login_raw(harness.VENDOR_B, harness.PASSWORD).status, 200)
        # Failures spread over accounts trip the address limit (3 so far + 5 more).
        for i in range(5):
            self.login_raw("nobody%d@example.com" % i, "nope")
        r = self.login_raw(harness.AGENT2, harness.PASSWORD)
        self.assertEqual(r.status, 429, r)
        # The window passes: both limits lift.
        s.advance(self.t["admin"], 11 * 60000)
        self.assertEqual(self.login_raw(harness.AGENT2, harness.PASSWORD).status, 200)
        self.assertEqual(self.login_raw(harness.VENDOR2, harness.PASSWORD).status, 200)
        # Failures are in the audit log.
        n = s.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login_failed'")[0][0]
        self.assertGreaterEqual(n, 8)

    def test_session_expires(self):
        tok = self.s.login(harness.CUSTOMER2)
        self.s.advance(self.s.login(harness.ADMIN), 11 * HOUR)
        self.assertEqual(self.s.get("/api/v1/me", tok).status, 200)
        self.s.advance(self.s.login(harness.ADMIN), 2 * HOUR)
        r = self.s.get("/api/v1/me", tok)
        self.assertEqual(r.status, 401)


class BehindBalancer(unittest.TestCase):
    """Sign-in limits per client address behind a balancer: X-Forwarded-For
    names the client only when the connection comes from trusted_proxies."""

    ARGS = ("--login-account-failures=100", "--login-address-failures=3")

    def fail_from(self, s, xff, n=3):
        for i in range(n):
            r = s.post("/api/v1/auth/login", body={"email": "nobody%d@example.com" % i,
                                                  "password": "nope"},
                       headers={"X-Forwarded-For": xff})
            self.assertEqual(r.status, 401, r)

    def login_from(self, s, xff):
        return s.post("/api/v1/auth/login", body={"email": harness.AGENT,
                                                  "password": harness.PASSWORD},
                      headers={"X-Forwarded-For": xff}).status

    def test_trusted_balancer_names_the_client(self):
        s = harness.Server(extra_args=self.ARGS + ("--trusted-proxies=::1, 127.0.0.1",))
        try:
            self.fail_from(s, "203.0.113.5")
            self.assertEqual(self.login_from(s, "203.0.113.5"), 429)
            # Another client behind the same balancer is not held back.
            self.assertEqual(self.login_from(s, "203.0.113.6"), 200)
            # What a client wrote in front of the balancer's entry is not believed.
            self.assertEqual(self.login_from(s, "203.0.113.6, 203.0.113.5"), 429)
            self.assertEqual(self.login_from(s, "203.0.113.5, 203.0.113.7"), 200)
            # A balancer adds its own header line after any the client sent:
            # all lines count, so a client's own line cannot hide its address.
            for _ in range(2):
                self.assertEqual(self.login_lines(s, ["203.0.113.%d" % _, "203.0.113.5"]), 429)
            # A header that is not an address leaves the balancer's own:
            # failures then count against it.
            self.fail_from(s, "not-an-address")
            self.assertEqual(self.login_from(s, "not-an-address"), 429)
            self.assertEqual(self.login_from(s, "198.51.100.7"), 200)
        finally:
            s.close()

    def login_lines(self, s, values):
        """Signs in with one X-Forwarded-For header line per value."""
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        try:
            body = json.dumps({"email": harness.AGENT, "password": harness.PASSWORD})
            conn.putrequest("POST", "/api/v1/auth/login")
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(body)))
            for v in values:
                conn.putheader("X-Forwarded-For", v)
            conn.endheaders(body.encode())
            r = conn.getresponse()
            r.read()
            return r.status
        finally:
            conn.close()

    def test_untrusted_peer_header_is_ignored(self):
        s = harness.Server(extra_args=self.ARGS + ("--trusted-proxies=192.0.2.1",))
        try:
            self.fail_from(s, "203.0.113.5")
            # Every attempt counts against the connection's own address.
            self.assertEqual(self.login_from(s, "203.0.113.6"), 429)
        finally:
            s.close()

    def test_bad_trusted_proxies_stop_start_up(self):
        p = subprocess.run([harness.BIN, "serve", "--trusted-proxies=127.0.0.1,balancer",
                            "--port=1"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("trusted_proxies", p.stderr)
        self.assertIn("IP addresses", p.stderr)


class SecureCookie(ServerCase, unittest.TestCase):
    server_args = ("--cookie-secure=true", "--session-hours=2")

    def test_secure_flag_and_lifetime(self):
        r = self.s.post("/api/v1/auth/login",
                        body={"email": harness.AGENT, "password": harness.PASSWORD})
        cookie = r.header("Set-Cookie")
        self.assertIn("; Secure", cookie)
        self.assertIn("Max-Age=7200", cookie)


if __name__ == "__main__":
    unittest.main()


class TwoProcesses(unittest.TestCase):
    """Two servers on one database: a session made on one works on the other,
    and a revocation made on one is honoured by the other within a second
    (sessions resolved in the last second are remembered per process)."""

    def test_revocation_reaches_the_other_process(self):
        import time
        a = harness.Server()
        b = harness.Server(demo=False, db=a.db, folder=a.dir)
        try:
            tok = a.login(harness.AGENT2)
            self.assertEqual(b.get("/api/v1/me", tok).status, 200)
            r = a.post("/api/v1/auth/logout", tok)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(a.get("/api/v1/me", tok).status, 401)
            time.sleep(1.1)
            self.assertEqual(b.get("/api/v1/me", tok).status, 401)
        finally:
            b.stop()
            code, log = a.close()
        harness.check_clean_exit(code, log)
