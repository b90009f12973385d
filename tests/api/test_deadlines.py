"""The vendor's clock, over real HTTP with the test clock moved forward (never
a sleep): a vendor request answered in time takes no step; at its due time an
unanswered one becomes overdue and its enquiry is escalated; a late answer is
still taken; past the grace period it lapses and its enquiry goes to the
supervisors' queue.  Each step happens once however often the scheduler
runs, and `kapsule sla run --once` takes the same steps from the command
line, from two processes at once without doubling any, and killed mid-sweep
and run again without losing or doubling any (G5)."""
import time
import unittest

from clockcase import HOUR, ClockCase
from harness import ServerCase


class VendorClock(ServerCase, ClockCase, unittest.TestCase):

    def test_answered_in_time_takes_no_step(self):
        s = self.s
        eid, vid = self.request(hours=4)
        s.advance(self.t["admin"], 3 * HOUR)
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.fresh()["vendor"],
                   {"text": "Posted on Monday, tracking attached."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "answered")
        s.advance(self.t["admin"], 48 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "answered")
        self.assertEqual(self.steps(vid), [])
        q = self.enquiry(eid)
        self.assertFalse(q["escalated"])
        self.assertEqual((q["priority"], q["queue"], q["status"]), ("normal", "agents", "open"))

    def test_overdue_once_then_answered_late(self):
        s = self.s
        eid, vid = self.request(hours=2)
        s.advance(self.t["admin"], 1 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "open")  # not yet due
        s.advance(self.t["admin"], 1 * HOUR + 1000)
        rep = self.jobs()
        self.assertGreaterEqual(rep["overdue"], 1)
        self.assertEqual(self.state(vid), "overdue")
        q = self.enquiry(eid)
        self.assertTrue(q["escalated"])
        self.assertEqual((q["priority"], q["queue"], q["status"]),
                         ("high", "agents", "awaiting_vendor"))
        r = s.get("/api/v1/enquiries/%d" % eid, self.t["customer"])
        self.assertEqual(r.json()["status"], "open")  # awaiting_vendor shows as open (G1)
        self.assertNotIn("escalated", r.json())
        # Again and again: the step is taken once.
        for _ in range(3):
            self.jobs()
        self.assertEqual(self.steps(vid), ["overdue"])
        self.assertEqual(self.audits("vendor_request.overdue", vid), 1)
        self.assertEqual(self.enquiry(eid)["priority"], "high")
        # The vendor sees it overdue, and a late answer is taken.
        r = s.get("/api/v1/vendor-requests/%d" % vid, self.fresh()["vendor"])
        self.assertEqual(r.json()["state"], "overdue")
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.t["vendor"],
                   {"text": "Sorry, posted today."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "answered_late")
        self.assertEqual(self.enquiry(eid)["status"], "open")
        # Answered: the grace period passing takes no further step.
        s.advance(self.t["admin"], 30 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "answered_late")
        self.assertEqual(self.steps(vid), ["overdue"])

    def test_lapse_goes_to_supervisors_once(self):
        s = self.s
        eid, vid = self.request(hours=1)
        # Past the due time and the grace period (24 hours) at once: both steps in one run.
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        rep = self.jobs()
        self.assertGreaterEqual(rep["overdue"], 1)
        self.assertGreaterEqual(rep["lapsed"], 1)
        self.assertEqual(self.state(vid), "lapsed")
        self.assertEqual(self.steps(vid), ["lapse", "overdue"])
        q = self.enquiry(eid)
        self.assertTrue(q["escalated"])
        # Up a step for each: normal -> high -> urgent; no longer waiting on the vendor.
        self.assertEqual((q["priority"], q["queue"], q["status"]),
                         ("urgent", "supervisors", "open"))
        self.assertIsNone(q["vendor_due_at"])
        # The customer learns nothing of the vendor's lateness or of the escalation (G1).
        r = s.get("/api/v1/enquiries/%d" % eid, self.t["customer"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "open")
        for key in ("queue", "priority", "escalated", "vendor_due_at"):
            self.assertNotIn(key, r.json())
        for _ in range(3):
            self.jobs()
        self.assertEqual(self.steps(vid), ["lapse", "overdue"])
        self.assertEqual(self.audits("vendor_request.lapse", vid), 1)
        self.assertEqual(self.audits("vendor_request.overdue", vid), 1)
        escalations = s.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'enquiry.escalate'"
                            " AND object_type = 'enquiry' AND object_id = ?", eid)[0][0]
        self.assertEqual(escalations, 2)
        # A late answer is still taken and kept; the lapse stands.
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.fresh()["vendor"],
                   {"text": "Apologies, it went out this morning."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "answered_late")
        self.assertEqual(self.steps(vid), ["lapse", "overdue"])
        self.assertEqual(self.enquiry(eid)["queue"], "supervisors")
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_cancelled_takes_no_step(self):
        s = self.s
        _, vid = self.request(hours=1)
        r = s.post("/api/v1/vendor-requests/%d/cancel" % vid, self.t["agent"])
        self.assertEqual(r.status, 200, r)
        s.advance(self.t["admin"], 30 * HOUR)
        self.jobs()
        self.assertEqual(self.state(vid), "cancelled")
        self.assertEqual(self.steps(vid), [])

    def test_grace_hours_configurable(self):
        """The grace period comes from the configuration (vendor_grace_hours)."""
        _, template = self.request(hours=1)
        two_hours_ago = int(time.time() * 1000) - 2 * HOUR
        longer = self.copies(template, 3, two_hours_ago)
        self.sla("--vendor-grace-hours=3")  # due 2 hours ago, 3 hours' grace: overdue only
        self.assertEqual([self.state(v) for v in longer], ["overdue"] * 3)
        shorter = self.copies(template, 3, two_hours_ago)
        self.sla("--vendor-grace-hours=1")  # 1 hour's grace: lapsed at once
        self.assertEqual([self.state(v) for v in shorter], ["lapsed"] * 3)
        # The grace in force when a request became overdue set when it lapses.
        self.assertEqual([self.state(v) for v in longer], ["overdue"] * 3)
        self.assertIn("vendor_grace_hours", self.sla_refused("--vendor-grace-hours=999999"))

    def test_second_request_keeps_supervisors_queue(self):
        """A request of the enquiry lapsed; another one going overdue does not take it back."""
        s = self.s
        eid, first = self.request(hours=1)
        second = self.add_request(eid, "And the invoice?", 30)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual((self.state(first), self.state(second)), ("lapsed", "open"))
        q = self.enquiry(eid)
        self.assertEqual((q["queue"], q["status"]), ("supervisors", "awaiting_vendor"))
        s.advance(self.t["admin"], 6 * HOUR)
        self.jobs()
        self.assertEqual(self.state(second), "overdue")
        q = self.enquiry(eid)
        self.assertEqual((q["queue"], q["priority"]), ("supervisors", "urgent"))

    def test_no_answer_into_a_settled_enquiry(self):
        """A lapsed request's enquiry may be resolved and closed; then it takes no answer."""
        s = self.s
        eid, vid = self.request(hours=1)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.state(vid), "lapsed")
        r = s.post("/api/v1/enquiries/%d/status" % eid, self.fresh()["agent"],
                   {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        count = self.enquiry(eid)["message_count"]
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.t["vendor"],
                   {"text": "Posted now."})
        self.assertEqual(r.status, 409, r)
        self.assertIn("resolved", r.json()["error"]["message"])
        self.assertEqual(self.state(vid), "lapsed")
        self.assertEqual(self.enquiry(eid)["message_count"], count)

    def test_unscheduled_requests_get_a_step(self):
        """A pending request without a next step (made by an older program) is still stepped."""
        s = self.s
        _, template = self.request(hours=1)
        two_days_ago = int(time.time() * 1000) - 48 * HOUR
        ids = self.copies(template, 2, two_days_ago)
        s.change("UPDATE vendor_requests SET next_step_at = NULL WHERE id IN (?, ?)", *ids)
        self.sla()
        self.assertEqual([self.state(v) for v in ids], ["lapsed", "lapsed"])
        self.assertEqual([self.steps(v) for v in ids], [["lapse", "overdue"]] * 2)

    def test_sla_command_from_two_processes(self):
        """`kapsule sla run --once`, twice at the same time over the same due requests."""
        s = self.s
        _, template = self.request(hours=1)
        # Due long ago on the command's real clock; more than one claim's batch each.
        ids = self.copies(template, 1000, 1000)
        reps = self.sla_race()
        # Every request stepped to lapsed (overdue and lapse), each step by one process only.
        self.assertEqual(sum(r["lapsed"] for r in reps), len(ids), reps)
        self.assertEqual(sum(r["overdue"] for r in reps), len(ids), reps)
        first = min(ids)
        rows = s.sql("SELECT step, COUNT(*), COUNT(DISTINCT vendor_request_id)"
                     " FROM vendor_request_steps WHERE vendor_request_id >= ? GROUP BY step"
                     " ORDER BY step", first)
        self.assertEqual([tuple(r) for r in rows], [("lapse", 1000, 1000),
                                                    ("overdue", 1000, 1000)])
        audits = s.sql("SELECT action, COUNT(*) FROM audit_events WHERE object_type ="
                       " 'vendor_request' AND object_id >= ? GROUP BY action ORDER BY action",
                       first)
        self.assertEqual([tuple(r) for r in audits], [("vendor_request.lapse", 1000),
                                                      ("vendor_request.overdue", 1000)])
        self.assertEqual(set(self.state(v) for v in ids[:20]), {"lapsed"})
        # A third run finds nothing to do.
        rep = self.sla()
        self.assertEqual((rep["overdue"], rep["lapsed"]), (0, 0))

    def test_sla_killed_mid_sweep(self):
        """The command killed mid-sweep and run again: no step lost, none doubled."""
        s = self.s
        _, template = self.request(hours=1)
        total = 3000
        before = max(self.copies(template, total, 1000)) - total
        done = self.sla_killed(lambda: s.sql(
            "SELECT COUNT(*) FROM vendor_request_steps WHERE step = 'lapse'"
            " AND vendor_request_id > ?", before)[0][0])
        self.assertLess(done, total, "the sweep ended before it could be killed")
        # A minute later the killed process's claims have lapsed (here: at once).
        s.change("UPDATE vendor_requests SET claimed_until = 0 WHERE id > ?", before)
        rep = self.sla()
        self.assertEqual(rep["lapsed"], total - done)
        self.assertGreater(done, 0)
        rows = s.sql("SELECT step, COUNT(*), COUNT(DISTINCT vendor_request_id)"
                     " FROM vendor_request_steps WHERE vendor_request_id > ? GROUP BY step"
                     " ORDER BY step", before)
        self.assertEqual([tuple(r) for r in rows], [("lapse", total, total),
                                                    ("overdue", total, total)])
        states = s.sql("SELECT state, COUNT(*) FROM vendor_requests WHERE id > ?"
                       " GROUP BY state", before)
        self.assertEqual([tuple(r) for r in states], [("lapsed", total)])
        audits = s.sql("SELECT COUNT(*) FROM audit_events WHERE action = 'vendor_request.lapse'"
                       " AND object_type = 'vendor_request' AND object_id > ?", before)[0][0]
        self.assertEqual(audits, total)
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
