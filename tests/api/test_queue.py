"""The agent queue: filters (status, category, vendor, assignee, escalated),
sorting by age or vendor due time, and cursor pagination that visits every
row once, checked against the database."""
import unittest

import harness
from harness import ServerCase


class Queue(ServerCase, unittest.TestCase):
    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # More enquiries than a page, in several states, for two vendors.
        s, t = cls.s, cls.t
        cats = ["damaged", "not_received", "wrong_item", "other"]
        for i in range(12):
            vendor = "V-NORTHWIND" if i % 2 else "V-BLUEHERON"
            r = s.post("/api/v1/orders", t["integration"], {
                "number": "KP-Q-%d" % i, "customer_ref": "C-1002", "vendor_ref": vendor,
                "items": [{"name": "Thing", "quantity": 1, "unit_price": 100}],
                "amount": 100, "currency": "GBP"})
            assert r.status == 201, r
            r = s.post("/api/v1/enquiries", t["customer2"], {
                "order_id": r.json()["id"], "category": cats[i % 4],
                "subject": "Queue test %d" % i, "message": "hello"})
            assert r.status == 201, r
            eid = r.json()["id"]
            if i % 3 == 0:
                me = s.get("/api/v1/me", t["agent"]).json()["id"]
                s.post("/api/v1/enquiries/%d/assign" % eid, t["agent"], {"assignee_id": me})
            if i % 4 == 1:
                s.post("/api/v1/enquiries/%d/vendor-requests" % eid, t["agent"],
                       {"question": "Tracking please?", "due_in_hours": 1 + i})

    def walk(self, query, limit=3):
        """Every row's id of a query, following next_cursor."""
        return [x["id"] for x in self.walk_items(query, limit)]

    def walk_items(self, query, limit=3):
        """Every row of a query, following next_cursor."""
        items, cursor, pages = [], None, 0
        while True:
            q = query + ("&" if "?" in query else "?") + "limit=%d" % limit
            if cursor:
                q += "&cursor=" + cursor
            r = self.s.get(q, self.t["agent"])
            self.assertEqual(r.status, 200, r)
            page = r.json()
            self.assertLessEqual(len(page["items"]), limit)
            items += page["items"]
            cursor = page["next_cursor"]
            pages += 1
            self.assertLess(pages, 200)
            if not cursor:
                return items

    def db_ids(self, where, order="created_at, id", *args):
        return [r[0] for r in self.s.sql(
            "SELECT id FROM enquiries WHERE %s ORDER BY %s" % (where, order), *args)]

    def test_default_is_active_oldest_first(self):
        self.assertEqual(self.walk("/api/v1/enquiries"), self.db_ids("active = 1"))

    def test_status_filters(self):
        for status in ("open", "awaiting_vendor", "awaiting_customer", "resolved", "closed"):
            self.assertEqual(self.walk("/api/v1/enquiries?status=" + status),
                             self.db_ids("status = ?", "created_at, id", status), status)
        self.assertEqual(self.walk("/api/v1/enquiries?status=all", limit=7),
                         self.db_ids("1 = 1"))

    def test_category_vendor_assignee_escalated(self):
        self.assertEqual(self.walk("/api/v1/enquiries?category=damaged"),
                         self.db_ids("active = 1 AND category = 'damaged'"))
        vid = self.s.sql("SELECT id FROM vendors WHERE ref = 'V-NORTHWIND'")[0][0]
        self.assertEqual(self.walk("/api/v1/enquiries?vendor_id=%d" % vid),
                         self.db_ids("active = 1 AND vendor_id = ?", "created_at, id", vid))
        me = self.s.get("/api/v1/me", self.t["agent"]).json()["id"]
        mine = self.walk("/api/v1/enquiries?assignee=me")
        self.assertTrue(mine)
        self.assertEqual(mine, self.db_ids("active = 1 AND assignee_id = ?", "created_at, id", me))
        self.assertEqual(self.walk("/api/v1/enquiries?assignee=none"),
                         self.db_ids("active = 1 AND assignee_id IS NULL"))
        self.assertEqual(self.walk("/api/v1/enquiries?escalated=false&category=other"),
                         self.db_ids("active = 1 AND escalated = 0 AND category = 'other'"))
        self.assertEqual(self.walk("/api/v1/enquiries?escalated=true"), [])

    def test_sort_by_vendor_due_time(self):
        ids = self.walk("/api/v1/enquiries?sort=due", limit=4)
        self.assertEqual(ids, self.db_ids("active = 1", "due_at, id"))
        # Those waiting on a vendor come first, earliest deadline first.
        first = self.s.get("/api/v1/enquiries?sort=due&limit=1", self.t["agent"]).json()
        self.assertIsNotNone(first["items"][0]["vendor_due_at"])

    def test_bad_filters(self):
        for q, field in (("status=archived", "status"), ("category=x", "category"),
                         ("sort=name", "sort"), ("escalated=maybe", "escalated"),
                         ("assignee=someone", "assignee"), ("limit=0", "limit"),
                         ("limit=101", "limit"), ("cursor=abc", "cursor"),
                         ("vendor_id=-1", "vendor_id")):
            r = self.s.get("/api/v1/enquiries?" + q, self.t["agent"])
            self.assertEqual(r.status, 400, q)
            self.assertEqual(r.json()["error"]["field"], field, q)

    def test_summary_rows(self):
        items = self.s.get("/api/v1/enquiries?limit=5", self.t["agent"]).json()["items"]
        for x in items:
            for key in ("id", "order_number", "shop_name", "subject", "status", "customer_name",
                        "assignee", "vendor_due_at", "message_count", "last_message_at"):
                self.assertIn(key, x)
            self.assertNotIn("messages", x)
        # Customers page through their own list the same way.
        mine = self.s.get("/api/v1/enquiries?limit=2", self.t["customer2"]).json()
        self.assertEqual(len(mine["items"]), 2)
        self.assertIsNotNone(mine["next_cursor"])
        rest = self.s.get("/api/v1/enquiries?limit=100&cursor=" + mine["next_cursor"],
                          self.t["customer2"]).json()["items"]
        own = self.s.sql("SELECT COUNT(*) FROM enquiries e JOIN customers c ON c.id ="
                         " e.customer_id WHERE c.ref = 'C-1002'")[0][0]
        self.assertEqual(len(mine["items"]) + len(rest), own)
        for x in mine["items"] + rest:
            self.assertNotIn("customer_name", x)
            self.assertNotEqual(x["status"], "awaiting_vendor")

    def test_renames_reach_queue_rows(self):
        """A vendor's shop name and a customer's name are kept on each enquiry
        for the queue; upserting the vendor or customer updates every copy."""
        s, t = self.s, self.t
        v = s.sql("SELECT ref, shop_name, contact_email, contact_phone, website FROM vendors"
                  " WHERE ref = 'V-BLUEHERON'")[0]
        c = s.sql("SELECT c.ref, u.email, c.first_name, c.last_name, c.phone, c.address"
                  " FROM customers c JOIN users u ON u.id = c.user_id WHERE c.ref = 'C-1002'")[0]
        vbody = dict(zip(("ref", "shop_name", "contact_email", "contact_phone", "website"), v))
        cbody = dict(zip(("ref", "email", "first_name", "last_name", "phone", "address"), c))

        def rows(name_key, value):
            return sorted(x["id"] for x in self.walk_items("/api/v1/enquiries?status=all", 50)
                          if x[name_key] == value)

        want_v = self.db_ids("vendor_id = (SELECT id FROM vendors WHERE ref = 'V-BLUEHERON')")
        want_c = self.db_ids("customer_id = (SELECT id FROM customers WHERE ref = 'C-1002')")
        self.assertGreater(len(want_v), 3)
        self.assertGreater(len(want_c), 3)
        # The customer's session is fresh in the server's memory of sessions.
        self.assertEqual(s.get("/api/v1/me", t["customer2"]).json()["name"], "Tom Baker")
        try:
            r = s.post("/api/v1/vendors", t["integration"], dict(vbody, shop_name="Heron & Co"))
            self.assertIn(r.status, (200, 201), r)
            r = s.post("/api/v1/customers", t["integration"], dict(cbody, last_name="Bakerson"))
            self.assertIn(r.status, (200, 201), r)
            # Their session shows the new name at once.
            self.assertEqual(s.get("/api/v1/me", t["customer2"]).json()["name"], "Tom Bakerson")
            self.assertEqual(rows("shop_name", "Heron & Co"), sorted(want_v))
            self.assertEqual(rows("customer_name", "Tom Bakerson"), sorted(want_c))
            self.assertEqual(s.derived_mismatches(), [])
        finally:
            for path, body in (("/api/v1/vendors", vbody), ("/api/v1/customers", cbody)):
                r = s.post(path, t["integration"], {k: x for k, x in body.items() if x})
                self.assertIn(r.status, (200, 201), r)
        self.assertEqual(rows("shop_name", v[1]), sorted(want_v))
        self.assertEqual(s.get("/api/v1/me", t["customer2"]).json()["name"], "Tom Baker")
        self.assertEqual(s.derived_mismatches(), [])


if __name__ == "__main__":
    unittest.main()
