"""The customer's rating of the help: given once, after resolution, by the
enquiry's customer only; read by the customer and staff, never by vendors;
bad input refused with nothing stored."""
import unittest

import harness
from harness import ServerCase


class Feedback(ServerCase, unittest.TestCase):

    def resolved(self):
        eid = self.s.open_enquiry(self.t)
        r = self.s.post("/api/v1/enquiries/%d/status" % eid, self.t["agent"],
                        {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        return eid

    def rate(self, eid, body, who="customer"):
        return self.s.post("/api/v1/enquiries/%d/feedback" % eid, self.t[who], body)

    def test_rated_once_after_resolution(self):
        s, t = self.s, self.t
        eid = s.open_enquiry(t)
        r = self.rate(eid, {"score": 5})
        self.assertEqual((r.status, r.json()["error"]["code"]), (409, "invalid_transition"), r)
        s.post("/api/v1/enquiries/%d/status" % eid, t["agent"], {"status": "resolved"})
        before = s.fingerprint()
        for body, field in (({"score": 0}, "score"), ({"score": 6}, "score"),
                            ({"score": "5"}, "score"), ({}, "score"),
                            ({"score": 4, "comment": "x" * 2001}, "comment"),
                            ({"score": 4, "comment": "a\u0000b"}, "comment"),
                            ({"score": 4, "stars": 4}, "stars")):
            r = self.rate(eid, body)
            self.assertEqual((r.status, r.json()["error"]["field"]), (400, field), (body, r))
        self.assertEqual(s.fingerprint(), before)
        r = self.rate(eid, {"score": 4, "comment": "Quick and <b>kind</b>."})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["score"], r.json()["comment"]), (4, "Quick and <b>kind</b>."))
        r = self.rate(eid, {"score": 1})
        self.assertEqual((r.status, r.json()["error"]["code"]), (409, "conflict"), r)
        self.assertEqual(s.sql("SELECT score FROM enquiry_feedback WHERE enquiry_id = ?", eid),
                         [(4,)])
        self.assertEqual(s.sql("SELECT COUNT(*) FROM audit_events WHERE action ="
                               " 'enquiry.feedback' AND object_id = ?", eid), [(1,)])
        # The customer and staff read it on the enquiry; the rating survives reopening.
        for who in ("customer", "agent", "admin"):
            got = s.get("/api/v1/enquiries/%d" % eid, t[who]).json()["feedback"]
            self.assertEqual(got["score"], 4, who)
        other = self.resolved()
        self.assertIsNone(s.get("/api/v1/enquiries/%d" % other, t["agent"]).json()["feedback"])

    def test_only_the_enquirys_customer_rates(self):
        s, t = self.s, self.t
        eid = self.resolved()
        before = s.fingerprint()
        self.assertEqual(self.rate(eid, {"score": 2}, "customer2").status, 404)
        for who in ("vendor", "agent", "admin", "integration"):
            self.assertEqual(self.rate(eid, {"score": 2}, who).status, 403, who)
        self.assertEqual(self.rate(99999999, {"score": 2}).status, 404)
        self.assertEqual(s.fingerprint(), before)
        # Vendors read nothing of it: their request and the order's replies carry no rating.
        self.assertEqual(self.rate(eid, {"score": 2, "comment": "RATING-SECRET"}).status, 201)
        order = s.sql("SELECT order_id FROM enquiries WHERE id = ?", eid)[0][0]
        r = s.get("/api/v1/orders/%d/replies" % order, t["vendor"])
        self.assertNotIn(b"RATING-SECRET", r.body)
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["vendor"]).status, 403)


if __name__ == "__main__":
    unittest.main()
