"""A vendor's record, over real HTTP with the test clock moved forward: the
rating worked out from its requests (the example of docs/rating.md), its
daily history; penalty points for lapses and confirmed violations that move
it between standings, announced to a real HTTP endpoint on loopback by a
signed webhook that is tried again when refused; points expiring; appeals
with text and files, and a reversal that restores the rating and the
points.  Who may read and decide what."""
import unittest
import uuid

import harness
from clockcase import HOUR, ClockCase
from harness import PNG, ServerCase, multipart
from hook_sink import HookSink

SECRET = "a-webhook-secret-of-some-length"
DAY = 24 * HOUR


class Standing(ServerCase, ClockCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.hooks = HookSink()
        cls.server_args = ("--webhook-url=" + cls.hooks.url, "--webhook-secret=" + SECRET)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.hooks.close()

    def setUp(self):
        self.jobs()
        self.hooks.take()
        self.hooks.fail(0)

    def new_vendor(self):
        """A vendor of its own with one user: (vendor id, its user's token, its ref)."""
        s, t = self.s, self.fresh()
        ref = "V-ST-" + uuid.uuid4().hex[:8]
        r = s.post("/api/v1/vendors", t["integration"],
                   {"ref": ref, "shop_name": "Shop " + ref, "contact_email": ref + "@shop.example"})
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        email = ref.lower() + "@shop.example"
        r = s.post("/api/v1/users", t["admin"], {"email": email, "name": "Seller " + ref,
                                                 "role": "vendor", "vendor_id": vid,
                                                 "password": harness.PASSWORD})
        self.assertEqual(r.status, 201, r)
        return vid, s.login(email), ref

    def ask(self, ref, hours=1, category="product_question", amount=1500):
        """An order with vendor ref, its enquiry and a vendor request: (enquiry, request)."""
        s, t = self.s, self.fresh()
        r = s.post("/api/v1/orders", t["integration"], {
            "number": "KP-ST-" + uuid.uuid4().hex[:10], "customer_ref": "C-1001",
            "vendor_ref": ref,
            "items": [{"sku": "ST-1", "name": "Bowl", "quantity": 1, "unit_price": amount}],
            "amount": amount, "currency": "GBP"})
        self.assertEqual(r.status, 201, r)
        r = s.post("/api/v1/enquiries", t["customer"], {
            "order_id": r.json()["id"], "category": category, "subject": "A question",
            "message": "Please help."})
        self.assertEqual(r.status, 201, r)
        eid = r.json()["id"]
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, t["agent"],
                   {"question": "Can you check?", "due_in_hours": hours})
        self.assertEqual(r.status, 201, r)
        return eid, r.json()["id"]

    def answer(self, token, vid, text="Checked: all fine."):
        r = self.s.post("/api/v1/vendor-requests/%d/answer" % vid, token, {"text": text})
        self.assertEqual(r.status, 200, r)
        return r.json()

    def rating(self, vendor, token=None):
        r = self.s.get("/api/v1/vendors/%d/rating" % vendor, token or self.fresh()["agent"])
        self.assertEqual(r.status, 200, r)
        return r.json()

    def standing(self, vendor, token=None):
        r = self.s.get("/api/v1/vendors/%d/standing" % vendor,
                       token or self.fresh()["integration"])
        self.assertEqual(r.status, 200, r)
        return r.json()

    def lapse(self, ref, **kw):
        """A request of vendor ref left to lapse: (enquiry, request)."""
        eid, vid = self.ask(ref, hours=1, **kw)
        self.s.advance(self.fresh()["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.state(vid), "lapsed")
        return eid, vid

    def appeal(self, token, path, text="The courier lost it; see the photo.", files=()):
        body, ctype = multipart({"text": text}, list(files))
        return self.s.post(path, token, raw=body, content_type=ctype)

    # ---- the rating ----

    def test_rating_of_the_worked_example(self):
        """docs/rating.md, example 1: two in time, one late, one lapsed."""
        s = self.s
        vendor, token, ref = self.new_vendor()
        self.assertEqual(self.rating(vendor)["score"], 100)  # nothing yet: full marks
        _, a = self.ask(ref, hours=4)
        _, b = self.ask(ref, hours=4)
        _, c = self.ask(ref, hours=1)
        _, d = self.ask(ref, hours=1)
        s.advance(self.t["admin"], HOUR)
        self.answer(token, a)  # 1 hour
        s.advance(self.t["admin"], HOUR)
        self.jobs()
        self.assertEqual(self.answer(token, c)["state"], "answered_late")  # 2 hours
        s.advance(self.t["admin"], HOUR)
        self.answer(token, b)  # 3 hours
        s.advance(self.t["admin"], 25 * HOUR)
        self.jobs()
        self.assertEqual(self.state(d), "lapsed")
        x = self.rating(vendor)
        self.assertEqual((x["requests"], x["on_time"], x["late"], x["lapses"], x["refunds"],
                          x["violations"]), (4, 2, 2, 1, 0, 0), x)
        self.assertEqual(x["score"], 40)  # 50% in time, 10 off for the lapse
        # (Real time passes between the requests and the clock's moves: seconds at most.)
        self.assertAlmostEqual(x["median_response_ms"], 2 * HOUR, delta=10000)
        self.assertAlmostEqual(x["p90_response_ms"], 3 * HOUR, delta=10000)
        self.assertEqual(x["window_days"], 90)
        self.assertTrue(any("late" in a for a in x["advice"]), x["advice"])
        # The vendor reads its own; another vendor and customers do not.
        token = s.login(ref.lower() + "@shop.example")
        self.assertEqual(self.rating(vendor, token)["score"], 40)
        r = s.get("/api/v1/vendors/%d/rating" % vendor, self.fresh()["vendor"])
        self.assertEqual(r.status, 404, r)
        r = s.get("/api/v1/vendors/%d/rating" % vendor, self.t["customer"])
        self.assertEqual(r.status, 403, r)
        r = s.get("/api/v1/vendors/999999/rating", self.t["agent"])
        self.assertEqual(r.status, 404, r)
        # Past the window, the record no longer counts.
        s.advance(self.t["admin"], 91 * DAY)
        self.assertEqual(self.rating(vendor)["requests"], 0)
        self.assertEqual(self.rating(vendor)["score"], 100)

    def test_daily_history(self):
        s = self.s
        vendor, token, ref = self.new_vendor()
        _, vid = self.ask(ref, hours=1)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        rep = self.jobs()
        self.assertGreaterEqual(rep["ratings"], 1)
        days = self.rating(vendor)["history"]
        self.assertEqual(len(days), 1)
        self.assertEqual((days[0]["score"], days[0]["lapses"]), (0, 1))
        # Once a day: again the same day makes none.
        self.jobs()
        self.assertEqual(len(self.rating(vendor)["history"]), 1)
        s.advance(self.t["admin"], DAY)
        self.jobs()
        self.assertEqual(len(self.rating(vendor)["history"]), 2)

    # ---- points, standing and the webhook ----

    def test_points_move_the_standing_and_the_webhook_tells(self):
        s = self.s
        vendor, token, ref = self.new_vendor()
        self.assertEqual(self.standing(vendor)["standing"], "good")
        self.lapse(ref)  # 2 points: still good
        st = self.standing(vendor)
        self.assertEqual((st["standing"], st["points"]), ("good", 2))
        self.assertEqual(self.hooks.take(), [])
        self.hooks.fail(1)  # the endpoint refuses the first try
        _, second = self.lapse(ref)  # 4 points: warning (from 3)
        st = self.standing(vendor)
        self.assertEqual((st["standing"], st["points"]), ("warning", 4))
        self.assertEqual(st["thresholds"], {"warning": 3, "restricted": 6, "suspended": 10})
        self.assertEqual([c["to"] for c in st["changes"]], ["warning"])
        self.assertEqual(len(st["penalties"]), 2)
        # Each point and the change of standing is in the audit log (G8).
        self.assertEqual(self.audits("vendor.points", vendor, "vendor"), 2)
        self.assertEqual(self.audits("vendor.standing", vendor, "vendor"), 1)
        self.assertEqual(self.hooks.take(), [])
        self.assertEqual(len(self.hooks.refused), 1)
        s.advance(self.t["admin"], 61000)
        rep = self.jobs()
        self.assertEqual(rep["webhooks"], 1, rep)
        hooks = self.hooks.take()
        self.assertEqual(len(hooks), 1)
        h = hooks[0]
        self.assertTrue(h.signed_by(SECRET))
        self.assertFalse(h.signed_by(SECRET + "x"))
        self.assertEqual(h.headers["x-kapsule-event"], "vendor.standing")
        self.assertEqual(h.headers["x-kapsule-delivery"],
                         self.hooks.refused[-1].headers["x-kapsule-delivery"])
        body = h.json()
        self.assertEqual((body["vendor_id"], body["vendor_ref"], body["from"], body["to"],
                          body["points"]), (vendor, ref, "good", "warning", 4))
        self.assertEqual(self.jobs()["webhooks"], 0)  # once
        # The vendor is told too, and reads its own standing.
        token = s.login(ref.lower() + "@shop.example")
        notes = s.get("/api/v1/notifications", token).json()["items"]
        self.assertIn("vendor.standing", [n["kind"] for n in notes])
        self.assertEqual(self.standing(vendor, token)["standing"], "warning")
        r = s.get("/api/v1/vendors/%d/standing" % vendor, self.fresh()["vendor"])
        self.assertEqual(r.status, 404, r)
        r = s.get("/api/v1/vendors/%d/standing" % vendor, self.t["customer"])
        self.assertEqual(r.status, 403, r)
        # Points expire (90 days): back to good, and the endpoint hears of it.
        s.advance(self.t["admin"], 91 * DAY)
        rep = self.jobs()
        self.assertGreaterEqual(rep["standings"], 1)
        st = self.standing(vendor)
        self.assertEqual((st["standing"], st["points"]), ("good", 0))
        hooks = [x.json() for x in self.hooks.take()]
        self.assertIn((vendor, "warning", "good"),
                      [(b["vendor_id"], b["from"], b["to"]) for b in hooks])
        self.assertEqual(self.jobs()["standings"], 0)

    # ---- appeals ----

    def test_appeal_reverses_a_lapse_and_restores_rating_and_points(self):
        s = self.s
        vendor, token, ref = self.new_vendor()
        _, ok = self.ask(ref, hours=4)
        self.answer(token, ok)
        before = self.rating(vendor)
        self.assertEqual(before["score"], 100)
        eid, vid = self.lapse(ref, category="not_received", amount=1500)  # refunded too
        token = s.login(ref.lower() + "@shop.example")
        after = self.rating(vendor)
        self.assertEqual((after["lapses"], after["refunds"], after["late"]), (1, 1, 1))
        self.assertEqual(after["score"], 50 - 10 - 5)
        self.assertEqual(self.standing(vendor)["points"], 2)
        # The vendor appeals the lapse, with a photo.
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid,
                        files=[("files", "courier.png", PNG + b"appeal", "image/png")])
        self.assertEqual(r.status, 201, r)
        ap = r.json()
        self.assertEqual((ap["kind"], ap["state"], ap["subject_id"]), ("lapse", "open", vid))
        self.assertEqual([f["filename"] for f in ap["files"]], ["courier.png"])
        self.assertNotIn("enquiry_id", ap)
        # Once per mark; others' marks are not found; customers may not appeal.
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid)
        self.assertEqual(r.status, 409, r)
        r = self.appeal(self.fresh()["vendor"], "/api/v1/vendor-requests/%d/appeal" % vid)
        self.assertEqual(r.status, 404, r)
        r = self.appeal(self.t["customer"], "/api/v1/vendor-requests/%d/appeal" % vid)
        self.assertEqual(r.status, 403, r)
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % ok)
        self.assertEqual(r.status, 409, r)  # answered in time: nothing to appeal
        self.assertIn("no late mark", r.json()["error"]["message"])
        # Staff see it, with the enquiry; the customer sees nothing of it.
        r = s.get("/api/v1/appeals?state=open", self.fresh()["agent"])
        mine = [a for a in r.json()["items"] if a["id"] == ap["id"]]
        self.assertEqual(mine[0]["enquiry_id"], eid)
        r = s.get("/api/v1/appeals/%d" % ap["id"], self.t["customer"])
        self.assertEqual(r.status, 403, r)
        r = s.get("/api/v1/enquiries/%d" % eid, self.t["customer"])
        self.assertNotIn("courier", str(r.json()))
        r = s.get("/api/v1/appeals/%d" % ap["id"], self.fresh()["vendor"])
        self.assertEqual(r.status, 404, r)
        # Reversed: the lapse no longer counts, the points are back.
        r = s.post("/api/v1/appeals/%d/reverse" % ap["id"], self.t["agent"],
                   {"reason": "Courier's loss report checks out."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "reversed")
        x = self.rating(vendor)
        self.assertEqual((x["lapses"], x["late"], x["on_time"]), (0, 0, 2))
        self.assertEqual(x["score"], 100 - 5)  # the refund's charge still counts
        st = self.standing(vendor)
        self.assertEqual(st["points"], 0)
        self.assertTrue(st["penalties"][0]["reversed_at"])
        self.assertEqual(self.audits("vendor.points_reversed", vendor, "vendor"), 1)
        r = s.post("/api/v1/appeals/%d/uphold" % ap["id"], self.t["agent"], {"reason": "No."})
        self.assertEqual(r.status, 409, r)
        # The refund's charge, appealed and reversed: charged to the operator.
        refund = s.sql("SELECT id FROM refunds WHERE vendor_request_id = ?", vid)[0][0]
        r = self.appeal(token, "/api/v1/refunds/%d/appeal" % refund, text="Not our fault.")
        self.assertEqual(r.status, 201, r)
        r = s.post("/api/v1/appeals/%d/reverse" % r.json()["id"], self.t["agent"],
                   {"reason": "Agreed."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(s.sql("SELECT charged_to FROM refunds WHERE id = ?", refund)[0][0],
                         "operator")
        self.assertEqual(self.rating(vendor)["score"], 100)
        notes = s.get("/api/v1/notifications", token).json()["items"]
        self.assertEqual([n["kind"] for n in notes][:2], ["appeal.decided", "appeal.decided"])
        self.assertEqual(self.audits("appeal.reverse", ap["id"], "appeal"), 1)
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_appeal_upheld_changes_nothing(self):
        s = self.s
        vendor, token, ref = self.new_vendor()
        _, vid = self.ask(ref, hours=1)
        s.advance(self.t["admin"], 2 * HOUR)
        self.jobs()
        token = s.login(ref.lower() + "@shop.example")
        self.answer(token, vid)
        before = self.rating(vendor)
        self.assertEqual(before["late"], 1)
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid, text="Only an hour.")
        self.assertEqual((r.status, r.json()["kind"]), (201, "late"))
        aid = r.json()["id"]
        for body in ({}, {"reason": ""}, {"reason": 3}, {"reason": "x", "more": 1}):
            r = s.post("/api/v1/appeals/%d/uphold" % aid, self.fresh()["agent"], body)
            self.assertEqual(r.status, 400, (body, r))
        r = s.post("/api/v1/appeals/%d/uphold" % aid, self.t["vendor"], {"reason": "Mine."})
        self.assertEqual(r.status, 403, r)
        r = s.post("/api/v1/appeals/%d/uphold" % aid, self.t["agent"], {"reason": "It was late."})
        self.assertEqual((r.status, r.json()["state"]), (200, "upheld"))
        self.assertEqual(self.rating(vendor)["late"], 1)
        self.assertEqual(self.rating(vendor)["score"], before["score"])

    def test_late_mark_and_lapse_are_appealed_apart(self):
        """A request marked late and later lapsed: each mark has its appeal."""
        s = self.s
        vendor, token, ref = self.new_vendor()
        eid, vid = self.ask(ref, hours=1)
        s.advance(self.t["admin"], 2 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "overdue")
        token = s.login(ref.lower() + "@shop.example")
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid, text="Courier strike.")
        self.assertEqual((r.status, r.json()["kind"]), (201, "late"))
        r = s.post("/api/v1/appeals/%d/reverse" % r.json()["id"], self.fresh()["agent"],
                   {"reason": "The strike was national news."})
        self.assertEqual(r.status, 200, r)
        x = self.rating(vendor)
        self.assertEqual((x["on_time"], x["late"]), (1, 0))
        # Still unanswered past the grace period: a lapse, a mark of its own.
        s.advance(self.t["admin"], 24 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "lapsed")
        x = self.rating(vendor)
        self.assertEqual((x["on_time"], x["late"], x["lapses"]), (0, 1, 1))
        self.assertEqual(self.standing(vendor)["points"], 2)
        token = s.login(ref.lower() + "@shop.example")
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid, text="Still the strike.")
        self.assertEqual((r.status, r.json()["kind"]), (201, "lapse"))
        r2 = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid, text="Again.")
        self.assertEqual(r2.status, 409, r2)
        r = s.post("/api/v1/appeals/%d/reverse" % r.json()["id"], self.fresh()["agent"],
                   {"reason": "Agreed."})
        self.assertEqual(r.status, 200, r)
        x = self.rating(vendor)
        self.assertEqual((x["on_time"], x["late"], x["lapses"], x["score"]), (1, 0, 0, 100))
        self.assertEqual(self.standing(vendor)["points"], 0)

    def test_appeal_text_is_screened(self):
        """An appeal's words are a vendor's: contact details in them open a violation and
        may not be passed on to the customer (G2)."""
        s = self.s
        vendor, token, ref = self.new_vendor()
        eid, vid = self.ask(ref, hours=1)
        s.advance(self.t["admin"], 2 * HOUR)
        self.jobs()
        token = s.login(ref.lower() + "@shop.example")
        r = self.appeal(token, "/api/v1/vendor-requests/%d/appeal" % vid,
                        text="WhatsApp me on 07700 900461 and I will explain.")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(s.sql("SELECT COUNT(*) FROM violations WHERE vendor_id = ?",
                               vendor)[0][0], 1)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.fresh()["agent"],
                   {"body": "The shop says call 07700 900461.", "audience": "customer"})
        self.assertEqual(r.status, 422, r)

    def test_violation_points_and_appeal(self):
        s = self.s
        vendor, token, ref = self.new_vendor()
        _, vid = self.ask(ref, hours=24)
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, token,
                   {"text": "Ring me on 07700 900 417 and we will sort it."})
        self.assertEqual(r.status, 200, r)
        violation = r.json()["violation_id"]
        r = self.appeal(token, "/api/v1/violations/%d/appeal" % violation)
        self.assertEqual(r.status, 409, r)  # not confirmed yet: nothing to appeal
        r = s.post("/api/v1/violations/%d/confirm" % violation, self.fresh()["agent"],
                   {"reason": "A phone number."})
        self.assertEqual(r.status, 200, r)
        st = self.standing(vendor)
        self.assertEqual((st["points"], st["standing"]), (3, "warning"))
        self.assertEqual(self.rating(vendor)["violations"], 1)
        r = self.appeal(token, "/api/v1/violations/%d/appeal" % violation,
                        text="That is our shop's order line.")
        self.assertEqual((r.status, r.json()["kind"]), (201, "violation"))
        r = s.post("/api/v1/appeals/%d/reverse" % r.json()["id"], self.t["agent"],
                   {"reason": "The number is the shop's listed line."})
        self.assertEqual(r.status, 200, r)
        st = self.standing(vendor)
        self.assertEqual((st["points"], st["standing"]), (0, "good"))
        self.assertEqual([c["to"] for c in st["changes"]], ["good", "warning"])
        self.assertEqual(self.rating(vendor)["violations"], 0)
        self.jobs()
        hooks = [h.json() for h in self.hooks.take()]
        self.assertEqual([(h["from"], h["to"]) for h in hooks if h["vendor_id"] == vendor],
                         [("good", "warning"), ("warning", "good")])

    def test_config_must_be_consistent(self):
        self.assertIn("standing_warning", self.sla_refused(
            "--standing-warning=8", "--standing-restricted=6"))
        self.assertIn("webhook_secret", self.sla_refused(
            "--webhook-url=http://127.0.0.1:9/x", "--webhook-secret=short"))


if __name__ == "__main__":
    unittest.main()
