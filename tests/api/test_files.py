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


if __name__ == "__main__":
    unittest.main()
