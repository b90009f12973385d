"""G8: the audit log is a hash chain that `kapsule audit verify` checks, on
either store; a changed or removed event is found and named."""
import unittest

import harness
from harness import ServerCase


class AuditChain(ServerCase, unittest.TestCase):
    def verify(self):
        return self.s.cli("audit", "verify")

    def test_untouched_chain_verifies(self):
        p = self.verify()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_changed_event_is_found(self):
        s = self.s
        last = s.sql("SELECT MAX(id) FROM audit_events")[0][0]
        victim = s.sql("SELECT id, summary FROM audit_events WHERE id = ?", last // 2)[0]
        s.change("UPDATE audit_events SET summary = '{}' WHERE id = ?", victim[0])
        try:
            p = self.verify()
            self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
            self.assertIn("BROKEN at event %d" % victim[0], p.stdout)
        finally:
            s.change("UPDATE audit_events SET summary = ? WHERE id = ?", victim[1], victim[0])
        self.assertEqual(self.verify().returncode, 0)

    def test_removed_event_is_found(self):
        s = harness.Server()  # a store of its own: this one stays broken
        try:
            row = s.sql("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 3")[0][0]
            s.change("DELETE FROM audit_events WHERE id = ?", row)
            p = s.cli("audit", "verify")
            self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
            self.assertIn("BROKEN at event %d" % (row + 1), p.stdout)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
