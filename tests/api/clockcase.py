"""Helpers for tests of the clocks: a fresh order, enquiry and vendor request
through the API; many of them at once straight into the store; the scheduler
run through the test hook or as `kapsule sla run --once`; what the store
recorded of the steps."""
import json
import subprocess
import time
import uuid

import harness

HOUR = 3600000


class ClockCase:
    """Mixin for ServerCase tests of the vendor's clock."""

    def fresh(self):
        """Tokens again (sessions last 12 hours of the moved clock)."""
        s = self.s
        self.t = dict(self.t, customer=s.login(harness.CUSTOMER), admin=s.login(harness.ADMIN),
                      agent=s.login(harness.AGENT), vendor=s.login(harness.VENDOR),
                      vendor_b=s.login(harness.VENDOR_B), vendor2=s.login(harness.VENDOR2))
        return self.t

    def request(self, hours=1, category="product_question", amount=1500):
        """A new order, its enquiry (not refunded automatically unless the category says so)
        and a vendor request due in `hours`: (enquiry id, request id)."""
        t = self.fresh()
        eid = self.s.open_enquiry(t, category=category, amount=amount)
        return eid, self.add_request(eid, "Has it been posted?", hours)

    def add_request(self, eid, question, hours):
        """Another vendor request on enquiry eid, due in `hours`: its id."""
        r = self.s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.t["agent"],
                        {"question": question, "due_in_hours": hours})
        assert r.status == 201, r
        return r.json()["id"]

    def jobs(self):
        """One scheduler run on the server's (test) clock: its report."""
        r = self.s.post("/api/v1/_test/jobs", self.fresh()["admin"])
        assert r.status == 200, r
        return r.json()

    def state(self, vid):
        return self.s.sql("SELECT state FROM vendor_requests WHERE id = ?", vid)[0][0]

    def steps(self, vid):
        return sorted(step for (step,) in self.s.sql(
            "SELECT step FROM vendor_request_steps WHERE vendor_request_id = ?", vid))

    def audits(self, action, vid, object_type="vendor_request"):
        return self.s.sql("SELECT COUNT(*) FROM audit_events WHERE action = ? AND object_id = ?"
                          " AND object_type = ?", action, vid, object_type)[0][0]

    def enquiry(self, eid):
        r = self.s.get("/api/v1/enquiries/%d" % eid, self.fresh()["agent"])
        assert r.status == 200, r
        return r.json()

    def copies(self, template, total, due):
        """total copies of request template (on its enquiry), due at `due` (ms); their ids."""
        s = self.s
        before = s.sql("SELECT COALESCE(MAX(id), 0) FROM vendor_requests")[0][0]
        s.change("INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state,"
                 " due_at, created_by, created_at, next_step_at)"
                 " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                 " SELECT r.enquiry_id, r.vendor_id, r.question, r.evidence, 'open', ?,"
                 " r.created_by, r.created_at, ? FROM n, vendor_requests r WHERE r.id = ?",
                 total, due, due, template)
        ids = [i for (i,) in s.sql("SELECT id FROM vendor_requests WHERE id > ?", before)]
        assert len(ids) == total
        return ids

    def bulk(self, total, due, created, category="not_received", amount=1500):
        """total new orders, each with an enquiry awaiting one vendor request made at
        `created` and due at `due` (ms) with no next step set (the scheduler works it out),
        straight into the store; the requests' ids."""
        s = self.s
        _, template = self.request(hours=1)
        order, enquiry = s.sql("SELECT e.order_id, e.id FROM vendor_requests r JOIN enquiries e"
                               " ON e.id = r.enquiry_id WHERE r.id = ?", template)[0]
        tag = "KP-BULK-%s-" % uuid.uuid4().hex[:8]
        s.change("INSERT INTO orders (number, customer_id, vendor_id, items, amount, currency,"
                 " note, placed_at, created_at)"
                 " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                 " SELECT ? || CAST(i AS TEXT), o.customer_id, o.vendor_id, o.items, ?,"
                 " o.currency, '', o.placed_at, o.created_at FROM n, orders o WHERE o.id = ?",
                 total, tag, amount, order)
        s.change("INSERT INTO enquiries (order_id, customer_id, vendor_id, order_number,"
                 " shop_name, customer_name, category, subject, status, active, created_at,"
                 " updated_at, last_message_at)"
                 " SELECT o.id, o.customer_id, o.vendor_id, o.number, e.shop_name,"
                 " e.customer_name, ?, e.subject, 'awaiting_vendor', 1, ?, ?, ?"
                 " FROM orders o, enquiries e WHERE o.number LIKE ? AND e.id = ?",
                 category, created, created, created, tag + "%", enquiry)
        before = s.sql("SELECT COALESCE(MAX(id), 0) FROM vendor_requests")[0][0]
        s.change("INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state,"
                 " due_at, created_by, created_at)"
                 " SELECT e.id, e.vendor_id, r.question, r.evidence, 'open', ?, r.created_by, ?"
                 " FROM enquiries e, vendor_requests r WHERE e.order_number LIKE ? AND r.id = ?",
                 due, created, tag + "%", template)
        s.change("UPDATE enquiries SET due_at = ? WHERE order_number LIKE ?", due, tag + "%")
        ids = [i for (i,) in s.sql("SELECT id FROM vendor_requests WHERE id > ? ORDER BY id",
                                   before)]
        assert len(ids) == total, len(ids)
        return ids

    def sla(self, *flags):
        """`kapsule sla run --once` (on the real clock): its report."""
        p = subprocess.run([harness.BIN, "sla", "run", "--once", "--db=" + self.s.db, *flags],
                           cwd=self.s.dir, env=self.s.env, capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, p.stdout + p.stderr
        return json.loads(p.stdout.strip().splitlines()[-1])

    def sla_refused(self, *flags):
        """`kapsule sla run --once` with bad flags: refused with exit 2; its message."""
        p = subprocess.run([harness.BIN, "sla", "run", "--once", "--db=" + self.s.db, *flags],
                           cwd=self.s.dir, env=self.s.env, capture_output=True, text=True,
                           timeout=60)
        assert p.returncode == 2, (flags, p.returncode, p.stdout + p.stderr)
        return p.stderr

    def sla_race(self, *flags):
        """Two `kapsule sla run --once` at the same time: their reports."""
        argv = [harness.BIN, "sla", "run", "--once", "--db=" + self.s.db, *flags]
        procs = [subprocess.Popen(argv, cwd=self.s.dir, env=self.s.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0, out + err
        return [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]

    def sla_killed(self, done):
        """`kapsule sla run --once` killed by SIGKILL once done() (a count of the
        work it did) reaches 20, before it ends; done() after the kill."""
        p = subprocess.Popen([harness.BIN, "sla", "run", "--once", "--db=" + self.s.db],
                             cwd=self.s.dir, env=self.s.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        for _ in range(2000):  # at most 20 s
            if done() >= 20 or p.poll() is not None:
                break
            time.sleep(0.01)
        p.kill()
        p.communicate(timeout=60)
        return done()


def now_ms():
    return int(time.time() * 1000)
