"""Evidence files: stored once per content (SHA-256), type decided by the
bytes, names cleaned, served as downloads with their type."""
import hashlib
import unittest

from harness import ServerCase, multipart, PNG, PDF, JPEG


class Files(ServerCase, unittest.TestCase):
    def ask(self, eid=2):
        r = self.s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.t["agent"],
                        {"question": "Please send the invoice.", "evidence": ["invoice"]})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def answer(self, vid, files):
        body, ctype = multipart({"text": "Attached."}, files)
        return self.s.post("/api/v1/vendor-requests/%d/answer" % vid, self.t["vendor"],
                           raw=body, content_type=ctype)

    def test_same_content_is_stored_once(self):
        before = self.s.sql("SELECT COUNT(*) FROM attachments")[0][0]
        a = self.answer(self.ask(), [("files", "invoice.pdf", PDF, "application/pdf"),
                                     ("files", "photo.jpg", JPEG, "image/jpeg")])
        self.assertEqual(a.status, 200, a)
        b = self.answer(self.ask(), [("file", "copy of invoice.pdf", PDF, "application/pdf")])
        self.assertEqual(b.status, 200, b)
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM attachments")[0][0], before + 2)
        fa = a.json()["answer"]["files"]
        fb = b.json()["answer"]["files"]
        self.assertEqual(fa[0]["sha256"], hashlib.sha256(PDF).hexdigest())
        self.assertEqual(fa[0]["id"], fb[0]["id"])
        self.assertEqual(fa[0]["content_type"], "application/pdf")
        self.assertEqual(fa[1]["content_type"], "image/jpeg")
        self.assertEqual([f["filename"] for f in fb], ["copy of invoice.pdf"])
        links = self.s.sql("SELECT COUNT(*) FROM message_attachments WHERE attachment_id = ?",
                           fa[0]["id"])[0][0]
        self.assertEqual(links, 2)

    def test_type_is_decided_by_content_and_names_are_cleaned(self):
        # A path, and a quote escaped as multipart allows, in the file's name.
        r = self.answer(self.ask(), [("files", '../../etc/evil\\".png', PNG, "text/html")])
        self.assertEqual(r.status, 200, r)
        f = r.json()["answer"]["files"][0]
        self.assertEqual(f["content_type"], "image/png")
        self.assertEqual(f["filename"], "evil_.png")
        d = self.s.get(f["url"], self.t["agent"])
        self.assertEqual(d.status, 200)
        self.assertEqual(d.body, PNG)
        self.assertEqual(d.header("Content-Type"), "image/png")
        self.assertEqual(d.header("X-Content-Type-Options"), "nosniff")
        self.assertIn("attachment;", d.header("Content-Disposition"))
        self.assertIn("filename*=UTF-8''evil_.png", d.header("Content-Disposition"))
        self.assertIn("sandbox", d.header("Content-Security-Policy"))
        # Script in a file named .png is refused whatever its name says.
        r = self.answer(self.ask(), [("files", "x.png", b"<script>alert(1)</script>", "image/png")])
        self.assertEqual(r.status, 415, r)
        self.assertEqual(r.json()["error"]["code"], "unsupported_file_type")


    def test_customers_and_agents_send_files_with_messages(self):
        s, t = self.s, self.t
        LID = PNG + b"lid"  # contents of this test's own, stored apart from the others'
        oid = s.new_order(t)
        fields = {"order_id": str(oid), "category": "damaged", "subject": "Broken lid",
                  "message": "The lid came broken, photos attached."}
        # Multipart fields are checked like JSON members, and nothing is kept on a refusal.
        before = s.fingerprint()
        for bad, code, field in (({"order_id": "seven"}, "wrong_type", "order_id"),
                                 ({"colour": "red"}, "unknown_field", "colour"),
                                 ({"subject": None}, "missing_field", "subject")):
            f = dict(fields, **bad)
            f = {k: v for k, v in f.items() if v is not None}
            body, ctype = multipart(f, [("files", "lid.png", LID, "image/png")])
            r = s.post("/api/v1/enquiries", t["customer"], raw=body, content_type=ctype)
            self.assertEqual((r.status, r.json()["error"]["code"], r.json()["error"]["field"]),
                             (400, code, field), r)
        body, ctype = multipart(fields, [("files", "lid.txt", b"just words", "image/png")])
        r = s.post("/api/v1/enquiries", t["customer"], raw=body, content_type=ctype)
        self.assertEqual(r.status, 415, r)
        self.assertEqual(s.fingerprint(), before)
        body, ctype = multipart(fields, [("files", "lid.png", LID, "image/png"),
                                         ("file", "receipt.pdf", PDF + b"%receipt\n", "application/pdf")])
        r = s.post("/api/v1/enquiries", t["customer"], raw=body, content_type=ctype)
        self.assertEqual(r.status, 201, r)
        eid = r.json()["id"]
        first = r.json()["messages"][0]
        self.assertEqual([f["filename"] for f in first["files"]], ["lid.png", "receipt.pdf"])
        # An agent's reply with a photo; a vendor's answer with one the customer never gets.
        body, ctype = multipart({"body": "Here is how to fit a spare lid.",
                                 "audience": "customer"},
                                [("files", "howto.jpg", JPEG + b"howto", "image/jpeg")])
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["agent"], raw=body,
                   content_type=ctype)
        self.assertEqual(r.status, 201, r)
        self.assertEqual([f["filename"] for f in r.json()["files"]], ["howto.jpg"])
        self.assertEqual(self.answer(self.ask(eid), [("files", "label.pdf", PDF + b"%label\n",
                                                      "application/pdf")]).status, 200)
        view = s.get("/api/v1/enquiries/%d" % eid, t["customer"]).json()
        mine = [f for m in view["messages"] for f in m["files"]]
        self.assertEqual(sorted(f["filename"] for f in mine),
                         ["howto.jpg", "lid.png", "receipt.pdf"])
        vendor_files = s.sql("SELECT l.attachment_id FROM message_attachments l JOIN messages m"
                             " ON m.id = l.message_id WHERE m.enquiry_id = ? AND"
                             " m.audience = 'from_vendor'", eid)
        self.assertEqual(len(vendor_files), 1)
        # Who may download what: the customer her own thread's, never the vendor's; the vendor
        # and other customers none of the customer's; staff all.
        lid = first["files"][0]["url"]
        self.assertEqual(s.get(lid, t["customer"]).body, LID)
        self.assertEqual(s.get(lid, t["agent"]).status, 200)
        for who in ("customer2", "vendor", "vendor2"):
            self.assertEqual(s.get(lid, t[who]).status, 404, who)
        vurl = "/api/v1/attachments/%d" % vendor_files[0][0]
        self.assertEqual(s.get(vurl, t["customer"]).status, 404)
        self.assertEqual(s.get(vurl, t["vendor"]).status, 200)
        # JSON bodies carry no files and work as before.
        r = s.post("/api/v1/enquiries/%d/messages" % eid, t["customer"], {"body": "Thanks!"})
        self.assertEqual((r.status, r.json()["files"]), (201, []))


if __name__ == "__main__":
    unittest.main()
