"""The operator's clock, over real HTTP with the test clock moved forward: an
enquiry owes its first reply within first_reply_hours and later ones within
next_reply_hours of the customer's message; the clock stops while the
enquiry waits on the vendor or the customer and goes on, with the time that
was left, when it is open again; a late reply is counted and audited; the
queue sorts by it and says what is about to be late; customers see none of
it."""
import datetime
import unittest

from clockcase import HOUR, ClockCase
from harness import ServerCase

MINUTE = 60000


def later(text, plus_ms):
    """An RFC 3339 time plus plus_ms, to the second."""
    t = datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    return (t + datetime.timedelta(milliseconds=plus_ms)).strftime("%Y-%m-%dT%H:%M:%S")


class ReplyClock(ServerCase, ClockCase, unittest.TestCase):

    def open_enquiry(self):
        return self.s.open_enquiry(self.fresh(), subject="Size?", message="How big is it?",
                                   amount=900)

    def reply(self, eid):
        return self.enquiry(eid)["reply"]

    def assertDueIn(self, rep, ms):
        """The reply is due ms from the server's clock now, to the minute (real time
        passes between the step and this check)."""
        def parse(text):
            return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
        gap = parse(rep["due_at"]) - parse(later(self.now(), ms))
        self.assertLessEqual(abs(gap.total_seconds()), 60, (rep["due_at"], ms))

    def now(self):
        r = self.s.post("/api/v1/_test/clock", self.fresh()["admin"], {"advance_ms": 0})
        return r.json()["now"]

    def agent_says(self, eid, body="Here is the answer."):
        r = self.s.post("/api/v1/enquiries/%d/messages" % eid, self.fresh()["agent"],
                        {"body": body, "audience": "customer"})
        self.assertEqual(r.status, 201, r)

    def customer_says(self, eid, body="Thanks, one more thing."):
        r = self.s.post("/api/v1/enquiries/%d/messages" % eid, self.fresh()["customer"],
                        {"body": body})
        self.assertEqual(r.status, 201, r)

    def test_first_reply_in_time(self):
        s = self.s
        eid = self.open_enquiry()
        q = self.enquiry(eid)
        self.assertEqual(q["reply"]["state"], "due")
        self.assertEqual(q["reply"]["due_at"][:13],
                         later(q["created_at"], 4 * HOUR)[:13])  # four hours on
        s.advance(self.t["admin"], 3 * HOUR + 30 * MINUTE)
        self.assertEqual(self.reply(eid)["state"], "soon")
        self.agent_says(eid)
        q = self.enquiry(eid)
        self.assertEqual((q["reply"]["state"], q["reply"]["due_at"]), ("none", None))
        self.assertEqual(q["reply_breaches"], 0)
        self.assertIsNotNone(q["first_reply_at"])
        # The customer writes again: the next reply is owed within eight hours.
        self.customer_says(eid)
        self.assertEqual(self.reply(eid)["state"], "due")
        s.advance(self.t["admin"], 7 * HOUR + 1000)
        self.assertEqual(self.reply(eid)["state"], "soon")
        # An internal note is no reply.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.fresh()["agent"],
                   {"body": "Checking the size chart.", "audience": "internal"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.reply(eid)["state"], "soon")
        # Customers see none of it.
        r = s.get("/api/v1/enquiries/%d" % eid, self.fresh()["customer"])
        for key in ("reply", "reply_breaches", "first_reply_at"):
            self.assertNotIn(key, r.json())

    def test_clock_stops_while_waiting_on_the_vendor(self):
        s = self.s
        eid = self.open_enquiry()
        s.advance(self.t["admin"], HOUR)  # three hours left
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.fresh()["agent"],
                   {"question": "What size is it?", "due_in_hours": 24})
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        rep = self.reply(eid)
        self.assertEqual((rep["state"], rep["due_at"]), ("paused", None))
        self.assertAlmostEqual(rep["left_ms"], 3 * HOUR, delta=MINUTE)
        s.advance(self.t["admin"], 20 * HOUR)  # the vendor takes its time: no matter
        self.assertEqual(self.reply(eid)["state"], "paused")
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.fresh()["vendor"],
                   {"text": "It is 10 cm tall."})
        self.assertEqual(r.status, 200, r)
        # Open again: the three hours that were left run from now.
        rep = self.reply(eid)
        self.assertEqual(rep["state"], "due")
        self.assertDueIn(rep, 3 * HOUR)
        # It waits on the customer too, when an agent says so.
        r = s.post("/api/v1/enquiries/%d/status" % eid, self.fresh()["agent"],
                   {"status": "awaiting_customer"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.reply(eid)["state"], "paused")
        s.advance(self.t["admin"], 30 * HOUR)
        self.customer_says(eid, "Still here.")
        rep = self.reply(eid)
        self.assertEqual(rep["state"], "due")
        self.assertDueIn(rep, 3 * HOUR)

    def test_late_reply_is_counted_and_the_queue_shows_it(self):
        s = self.s
        late = self.open_enquiry()
        s.advance(self.t["admin"], 2 * HOUR)
        fresh = self.open_enquiry()
        s.advance(self.t["admin"], 2 * HOUR + MINUTE)  # the first is late, the second not
        self.assertEqual(self.reply(late)["state"], "late")
        self.assertEqual(self.reply(fresh)["state"], "due")
        # The queue by the operator's clock: the late one first, each with its state.
        r = s.get("/api/v1/enquiries?sort=reply&limit=100", self.fresh()["agent"])
        self.assertEqual(r.status, 200, r)
        rows = [x for x in r.json()["items"] if x["id"] in (late, fresh)]
        self.assertEqual([x["id"] for x in rows], [late, fresh])
        self.assertEqual([x["reply"]["state"] for x in rows], ["late", "due"])
        dues = [x["reply"]["due_at"] for x in r.json()["items"] if x["reply"]["due_at"]]
        self.assertEqual(dues, sorted(dues))
        # Paging by the same order gives the same rows.
        seen, cursor = [], None
        for _ in range(200):
            q = "/api/v1/enquiries?sort=reply&limit=2" + ("&cursor=" + cursor if cursor else "")
            page = s.get(q, self.t["agent"]).json()
            seen += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, [x["id"] for x in r.json()["items"]])
        r = s.get("/api/v1/enquiries?sort=soonest", self.t["agent"])
        self.assertEqual((r.status, r.json()["error"]["field"]), (400, "sort"))
        # The late reply: counted, and in the audit log.
        self.agent_says(late)
        q = self.enquiry(late)
        self.assertEqual((q["reply"]["state"], q["reply_breaches"]), ("none", 1))
        self.assertEqual(self.audits("enquiry.reply_late", late, "enquiry"), 1)
        self.agent_says(fresh)
        self.assertEqual(self.enquiry(fresh)["reply_breaches"], 0)
        self.assertEqual(self.audits("enquiry.reply_late", fresh, "enquiry"), 0)

    def test_settled_enquiries_owe_nothing_and_reopening_owes_again(self):
        s = self.s
        eid = self.open_enquiry()
        r = s.post("/api/v1/enquiries/%d/status" % eid, self.fresh()["agent"],
                   {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.reply(eid)["state"], "none")
        r = s.post("/api/v1/enquiries/%d/reopen" % eid, self.fresh()["customer"])
        self.assertEqual(r.status, 200, r)
        rep = self.reply(eid)
        self.assertEqual(rep["state"], "due")
        # Nobody had answered: the first reply's four hours.
        self.assertDueIn(rep, 4 * HOUR)

    def test_reply_hours_configurable(self):
        self.assertIn("first_reply_hours", self.sla_refused("--first-reply-hours=0"))
        self.assertIn("next_reply_hours", self.sla_refused("--next-reply-hours=x"))


class ReplyClockHours(ServerCase, ClockCase, unittest.TestCase):
    server_args = ("--first-reply-hours=1", "--next-reply-hours=2")

    def test_configured_hours(self):
        s = self.s
        eid = ReplyClock.open_enquiry(self)
        s.advance(self.t["admin"], HOUR + MINUTE)
        self.assertEqual(self.enquiry(eid)["reply"]["state"], "late")
        ReplyClock.agent_says(self, eid)
        ReplyClock.customer_says(self, eid)
        s.advance(self.t["admin"], HOUR + MINUTE)
        self.assertEqual(self.enquiry(eid)["reply"]["state"], "soon")
        s.advance(self.t["admin"], HOUR)
        self.assertEqual(self.enquiry(eid)["reply"]["state"], "late")


if __name__ == "__main__":
    unittest.main()
