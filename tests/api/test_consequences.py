"""What the vendor's clock does besides changing states, over real HTTP with
the test clock moved forward and a real SMTP server on loopback: reminders
to the vendor before the due time, each once; a lapse that refunds the order
automatically (refund record, the customer's reply from the template, the
enquiry resolved) or, outside the policy, goes to the supervisors; the
notifications of each step in the portals (unread counts, marking read) and
by e-mail to the right people without the other party's contact details,
tried again when the relay refuses.  Two schedulers racing over the same
1,000 requests, and one killed mid-sweep, take each step, refund and
notification exactly once (G5)."""
import re
import unittest

import harness
from clockcase import HOUR, ClockCase, now_ms
from harness import ServerCase
from smtp_sink import SmtpSink

VENDOR_KINDS = {"vendor_request.new", "vendor_request.reminder", "vendor_request.overdue",
                "vendor_request.lapsed"}


class Consequences(ServerCase, ClockCase, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink()
        cls.server_args = ("--smtp-url=" + cls.sink.url,)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.sink.close()

    def setUp(self):
        self.jobs()  # what earlier tests left due is done and sent
        self.sink.take()
        self.sink.refuse(0)
        self.sink.reject(0)

    def notes(self, role, **query):
        """(unread count, items) of role's notifications."""
        qs = "&".join("%s=%s" % kv for kv in query.items())
        r = self.s.get("/api/v1/notifications" + ("?" + qs if qs else ""), self.fresh()[role])
        self.assertEqual(r.status, 200, r)
        return r.json()["unread"], r.json()["items"]

    def notified(self, kind, object_type, object_id):
        """How many notifications of kind about the object exist, for anyone."""
        return self.s.sql("SELECT COUNT(*) FROM notifications WHERE kind = ? AND object_type = ?"
                          " AND object_id = ?", kind, object_type, object_id)[0][0]

    def vendor_users(self):
        return sorted(e for (e,) in self.s.sql(
            "SELECT u.email FROM users u JOIN vendors v ON v.id = u.vendor_id"
            " WHERE v.ref = 'V-NORTHWIND'"))

    # ---- reminders ----

    def test_reminders_at_their_times_and_once(self):
        s = self.s
        _, vid = self.request(hours=24)
        s.advance(self.t["admin"], 12 * HOUR - 60000)  # a minute before the first reminder
        self.jobs()
        self.assertEqual(self.steps(vid), [])
        s.advance(self.t["admin"], 60000 + 1000)
        rep = self.jobs()
        self.assertGreaterEqual(rep["reminded"], 1)
        self.assertEqual(self.steps(vid), ["reminder_12h"])
        self.assertEqual(self.state(vid), "open")
        for _ in range(3):
            self.jobs()
        self.assertEqual(self.steps(vid), ["reminder_12h"])
        # Both users of the vendor, once each.
        self.assertEqual(self.notified("vendor_request.reminder", "vendor_request", vid), 2)
        s.advance(self.t["admin"], 10 * HOUR)  # 22 hours in: the second reminder
        self.jobs()
        self.jobs()
        self.assertEqual(self.steps(vid), ["reminder_12h", "reminder_2h"])
        self.assertEqual(self.audits("vendor_request.reminder", vid), 2)
        self.assertEqual(self.notified("vendor_request.reminder", "vendor_request", vid), 4)
        _, items = self.notes("vendor")
        mine = [n for n in items if n["object_id"] == vid and n["kind"].endswith("reminder")]
        self.assertEqual(len(mine), 2)
        self.assertIn("due in 2 hours", mine[0]["body"])
        self.assertIn("due in 12 hours", mine[1]["body"])
        self.assertEqual(mine[0]["link"], "/vendor/requests/%d" % vid)
        # At the due time: overdue, and the vendor told of it; no more reminders.
        s.advance(self.t["admin"], 2 * HOUR)
        self.jobs()
        self.assertEqual(self.steps(vid), ["overdue", "reminder_12h", "reminder_2h"])
        self.assertEqual(self.notified("vendor_request.overdue", "vendor_request", vid), 2)
        # Every reminder went out by e-mail to both users too.
        mails = [m for m in self.sink.take()
                 if "Reminder" in m.headers().get("subject", "")]
        self.assertEqual(sorted(r for m in mails for r in m.recipients),
                         sorted(self.vendor_users() * 2))

    def test_reminders_before_the_request_are_not_sent(self):
        """A request due in an hour gets no reminder (both times came before it was made)."""
        s = self.s
        _, vid = self.request(hours=1)
        s.advance(self.t["admin"], 30 * 60000)
        self.jobs()
        s.advance(self.t["admin"], 31 * 60000)
        self.jobs()
        self.assertEqual(self.steps(vid), ["overdue"])
        # Due in 5 hours: the 2-hour reminder only.
        _, vid = self.request(hours=5)
        s.advance(self.t["admin"], 3 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.steps(vid), ["reminder_2h"])

    def test_missed_reminders_send_only_the_latest(self):
        """The scheduler stopped past both reminder times: only the later one is sent."""
        s = self.s
        _, vid = self.request(hours=30)
        s.advance(self.t["admin"], 29 * HOUR)
        self.jobs()
        self.assertEqual(self.steps(vid), ["reminder_2h"])
        self.assertEqual(self.notified("vendor_request.reminder", "vendor_request", vid), 2)

    def test_reminder_hours_configurable(self):
        """vendor_reminder_hours sets the reminders; bad values stop the program."""
        now = now_ms()
        ids = self.bulk(2, due=now + 2 * HOUR + 60000, created=now - 5 * HOUR)
        rep = self.sla("--vendor-reminder-hours=4, 3")
        self.assertEqual(rep["reminded"], 2)
        self.assertEqual([self.steps(v) for v in ids], [["reminder_3h"]] * 2)
        # A reminder is known by its hours: dropping the 12-hour one from the list later
        # neither skips the 2-hour one nor sends a reminder twice.
        ids = self.bulk(1, due=now + 11 * HOUR, created=now - 2 * HOUR)
        self.assertEqual(self.sla()["reminded"], 1)
        self.assertEqual(self.steps(ids[0]), ["reminder_12h"])
        self.s.change("UPDATE vendor_requests SET due_at = ?, next_step_at = ? WHERE id = ?",
                      now + HOUR, now, ids[0])
        self.assertEqual(self.sla("--vendor-reminder-hours=2")["reminded"], 1)
        self.assertEqual(self.steps(ids[0]), ["reminder_12h", "reminder_2h"])
        self.assertEqual(self.sla("--vendor-reminder-hours=2")["reminded"], 0)
        ids = self.bulk(1, due=now + 2 * HOUR, created=now - 5 * HOUR)
        self.assertEqual(self.sla("--vendor-reminder-hours=")["reminded"], 0)
        self.assertEqual(self.steps(ids[0]), [])
        for bad in ("12,12", "0", "1,2,3,4,5", "12,,2", "x", "337"):
            self.assertIn("vendor_reminder_hours",
                          self.sla_refused("--vendor-reminder-hours=" + bad))
        for bad in ("bogus", "damaged,damaged", "damaged;other"):
            self.assertIn("refund_categories", self.sla_refused("--refund-categories=" + bad))

    # ---- lapses: a refund, or the supervisors ----

    def test_lapse_refunds_automatically(self):
        s = self.s
        eid, vid = self.request(hours=1, category="not_received", amount=1500)
        other = self.add_request(eid, "And the tracking number?", 100)
        number = s.sql("SELECT order_number FROM enquiries WHERE id = ?", eid)[0][0]
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        rep = self.jobs()
        self.assertGreaterEqual(rep["refunded"], 1)
        self.assertEqual(self.state(vid), "lapsed")
        # The refund: the whole order, charged to the vendor, once.
        rows = s.sql("SELECT kind, amount, currency, charged_to, vendor_request_id FROM refunds"
                     " WHERE enquiry_id = ?", eid)
        self.assertEqual([tuple(x) for x in rows], [("automatic", 1500, "GBP", "vendor", vid)])
        self.assertEqual(self.audits("refund.create", s.sql(
            "SELECT id FROM refunds WHERE enquiry_id = ?", eid)[0][0], "refund"), 1)
        # The other pending request is moot: cancelled, with the reason recorded.
        self.assertEqual(self.state(other), "cancelled")
        reason = s.sql("SELECT summary FROM audit_events WHERE action = 'vendor_request.cancel'"
                       " AND object_id = ?", other)[0][0]
        self.assertIn("refunded", reason)
        # The enquiry is resolved, in no supervisor's queue.
        q = self.enquiry(eid)
        self.assertEqual((q["status"], q["queue"]), ("resolved", "agents"))
        # The customer reads the operator's reply, from the template, and was told of it.
        r = s.get("/api/v1/enquiries/%d" % eid, self.t["customer"])
        self.assertEqual(r.json()["status"], "resolved")
        thread = r.json()["messages"]
        reply = thread[-1]
        self.assertEqual(reply["author_role"], "operator")
        self.assertIn("15.00 GBP", reply["body"])
        self.assertNotIn("shop", reply["body"].lower())  # nothing of the vendor (G1)
        # Its author, the program's own user, was made once, in the audit log (G8).
        self.assertEqual(s.sql("SELECT COUNT(*) FROM audit_events a JOIN users u ON"
                               " u.id = a.object_id WHERE a.action = 'user.create'"
                               " AND a.object_type = 'user' AND u.email = ''")[0][0], 1)
        self.assertIn(number, reply["body"])
        self.assertNotIn("Has it been posted", " ".join(m["body"] for m in thread))
        self.assertEqual(self.notified("refund", "enquiry", eid), 1)
        _, items = self.notes("customer")
        kinds = {n["kind"] for n in items}
        self.assertIn("refund", kinds)
        self.assertFalse(kinds & VENDOR_KINDS, kinds)  # never of vendor activity (G1)
        # The vendor is told of the lapse and the charge.
        lapsed = [n for n in self.notes("vendor")[1]
                  if n["object_id"] == vid and n["kind"] == "vendor_request.lapsed"]
        self.assertEqual(len(lapsed), 1)
        self.assertIn("refunded", lapsed[0]["body"])
        # Once, however often the scheduler runs.
        for _ in range(3):
            self.assertEqual(self.jobs()["refunded"], 0)
        self.assertEqual(s.sql("SELECT COUNT(*) FROM refunds WHERE enquiry_id = ?", eid)[0][0], 1)
        # The marketplace's back end reads it to pay it out; the vendor reads its own.
        r = s.get("/api/v1/refunds?limit=100", self.t["integration"])
        self.assertEqual(r.status, 200, r)
        mine = [x for x in r.json()["items"] if x["vendor_request_id"] == vid]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["amount"], mine[0]["order_number"]), (1500, number))
        r = s.get("/api/v1/refunds?limit=100", self.t["vendor"])
        self.assertIn(vid, [x["vendor_request_id"] for x in r.json()["items"]])
        self.assertNotIn("enquiry_id", r.json()["items"][0])
        r = s.get("/api/v1/refunds?limit=100", self.t["vendor2"])
        self.assertNotIn(vid, [x["vendor_request_id"] for x in r.json()["items"]])
        r = s.get("/api/v1/refunds", self.t["customer"])
        self.assertEqual(r.status, 403, r)
        # A late answer into the resolved enquiry is refused.
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.t["vendor"],
                   {"text": "Sorry, it went out today."})
        self.assertEqual(r.status, 409, r)
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_two_requests_of_one_enquiry_lapse_together(self):
        """Stepped in one batch: the first's refund cancels the second, which then takes no step."""
        s = self.s
        eid, first = self.request(hours=1, category="damaged", amount=700)
        second = self.add_request(eid, "And the packing?", 1)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual((self.state(first), self.state(second)), ("lapsed", "cancelled"))
        self.assertEqual(s.sql("SELECT COUNT(*) FROM refunds WHERE enquiry_id = ?", eid)[0][0], 1)
        self.assertEqual(self.steps(second), [])
        self.assertEqual(s.sql("SELECT COUNT(*) FROM vendor_points WHERE source_type ="
                               " 'vendor_request' AND source_id IN (?, ?)", first, second)[0][0], 1)
        q = self.enquiry(eid)
        self.assertEqual((q["status"], q["queue"]), ("resolved", "agents"))
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_lapse_over_the_limit_goes_to_supervisors(self):
        s = self.s
        eid, vid = self.request(hours=1, category="not_received", amount=25000)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.state(vid), "lapsed")
        self.assertEqual(s.sql("SELECT COUNT(*) FROM refunds WHERE enquiry_id = ?", eid)[0][0], 0)
        q = self.enquiry(eid)
        self.assertEqual((q["status"], q["queue"], q["priority"]), ("open", "supervisors", "urgent"))
        lapsed = [n for n in self.notes("vendor")[1]
                  if n["object_id"] == vid and n["kind"] == "vendor_request.lapsed"]
        self.assertIn("supervisor", lapsed[0]["body"])
        self.assertEqual(self.notified("refund", "enquiry", eid), 0)

    def test_an_order_is_refunded_once(self):
        """The customer reopens a refunded enquiry; a second lapse goes to the supervisors."""
        s = self.s
        eid, vid = self.request(hours=1, category="damaged", amount=900)
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.enquiry(eid)["status"], "resolved")
        r = s.post("/api/v1/enquiries/%d/reopen" % eid, self.fresh()["customer"])
        self.assertEqual(r.status, 200, r)
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.t["agent"],
                   {"question": "Photos of the packing, please.", "due_in_hours": 1})
        self.assertEqual(r.status, 201, r)
        second = r.json()["id"]
        s.advance(self.t["admin"], 25 * HOUR + 1000)
        self.jobs()
        self.assertEqual(self.state(second), "lapsed")
        self.assertEqual(s.sql("SELECT COUNT(*) FROM refunds WHERE enquiry_id = ?", eid)[0][0], 1)
        self.assertEqual(self.enquiry(eid)["queue"], "supervisors")

    # ---- notifications in the portal ----

    def test_notifications_read_and_unread(self):
        s = self.s
        eid, vid = self.request(hours=24)
        agent2 = s.sql("SELECT id FROM users WHERE email = ?", harness.AGENT2)[0][0]
        r = s.post("/api/v1/enquiries/%d/assign" % eid, self.t["agent"], {"assignee_id": agent2})
        self.assertEqual(r.status, 200, r)
        unread, items = self.notes("vendor")
        self.assertGreaterEqual(unread, 1)
        new = [n for n in items if n["object_id"] == vid]
        self.assertEqual([n["kind"] for n in new], ["vendor_request.new"])
        self.assertIsNone(new[0]["read_at"])
        self.assertNotIn("Jane", new[0]["body"] + new[0]["subject"])  # no customer (G2)
        # Only unread ones, and paging.
        u2, only = self.notes("vendor", unread="true", limit=1)
        self.assertEqual((u2, len(only)), (unread, 1))
        r = s.get("/api/v1/notifications?unread=maybe", self.t["vendor"])
        self.assertEqual((r.status, r.json()["error"]["field"]), (400, "unread"))
        # Marking one read: the count goes down; again is fine.
        r = s.post("/api/v1/notifications/%d/read" % new[0]["id"], self.t["vendor"])
        self.assertEqual(r.status, 200, r)
        self.assertIsNotNone(r.json()["read_at"])
        self.assertEqual(self.notes("vendor")[0], unread - 1)
        r = s.post("/api/v1/notifications/%d/read" % new[0]["id"], self.t["vendor"])
        self.assertEqual(r.status, 200, r)
        # Each user has their own: the other vendor user's copy is still unread,
        # and someone else's id is not found.
        theirs = [n for n in self.notes("vendor_b")[1] if n["object_id"] == vid]
        self.assertIsNone(theirs[0]["read_at"])
        for role in ("customer", "vendor2", "agent"):
            r = s.post("/api/v1/notifications/%d/read" % theirs[0]["id"], self.t[role])
            self.assertEqual(r.status, 404, (role, r))
        self.assertIsNone([n for n in self.notes("vendor_b")[1]
                           if n["id"] == theirs[0]["id"]][0]["read_at"])
        # All read up to an id.
        top = self.notes("vendor_b")[1][0]["id"]
        r = s.post("/api/v1/notifications/read", self.t["vendor_b"], {"up_to": top})
        self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(r.json()["marked"], 1)
        self.assertEqual(self.notes("vendor_b")[0], 0)
        # Read by its owner, it is still no one else's to read.
        for role in ("customer", "vendor2", "agent", "vendor"):
            r = s.post("/api/v1/notifications/%d/read" % theirs[0]["id"], self.t[role])
            self.assertEqual(r.status, 404, (role, r))
            self.assertNotIn("request", r.body.decode())
        for body in ({}, {"up_to": 0}, {"up_to": "7"}, {"up_to": 1, "more": 1}):
            r = s.post("/api/v1/notifications/read", self.t["vendor_b"], body)
            self.assertEqual(r.status, 400, (body, r))
        r = s.get("/api/v1/notifications")
        self.assertEqual(r.status, 401, r)
        # The vendor answers: the agent who asked is told, without the vendor's words.
        r = s.post("/api/v1/vendor-requests/%d/answer" % vid, self.t["vendor"],
                   {"text": "Posted yesterday, tracking NW123."})
        self.assertEqual(r.status, 200, r)
        told = [n for n in self.notes("agent")[1]
                if n["object_id"] == vid and n["kind"] == "vendor_request.answered"]
        self.assertEqual(len(told), 1)
        # The enquiry's assignee, someone else, is told too.
        self.assertEqual(self.notified("vendor_request.answered", "vendor_request", vid), 2)
        self.assertNotIn("NW123", told[0]["body"])
        self.assertEqual(told[0]["link"], "/desk/enquiries/%d" % eid)
        # The agent replies: the customer is told; never of the vendor's activity.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "Your parcel is on its way.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "Internal: vendor was quick.", "audience": "internal"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.notified("enquiry.reply", "enquiry", eid), 1)
        kinds = {n["kind"] for n in self.notes("customer", limit=100)[1]}
        self.assertIn("enquiry.reply", kinds)
        self.assertFalse(kinds & (VENDOR_KINDS | {"vendor_request.answered"}), kinds)

    # ---- e-mail ----

    def test_email_to_the_right_people_without_contact_details(self):
        s = self.s
        eid, vid = self.request(hours=24)
        rep = self.jobs()
        self.assertGreaterEqual(rep["mailed"], 2)
        mails = [m for m in self.sink.take() if "/vendor/requests/%d\r\n" % vid in
                 m.data.decode("utf-8")]
        self.assertEqual(sorted(r for m in mails for r in m.recipients), self.vendor_users())
        customer = s.sql("SELECT u.email, c.first_name, c.last_name, c.phone, c.address"
                         " FROM customers c JOIN users u ON u.id = c.user_id"
                         " WHERE c.ref = 'C-1001'")[0]
        for m in mails:
            h = m.headers()
            self.assertEqual(m.sender, "support@kapsule.co.uk")
            self.assertIn("support@kapsule.co.uk", h["from"])
            self.assertIn("New request about order", h["subject"])
            self.assertEqual(h["content-type"], "text/plain; charset=UTF-8")
            self.assertRegex(h["message-id"], r"^<mail-\d+@kapsule\.co\.uk>$")
            text = m.data.decode("utf-8")
            self.assertIn("http://127.0.0.1:8080/vendor/requests/%d" % vid, text)
            for detail in customer:
                if detail:
                    self.assertNotIn(detail, text)  # G2: nothing of the customer's
        # The customer is e-mailed of the operator's reply, with nothing of the vendor's.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "We are on it.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        self.jobs()
        mails = self.sink.take()
        self.assertEqual([m.recipients for m in mails], [[customer[0]]])
        vendor = s.sql("SELECT contact_email, contact_phone, website FROM vendors"
                       " WHERE ref = 'V-NORTHWIND'")[0]
        text = mails[0].data.decode("utf-8")
        self.assertIn("/help/enquiries/%d" % eid, text)
        for detail in vendor:
            if detail:
                self.assertNotIn(detail, text)
        self.assertNotIn("We are on it", text)  # a link, not the words

    def test_email_tried_again_when_refused(self):
        s = self.s
        eid, _ = self.request(hours=24)
        self.jobs()
        self.sink.take()
        self.sink.refuse(1)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "Checking with the shop.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        rep = self.jobs()
        self.assertEqual((rep["mailed"], rep["mail_retries"]), (0, 1), rep)
        row = s.sql("SELECT m.id, m.state, m.attempts, m.last_error FROM mail_outbox m"
                    " JOIN notifications n ON n.id = m.notification_id"
                    " WHERE n.kind = 'enquiry.reply' AND n.object_id = ?", eid)
        self.assertEqual(len(row), 1)
        mid, state, attempts, error = row[0]
        self.assertEqual((state, attempts), ("pending", 1))
        self.assertIn("451", error)
        # Not before its back-off (a minute) has passed.
        self.assertEqual(self.jobs()["mailed"], 0)
        s.advance(self.t["admin"], 61000)
        self.assertEqual(self.jobs()["mailed"], 1)
        mails = self.sink.take()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails[0].headers()["message-id"], "<mail-%d@kapsule.co.uk>" % mid)
        self.assertEqual(tuple(s.sql("SELECT state, attempts FROM mail_outbox WHERE id = ?",
                                     mid)[0]), ("sent", 2))
        self.assertEqual(self.jobs()["mailed"], 0)
        self.assertEqual(self.sink.take(), [])

    def test_email_rejected_for_good_is_given_up_at_once(self):
        s = self.s
        eid, _ = self.request(hours=24)
        self.jobs()
        self.sink.take()
        self.sink.reject(1)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "Checking.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.jobs()["mail_failed"], 1)
        row = s.sql("SELECT m.state, m.attempts, m.last_error FROM mail_outbox m"
                    " JOIN notifications n ON n.id = m.notification_id"
                    " WHERE n.kind = 'enquiry.reply' AND n.object_id = ?", eid)[0]
        self.assertEqual(tuple(row[:2]), ("failed", 1))
        self.assertIn("550", row[2])

    def test_unreachable_relay_uses_up_no_tries(self):
        """A relay that cannot be reached costs no try: the e-mail waits a minute and goes
        once it is back, however long it was away."""
        s = self.s
        now = now_ms()
        ids = self.bulk(3, due=now - 49 * HOUR, created=now - 50 * HOUR)
        closed = "--smtp-url=smtp://127.0.0.1:%d" % harness.free_port()
        rep = self.sla(closed)
        self.assertEqual((rep["refunded"], rep["mailed"], rep["mail_retries"]), (3, 0, 1), rep)
        rows = s.sql("SELECT m.state, m.attempts, m.next_attempt_at FROM mail_outbox m"
                     " JOIN notifications n ON n.id = m.notification_id"
                     " WHERE n.object_type = 'vendor_request' AND n.object_id >= ?", ids[0])
        self.assertEqual(len(rows), 3 * 2 * 2)  # overdue and lapsed, to two users each
        self.assertEqual({(st, a) for st, a, _ in rows}, {("pending", 0)})
        for _ in range(10):  # away for ten tries' time: nothing is given up
            s.change("UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = 0"
                     " WHERE state = 'pending' AND next_attempt_at <= ?", now, now + 2 * HOUR)
            self.assertEqual(self.sla(closed)["mail_failed"], 0)
        s.change("UPDATE mail_outbox SET next_attempt_at = ?, claimed_until = 0"
                 " WHERE state = 'pending' AND next_attempt_at <= ?", now, now + 2 * HOUR)
        rep = self.sla("--smtp-url=" + self.sink.url)
        self.assertGreaterEqual(rep["mailed"], 12)
        self.assertEqual(s.sql("SELECT COUNT(*) FROM mail_outbox m JOIN notifications n"
                               " ON n.id = m.notification_id WHERE n.object_type ="
                               " 'vendor_request' AND n.object_id >= ? AND m.state = 'sent'",
                               ids[0])[0][0], 12)

    def test_email_given_up_after_eight_tries(self):
        s = self.s
        eid, _ = self.request(hours=24)
        self.jobs()
        self.sink.take()
        self.sink.refuse(100)
        r = s.post("/api/v1/enquiries/%d/messages" % eid, self.t["agent"],
                   {"body": "Checking.", "audience": "customer"})
        self.assertEqual(r.status, 201, r)
        failed = 0
        for minutes in (0, 1, 2, 4, 8, 16, 32, 60):
            s.advance(self.t["admin"], minutes * 60000 + 1000)
            failed += self.jobs()["mail_failed"]
        self.assertEqual(failed, 1)
        row = s.sql("SELECT m.state, m.attempts FROM mail_outbox m JOIN notifications n"
                    " ON n.id = m.notification_id WHERE n.kind = 'enquiry.reply'"
                    " AND n.object_id = ?", eid)
        self.assertEqual(tuple(row[0]), ("failed", 8))
        self.sink.refuse(0)
        s.advance(self.t["admin"], 2 * HOUR)
        self.assertEqual(self.jobs()["mailed"], 0)
        # The portal notification stands.
        self.assertEqual(self.notified("enquiry.reply", "enquiry", eid), 1)

    # ---- several schedulers, and a crash ----

    def test_two_schedulers_race(self):
        """Two `sla run --once` over 1,000 requests: each reminder, lapse, refund,
        notification and e-mail once."""
        s = self.s
        now = now_ms()
        ids = self.bulk(1000, due=now + HOUR, created=now - 2 * HOUR)
        first = ids[0]
        smtp = "--smtp-url=" + self.sink.url
        reps = self.sla_race(smtp)
        self.assertEqual(sum(r["reminded"] for r in reps), 1000, reps)
        rows = s.sql("SELECT step, COUNT(*), COUNT(DISTINCT vendor_request_id)"
                     " FROM vendor_request_steps WHERE vendor_request_id >= ? GROUP BY step",
                     first)
        self.assertEqual([tuple(r) for r in rows], [("reminder_2h", 1000, 1000)])
        # Past the grace period: both schedulers again.
        s.change("UPDATE vendor_requests SET due_at = ?, next_step_at = ? WHERE id >= ?",
                 now - 49 * HOUR, now - 49 * HOUR, first)
        reps = self.sla_race(smtp)
        for key in ("overdue", "lapsed", "refunded"):
            self.assertEqual(sum(r[key] for r in reps), 1000, (key, reps))
        rows = s.sql("SELECT step, COUNT(*), COUNT(DISTINCT vendor_request_id)"
                     " FROM vendor_request_steps WHERE vendor_request_id >= ? GROUP BY step"
                     " ORDER BY step", first)
        self.assertEqual([tuple(r) for r in rows], [("lapse", 1000, 1000),
                                                    ("overdue", 1000, 1000),
                                                    ("reminder_2h", 1000, 1000)])
        self.assertEqual(tuple(s.sql("SELECT COUNT(*), COUNT(DISTINCT vendor_request_id)"
                                     " FROM refunds WHERE vendor_request_id >= ?", first)[0]),
                         (1000, 1000))
        counts = dict((k, n) for k, n in s.sql(
            "SELECT n.kind, COUNT(*) FROM notifications n WHERE (n.object_type ="
            " 'vendor_request' AND n.object_id >= ?) OR (n.kind = 'refund' AND n.object_id IN"
            " (SELECT enquiry_id FROM vendor_requests WHERE id >= ?)) GROUP BY n.kind",
            first, first))
        self.assertEqual(counts, {"vendor_request.reminder": 2000,
                                  "vendor_request.overdue": 2000,
                                  "vendor_request.lapsed": 2000, "refund": 1000})
        replies = s.sql("SELECT COUNT(*) FROM messages WHERE audience = 'customer' AND"
                        " enquiry_id IN (SELECT enquiry_id FROM vendor_requests WHERE id >= ?)"
                        " AND author_id = (SELECT id FROM users WHERE email = '')", first)[0][0]
        self.assertEqual(replies, 1000)
        # Every e-mail sent once (a run sends 500 at most: the two again until all went):
        # as many as the outbox holds, each Message-ID once.
        for _ in range(20):
            if not any(r["mailed"] for r in self.sla_race(smtp)):
                break
        mails = self.sink.take()
        sent = s.sql("SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")[0][0]
        ids_sent = [re.match(r"<mail-(\d+)@", m.headers()["message-id"]).group(1)
                    for m in mails]
        self.assertEqual(len(ids_sent), len(set(ids_sent)))
        self.assertGreaterEqual(len(mails), 7000)
        # (Mail the server made on its moved clock is not yet due on the real one.)
        self.assertEqual(s.sql("SELECT COUNT(*) FROM mail_outbox WHERE state = 'pending'"
                               " AND next_attempt_at <= ?", now_ms())[0][0], 0)
        self.assertLessEqual(len(mails), sent)

    def test_scheduler_killed_mid_sweep(self):
        """Killed while refunding 1,500 lapsed requests and run again: none lost or doubled."""
        s = self.s
        now = now_ms()
        total = 1500
        ids = self.bulk(total, due=now - 49 * HOUR, created=now - 50 * HOUR)
        first = ids[0]
        done = self.sla_killed(lambda: s.sql(
            "SELECT COUNT(*) FROM refunds WHERE vendor_request_id >= ?", first)[0][0])
        self.assertLess(done, total, "the sweep ended before it could be killed")
        self.assertGreater(done, 0)
        s.change("UPDATE vendor_requests SET claimed_until = 0 WHERE id >= ?", first)
        rep = self.sla()
        self.assertEqual(rep["refunded"], total - done)
        self.assertEqual(tuple(s.sql("SELECT COUNT(*), COUNT(DISTINCT vendor_request_id)"
                                     " FROM refunds WHERE vendor_request_id >= ?", first)[0]),
                         (total, total))
        counts = dict((k, n) for k, n in s.sql(
            "SELECT kind, COUNT(*) FROM notifications WHERE object_type = 'vendor_request'"
            " AND object_id >= ? GROUP BY kind", first))
        self.assertEqual(counts, {"vendor_request.overdue": 2 * total,
                                  "vendor_request.lapsed": 2 * total})
        resolved = s.sql("SELECT COUNT(*) FROM enquiries WHERE status = 'resolved' AND id IN"
                         " (SELECT enquiry_id FROM vendor_requests WHERE id >= ?)", first)[0][0]
        self.assertEqual(resolved, total)
        p = s.cli("audit", "verify")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
