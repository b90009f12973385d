"""Refunds an agent makes on an enquiry's order: part or all of what is left,
charged to the vendor or paid by the marketplace, with a reason; the
customer told; bad input refused with nothing stored; from the API and
from the desk's form."""
import re
import unittest

import harness
from harness import ServerCase
from test_pages import Browser


class AgentRefunds(ServerCase, unittest.TestCase):

    def refund(self, eid, body, who="agent"):
        return self.s.post("/api/v1/enquiries/%d/refunds" % eid, self.t[who], body)

    def test_refund_from_the_api(self):
        s, t = self.s, self.t
        eid = s.open_enquiry(t, amount=2500)
        good = {"amount": 1000, "charged_to": "vendor", "reason": "Chipped rim, partial."}
        before = s.fingerprint()
        for change, field in (({"amount": 0}, "amount"), ({"amount": 2501}, "amount"),
                              ({"amount": "10"}, "amount"), ({"charged_to": "bank"}, "charged_to"),
                              ({"reason": ""}, "reason"), ({"reason": "x" * 501}, "reason")):
            r = self.refund(eid, dict(good, **change))
            self.assertEqual((r.status, r.json()["error"]["field"]), (400, field), (change, r))
        for who in ("customer", "vendor", "integration"):
            self.assertEqual(self.refund(eid, good, who).status, 403, who)
        self.assertEqual(self.refund(99999999, good).status, 404)
        self.assertEqual(s.fingerprint(), before)
        r = self.refund(eid, good)
        self.assertEqual(r.status, 201, r)
        got = r.json()
        self.assertEqual((got["kind"], got["amount"], got["charged_to"], got["currency"]),
                         ("agent", 1000, "vendor", "GBP"))
        # The rest, paid by the marketplace; then nothing is left.
        r = self.refund(eid, dict(good, amount=1500, charged_to="operator", reason="Goodwill."))
        self.assertEqual(r.status, 201, r)
        r = self.refund(eid, dict(good, amount=1))
        self.assertEqual((r.status, r.json()["error"]["field"]), (400, "amount"))
        self.assertIn("refunded in full", r.json()["error"]["message"])
        self.assertEqual(s.sql("SELECT SUM(amount) FROM refunds r JOIN enquiries e ON"
                               " e.order_id = r.order_id WHERE e.id = ?", eid), [(2500,)])
        self.assertEqual(s.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'refund.create'"
                               " AND object_id IN (SELECT id FROM refunds WHERE enquiry_id = ?)",
                               eid), [(2,)])
        cust = s.sql("SELECT id FROM users WHERE email = ?", harness.CUSTOMER)[0][0]
        self.assertGreaterEqual(s.sql("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND"
                                      " subject LIKE 'Order % has been refunded'", cust)[0][0], 2)
        # The marketplace's back end reads them; the vendor sees its own.
        ids = [x["id"] for x in s.get("/api/v1/refunds?limit=100", t["integration"]).json()["items"]]
        self.assertEqual(len([i for i in ids if i >= got["id"]]), 2)
        # An agent's reason is its own words: the vendor reads the refund without it.
        mine = [x for x in s.get("/api/v1/refunds?limit=100", t["vendor"]).json()["items"]
                if x["id"] == got["id"]]
        self.assertEqual((len(mine), mine[0]["reason"]), (1, ""))

    def test_refund_from_the_desk(self):
        s, t = self.s, self.t
        eid = s.open_enquiry(t, amount=1999)
        b = Browser(s)
        b.sign_in(harness.AGENT)
        page = b.get("/desk/enquiries/%d" % eid).body.decode()
        self.assertIn("<summary>Refund</summary>", page)
        self.assertIn("Up to 19.99 GBP can still be refunded.", page)
        token = b.csrf(b.get("/desk"))
        path = "/desk/enquiries/%d/refund" % eid
        before = s.fingerprint()
        for fields, where in (({"amount": "20.00", "refund_reason": "Too much"}, "amount"),
                              ({"amount": "1.234", "refund_reason": "Three places"}, "amount"),
                              ({"amount": "ten", "refund_reason": "Words"}, "amount"),
                              ({"amount": "5", "refund_reason": ""}, "refund_reason")):
            r = b.post(path, dict(fields, csrf=token, charged_to="operator"))
            self.assertEqual(r.status, 400, (fields, r))
            body = r.body.decode()
            self.assertIn('id="%s-error"' % where, body)
            self.assertIn("<details class=\"action\" id=\"refund\" open>", body)
            self.assertIn('value="operator" checked>', body)
        self.assertEqual(s.fingerprint(), before)
        r = b.post(path, {"csrf": token, "amount": "12.5", "charged_to": "operator",
                          "refund_reason": "Late <b>parcel</b>, goodwill."})
        self.assertEqual((r.status, r.header("Location")), (303, "/desk/enquiries/%d#refund" % eid))
        self.assertEqual(s.sql("SELECT amount, charged_to, reason FROM refunds WHERE"
                               " enquiry_id = ?", eid),
                         [(1250, "operator", "Late <b>parcel</b>, goodwill.")])
        page = b.get("/desk/enquiries/%d" % eid).body.decode()
        self.assertIn("Up to 7.49 GBP can still be refunded.", page)
        for email, home in ((harness.CUSTOMER, "/help"), (harness.VENDOR, "/vendor")):
            o = Browser(s)
            o.sign_in(email)
            r = o.post(path, {"csrf": o.csrf(o.get(home)), "amount": "1",
                              "charged_to": "vendor", "refund_reason": "mine"})
            self.assertEqual(r.status, 404, email)
        self.assertEqual(s.sql("SELECT COUNT(*) FROM refunds WHERE enquiry_id = ?", eid), [(1,)])


if __name__ == "__main__":
    unittest.main()
