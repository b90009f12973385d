"""The demo data, with generated enquiries, is what the domain itself would
have written: every kept copy agrees with its source, each generated order
and enquiry carries its own past time (the same in the audit log), and the
audit chain is intact."""
import time
import unittest

from harness import ServerCase

GENERATED = 60
DAY_MS = 86400000


class DemoData(ServerCase, unittest.TestCase):
    demo_args = ("--enquiries", str(GENERATED))

    def test_kept_copies_agree(self):
        self.assertEqual(self.s.derived_mismatches(), [])

    def test_generated_enquiries_are_dated_in_the_past(self):
        now = int(time.time() * 1000)
        rows = self.s.sql(
            "SELECT e.id, e.created_at, o.placed_at, e.status FROM enquiries e"
            " JOIN orders o ON o.id = e.order_id WHERE o.number LIKE 'KP-B%' ORDER BY o.number")
        self.assertEqual(len(rows), GENERATED)
        created = [r[1] for r in rows]
        self.assertEqual(created, sorted(created))
        self.assertEqual(len(set(created)), GENERATED)
        self.assertGreater(created[0], now - 91 * DAY_MS)
        self.assertLess(created[-1], now)
        self.assertGreater(created[-1] - created[0], 80 * DAY_MS)
        for eid, at, placed, _ in rows:
            self.assertLess(placed, at, eid)
            # The audit log tells the same time as the row.
            opened = self.s.sql("SELECT at FROM audit_events WHERE action = 'enquiry.open'"
                                " AND object_type = 'enquiry' AND object_id = ?", eid)
            self.assertEqual(opened, [(at,)], eid)
        statuses = {r[3] for r in rows}
        self.assertEqual(statuses, {"open", "awaiting_customer", "resolved", "closed"})

    def test_queue_and_audit(self):
        r = self.s.get("/api/v1/enquiries?limit=100", self.t["agent"])
        self.assertEqual(r.status, 200, r)
        # The queue's default order (oldest first) follows the generated dates.
        want = self.s.sql("SELECT id FROM enquiries WHERE active = 1 ORDER BY created_at, id")
        self.assertEqual([q["id"] for q in r.json()["items"]], [w[0] for w in want])
        self.assertGreater(len(want), GENERATED // 10)
        p = self.s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
