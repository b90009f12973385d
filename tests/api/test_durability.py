"""Durability (G6): a burst of concurrent writes, the server killed with
SIGKILL in the middle, restarted on the same file.  Every write that got a 2xx
is there exactly once, nothing is half-written (each message has its audit
event and its enquiry's count), the file is intact, and retrying every write
with its Idempotency-Key creates no second copy."""
import threading
import time
import unittest

import harness
from harness import Server, check_clean_exit


class Durability(unittest.TestCase):
    def test_sigkill_mid_burst(self):
        s = Server()
        try:
            self.run_burst(s)
        finally:
            code, log = s.close()
        check_clean_exit(code, log)

    def run_burst(self, s):
        t = s.tokens()
        # Enquiries the customers may write to (demo: 1 and 3 are Jane's, 2 is Tom's).
        targets = [("customer", 1), ("customer", 3), ("customer2", 2)]
        acked = set()      # (kind, key) answered 2xx
        attempted = {}     # key -> (kind, path, token, body)
        lock = threading.Lock()
        stop = threading.Event()

        def worker(n):
            i = 0
            while not stop.is_set() and i < 400:
                i += 1
                if i % 4 == 0:
                    key = "order-%d-%d" % (n, i)
                    path, token = "/api/v1/orders", t["integration"]
                    body = {"number": "KP-DUR-%d-%d" % (n, i), "customer_ref": "C-1001",
                            "vendor_ref": "V-COPPER", "amount": 100, "currency": "GBP",
                            "items": [{"name": "x", "quantity": 1, "unit_price": 100}]}
                    kind = "order"
                else:
                    role, eid = targets[(n + i) % len(targets)]
                    key = "msg-%d-%d" % (n, i)
                    path, token = "/api/v1/enquiries/%d/messages" % eid, t[role]
                    body = {"body": "durable %s" % key}
                    kind = "message"
                with lock:
                    attempted[key] = (kind, path, token, body)
                try:
                    r = s.post(path, token, body, headers={"Idempotency-Key": key}, timeout=5)
                except OSError:
                    return
                if r.status in (200, 201):
                    with lock:
                        acked.add((kind, key))
                elif r.status >= 500:
                    return

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for th in threads:
            th.start()
        time.sleep(0.8)
        s.kill()
        stop.set()
        for th in threads:
            th.join(timeout=30)
        print("acknowledged %d of %d writes before the kill" % (len(acked), len(attempted)))
        self.assertGreater(len(acked), 20, "too few writes before the kill to prove anything")
        self.assertLess(len(acked), len(attempted) + 1)

        # The file is consistent on its own, before the server touches it again.
        self.assertEqual(s.integrity_problems(), [])
        s.start()

        def message_rows(key):
            return s.sql("SELECT id FROM messages WHERE body = ?", "durable " + key)

        def order_rows(key):
            n, i = key.split("-")[1:]
            return s.sql("SELECT id FROM orders WHERE number = ?", "KP-DUR-%s-%s" % (n, i))

        for kind, key in acked:
            rows = message_rows(key) if kind == "message" else order_rows(key)
            self.assertEqual(len(rows), 1, "acknowledged %s %s: %d rows" % (kind, key, len(rows)))
        # Nothing half-written: every message has its audit event, every count adds up.
        orphans = s.sql("SELECT m.id FROM messages m WHERE NOT EXISTS (SELECT 1 FROM audit_events a"
                        " WHERE a.object_type = 'message' AND a.object_id = m.id)")
        self.assertEqual(orphans, [])
        self.assertEqual(s.derived_mismatches(), [])
        orphan_orders = s.sql("SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM"
                              " audit_events a WHERE a.object_type = 'order' AND a.object_id = o.id)")
        self.assertEqual(orphan_orders, [])
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

        # Retrying everything with the same keys never makes a second copy.
        replayed = 0
        for key, (kind, path, token, body) in sorted(attempted.items()):
            r = s.post(path, token, body, headers={"Idempotency-Key": key})
            self.assertIn(r.status, (200, 201), r)
            if (kind, key) in acked:
                self.assertEqual(r.header("Idempotent-Replayed"), "true", key)
                replayed += 1
            rows = message_rows(key) if kind == "message" else order_rows(key)
            self.assertEqual(len(rows), 1, "%s %s after retry: %d rows" % (kind, key, len(rows)))
        self.assertEqual(replayed, len(acked))


if __name__ == "__main__":
    unittest.main()
