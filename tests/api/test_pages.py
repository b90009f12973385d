"""The pages over real HTTP, as a browser without JavaScript uses them: the
sign-in form, each role's portal, sign-out, a session that ended, other
roles' pages (404), forms sent from another site or without the session's
CSRF token (refused, nothing changed), input kept when a form fails, markup
in input shown as text, and the headers every page carries."""
import html
import http.client
import re
import socket
import time
import unittest
import urllib.parse

import harness
from clockcase import HOUR, ClockCase
from harness import ServerCase

PORTALS = {"customer": "/help", "vendor": "/vendor", "agent": "/desk", "admin": "/desk"}
EMAILS = {"customer": harness.CUSTOMER, "vendor": harness.VENDOR, "agent": harness.AGENT,
          "admin": harness.ADMIN}
FORM = "application/x-www-form-urlencoded"


class Browser:
    """One person's cookie jar over the test server, sending forms as a browser does."""

    def __init__(self, s):
        self.s = s
        self.cookie = None

    def headers(self, extra=None):
        h = {"Host": "127.0.0.1:%d" % self.s.port}
        if self.cookie:
            h["Cookie"] = "kapsule_session=" + self.cookie
        h.update(extra or {})
        return h

    def keep_cookie(self, r):
        for value in r.headers_all("Set-Cookie"):
            m = re.match(r"kapsule_session=([^;]*)", value)
            if m:
                self.cookie = m.group(1) or None

    def get(self, path):
        r = self.s.get(path, headers=self.headers())
        self.keep_cookie(r)
        return r

    def post(self, path, fields, origin="same", extra=None):
        """A form post; origin "same" is this site's, None sends no Origin."""
        h = {"Origin": "http://127.0.0.1:%d" % self.s.port} if origin == "same" else (
            {"Origin": origin} if origin else {})
        h.update(extra or {})
        r = self.s.post(path, raw=urllib.parse.urlencode(fields, doseq=True).encode(), content_type=FORM,
                        headers=self.headers(h))
        self.keep_cookie(r)
        return r

    def post_files(self, path, fields, files):
        """A multipart form post from this site; files [(filename, bytes, type)] in "files"."""
        raw, ctype = harness.multipart(fields, [("files", n, d, t) for n, d, t in files])
        h = {"Origin": "http://127.0.0.1:%d" % self.s.port}
        r = self.s.post(path, raw=raw, content_type=ctype, headers=self.headers(h))
        self.keep_cookie(r)
        return r

    def sign_in(self, email, password=harness.PASSWORD):
        return self.post("/login", {"email": email, "password": password})

    @staticmethod
    def csrf(page):
        m = re.search(r'name="csrf" value="([^"]+)"', page.body.decode())
        return m.group(1) if m else None


class Pages(ServerCase, unittest.TestCase):

    @staticmethod
    def text(r):
        return r.body.decode()

    def test_each_role_lands_on_its_portal(self):
        for role, home in PORTALS.items():
            b = Browser(self.s)
            r = b.sign_in(EMAILS[role])
            self.assertEqual((r.status, r.header("Location")), (303, home), role)
            cookie = r.header("Set-Cookie")
            for flag in ("HttpOnly", "SameSite=Lax", "Path=/"):
                self.assertIn(flag, cookie)
            page = b.get(home)
            self.assertEqual(page.status, 200, (role, page))
            self.assertIn("Sign out", self.text(page))
            # The other portals are not there for this role.
            for other in set(PORTALS.values()) - {home}:
                self.assertEqual(b.get(other).status, 404, (role, other))
            # The sign-in page sends a signed-in person on.
            r = b.get("/login")
            self.assertEqual((r.status, r.header("Location")), (303, home))

    def test_who_sees_which_portal(self):
        """Every role (signed in by token here) against every portal, and nobody."""
        expected = {
            # role          /help /desk /vendor
            None:          (303, 303, 303),
            "customer":    (200, 404, 404),
            "vendor":      (404, 404, 200),
            "agent":       (404, 200, 404),
            "admin":       (404, 200, 404),
            "integration": (404, 404, 404),
        }
        for role, statuses in expected.items():
            for path, status in zip(("/help", "/desk", "/vendor"), statuses):
                before = self.s.fingerprint()
                r = self.s.get(path, token=self.t[role] if role else None)
                self.assertEqual(r.status, status, (role, path, r))
                self.assertTrue(r.header("Content-Type").startswith(
                    "text/html" if status != 303 else "text/plain"), (role, path))
                self.assertEqual(self.s.fingerprint(), before, (role, path))

    def test_portals_show_their_lists(self):
        b = Browser(self.s)
        b.sign_in(harness.VENDOR)
        page = self.text(b.get("/vendor"))
        self.assertIn("Requests waiting for your answer", page)
        self.assertIn("left", page)
        self.assertNotIn("jane.doe@example.com", page)  # no customer contact (G1)
        b = Browser(self.s)
        b.sign_in(harness.AGENT)
        page = self.text(b.get("/desk"))
        self.assertIn("Enquiries: The reply due soonest first", page)
        self.assertIn('<th scope="col">Priority</th>', page)
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER)
        page = self.text(b.get("/help"))
        self.assertIn("Your enquiries, newest first", page)
        self.assertNotIn("Priority", page)  # staff columns stay at the desk

    def test_not_signed_in_goes_to_sign_in(self):
        b = Browser(self.s)
        for path in set(PORTALS.values()):
            r = b.get(path)
            self.assertEqual((r.status, r.header("Location")), (303, "/login"), path)
        page = b.get("/login")
        self.assertEqual(page.status, 200)
        body = self.text(page)
        self.assertIn('<label for="email">', body)
        self.assertIn('<label for="password">', body)
        self.assertIn('<main id="main">', body)

    def test_sign_out_ends_the_session(self):
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER2)
        token = b.csrf(b.get("/help"))
        self.assertTrue(token)
        kept = b.cookie
        r = b.post("/logout", {"csrf": token})
        self.assertEqual((r.status, r.header("Location")), (303, "/login?signed_out=1"))
        self.assertIsNone(b.cookie)  # the browser is told to forget it
        self.assertIn("You signed out.", self.text(b.get("/login?signed_out=1")))
        # The old cookie is dead on the server too.
        b.cookie = kept
        r = b.get("/help")
        self.assertEqual((r.status, r.header("Location")), (303, "/login?ended=1"))
        self.assertIn("your session ended", self.text(b.get("/login")))

    def test_cross_site_and_tokenless_forms_are_refused(self):
        b = Browser(self.s)
        b.sign_in(harness.AGENT2)
        token = b.csrf(b.get("/desk"))
        # Another site's form, even with the right token: refused, still signed in.
        r = b.post("/logout", {"csrf": token}, origin="http://evil.example")
        self.assertEqual(r.status, 403)
        r = b.post("/logout", {"csrf": token}, origin=None, extra={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403)
        # An origin the browser withholds ("null", as Chromium sends under the pages'
        # no-referrer policy) is this site's only when the fetch metadata says so.
        r = b.post("/logout", {"csrf": token}, origin="null", extra={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403)
        r = b.post("/logout", {"csrf": token}, origin="null")
        self.assertEqual(r.status, 403)
        self.assertEqual(b.get("/desk").status, 200)
        # This site's form without the token, or with another: refused.
        for fields in ({}, {"csrf": "x" * len(token)}, {"csrf": ""}):
            r = b.post("/logout", fields)
            self.assertEqual(r.status, 403, fields)
            self.assertIn("reload the page", self.text(r))
        self.assertEqual(b.get("/desk").status, 200)
        # A sign-in posted from another site does not sign anyone in.
        other = Browser(self.s)
        r = other.post("/login", {"email": harness.AGENT2, "password": harness.PASSWORD},
                       origin="http://evil.example")
        self.assertEqual(r.status, 403)
        self.assertIsNone(other.cookie)
        r = other.post("/login", {"email": harness.AGENT2, "password": harness.PASSWORD},
                       origin="null", extra={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual((r.status, r.header("Location")), (303, "/desk"))

    def test_failed_sign_in_keeps_the_input_and_names_the_problem(self):
        b = Browser(self.s)
        r = b.post("/login", {"email": "", "password": ""})
        self.assertEqual(r.status, 400)
        body = self.text(r)
        self.assertIn("Enter your e-mail address.", body)
        self.assertIn("Enter your password.", body)
        self.assertIn('aria-describedby="email-error"', body)
        r = b.sign_in(harness.CUSTOMER, "not-the-password")
        self.assertEqual(r.status, 401)
        body = self.text(r)
        self.assertIn('value="%s"' % harness.CUSTOMER, body)  # what was typed stays
        self.assertNotIn("not-the-password", body)  # but never the password
        self.assertIn("do not match an account", body)
        self.assertIsNone(b.cookie)
        # Markup typed into a field comes back as text.
        evil = '"><script>alert(1)</script>'
        body = self.text(b.sign_in(evil, "x"))
        self.assertNotIn("<script>alert(1)</script>", body)
        self.assertIn(html.escape(evil, quote=True).replace("&#x27;", "&#39;"), body)

    def test_bad_forms_are_refused_clearly(self):
        b = Browser(self.s)
        for raw in (b"email=%ZZ&password=x", b"email=%FF&password=x", b"email=a%00b"):
            r = b.s.post("/login", raw=raw, content_type=FORM, headers=b.headers())
            self.assertEqual(r.status, 400, raw)
            self.assertIn("could not be read", self.text(r))
        r = b.s.post("/login", body={"email": harness.CUSTOMER, "password": harness.PASSWORD},
                     headers=b.headers())
        self.assertEqual(r.status, 415)  # a form route takes forms only
        # Over the body limit (1 MiB by default): refused before it is read.
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=30)
        try:
            conn.putrequest("POST", "/login")
            conn.putheader("Content-Type", FORM)
            conn.putheader("Content-Length", str(2 * 1024 * 1024))
            conn.endheaders()
            conn.send(b"email=" + b"a" * 1000)
            self.assertEqual(conn.getresponse().status, 413)
        finally:
            conn.close()
        self.assertIsNone(b.cookie)

    def new_enquiry(self, number):
        """A fresh order of Jane's with Northwind, its enquiry, a vendor request answered
        with contact details, and an operator reply: the enquiry's id."""
        s, t = self.s, self.t
        eid = s.open_enquiry(t, category="damaged", subject="Jug cracked",
                             message="The jug came cracked.", number=number)
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, t["agent"],
                   {"question": "How was it packed?"})
        self.assertEqual(r.status, 201, r)
        r = s.post("/api/v1/vendor-requests/%d/answer" % r.json()["id"], t["vendor"],
                   {"text": "Bubble wrap, VENDOR-SECRET-WORDS. Call us on 01632 960111."})
        self.assertEqual(r.status, 200, r)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["agent"],
                   {"body": "We are sorry: a new jug is on its way.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        return eid

    def messages(self, eid):
        return self.s.sql("SELECT COUNT(*) FROM messages WHERE enquiry_id = ?", eid)[0][0]

    def test_customer_reads_and_replies_to_an_enquiry(self):
        eid = self.new_enquiry("KP-PAGE-1")
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER)
        listing = self.text(b.get("/help"))
        self.assertIn('href="/help/enquiries/%d"' % eid, listing)
        page = b.get("/help/enquiries/%d" % eid)
        self.assertEqual(page.status, 200, page)
        body = self.text(page)
        self.assertIn("The jug came cracked.", body)
        self.assertIn("a new jug is on its way", body)
        # Nothing of the vendor's reaches the customer (G1).
        for absent in ("VENDOR-SECRET-WORDS", "01632", "How was it packed", "Northwind"):
            self.assertNotIn(absent, body)
        token = b.csrf(page)
        before = self.messages(eid)
        # An empty reply, then a too long one: the page again, the text kept, nothing stored.
        r = b.post("/help/enquiries/%d/reply" % eid, {"csrf": token, "body": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("Write the reply first.", self.text(r))
        long_text = "x" * 10001
        r = b.post("/help/enquiries/%d/reply" % eid, {"csrf": token, "body": long_text})
        self.assertEqual(r.status, 400)
        self.assertIn("too long", self.text(r))
        self.assertIn(">" + long_text + "</textarea>", self.text(r))
        self.assertIn('aria-describedby="body-error"', self.text(r))
        # Without the session's token: refused.
        r = b.post("/help/enquiries/%d/reply" % eid, {"body": "no token"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.messages(eid), before)
        # A reply with markup in it: stored, and shown as text.
        evil = "<img src=x onerror=alert(1)> Thanks & see you"
        r = b.post("/help/enquiries/%d/reply" % eid, {"csrf": token, "body": evil})
        self.assertEqual((r.status, r.header("Location")),
                         (303, "/help/enquiries/%d#latest" % eid))
        self.assertEqual(self.messages(eid), before + 1)
        self.assertEqual(self.s.sql("SELECT audience, body FROM messages WHERE enquiry_id = ?"
                                    " ORDER BY id DESC LIMIT 1", eid), [("customer", evil)])
        body = self.text(b.get("/help/enquiries/%d" % eid))
        self.assertNotIn("<img src=x", body)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt; Thanks &amp; see you", body)

    def test_long_pages_are_whole(self):
        """A list longer than a few kilobytes comes whole, to its last row and </html>."""
        s, t = self.s, self.t
        subjects = []
        for i in range(30):
            r = s.post("/api/v1/orders", t["integration"], {
                "number": "KP-LONG-%d" % i, "customer_ref": "C-1002", "vendor_ref": "V-NORTHWIND",
                "items": [{"name": "Mug", "quantity": 1, "unit_price": 900}], "amount": 900,
                "currency": "GBP"})
            self.assertEqual(r.status, 201, r)
            subjects.append("Question number %d about a rather long subject line" % i)
            r = s.post("/api/v1/enquiries", t["customer2"], {
                "order_id": r.json()["id"], "category": "other", "subject": subjects[-1],
                "message": "Hello."})
            self.assertEqual(r.status, 201, r)
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER2)
        page = self.text(b.get("/help"))
        self.assertGreater(len(page), 8192)
        self.assertTrue(page.endswith("</html>"), page[-200:])
        for subject in subjects:
            self.assertIn(subject, page)

    def test_customer_raises_an_enquiry_with_photos(self):
        oid = self.s.new_order(self.t, number="KP-PAGE-RAISE")
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER)
        listing = self.text(b.get("/help"))
        self.assertIn("My orders", listing)
        self.assertIn('href="/help/orders/%d/enquiry">Ask about order KP-PAGE-RAISE' % oid,
                      listing)
        form = b.get("/help/orders/%d/enquiry" % oid)
        self.assertEqual(form.status, 200, form)
        body = self.text(form)
        self.assertIn("1 × Milk jug", body)
        self.assertIn('<option value="damaged">damaged</option>', body)
        self.assertIn('enctype="multipart/form-data"', body)
        token = b.csrf(form)
        path = "/help/orders/%d/enquiry" % oid
        typed = {"csrf": token, "category": "damaged", "subject": "Cracked <jug>",
                 "message": "It arrived cracked & leaking."}
        # Each field's problem is named beside it, and everything typed comes back.
        before = self.s.fingerprint()
        for change, field, words in (({"category": ""}, "category", "Choose what"),
                                     ({"subject": ""}, "subject", "Write a subject."),
                                     ({"subject": "x" * 201}, "subject", "200 characters"),
                                     ({"message": ""}, "message", "Write the message first.")):
            r = b.post_files(path, dict(typed, **change), [])
            self.assertEqual(r.status, 400, (change, r))
            page = self.text(r)
            self.assertIn('aria-describedby="%s-error"' % field, page)
            self.assertRegex(page, r'<p class="problem" id="%s-error">[^<]*%s' % (field, words))
            if field != "subject":
                self.assertIn('value="Cracked &lt;jug&gt;"', page)
            if field != "message":
                self.assertIn("It arrived cracked &amp; leaking.</textarea>", page)
            if field != "category":
                self.assertIn('<option value="damaged" selected>', page)
        r = b.post_files(path, typed, [("cracked.gif", b"not a gif", "image/gif")])
        self.assertEqual(r.status, 415, r)
        self.assertIn('id="files-error"', self.text(r))
        self.assertEqual(self.s.fingerprint(), before)
        r = b.post_files(path, typed, [("cracked.png", harness.PNG + b"crack", "image/png")])
        self.assertEqual(r.status, 303, r)
        m = re.fullmatch(r"/help/enquiries/(\d+)", r.header("Location"))
        self.assertTrue(m, r.header("Location"))
        eid = int(m.group(1))
        page = self.text(b.get(r.header("Location")))
        self.assertIn("<h1>Cracked &lt;jug&gt;</h1>", page)
        self.assertRegex(page, r'<a href="/api/v1/attachments/\d+">cracked.png</a>')
        self.assertEqual(self.s.sql("SELECT category, status FROM enquiries WHERE id = ?", eid),
                         [("damaged", "open")])
        # A second one on the same order while the first is active: told to write there.
        r = b.post_files(path, typed, [])
        self.assertEqual(r.status, 409, r)
        self.assertIn("still open", self.text(r))
        # A reply with a photo.
        token = b.csrf(b.get("/help/enquiries/%d" % eid))
        r = b.post_files("/help/enquiries/%d/reply" % eid, {"csrf": token, "body": "Another."},
                         [("side.jpg", harness.JPEG + b"side", "image/jpeg")])
        self.assertEqual(r.status, 303, r)
        self.assertIn(">side.jpg</a>", self.text(b.get("/help/enquiries/%d" % eid)))
        # Another customer's order is not there for her, nor is this one for Tom.
        tom = Browser(self.s)
        tom.sign_in(harness.CUSTOMER2)
        self.assertEqual(tom.get(path).status, 404)
        token = tom.csrf(tom.get("/help"))
        before = self.s.fingerprint()
        self.assertEqual(tom.post_files(path, dict(typed, csrf=token), []).status, 404)
        self.assertEqual(self.s.fingerprint(), before)

    def test_enquiry_page_is_the_customers_own(self):
        eid = self.new_enquiry("KP-PAGE-2")
        tom = Browser(self.s)
        tom.sign_in(harness.CUSTOMER2)
        for path in ("/help/enquiries/%d" % eid, "/help/enquiries/99999999",
                     "/help/enquiries/abc", "/help/enquiries/0"):
            self.assertEqual(tom.get(path).status, 404, path)
        token = tom.csrf(tom.get("/help"))
        before = self.messages(eid)
        r = tom.post("/help/enquiries/%d/reply" % eid, {"csrf": token, "body": "Not mine"})
        self.assertEqual(r.status, 404)
        self.assertEqual(self.messages(eid), before)
        agent = Browser(self.s)
        agent.sign_in(harness.AGENT)
        self.assertEqual(agent.get("/help/enquiries/%d" % eid).status, 404)
        self.assertEqual(Browser(self.s).get("/help/enquiries/%d" % eid).status, 303)

    def test_customer_reopens_a_resolved_enquiry(self):
        eid = self.new_enquiry("KP-PAGE-3")
        r = self.s.post("/api/v1/enquiries/%d/status" % eid, self.t["agent"],
                        {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER)
        page = b.get("/help/enquiries/%d" % eid)
        self.assertIn("Reopen the enquiry", self.text(page))
        self.assertNotIn("Send reply", self.text(page))
        r = b.post("/help/enquiries/%d/reopen" % eid, {"csrf": b.csrf(page)})
        self.assertEqual((r.status, r.header("Location")), (303, "/help/enquiries/%d" % eid))
        self.assertEqual(self.s.sql("SELECT status FROM enquiries WHERE id = ?", eid),
                         [("open",)])
        # Open again: it takes a reply, and reopening once more is refused.
        page = b.get("/help/enquiries/%d" % eid)
        self.assertIn("Send reply", self.text(page))
        r = b.post("/help/enquiries/%d/reopen" % eid, {"csrf": b.csrf(page)})
        self.assertEqual(r.status, 409)

    def test_customer_rates_the_help(self):
        eid = self.new_enquiry("KP-PAGE-RATE")
        b = Browser(self.s)
        b.sign_in(harness.CUSTOMER)
        self.assertNotIn("How was our help?", self.text(b.get("/help/enquiries/%d" % eid)))
        token = b.csrf(b.get("/help"))
        path = "/help/enquiries/%d/feedback" % eid
        r = b.post(path, {"csrf": token, "score": "5"})
        self.assertEqual(r.status, 409, r)  # not resolved yet
        self.s.post("/api/v1/enquiries/%d/status" % eid, self.t["agent"], {"status": "resolved"})
        page = self.text(b.get("/help/enquiries/%d" % eid))
        self.assertIn("How was our help?", page)
        self.assertIn('name="score" value="5"', page)
        before = self.s.fingerprint()
        for fields in ({"comment": "No stars <i>given</i>"}, {"score": "9", "comment": "x"},
                       {"score": "4", "comment": "y" * 2001}):
            r = b.post(path, dict(fields, csrf=token))
            self.assertEqual(r.status, 400, (fields, r))
            self.assertIn('id="score-error"', self.text(r))
        self.assertIn("No stars &lt;i&gt;given&lt;/i&gt;</textarea>",
                      self.text(b.post(path, {"csrf": token, "comment": "No stars <i>given</i>"})))
        self.assertEqual(self.s.fingerprint(), before)
        r = b.post(path, {"csrf": token, "score": "4", "comment": "Kind <b>and</b> quick."})
        self.assertEqual((r.status, r.header("Location")), (303, path[:-9] + "#rated"))
        page = self.text(b.get("/help/enquiries/%d" % eid))
        self.assertIn("You rated the help 4 of 5.", page)
        self.assertIn("Kind &lt;b&gt;and&lt;/b&gt; quick.", page)
        self.assertNotIn("How was our help?", page)
        self.assertEqual(b.post(path, {"csrf": token, "score": "1"}).status, 409)
        agent = Browser(self.s)
        agent.sign_in(harness.AGENT)
        self.assertIn("<dt>Customer&#39;s rating</dt><dd>4 of 5: Kind &lt;b&gt;and&lt;/b&gt; quick.",
                      self.text(agent.get("/desk/enquiries/%d" % eid)))

    def test_agent_reads_the_whole_thread_and_writes(self):
        eid = self.new_enquiry("KP-PAGE-4")
        b = Browser(self.s)
        b.sign_in(harness.AGENT)
        self.assertIn('href="/desk/enquiries/%d"' % eid, self.text(b.get("/desk")))
        page = b.get("/desk/enquiries/%d" % eid)
        self.assertEqual(page.status, 200, page)
        body = self.text(page)
        # Every message, each with its audience named.
        for label in ("Customer-visible", "To the vendor", "From the vendor"):
            self.assertIn('<span class="aud">%s</span>' % label, body)
        self.assertIn("How was it packed?", body)
        self.assertIn("VENDOR-SECRET-WORDS", body)
        # What screening found in the vendor's text is marked.
        self.assertRegex(body, r'<mark title="Screening found: [a-z_]+">[^<]*01632 960111</mark>')
        self.assertIn("KP-PAGE-4", body)
        token = b.csrf(page)
        before = self.messages(eid)
        # An internal note, then a reply; both stored with their audience.
        r = b.post("/desk/enquiries/%d/messages" % eid,
                   {"csrf": token, "audience": "internal", "body": "Check the courier's photos."})
        self.assertEqual(r.status, 303, r)
        r = b.post("/desk/enquiries/%d/messages" % eid,
                   {"csrf": token, "audience": "customer", "body": "A <b>new</b> jug is coming."})
        self.assertEqual(r.status, 303, r)
        rows = self.s.sql("SELECT audience, body FROM messages WHERE enquiry_id = ? ORDER BY id"
                          " DESC LIMIT 2", eid)
        self.assertEqual(rows, [("customer", "A <b>new</b> jug is coming."),
                                ("internal", "Check the courier's photos.")])
        body = self.text(b.get("/desk/enquiries/%d" % eid))
        self.assertIn("A &lt;b&gt;new&lt;/b&gt; jug is coming.", body)
        self.assertIn('<span class="aud">Internal note</span>', body)
        # The customer reads the reply and never the note.
        jane = Browser(self.s)
        jane.sign_in(harness.CUSTOMER)
        body = self.text(jane.get("/help/enquiries/%d" % eid))
        self.assertIn("A &lt;b&gt;new&lt;/b&gt; jug is coming.", body)
        self.assertNotIn("courier", body)
        # Bad messages: the page again with the text and choice kept; nothing stored.
        count = self.messages(eid)
        r = b.post("/desk/enquiries/%d/messages" % eid,
                   {"csrf": token, "audience": "internal", "body": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("Write the message first.", self.text(r))
        self.assertIn('value="internal" checked', self.text(r))
        r = b.post("/desk/enquiries/%d/messages" % eid,
                   {"csrf": token, "audience": "to_vendor", "body": "Sneaky"})
        self.assertEqual(r.status, 400)
        self.assertIn(">Sneaky</textarea>", self.text(r))
        # A reply carrying the vendor's registered phone number is refused, naming it (G2).
        leak = "The shop says: ring 01632 960 111 for a swap."
        r = b.post("/desk/enquiries/%d/messages" % eid,
                   {"csrf": token, "audience": "customer", "body": leak})
        self.assertEqual(r.status, 422)
        self.assertIn("the customer may not receive: &quot;01632 960 111&quot;", self.text(r))
        self.assertIn(">" + leak + "</textarea>", self.text(r))
        self.assertNotIn("01632 960 111", self.text(jane.get("/help/enquiries/%d" % eid)))
        r = b.post("/desk/enquiries/%d/messages" % eid, {"audience": "internal", "body": "x"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.messages(eid), count)
        self.assertEqual(before + 2, count)

    def test_desk_enquiry_is_for_staff(self):
        eid = self.new_enquiry("KP-PAGE-5")
        for email in (harness.CUSTOMER, harness.VENDOR):
            b = Browser(self.s)
            b.sign_in(email)
            self.assertEqual(b.get("/desk/enquiries/%d" % eid).status, 404, email)
            token = b.csrf(b.get(PORTALS["customer" if email == harness.CUSTOMER else "vendor"]))
            before = self.messages(eid)
            r = b.post("/desk/enquiries/%d/messages" % eid,
                       {"csrf": token, "audience": "customer", "body": "x"})
            self.assertEqual(r.status, 404, email)
            self.assertEqual(self.messages(eid), before)
        admin = Browser(self.s)
        admin.sign_in(harness.ADMIN)
        self.assertEqual(admin.get("/desk/enquiries/%d" % eid).status, 200)
        self.assertEqual(admin.get("/desk/enquiries/99999999").status, 404)
        self.assertEqual(Browser(self.s).get("/desk/enquiries/%d" % eid).status, 303)

    def test_agent_asks_the_vendor_sets_status_and_assigns(self):
        eid = self.s.open_enquiry(self.t, category="not_received", subject="Where is it?",
                                  message="Nothing came. Ring me on 07700 900321.")
        b = Browser(self.s)
        b.sign_in(harness.AGENT)
        page = b.get("/desk/enquiries/%d" % eid)
        body = self.text(page)
        self.assertIn("The vendor has not been asked.", body)
        self.assertIn('<summary>Ask the vendor</summary>', body)
        for kind in ("invoice", "tracking", "photo", "other"):
            self.assertIn('name="evidence" value="%s"' % kind, body)
        token = b.csrf(page)
        ask = "/desk/enquiries/%d/ask" % eid
        before = self.s.fingerprint()
        # Problems come back beside their fields with everything typed, and nothing is sent.
        typed = {"csrf": token, "question": "Tracking <please>?", "evidence": ["tracking", "photo"],
                 "due_in_hours": "12"}
        for change, field, words in (({"question": ""}, "question", "Write the question first."),
                                     ({"due_in_hours": "soon"}, "due_in_hours", "1 to 336"),
                                     ({"due_in_hours": "400"}, "due_in_hours", "1 to 336"),
                                     ({"evidence": ["tracking", "selfie"]}, None, "must be one of")):
            r = b.post(ask, dict(typed, **change))
            self.assertEqual(r.status, 400, (change, r))
            page = self.text(r)
            self.assertIn("<details class=\"action\" id=\"ask\" open>", page)
            self.assertIn(words, page)
            if field:
                self.assertIn('aria-describedby="%s-error"' % field, page)
            if field != "question":
                self.assertIn("Tracking &lt;please&gt;?</textarea>", page)
            self.assertIn('value="tracking" checked>', page)
        self.assertEqual(self.s.fingerprint(), before)
        # Sent: the vendor reads the question without the customer's number, and is due in 12 h.
        r = b.post(ask, dict(typed, question="Tracking for the parcel? She is on 07700 900321."))
        self.assertEqual(r.status, 201, r)
        body = self.text(r)
        self.assertIn("The request was sent.", body)
        self.assertIn("07700 900321", body)  # named to the agent as what the vendor does not see
        row = self.s.sql("SELECT question, evidence, due_at - created_at FROM vendor_requests"
                         " WHERE enquiry_id = ?", eid)
        self.assertEqual(len(row), 1)
        self.assertEqual((row[0][1], row[0][2]), ("tracking,photo", 12 * 3600 * 1000))
        page = self.text(b.get("/desk/enquiries/%d" % eid))
        self.assertIn('<h2 id="requests">Vendor requests</h2>', page)
        self.assertIn('<td data-label="State">open</td>', page)
        self.assertIn("awaiting vendor", page)
        vendor = Browser(self.s)
        vendor.sign_in(harness.VENDOR)
        vid = self.s.sql("SELECT id FROM vendor_requests WHERE enquiry_id = ?", eid)[0][0]
        vpage = self.text(vendor.get("/vendor/requests/%d" % vid))
        self.assertIn("Tracking for the parcel?", vpage)
        self.assertNotIn("900321", vpage)
        # Assign to Sam, then to nobody; a made-up person is refused beside the field.
        sam = self.s.sql("SELECT id FROM users WHERE email = ?", harness.AGENT2)[0][0]
        r = b.post("/desk/enquiries/%d/assign" % eid, {"csrf": token, "assignee": str(sam)})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.s.sql("SELECT assignee_id FROM enquiries WHERE id = ?", eid),
                         [(sam,)])
        self.assertIn('<option value="%d" selected>' % sam,
                      self.text(b.get("/desk/enquiries/%d" % eid)))
        before = self.s.fingerprint()
        for bad in ("999999", "x", ""):
            r = b.post("/desk/enquiries/%d/assign" % eid, {"csrf": token, "assignee": bad})
            self.assertEqual(r.status, 400, (bad, r))
            self.assertIn('id="assignee-error"', self.text(r))
        self.assertEqual(self.s.fingerprint(), before)
        r = b.post("/desk/enquiries/%d/assign" % eid, {"csrf": token, "assignee": "0"})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.s.sql("SELECT assignee_id FROM enquiries WHERE id = ?", eid),
                         [(None,)])
        # The status: a choice not offered is named; resolving waits on no open request, so
        # it is refused with the reason while the vendor is asked.
        status = "/desk/enquiries/%d/status" % eid
        r = b.post(status, {"csrf": token, "status": "closed"})
        self.assertIn(r.status, (400, 409), r)
        self.assertIn('id="status-error"', self.text(r))
        r = b.post(status, {"csrf": token, "status": "resolved"})
        self.assertEqual(r.status, 409, r)
        self.assertRegex(self.text(r), r'<p class="problem" id="status-error">[^<]*awaiting')
        r = vendor.post("/vendor/requests/%d/answer" % vid,
                        {"csrf": vendor.csrf(vendor.get("/vendor")), "body": "RM123456789GB"})
        self.assertEqual(r.status, 303, r)
        self.assertIn('<td data-label="State">answered</td>',
                      self.text(b.get("/desk/enquiries/%d" % eid)))
        r = b.post(status, {"csrf": token, "status": "resolved"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(self.s.sql("SELECT status FROM enquiries WHERE id = ?", eid),
                         [("resolved",)])
        # Resolved: asking the vendor is refused with the reason, the question kept.
        r = b.post(ask, dict(typed, question="One more thing?"))
        self.assertEqual(r.status, 409, r)
        self.assertIn("reopen it before asking the vendor", self.text(r))
        self.assertIn("One more thing?</textarea>", self.text(r))
        # Customers and vendors cannot use the desk's actions.
        for email, home in ((harness.CUSTOMER, "/help"), (harness.VENDOR, "/vendor")):
            o = Browser(self.s)
            o.sign_in(email)
            tok = o.csrf(o.get(home))
            before = self.s.fingerprint()
            for action, fields in (("ask", {"question": "Hi?"}), ("status", {"status": "open"}),
                                   ("assign", {"assignee": "0"})):
                r = o.post("/desk/enquiries/%d/%s" % (eid, action), dict(fields, csrf=tok))
                self.assertEqual(r.status, 404, (email, action))
            self.assertEqual(self.s.fingerprint(), before)

    def new_request(self, question="Please send the tracking number."):
        """A fresh enquiry of Jane's on a Northwind order and a request to Northwind: its id."""
        eid = self.s.open_enquiry(self.t, category="not_received", subject="Late parcel",
                                  message="Nothing came. Call me on 07700 900123.")
        r = self.s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.t["agent"],
                        {"question": question})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def test_vendor_answers_a_request(self):
        clean, dirty = self.new_request(), self.new_request("Which courier took it?")
        b = Browser(self.s)
        b.sign_in(harness.VENDOR)
        self.assertIn('href="/vendor/requests/%d"' % clean, self.text(b.get("/vendor")))
        page = b.get("/vendor/requests/%d" % clean)
        self.assertEqual(page.status, 200, page)
        body = self.text(page)
        self.assertIn("Please send the tracking number.", body)
        self.assertIn("Jane", body)
        for absent in ("Doe", "jane.doe@", "07700", "900123"):  # no customer contact (G1)
            self.assertNotIn(absent, body)
        token = b.csrf(page)
        r = b.post("/vendor/requests/%d/answer" % clean, {"csrf": token, "body": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("Write the answer first.", self.text(r))
        r = b.post("/vendor/requests/%d/answer" % clean,
                   {"csrf": token, "body": "Royal Mail, tracking JD014600003828273."})
        self.assertEqual((r.status, r.header("Location")), (303, "/vendor/requests/%d" % clean))
        self.assertEqual(self.s.sql("SELECT state FROM vendor_requests WHERE id = ?", clean),
                         [("answered",)])
        body = self.text(b.get("/vendor/requests/%d" % clean))
        self.assertIn("JD014600003828273", body)
        self.assertNotIn("Send the answer", body)  # answered: no form
        self.assertNotIn("<mark", body)
        r = b.post("/vendor/requests/%d/answer" % clean, {"csrf": token, "body": "Again"})
        self.assertEqual(r.status, 409)
        # Contact details in an answer: kept for review, marked, and the vendor warned.
        r = b.post("/vendor/requests/%d/answer" % dirty,
                   {"csrf": token, "body": "DPD. Ring me on 07700 900456 to sort it."})
        self.assertEqual(r.status, 200, r)
        body = self.text(r)
        self.assertIn("That is not allowed", body)
        self.assertRegex(body, r"<mark>[^<]*900456[^<]*</mark>")
        self.assertEqual(self.s.sql("SELECT state FROM vendor_requests WHERE id = ?", dirty),
                         [("answered",)])
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM violations v JOIN messages m ON"
                                    " m.id = v.message_id WHERE m.vendor_request_id = ?",
                                    dirty)[0][0], 1)

    def test_vendor_answers_with_files(self):
        vid = self.new_request("Please send a photo of the parcel label.")
        b = Browser(self.s)
        b.sign_in(harness.VENDOR)
        page = b.get("/vendor/requests/%d" % vid)
        body = self.text(page)
        self.assertIn('enctype="multipart/form-data"', body)
        self.assertIn('<input type="file" id="files" name="files" multiple', body)
        token = b.csrf(page)
        path = "/vendor/requests/%d/answer" % vid
        # A file of a type not taken: nothing stored, the text kept, the file named.
        before = self.s.fingerprint()
        r = b.post_files(path, {"csrf": token, "body": "Label attached <b>here</b>."},
                         [("label.exe", b"MZ\x90\x00 not an image", "image/png")])
        self.assertEqual(r.status, 415, r)
        body = self.text(r)
        self.assertIn("label.exe", body)
        self.assertIn("choose the files again", body)
        self.assertIn('aria-describedby="files-error"', body)
        self.assertIn("Label attached &lt;b&gt;here&lt;/b&gt;.</textarea>", body)
        self.assertEqual(self.s.fingerprint(), before)
        # No CSRF token in a multipart form: refused too.
        r = b.post_files(path, {"body": "Label."}, [("label.png", harness.PNG, "image/png")])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.s.fingerprint(), before)
        # A photo and a PDF, and an empty file input (no file chosen) beside them.
        r = b.post_files(path, {"csrf": token, "body": "Label and receipt attached."},
                         [("label.png", harness.PNG, "image/png"),
                          ("receipt.pdf", harness.PDF, "application/pdf"),
                          ("", b"", "application/octet-stream")])
        self.assertEqual((r.status, r.header("Location")), (303, path[:-len("/answer")]), r)
        rows = self.s.sql("SELECT l.filename, a.content_type FROM message_attachments l"
                          " JOIN attachments a ON a.id = l.attachment_id JOIN messages m"
                          " ON m.id = l.message_id WHERE m.vendor_request_id = ?"
                          " ORDER BY l.position", vid)
        self.assertEqual(rows, [("label.png", "image/png"), ("receipt.pdf", "application/pdf")])
        body = self.text(b.get("/vendor/requests/%d" % vid))
        links = re.findall(r'<a href="(/api/v1/attachments/\d+)">([^<]+)</a>', body)
        self.assertEqual([n for _, n in links], ["label.png", "receipt.pdf"])
        got = b.get(links[0][0])
        self.assertEqual((got.status, got.body), (200, harness.PNG))
        self.assertEqual(got.header("Content-Type"), "image/png")
        self.assertTrue(got.header("Content-Disposition").startswith("attachment"))

    def test_violations_reviewed_at_the_desk(self):
        vid = self.new_request("Which courier?")
        vendor = Browser(self.s)
        vendor.sign_in(harness.VENDOR)
        r = vendor.post("/vendor/requests/%d/answer" % vid,
                        {"csrf": vendor.csrf(vendor.get("/vendor")),
                         "body": "Evri. Text me on 07700 900777 <b>today</b>."})
        self.assertEqual(r.status, 200, r)
        viol = self.s.sql("SELECT v.id FROM violations v JOIN messages m ON m.id = v.message_id"
                          " WHERE m.vendor_request_id = ?", vid)[0][0]
        b = Browser(self.s)
        b.sign_in(harness.AGENT)
        page = self.text(b.get("/desk/violations"))
        self.assertIn('id="violation-%d"' % viol, page)
        self.assertIn('href="/desk/violations" aria-current="page">Violations', page)
        token = b.csrf(b.get("/desk"))
        path = "/desk/violations/%d/decide" % viol
        before = self.s.fingerprint()
        for fields, words in (({"decision": "confirm", "reason": ""}, "Give the reason"),
                              ({"decision": "approve", "reason": "x"}, "must be one of"),
                              ({"reason": "No decision <i>given</i>"}, "must be one of")):
            r = b.post(path, dict(fields, csrf=token))
            self.assertEqual(r.status, 400, (fields, r))
            body = self.text(r)
            self.assertIn('id="reason-%d-error"' % viol, body)
            self.assertIn(words, body)
        self.assertIn('value="No decision &lt;i&gt;given&lt;/i&gt;"', body)
        self.assertEqual(self.s.fingerprint(), before)
        r = b.post(path, {"csrf": token, "decision": "confirm", "reason": "A mobile number."})
        self.assertEqual((r.status, r.header("Location")), (303, "/desk/violations"))
        self.assertEqual(self.s.sql("SELECT state, reason FROM violations WHERE id = ?", viol),
                         [("confirmed", "A mobile number.")])
        self.assertIn('id="violation-%d"' % viol,
                      self.text(b.get("/desk/violations?state=confirmed")))
        self.assertNotIn('id="violation-%d"' % viol, self.text(b.get("/desk/violations")))
        r = b.post(path, {"csrf": token, "decision": "dismiss", "reason": "Again"})
        self.assertEqual(r.status, 409, r)
        self.assertEqual(b.get("/desk/violations?state=lost").status, 400)
        for email, home in ((harness.CUSTOMER, "/help"), (harness.VENDOR, "/vendor")):
            o = Browser(self.s)
            o.sign_in(email)
            self.assertEqual(o.get("/desk/violations").status, 404)
            r = o.post(path, {"csrf": o.csrf(o.get(home)), "decision": "dismiss",
                              "reason": "mine"})
            self.assertEqual(r.status, 404)

    def test_vendor_record_with_its_chart(self):
        s, t = self.s, self.t
        vid = self.new_request()
        self.assertEqual(s.post("/api/v1/vendor-requests/%d/answer" % vid, t["vendor"],
                                {"text": "Posted on Monday, tracking RM1."}).status, 200)
        self.assertEqual(s.post("/api/v1/_test/jobs", t["admin"]).status, 200)
        northwind = s.sql("SELECT vendor_id FROM vendor_requests WHERE id = ?", vid)[0][0]
        b = Browser(s)
        b.sign_in(harness.AGENT)
        page = self.text(b.get("/desk/vendors/%d" % northwind))
        self.assertIn("<h1>Northwind Ceramics</h1>", page)
        for words in ("<h2>Standing</h2>", "<h2>Rating</h2>", "Penalty points", "of 100",
                      '<svg viewBox="0 0 640 220" role="img" aria-labelledby="chart-title">',
                      '<polyline class="median" points="', '<circle class="p90"'):
            self.assertIn(words, page)
        self.assertEqual(page.count("<script"), 1)  # the pages' script alone
        self.assertEqual(b.get("/desk/vendors/99999999").status, 404)
        # The enquiry page links to it.
        eid = s.sql("SELECT enquiry_id FROM vendor_requests WHERE id = ?", vid)[0][0]
        self.assertIn('href="/desk/vendors/%d">Northwind Ceramics</a>' % northwind,
                      self.text(b.get("/desk/enquiries/%d" % eid)))
        # The vendor reads its own record, and nobody else's.
        v = Browser(s)
        v.sign_in(harness.VENDOR)
        mine = self.text(v.get("/vendor/record"))
        self.assertIn("<h1>My record</h1>", mine)
        self.assertIn('<polyline class="median"', mine)
        self.assertEqual(v.get("/desk/vendors/%d" % northwind).status, 404)
        c = Browser(s)
        c.sign_in(harness.CUSTOMER)
        self.assertEqual(c.get("/vendor/record").status, 404)
        self.assertEqual(c.get("/desk/vendors/%d" % northwind).status, 404)

    def test_agent_searches_enquiries(self):
        eid = self.new_enquiry("KP-SEARCH-77")  # a thread with a vendor answer and a reply
        other = self.s.open_enquiry(self.t, subject="Quiet teapot", message="Lid rattles.")
        b = Browser(self.s)
        b.sign_in(harness.AGENT)
        page = self.text(b.get("/desk/search"))
        self.assertIn('<input type="search" id="q" name="q"', page)
        self.assertNotIn("<table", page)

        def found(q):
            r = b.get("/desk/search?" + urllib.parse.urlencode({"q": q}))
            self.assertEqual(r.status, 200, (q, r))
            return {int(i) for i in re.findall(r'href="/desk/enquiries/(\d+)"', self.text(r))}
        self.assertIn(eid, found("KP-SEARCH-77"))  # the order number
        digits = self.new_enquiry("KP-987654")  # letters, a hyphen and digits alone
        self.assertEqual(found("KP-987654") & {digits, eid}, {digits})
        self.assertIn(digits, found("kp 987654"))
        self.assertIn(eid, found("kp-search-77"))
        self.assertIn(eid, found("VENDOR-SECRET-WORDS"))  # words of the vendor's answer
        self.assertIn(eid, found("new jug"))  # of the operator's reply
        self.assertIn(eid, found("Jane Doe cracked"))  # the customer and the subject
        self.assertIn(other, found("teapot"))
        self.assertNotIn(other, found("jug cracked"))
        self.assertEqual(found("zebra-crossing-nowhere"), set())
        self.assertIn(eid, found("Northwind jug"))  # the shop and the subject, together
        r = b.get("/desk/search?q=" + urllib.parse.quote("<script>x</script>"))
        self.assertIn('value="&lt;script&gt;x&lt;/script&gt;"', self.text(r))
        for bad in ("x" * 201, "---"):
            r = b.get("/desk/search?" + urllib.parse.urlencode({"q": bad}))
            self.assertEqual(r.status, 400, bad)
            self.assertIn('id="q-error"', self.text(r))
        for email in (harness.CUSTOMER, harness.VENDOR):
            o = Browser(self.s)
            o.sign_in(email)
            self.assertEqual(o.get("/desk/search?q=jug").status, 404)

    def test_templates_kept_by_admins_used_by_agents(self):
        s = self.s
        admin = Browser(s)
        admin.sign_in(harness.ADMIN)
        token = admin.csrf(admin.get("/desk/templates"))
        before = s.fingerprint()
        for fields, field in (({"kind": "poem"}, "kind"), ({"category": "hats"}, "category"),
                              ({"name": ""}, "name"), ({"body": ""}, "body")):
            typed = dict({"csrf": token, "kind": "reply", "category": "damaged",
                          "name": "Sorry <b>broken</b>", "body": "Hi"}, **fields)
            r = admin.post("/desk/templates", typed)
            self.assertEqual(r.status, 400, (fields, r))
            self.assertIn('id="%s-error"' % field, self.text(r))
            if field != "name":
                self.assertIn('value="Sorry &lt;b&gt;broken&lt;/b&gt;"', self.text(r))
        self.assertEqual(s.fingerprint(), before)
        for kind, category, name, body in (
                ("reply", "damaged", "Sorry it broke",
                 "Hello {customer}, we are sorry order {order} arrived broken. {agent} {odd}"),
                ("reply", "", "Thanks", "Thank you, {customer}."),
                ("reply", "not_received", "Tracking", "We are tracking {order}."),
                ("request", "damaged", "Packing photo",
                 "Please send a photo of how order {order} was packed by {shop}.")):
            r = admin.post("/desk/templates", {"csrf": token, "kind": kind, "category": category,
                                               "name": name, "body": body})
            self.assertEqual(r.status, 303, r)
        page = self.text(admin.get("/desk/templates"))
        self.assertIn("Sorry it broke", page)
        ids = dict(s.sql("SELECT name, id FROM templates WHERE deleted_at IS NULL"))
        # On a damaged enquiry: its category's and every category's, not another's.
        eid = self.new_enquiry("KP-TEMPLATE-1")
        agent = Browser(s)
        agent.sign_in(harness.AGENT)
        page = self.text(agent.get("/desk/enquiries/%d" % eid))
        self.assertIn(">Sorry it broke</a>", page)
        self.assertIn(">Thanks</a>", page)
        self.assertNotIn(">Tracking</a>", page)
        self.assertIn(">Packing photo</a>", page)
        page = self.text(agent.get("/desk/enquiries/%d?template=%d" % (eid, ids["Sorry it broke"])))
        self.assertIn("Hello Jane, we are sorry order KP-TEMPLATE-1 arrived broken. Alex Agent"
                      " {odd}</textarea>", page)
        page = self.text(agent.get("/desk/enquiries/%d?template=%d" % (eid, ids["Packing photo"])))
        self.assertIn("<details class=\"action\" id=\"ask\" open>", page)
        self.assertIn("Please send a photo of how order KP-TEMPLATE-1 was packed by Northwind"
                      " Ceramics.</textarea>", page)
        self.assertEqual(agent.get("/desk/enquiries/%d?template=%d"
                                   % (eid, ids["Tracking"])).status, 404)
        self.assertEqual(agent.get("/desk/enquiries/%d?template=x" % eid).status, 400)
        # Agents read but do not keep them.
        self.assertNotIn("Add a template", self.text(agent.get("/desk/templates")))
        r = agent.post("/desk/templates", {"csrf": agent.csrf(agent.get("/desk")),
                                           "kind": "reply", "name": "Mine", "body": "x"})
        self.assertEqual(r.status, 404)
        r = agent.post("/desk/templates/%d/delete" % ids["Thanks"],
                       {"csrf": agent.csrf(agent.get("/desk"))})
        self.assertEqual(r.status, 404)
        r = admin.post("/desk/templates/%d/delete" % ids["Thanks"], {"csrf": token})
        self.assertEqual(r.status, 303)
        self.assertNotIn(">Thanks</a>", self.text(agent.get("/desk/enquiries/%d" % eid)))
        self.assertEqual(admin.post("/desk/templates/%d/delete" % ids["Thanks"],
                                    {"csrf": token}).status, 404)
        for email in (harness.CUSTOMER, harness.VENDOR):
            o = Browser(s)
            o.sign_in(email)
            self.assertEqual(o.get("/desk/templates").status, 404)

    def test_admin_overview(self):
        s = self.s
        b = Browser(s)
        b.sign_in(harness.ADMIN)
        since = (int(time.time() * 1000) // 86400000 - 29) * 86400000
        opened = s.sql("SELECT COUNT(*) FROM enquiries WHERE created_at >= ?", since)[0][0]
        r = b.get("/desk/overview")
        self.assertEqual(r.status, 200, r)
        page = self.text(r)
        self.assertIn('href="/desk/overview" aria-current="page">Overview', page)
        self.assertIn("Enquiries opened: %d in 30 days" % opened, page)
        self.assertEqual(page.count('<svg viewBox="0 0 640 180" role="img"'), 4)
        self.assertIn('<rect class="bar"', page)
        for words in ("Replies late now", "Vendor requests overdue", "Automatic refunds",
                      "Vendors by rating", "The customers' rating of the help"):
            self.assertIn(words, page)
        # Agents have no overview, nor link to it; customers and vendors neither.
        for email in (harness.AGENT, harness.CUSTOMER, harness.VENDOR):
            o = Browser(s)
            o.sign_in(email)
            self.assertEqual(o.get("/desk/overview").status, 404, email)
        agent = Browser(s)
        agent.sign_in(harness.AGENT)
        self.assertNotIn("/desk/overview", self.text(agent.get("/desk")))

    def test_notifications_read_and_marked(self):
        vid = self.new_request("Was it insured?")
        v = Browser(self.s)
        v.sign_in(harness.VENDOR)
        page = self.text(v.get("/notifications"))
        self.assertIn('href="/notifications"', page)
        self.assertRegex(page, r'<li class="msg unread">.*?href="/vendor/requests/%d"' % vid)
        unread = int(re.search(r"<p>(\d+) unread.</p>", page).group(1))
        self.assertGreater(unread, 0)
        uid = self.s.sql("SELECT id FROM users WHERE email = ?", harness.VENDOR)[0][0]
        r = v.post("/notifications/read", {"csrf": v.csrf(v.get("/vendor")), "up_to": "abc"})
        self.assertEqual(r.status, 400)
        newest = self.s.sql("SELECT MAX(id) FROM notifications WHERE user_id = ?", uid)[0][0]
        r = v.post("/notifications/read", {"csrf": v.csrf(v.get("/vendor")),
                                           "up_to": str(newest)})
        self.assertEqual((r.status, r.header("Location")), (303, "/notifications"))
        self.assertIn("<p>0 unread.</p>", self.text(v.get("/notifications")))
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM notifications WHERE user_id = ?"
                                    " AND read_at IS NULL", uid), [(0,)])
        # One person's form marks only their own notifications.
        self.new_request("Which box size?")
        c = Browser(self.s)
        c.sign_in(harness.CUSTOMER)
        r = c.post("/notifications/read", {"csrf": c.csrf(c.get("/help")),
                                           "up_to": str(2 ** 62)})
        self.assertEqual(r.status, 303)
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM notifications WHERE user_id = ?"
                                    " AND read_at IS NULL", uid), [(1,)])
        self.assertEqual(Browser(self.s).get("/notifications").status, 303)

    def test_vendor_sees_the_operators_replies_without_contact_details(self):
        vid = self.new_request("Please confirm the address you shipped to.")
        eid = self.s.sql("SELECT enquiry_id FROM vendor_requests WHERE id = ?", vid)[0][0]
        r = self.s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                        {"body": "We have asked the shop. We will call you on 07700 900123.",
                         "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        v = Browser(self.s)
        v.sign_in(harness.VENDOR)
        page = self.text(v.get("/vendor/requests/%d" % vid))
        self.assertIn("What the marketplace told the customer", page)
        self.assertIn("We have asked the shop.", page)
        self.assertNotIn("900123", page)

    def test_vendor_request_is_the_vendors_own(self):
        vid = self.new_request()
        for email in (harness.VENDOR2, harness.CUSTOMER, harness.AGENT):
            b = Browser(self.s)
            r = b.sign_in(email)
            self.assertEqual(b.get("/vendor/requests/%d" % vid).status, 404, email)
            token = b.csrf(b.get(r.header("Location")))
            r = b.post("/vendor/requests/%d/answer" % vid, {"csrf": token, "body": "Mine?"})
            self.assertEqual(r.status, 404, email)
        self.assertEqual(self.s.sql("SELECT state FROM vendor_requests WHERE id = ?", vid),
                         [("open",)])
        self.assertEqual(Browser(self.s).get("/vendor/requests/%d" % vid).status, 303)

    def test_too_large_form_is_a_page(self):
        """A form past its route's limit is refused by its stated length, before it is read,
        with a page saying so (the API's stay JSON: test_server.py)."""
        vid = self.new_request()
        b = Browser(self.s)
        b.sign_in(harness.VENDOR)
        token = b.csrf(b.get("/vendor"))
        before = self.s.fingerprint()

        def announce(path, ctype, length):
            """Headers saying length bytes follow, a few of them, then the reply."""
            sock = socket.create_connection(("127.0.0.1", self.s.port), timeout=30)
            try:
                head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d"
                        "\r\nCookie: kapsule_session=%s\r\nContent-Type: %s\r\n"
                        "Content-Length: %d\r\n\r\n" % (path, self.s.port, self.s.port,
                                                         b.cookie, ctype, length))
                sock.sendall(head.encode() + b"csrf=" + token.encode() + b"&body=xxxx")
                data = b""
                while b"</html>" not in data:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                return data.decode("utf-8", "replace")
            finally:
                sock.close()
        for path, ctype, length in (
                ("/vendor/requests/%d/answer" % vid, FORM, 26 * 1024 * 1024),  # past 25 MB
                ("/vendor/requests/%d/answer" % vid, "multipart/form-data; boundary=x",
                 26 * 1024 * 1024),
                ("/desk/enquiries/1/ask", FORM, 1100 * 1024)):  # past a form's 1 MB
            reply = announce(path, ctype, length)
            self.assertTrue(reply.startswith("HTTP/1.1 413"), (path, reply[:200]))
            self.assertIn("Content-Type: text/html", reply)
            self.assertIn("What was sent is too large", reply)
        self.assertEqual(self.s.fingerprint(), before)

    def test_pages_carry_the_security_headers(self):
        b = Browser(self.s)
        b.sign_in(harness.ADMIN)
        for path in ("/", "/login", "/desk"):
            r = b.get(path) if path != "/login" else Browser(self.s).get(path)
            self.assertEqual(r.status, 200, path)
            csp = r.header("Content-Security-Policy")
            self.assertIn("default-src 'none'", csp)
            self.assertIn("frame-ancestors 'none'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
            self.assertEqual(r.header("X-Frame-Options"), "DENY")
            self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
            body = self.text(r)
            self.assertEqual(re.findall(r"<script[^>]*>", body),
                             ['<script src="/static/app.js" defer>'])  # no inline script
            self.assertNotIn("<style", body)
            self.assertNotIn(" style=", body)
            self.assertIn('<link rel="stylesheet" href="/static/app.css">', body)
        css = self.s.get("/static/app.css")
        self.assertEqual(css.status, 200)
        self.assertTrue(css.header("Content-Type").startswith("text/css"))
        self.assertIn("@media (max-width: 40rem)", css.body.decode())
        js = self.s.get("/static/app.js")
        self.assertEqual(js.status, 200)
        self.assertTrue(js.header("Content-Type").startswith("text/javascript"))
        self.assertIn("data-confirm", js.body.decode())


class Queue(ClockCase, ServerCase, unittest.TestCase):
    """The desk's queue on a server of its own: its clock is moved."""

    text = staticmethod(Pages.text)

    def test_desk_queue_views_counts_and_filters(self):
        s, t = self.s, self.t
        # A few more enquiries to tell apart: one escalated, one assigned to the agent, one
        # waiting on the vendor, one in another category.
        for i in range(50):  # more than one page of 50
            s.open_enquiry(t, subject="Queue %d" % i)
        a = s.open_enquiry(t, category="damaged", subject="Queue A")
        b_ = s.open_enquiry(t, category="wrong_item", subject="Queue B")
        c = s.open_enquiry(t, category="damaged", subject="Queue C")
        self.add_request(c, "Has it been posted?", 1)
        s.advance(t["admin"], 2 * HOUR)
        self.jobs()  # the request to c is overdue: c is escalated
        t = self.fresh()
        self.assertEqual(s.sql("SELECT escalated FROM enquiries WHERE id = ?", c), [(1,)])
        now = int(time.time() * 1000) + 2 * HOUR
        me = s.sql("SELECT id FROM users WHERE email = ?", harness.AGENT)[0][0]
        self.assertEqual(s.post("/api/v1/enquiries/%d/assign" % a, t["agent"],
                                {"assignee_id": me}).status, 200)
        self.assertEqual(s.post("/api/v1/enquiries/%d/vendor-requests" % b_, t["agent"],
                                {"question": "Which item went out?"}).status, 201)
        br = Browser(s)
        br.sign_in(harness.AGENT)
        active = "active = 1"
        expect = {
            "/desk": active,
            "/desk?status=open": active + " AND status = 'open'",
            "/desk?status=awaiting_vendor": active + " AND status = 'awaiting_vendor'",
            "/desk?status=awaiting_customer": active + " AND status = 'awaiting_customer'",
            "/desk?status=active&view=escalated": active + " AND escalated = 1",
            "/desk?status=active&view=mine": active + " AND assignee_id = %d" % me,
            "/desk?status=active&view=unassigned": active + " AND assignee_id IS NULL",
            "/desk?status=active&view=overdue":
                active + " AND (due_at < %d OR reply_due_at < %d)" % (now, now),
            "/desk?status=active&category=damaged": active + " AND category = 'damaged'",
            "/desk?status=all&category=wrong_item": "category = 'wrong_item'",
        }
        home = self.text(br.get("/desk"))
        tabs = 0
        for url, where in expect.items():
            want = {i for (i,) in s.sql("SELECT id FROM enquiries WHERE " + where)}
            got, page, pages = set(), url, 0
            while page:
                r = br.get(page)
                self.assertEqual(r.status, 200, (page, r))
                body = self.text(r)
                got |= {int(i) for i in re.findall(r'href="/desk/enquiries/(\d+)"', body)}
                m = re.search(r'<p class="more"><a href="([^"]+)">Next page', body)
                page = html.unescape(m.group(1)) if m else None
                pages += 1
                self.assertLess(pages, 50)
            self.assertGreater(pages, 1 if url in ("/desk", "/desk?status=open") else 0, url)
            self.assertEqual(got, want, url)
            # The tab's count is the number of rows its view lists.
            tab = re.search(r'<a href="%s"[^>]*>[^<]*<span class="count">(\d+)</span>'
                            % re.escape(html.escape(url if "?" in url else
                                                    "/desk?status=active")), home)
            if "category" not in url:
                self.assertTrue(tab, url)
                self.assertEqual(int(tab.group(1)), len(got), url)
                tabs += 1
        self.assertEqual(tabs, 8)
        self.assertIn('aria-current="page">All active', home)
        # Filters the queue does not have are refused with a page that says so.
        for bad in ("status=lost", "view=everything", "category=hats", "sort=random",
                    "vendor=abc", "after=1", "after=x.y"):
            r = br.get("/desk?" + bad)
            self.assertEqual(r.status, 400, bad)
            self.assertIn("No such queue", self.text(r))


if __name__ == "__main__":
    unittest.main()
