"""Contact-detail protection at the five enforcement points (DESIGN.md G2-G4):
customer text shown to vendors, an agent's question to a vendor, a vendor's
answer, every customer-visible reply, and the violations agents decide."""
import json
import unittest
import uuid

import harness
from harness import ServerCase, multipart

R = "[contact details removed]"
NORTHWIND_PHONE = "01632 960 111"  # Northwind Ceramics' registered phone (demo data)


def unique():
    return uuid.uuid4().hex[:10]


class ContactDetails(ServerCase, unittest.TestCase):
    def new_enquiry(self, note="", vendor_ref="V-NORTHWIND"):
        """An order of Jane's with the vendor, and her enquiry about it: (order, enquiry)."""
        s, t = self.s, self.t
        r = s.post("/api/v1/orders", t["integration"], {
            "number": "KP-CONTACT-" + unique(), "customer_ref": "C-1001",
            "vendor_ref": vendor_ref, "items": [{"sku": "NW-BOWL", "name": "Bowl",
                                                    "quantity": 1, "unit_price": 2000}],
            "amount": 2000, "currency": "GBP", "note": note})
        self.assertEqual(r.status, 201, r)
        order = r.json()["id"]
        r = s.post("/api/v1/enquiries", t["customer"], {
            "order_id": order, "category": "damaged", "subject": "Bowl arrived chipped",
            "message": "The bowl has a chip on the rim."})
        self.assertEqual(r.status, 201, r)
        return order, r.json()["id"]

    def ask(self, enquiry, question="Please send a photo of how the bowl was packed."):
        r = self.s.post("/api/v1/enquiries/%d/vendor-requests" % enquiry, self.t["agent"],
                        {"question": question, "evidence": ["photo"]})
        self.assertEqual(r.status, 201, r)
        return r.json()

    def answer(self, vreq, text, token="vendor"):
        body, ctype = multipart({"text": text}, [])
        return self.s.post("/api/v1/vendor-requests/%d/answer" % vreq, self.t[token],
                           raw=body, content_type=ctype)

    def reply(self, enquiry, body, token="agent", audience="customer"):
        return self.s.post("/api/v1/enquiries/%d/messages" % enquiry, self.t[token],
                           {"body": body, "audience": audience})

    def messages(self, enquiry):
        return self.s.sql("SELECT COUNT(*) FROM messages WHERE enquiry_id = ?", enquiry)[0][0]

    # 1. Customer text shown to a vendor.

    def test_order_note_with_the_customers_email_is_redacted_for_the_vendor_only(self):
        s, t = self.s, self.t
        note = "Leave with no. 12 if out; updates to %s please" % harness.CUSTOMER
        order, _ = self.new_enquiry(note)
        r = s.get("/api/v1/orders/%d" % order, t["vendor"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["note"], "Leave with no. 12 if out; updates to %s please" % R)
        self.assertNotIn(harness.CUSTOMER, r.body.decode())
        listed = [o for o in s.get("/api/v1/orders?limit=100", t["vendor"]).json()["items"]
                  if o["id"] == order]
        self.assertEqual(listed[0]["note"], "Leave with no. 12 if out; updates to %s please" % R)
        self.assertEqual(s.get("/api/v1/orders/%d" % order, t["agent"]).json()["note"], note)

    # 2. An agent's text to a vendor.

    def test_agent_question_loses_the_customers_details_and_the_agent_is_told(self):
        s, t = self.s, self.t
        _, enquiry = self.new_enquiry()
        question = ("Jane (07700 900123, %s) says the bowl was chipped; "
                    "please send packing photos." % harness.CUSTOMER)
        v = self.ask(enquiry, question)
        removed = v["removed_for_vendor"]
        self.assertEqual(sorted(f["kind"] for f in removed), ["email", "phone"], v)
        raw = question.encode()
        for f in removed:
            self.assertEqual(raw[f["start"]:f["end"]].decode(), f["text"])
            self.assertTrue(f["why"])
        self.assertEqual(v["vendor_sees"],
                         "Jane (%s, %s) says the bowl was chipped; please send packing photos."
                         % (R, R))
        r = s.get("/api/v1/vendor-requests/%d" % v["id"], t["vendor"])
        self.assertEqual(r.json()["question"], v["vendor_sees"])
        self.assertNotIn("900123", r.body.decode())
        self.assertEqual(s.get("/api/v1/vendor-requests/%d" % v["id"], t["agent"]).json()["question"],
                         question)
        # A question with nothing to remove says so.
        clean = self.ask(enquiry, "Which courier took order KP-100201? Tracking JD014600003828273.")
        self.assertEqual(clean["removed_for_vendor"], [])

    # 3. A vendor's text: stored, highlighted, violation opened, vendor warned.

    def test_whatsapp_me_answer_is_kept_flagged_and_the_vendor_warned(self):
        s, t = self.s, self.t
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        text = "Photos attached. WhatsApp me on 07700 900461 and I'll sort a replacement today."
        r = self.answer(v["id"], text)
        self.assertEqual(r.status, 200, r)
        got = r.json()
        warned = {(w["kind"], w["text"]) for w in got["warnings"]}
        self.assertEqual(warned, {("solicitation", "WhatsApp me"), ("phone", "07700 900461")})
        self.assertTrue(all(w["why"] for w in got["warnings"]))
        vid = got["violation_id"]
        # Stored as written, for the record.
        self.assertEqual(s.sql("SELECT body FROM messages WHERE id = ?",
                               got["answer"]["id"])[0][0], text)
        # Staff see the findings as spans of the body, to highlight.
        answer = s.get("/api/v1/vendor-requests/%d" % v["id"], t["agent"]).json()["answer"]
        spans = {(f["kind"], text.encode()[f["start"]:f["end"]].decode())
                 for f in answer["findings"]}
        self.assertEqual(spans, warned)
        thread = s.get("/api/v1/enquiries/%d" % enquiry, t["agent"]).json()["messages"]
        self.assertEqual([m["findings"] for m in thread if m["audience"] == "from_vendor"],
                         [answer["findings"]])
        # The customer sees none of it.
        r = s.get("/api/v1/enquiries/%d" % enquiry, t["customer"])
        self.assertNotIn("900461", r.body.decode())
        # The violation, with its evidence, for agents and for the vendor itself.
        x = s.get("/api/v1/violations/%d" % vid, t["agent"]).json()
        self.assertEqual(x["state"], "open")
        self.assertEqual(sorted(x["kinds"]), ["phone", "solicitation"])
        self.assertEqual({(e["kind"], e["excerpt"]) for e in x["evidence"]}, warned)
        self.assertEqual(x["enquiry_id"], enquiry)
        mine = s.get("/api/v1/violations/%d" % vid, t["vendor"])
        self.assertEqual(mine.status, 200, mine)
        self.assertNotIn("enquiry_id", mine.json())
        self.assertEqual(s.get("/api/v1/violations/%d" % vid, t["vendor2"]).status, 404)
        self.assertEqual(s.get("/api/v1/violations/%d" % vid, t["customer"]).status, 403)
        listed = s.get("/api/v1/violations?state=open&limit=100", t["agent"]).json()["items"]
        self.assertIn(vid, [i["id"] for i in listed])
        others = s.get("/api/v1/violations?limit=100", t["vendor2"]).json()["items"]
        self.assertNotIn(vid, [i["id"] for i in others])
        # An agent confirms it, with a reason; it is decided once.
        before = s.snapshot()
        for body in ({}, {"reason": ""}, {"reason": 5}, {"reason": "x", "extra": 1}):
            r = s.post("/api/v1/violations/%d/confirm" % vid, t["agent"], body)
            self.assertEqual(r.status, 400, (body, r))
        self.assertEqual(s.snapshot(), before)
        r = s.post("/api/v1/violations/%d/confirm" % vid, t["agent"],
                   {"reason": "A phone number and an invitation to WhatsApp."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "confirmed")
        self.assertEqual(r.json()["reason"], "A phone number and an invitation to WhatsApp.")
        self.assertTrue(r.json()["decided_at"])
        for verb in ("confirm", "dismiss"):
            r = s.post("/api/v1/violations/%d/%s" % (vid, verb), t["agent"], {"reason": "again"})
            self.assertEqual(r.status, 409, r)
            self.assertEqual(r.json()["error"]["code"], "invalid_transition")
        actions = [a[0] for a in s.sql(
            "SELECT action FROM audit_events WHERE object_type = 'violation' AND object_id = ?"
            " ORDER BY id", vid)]
        self.assertEqual(actions, ["violation.open", "violation.confirm"])
        # The vendor's own list shows it confirmed.
        mine = s.get("/api/v1/violations?state=confirmed&limit=100", t["vendor"]).json()["items"]
        self.assertIn(vid, [i["id"] for i in mine])

    def test_clean_answer_opens_nothing_and_operator_details_are_allowed(self):
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        r = self.answer(v["id"], "Sent 12/03 with DPD 15501234567890, 2.4kg, 30x20x15cm; "
                                 "the customer can message us here on Kapsule or see "
                                 "https://kapsule.co.uk/help/returns, support@kapsule.co.uk.")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["warnings"], [])
        self.assertNotIn("violation_id", r.json())
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM violations WHERE message_id = ?",
                                    r.json()["answer"]["id"])[0][0], 0)

    def test_dismissed_violation_and_list_filters(self):
        s, t = self.s, self.t
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        r = self.answer(v["id"], "Find us on Instagram, we post the seconds there.")
        vid = r.json()["violation_id"]
        self.assertEqual([w["kind"] for w in r.json()["warnings"]], ["solicitation"])
        r = s.post("/api/v1/violations/%d/dismiss" % vid, t["admin"],
                   {"reason": "Shop news, not an invitation to this customer."})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "dismissed")
        self.assertEqual(s.post("/api/v1/violations/%d/confirm" % vid, t["vendor"],
                                {"reason": "no"}).status, 403)
        open_ids = [i["id"] for i in
                    s.get("/api/v1/violations?state=open&limit=100", t["agent"]).json()["items"]]
        self.assertNotIn(vid, open_ids)
        r = s.get("/api/v1/violations?state=bogus", t["agent"])
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["field"], "state")
        # Pages walk newest first without repeats.
        seen, cursor = [], None
        for _ in range(50):
            r = s.get("/api/v1/violations?limit=1" + ("&cursor=" + cursor if cursor else ""),
                      t["agent"])
            self.assertEqual(r.status, 200, r)
            seen += [i["id"] for i in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, sorted(set(seen), reverse=True))

    # 4. Every customer-visible reply.

    def refused(self, r, body, *excerpts):
        self.assertEqual(r.status, 422, r)
        e = r.json()["error"]
        self.assertEqual(e["code"], "contact_details")
        self.assertEqual(e["field"], "body")
        found = [body.encode()[x["start"]:x["end"]].decode() for x in e["spans"]]
        for want in excerpts:
            self.assertIn(want, found, e)

    def test_reply_with_the_vendors_phone_spelled_out_is_refused(self):
        s = self.s
        _, enquiry = self.new_enquiry()
        before = self.messages(enquiry)
        for token in ("agent", "admin"):  # no role can override it
            body = ("Northwind say to ring them on oh one six three two, "
                    "nine six oh, one one one.")
            self.refused(self.reply(enquiry, body, token), body,
                         "oh one six three two, nine six oh, one one one")
        body = "Their number is %s." % NORTHWIND_PHONE
        self.refused(self.reply(enquiry, body), body, NORTHWIND_PHONE)
        body = "Try \uff10\uff11\uff16\uff13\uff12 \uff19\uff16\uff10\uff11\uff11\uff11 or owner (at) northwind-ceramics.example"
        self.refused(self.reply(enquiry, body), body, "\uff10\uff11\uff16\uff13\uff12 \uff19\uff16\uff10\uff11\uff11\uff11")
        self.assertEqual(self.messages(enquiry), before)
        # An internal note may quote it; a reply without it goes out.
        self.assertEqual(self.reply(enquiry, "Vendor phone on file: " + NORTHWIND_PHONE,
                                    audience="internal").status, 201)
        r = self.reply(enquiry, "We have asked the shop and will reply within a day.")
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.messages(enquiry), before + 2)
        s.integrity_problems()

    def test_reply_with_a_detail_from_the_vendors_text_is_refused(self):
        s, t = self.s, self.t
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        r = self.answer(v["id"], "Tell her to text 07700 900 318 or mail refunds at "
                                 "northwind dot shop, we'll swap it.")
        self.assertEqual(r.status, 200, r)
        before = self.messages(enquiry)
        for body, part in (("You can text the shop on 07700900318.", "07700900318"),
                           ("Their mobile: zero seven seven double oh nine double oh three one "
                            "eight.", "zero seven seven double oh nine double oh three one eight"),
                           ("Write to refunds@northwind.shop for a swap.", "refunds@northwind.shop")):
            self.refused(self.reply(enquiry, body), body, part)
        self.assertEqual(self.messages(enquiry), before)
        # Another shop's number is not this vendor's detail: the reply goes out.
        r = self.reply(enquiry, "Our courier partner's desk is on 0800 123 4567.")
        self.assertEqual(r.status, 201, r)

    def test_reply_with_the_vendors_registered_handle_is_refused(self):
        s, t = self.s, self.t
        r = s.post("/api/v1/vendors", t["integration"], {
            "ref": "V-NORTHWIND", "shop_name": "Northwind Ceramics",
            "handles": "@northwindpots, tiktok:northwind.ceramics"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["handles"], "@northwindpots, tiktok:northwind.ceramics")
        _, enquiry = self.new_enquiry()
        body = "They are northwindpots on Instagram if you want to see the range."
        self.refused(self.reply(enquiry, body), body, "northwindpots")
        body = "Or @Northwind.Ceramics on TikTok."
        self.refused(self.reply(enquiry, body), body, "@Northwind.Ceramics")
        # The vendor writing its own handle bare is warned too.
        v = self.ask(enquiry)
        r = self.answer(v["id"], "Photos are up under northwindpots if she wants to look.")
        self.assertEqual(r.status, 200, r)
        self.assertEqual([(w["kind"], w["text"]) for w in r.json()["warnings"]],
                         [("handle", "northwindpots")])
        # Absent keeps the handles; "" clears them.
        r = s.post("/api/v1/vendors", t["integration"],
                   {"ref": "V-NORTHWIND", "shop_name": "Northwind Ceramics"})
        self.assertEqual(r.json()["handles"], "@northwindpots, tiktok:northwind.ceramics")
        r = s.post("/api/v1/vendors", t["integration"],
                   {"ref": "V-NORTHWIND", "shop_name": "Northwind Ceramics", "handles": ""})
        self.assertEqual(r.json()["handles"], "")
        self.assertEqual(self.reply(enquiry, "They are northwindpots on Instagram.").status, 201)

    def test_details_inside_links_addresses_and_other_formats_are_refused(self):
        """However the vendor's details are registered or written: country codes
        other than 44, a number inside a link, a handle inside a link or an
        address, a website under a top-level domain the engine does not know,
        a subdomain, a shop page on a marketplace, a handle given as a link."""
        s, t = self.s, self.t
        r = s.post("/api/v1/vendors", t["integration"], {
            "ref": "V-COPPER", "shop_name": "Copper Kettle Kitchen",
            "contact_phone": "+1 415 555 0100", "website": "https://copperkettle.co.za/",
            "handles": "@copperkettlepans, https://instagram.com/copper.kettle.uk/"})
        self.assertEqual(r.status, 200, r)
        _, enquiry = self.new_enquiry(vendor_ref="V-COPPER")
        for body, part in (
                ("Their US line is 415-555-0100.", "415-555-0100"),
                ("Message them: https://wa.me/14155550100 today", "14155550100"),
                ("See instagram.com/copperkettlepans for photos.", "copperkettlepans"),
                ("Write to copperkettlepans@gmail.com", "copperkettlepans"),
                ("Their shop: copperkettle.co.za", "copperkettle.co.za"),
                ("Or shop.copperkettle.co.za/sale", "shop.copperkettle.co.za/sale"),
                ("They post as @copper.kettle.uk", "copper.kettle.uk")):
            self.refused(self.reply(enquiry, body), body, part)
        # A shop's page on a marketplace forbids the page, not the marketplace.
        r = s.post("/api/v1/vendors", t["integration"], {
            "ref": "V-COPPER", "shop_name": "Copper Kettle Kitchen",
            "website": "https://www.etsy.com/shop/CopperKettleKitchen"})
        self.assertEqual(r.status, 200, r)
        body = "Their Etsy page etsy.com/shop/copperkettlekitchen has it."
        self.refused(self.reply(enquiry, body), body, "etsy.com/shop/copperkettlekitchen")
        self.assertEqual(self.reply(enquiry, "Please do not buy this on etsy.com instead.").status,
                         201)

    def test_a_detail_hidden_among_many_findings_is_still_remembered(self):
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        padding = " ".join("@pad%03d" % i for i in range(300))
        r = self.answer(v["id"], padding + " real one: 07700 900 777")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["violation_id"])
        body = "Ring 07700900777 for the shop."
        self.refused(self.reply(enquiry, body), body, "07700900777")
        body = "Try @pad123 on Instagram."
        self.refused(self.reply(enquiry, body), body, "@pad123")

    def test_a_short_number_from_vendor_text_is_refused_inside_a_longer_one(self):
        """Seven or eight digits the vendor wrote count as a number too, found
        inside whatever digits a reply puts around them."""
        _, enquiry = self.new_enquiry()
        v = self.ask(enquiry)
        self.assertEqual(self.answer(v["id"], "The workshop line is 2345 678.").status, 200)
        v = self.ask(enquiry)
        self.assertEqual(self.answer(v["id"], "Or the yard: 8765 4321.").status, 200)
        for body, part in (("Their line is 2345678.", "2345678"),
                           ("Call 0161 2345 678 today.", "0161 2345 678"),
                           ("The yard is on 87654321.", "87654321")):
            self.refused(self.reply(enquiry, body), body, part)
        self.assertEqual(self.reply(enquiry, "Order 2345 67 is on its way.").status, 201)


if __name__ == "__main__":
    unittest.main()
