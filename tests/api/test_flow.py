"""The whole mediated flow, as customer, agent and vendor, over real HTTP:
raise -> review -> vendor request -> vendor answer with a file -> agent reply
-> resolve -> reopen -> close.  At each step every role's view is checked for
what it must and must not contain (G1, G3)."""
import json
import unittest

import harness
from harness import ServerCase, multipart, PNG

DAY = 86400000


def text_of(resp):
    return resp.body.decode("utf-8")


class Flow(ServerCase, unittest.TestCase):
    def assertAbsent(self, resp, *needles):
        body = text_of(resp)
        for n in needles:
            self.assertNotIn(n, body, "%r leaked into %s" % (n, body))

    def test_whole_flow(self):
        s, t = self.s, self.t
        # 1. The marketplace pushes an order whose note holds contact details.
        r = s.post("/api/v1/orders", t["integration"], {
            "number": "KP-FLOW-1", "customer_ref": "C-1001", "vendor_ref": "V-NORTHWIND",
            "items": [{"sku": "NW-JUG", "name": "Milk jug", "quantity": 2, "unit_price": 1500}],
            "amount": 3000, "currency": "GBP",
            "note": "Ring me on 07700 900123 or write to jane.doe@example.com"})
        self.assertEqual(r.status, 201, r)
        order_id = r.json()["id"]

        # The customer sees the order with the shop name only.
        r = s.get("/api/v1/orders/%d" % order_id, t["customer"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["shop_name"], "Northwind Ceramics")
        self.assertAbsent(r, "owner@northwind-ceramics.example", "01632 960 111",
                          "northwind-ceramics.example", "vendor_id")
        # The vendor sees first name and facts; the note's contact details are gone.
        r = s.get("/api/v1/orders/%d" % order_id, t["vendor"])
        self.assertEqual(r.status, 200, r)
        o = r.json()
        self.assertEqual(o["customer"], {"first_name": "Jane"})
        self.assertIn("[contact details removed]", o["note"])
        self.assertAbsent(r, "07700", "900123", "jane.doe@", "Doe", "Acacia", "LS1")
        # The vendor's order list shapes every row the same way.
        r = s.get("/api/v1/orders?limit=100", t["vendor"])
        self.assertEqual(r.status, 200, r)
        row = [x for x in r.json()["items"] if x["id"] == order_id]
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0]["customer"], {"first_name": "Jane"})
        self.assertIn("[contact details removed]", row[0]["note"])
        self.assertAbsent(r, "07700", "900123", "jane.doe@", "Doe", "Acacia", "LS1")
        # Another vendor and another customer do not see it at all.
        self.assertEqual(s.get("/api/v1/orders/%d" % order_id, t["vendor2"]).status, 404)
        self.assertEqual(s.get("/api/v1/orders/%d" % order_id, t["customer2"]).status, 404)

        # 2. The customer raises an enquiry.
        r = s.post("/api/v1/enquiries", t["customer"], {
            "order_id": order_id, "category": "damaged", "subject": "Jug arrived cracked",
            "message": "The handle came off in the box."})
        self.assertEqual(r.status, 201, r)
        e = r.json()
        eid = e["id"]
        self.assertEqual(e["status"], "open")
        self.assertEqual(len(e["messages"]), 1)
        self.assertAbsent(r, "assignee", "internal", "vendor_request", "priority")
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["customer2"]).status, 404)
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["vendor"]).status, 403)

        # 3. The agent finds it in the queue, takes it, writes a note.
        r = s.get("/api/v1/enquiries?status=open&limit=100", t["agent"])
        self.assertIn(eid, [q["id"] for q in r.json()["items"]])
        me = s.get("/api/v1/me", t["agent"]).json()
        r = s.post("/api/v1/enquiries/%d/assign" % eid, t["agent"], {"assignee_id": me["id"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["assignee"]["id"], me["id"])
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["agent"],
                   {"body": "INTERNAL: photos look genuine", "audience": "internal"})
        self.assertEqual(r.status, 201, r)
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        self.assertAbsent(r, "INTERNAL", "Alex", "assignee")
        self.assertEqual(r.json()["message_count"], 1)

        # 4. The agent asks the vendor; the question names the customer.
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, t["agent"], {
            "question": "Jane Doe (07700 900123) says the jug handle broke. Invoice and photo?",
            "evidence": ["photo", "invoice"], "due_in_hours": 24})
        self.assertEqual(r.status, 201, r)
        vr = r.json()
        vid = vr["id"]
        self.assertEqual(vr["state"], "open")
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["agent"]).json()["status"],
                         "awaiting_vendor")
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        self.assertEqual(r.json()["status"], "open")
        self.assertEqual(r.json()["message_count"], 1)
        self.assertAbsent(r, "jug handle broke", "Invoice and photo", "vendor")
        # The vendor sees the request, due first, with the customer's details removed.
        r = s.get("/api/v1/vendor-requests", t["vendor_b"])
        row = [x for x in r.json()["items"] if x["id"] == vid]
        self.assertEqual(len(row), 1)
        self.assertIn("[contact details removed]", row[0]["question"])
        self.assertAbsent(r, "Doe", "07700", "900123", "jane.doe", "Acacia", "enquiry_id")
        r = s.get("/api/v1/vendor-requests/%d" % vid, t["vendor"])
        self.assertEqual(r.status, 200, r)
        v = r.json()
        self.assertEqual(v["evidence"], ["photo", "invoice"])
        self.assertIn("[contact details removed]", v["question"])
        self.assertEqual(v["order"]["customer"], {"first_name": "Jane"})
        self.assertAbsent(r, "Doe", "07700", "900123", "jane.doe", "Acacia", "enquiry_id")
        self.assertEqual(s.get("/api/v1/vendor-requests/%d" % vid, t["vendor2"]).status, 404)
        self.assertNotIn(vid, [x["id"] for x in
                               s.get("/api/v1/vendor-requests", t["vendor2"]).json()["items"]])

        # 5. The vendor answers with a photo.
        body, ctype = multipart({"text": "Packed with two layers of bubble wrap; photo attached."},
                                [("files", "packing.png", PNG, "image/png")])
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, t["vendor"], raw=body,
                   content_type=ctype)
        self.assertEqual(r.status, 200, r)
        a = r.json()
        self.assertEqual(a["state"], "answered")
        self.assertEqual(len(a["answer"]["files"]), 1)
        file_url = a["answer"]["files"][0]["url"]
        r = s.get("/api/v1/enquiries/%d" % eid, t["agent"])
        q = r.json()
        self.assertEqual(q["status"], "open")
        from_vendor = [m for m in q["messages"] if m["audience"] == "from_vendor"]
        self.assertEqual(len(from_vendor), 1)
        self.assertEqual(from_vendor[0]["files"][0]["url"], file_url)
        r = s.get(file_url, t["agent"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, PNG)
        self.assertEqual(r.header("Content-Type"), "image/png")
        self.assertTrue(r.header("Content-Disposition").startswith("attachment;"))
        self.assertEqual(s.get(file_url, t["vendor"]).status, 200)
        # The customer sees no trace of the vendor: no text, no file, same count.
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        self.assertAbsent(r, "bubble wrap", "packing.png", "attachments")
        self.assertEqual(r.json()["message_count"], 1)
        self.assertEqual(s.get(file_url, t["customer"]).status, 404)
        self.assertEqual(s.get(file_url, t["vendor2"]).status, 404)

        # 6. The agent replies to the customer on the vendor's behalf.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["agent"], {
            "body": "Hi Jane Doe, the seller will send a new jug today.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["enquiry_status"], "awaiting_customer")
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        msgs = r.json()["messages"]
        self.assertEqual(len(msgs), 2)
        self.assertEqual(msgs[1]["author_role"], "operator")
        self.assertEqual(msgs[1]["author_name"], "Kapsule Support")
        self.assertAbsent(r, "Alex", "author_id", "bubble wrap")
        self.assertEqual(r.json()["status"], "awaiting_customer")
        # The vendor reads the operator's reply on its order, redacted.
        r = s.get("/api/v1/orders/%d/replies" % order_id, t["vendor"])
        self.assertEqual(r.status, 200, r)
        bodies = [m["body"] for m in r.json()["items"]]
        self.assertIn("Hi Jane [contact details removed], the seller will send a new jug today.",
                      bodies)
        self.assertAbsent(r, "Doe", "INTERNAL", "handle came off")
        self.assertEqual(s.get("/api/v1/orders/%d/replies" % order_id, t["vendor2"]).status, 404)
        self.assertEqual(s.get("/api/v1/orders/%d/replies" % order_id, t["customer"]).status, 403)

        # 7. The customer answers: the enquiry wakes up.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["customer"], {"body": "Thank you!"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["enquiry_status"], "open")

        # 8. Resolve; 9. reopen within the window; resolve again.
        r = s.post("/api/v1/enquiries/%d/status" % eid, t["agent"], {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        self.assertEqual(r.json()["status"], "resolved")
        self.assertIsNotNone(r.json()["reopen_until"])
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["customer"], {"body": "one more"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("resolved", r.json()["error"]["message"])
        r = s.post("/api/v1/enquiries/%d/reopen" % eid, t["customer"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "open")
        r = s.post("/api/v1/enquiries/%d/status" % eid, t["agent"], {"status": "resolved"})
        self.assertEqual(r.status, 200, r)

        # 10. Past the window: no reopening, and the scheduler closes it.
        s.advance(t["admin"], 15 * DAY)
        # Sessions last 12 hours: the old ones have expired.
        r = s.get("/api/v1/me", t["customer"])
        self.assertEqual(r.status, 401)
        t = dict(t, customer=s.login(harness.CUSTOMER), admin=s.login(harness.ADMIN))
        r = s.post("/api/v1/enquiries/%d/reopen" % eid, t["customer"])
        self.assertEqual(r.status, 409, r)
        self.assertIn("window", r.json()["error"]["message"])
        r = s.post("/api/v1/_test/jobs", t["admin"])
        self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(r.json()["closed"], 1)
        r = s.get("/api/v1/enquiries/%d" % eid, t["customer"])
        self.assertEqual(r.json()["status"], "closed")
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["customer"], {"body": "hello?"})
        self.assertEqual(r.status, 409)
        self.assertIn("closed", r.json()["error"]["message"])

        # 11. Everything is in the audit log, and the chain holds.
        actions = [a for (a,) in s.sql(
            "SELECT action FROM audit_events WHERE (object_type='enquiry' AND object_id=?)"
            " OR (object_type='vendor_request' AND object_id=?) ORDER BY id", eid, vid)]
        for want in ["enquiry.open", "enquiry.assign", "vendor_request.create",
                     "vendor_request.answer", "enquiry.reopen", "enquiry.close"]:
            self.assertIn(want, actions)
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("intact", p.stdout)

    def test_disguised_contact_details_in_notes(self):
        """G3 through the folding screen: disguised details in an order note
        are removed for the vendor (order and order list) and kept, byte for
        byte, for staff."""
        s, t = self.s, self.t
        disguised = [
            ("Call \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13 after six",
             ["\uff10\uff17\uff17", "\uff19\uff10\uff10"]),
            ("mail j\u0430ne@ex\u0430mple.com", ["ne@ex", "mple.com"]),
            ("ring zero seven seven double nine five five one two three four",
             ["zero seven seven", "one two three four"]),
            ("write to jane at gmail dot com", ["jane at gmail", "gmail dot com"]),
            ("\ufdfa" * 8 + " ring \uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13",
             ["\uff10\uff17\uff17", "\uff19\uff10\uff10"]),
        ]
        for i, (note, parts) in enumerate(disguised):
            r = s.post("/api/v1/orders", t["integration"], {
                "number": "KP-DISGUISE-%d" % i, "customer_ref": "C-1001",
                "vendor_ref": "V-NORTHWIND", "items": [{"sku": "NW-JUG", "name": "Milk jug",
                                                        "quantity": 1, "unit_price": 1500}],
                "amount": 1500, "currency": "GBP", "note": note})
            self.assertEqual(r.status, 201, r)
            oid = r.json()["id"]
            r = s.get("/api/v1/orders/%d" % oid, t["vendor"])
            self.assertEqual(r.status, 200, r)
            self.assertIn("[contact details removed]", r.json()["note"], note)
            self.assertAbsent(r, *parts)
            r = s.get("/api/v1/orders?limit=100", t["vendor"])
            row = [x for x in r.json()["items"] if x["id"] == oid]
            self.assertEqual(len(row), 1)
            self.assertIn("[contact details removed]", row[0]["note"])
            self.assertAbsent(r, *parts)
            r = s.get("/api/v1/orders/%d" % oid, t["agent"])
            self.assertEqual(r.json()["note"], note)

    def test_customer_list_hides_vendor_activity(self):
        s, t = self.s, self.t
        # Demo enquiry 3: the vendor answered; the customer list shows only their view.
        items = s.get("/api/v1/enquiries", t["customer"]).json()["items"]
        self.assertTrue(items)
        for q in items:
            self.assertNotEqual(q["status"], "awaiting_vendor")
            self.assertNotIn("customer_name", q)
            self.assertNotIn("vendor_due_at", q)
        mine = s.sql("SELECT COUNT(*) FROM enquiries e JOIN customers c ON c.id = e.customer_id"
                     " JOIN users u ON u.id = c.user_id WHERE u.email = ?", harness.CUSTOMER)[0][0]
        self.assertEqual(len(items), mine)

    def test_vendor_cancel_returns_enquiry_to_open(self):
        s, t = self.s, self.t
        eid = 1  # demo: Jane's open enquiry with Northwind
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, t["agent"],
                   {"question": "Please confirm dispatch date."})
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["agent"]).json()["status"],
                         "awaiting_vendor")
        r = s.post("/api/v1/enquiries/%d/status" % eid, t["agent"], {"status": "resolved"})
        self.assertEqual(r.status, 409)
        self.assertIn("awaiting_vendor", r.json()["error"]["message"])
        r = s.post("/api/v1/vendor-requests/%d/cancel" % vid, t["agent"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "cancelled")
        self.assertEqual(s.get("/api/v1/enquiries/%d" % eid, t["agent"]).json()["status"], "open")
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, t["vendor"], {"text": "late"})
        self.assertEqual(r.status, 409)
        self.assertIn("cancelled", r.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()
