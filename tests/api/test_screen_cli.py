"""`kapsule screen`: the screening engine over JSON lines (a fixed interface
that evaluation tools use): byte offsets, input order, --redact, --text, and
bad lines reported by number while the rest go on."""
import json
import subprocess
import unittest

import harness


def run(*args, stdin=b""):
    p = subprocess.run([harness.BIN, "screen", *args], input=stdin, capture_output=True,
                       timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def lines(*objs):
    return b"".join(json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in objs)


class ScreenCommand(unittest.TestCase):
    def test_findings_are_byte_offsets_in_input_order(self):
        text = "Café ☕ — ring 07700 900123 or write to jane.doe@example.com"
        rc, out, err = run(stdin=lines({"id": "m1", "text": text},
                                       {"id": 7, "text": "Order KP-10042 shipped"}))
        self.assertEqual((rc, err), (0, ""))
        got = [json.loads(l) for l in out.splitlines()]
        self.assertEqual([g["id"] for g in got], ["m1", 7])
        raw = text.encode()
        spans = {(f["kind"], raw[f["start"]:f["end"]].decode()) for f in got[0]["findings"]}
        self.assertEqual(spans, {("solicitation", "ring"), ("phone", "07700 900123"),
                                 ("email", "jane.doe@example.com")})
        starts = [f["start"] for f in got[0]["findings"]]
        self.assertEqual(starts, sorted(starts))
        self.assertEqual(got[1]["findings"], [])

    def test_bad_lines_are_reported_and_the_rest_go_on(self):
        stdin = (lines({"id": "a", "text": "fine"}) + b"{not json\n" +
                 lines({"id": "b"}, {"text": "no id"}, {"id": ["x"], "text": "t"}) +
                 b'{"id": "c", "text": "bad \xff utf-8"}\n' + b"\n" +
                 lines({"id": "d", "text": "call 020 7946 0958"}))
        rc, out, err = run(stdin=stdin)
        self.assertEqual(rc, 1)
        self.assertEqual([json.loads(l)["id"] for l in out.splitlines()], ["a", "d"])
        reported = [l.split(":")[0] for l in err.splitlines()]
        self.assertEqual(reported, ["line 2", "line 3", "line 4", "line 5", "line 6"])
        self.assertIn("'text' must be a string", err)
        self.assertIn("'id' must be", err)

    def test_redact(self):
        rc, out, _ = run("--redact", stdin=lines({"id": "r", "text": "my address: a.b@example.org!"}))
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out), {"id": "r",
                                           "text": "my address: [contact details removed]!"})

    def test_operator_addresses_are_allowed_by_configuration(self):
        text = ("Returns: https://kapsule.co.uk/help/returns, help.kapsule.co.uk or "
                "support@kapsule.co.uk; our shop is shop.example.com, write to x@example.com")

        def found(*flags):
            rc, out, err = run(*flags, "--text", text)
            self.assertEqual(rc, 0, err)
            return [text.encode()[f["start"]:f["end"]].decode()
                    for f in json.loads(out)["findings"]]

        self.assertEqual(found(), ["shop.example.com", "x@example.com"])
        # Another operator: its domain is allowed, kapsule.co.uk no longer is.
        self.assertEqual(found("--operator_domain=example.com", "--support_email=x@example.com"),
                         ["https://kapsule.co.uk/help/returns", "help.kapsule.co.uk",
                          "support@kapsule.co.uk"])
        # screen_allow adds domains and addresses.
        self.assertEqual(found("--screen_allow=example.com, x@Example.com"), [])
        self.assertEqual(found("--screen_allow=x@example.com"), ["shop.example.com"])

    def test_text_flag(self):
        rc, out, _ = run("--text", "phone 07700 900123 now")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out), {"findings": [{"kind": "phone", "start": 6,
                                                         "end": 18}]})
        rc, out, _ = run("--redact", "--text=phone 07700 900123 now")
        self.assertEqual((rc, out), (0, "phone [contact details removed] now\n"))

    def test_text_with_nul_and_unknown_flags(self):
        rc, out, _ = run(stdin=lines({"id": "z", "text": "a\u0000b 07700 900123"}))
        self.assertEqual(rc, 0)
        f = json.loads(out)["findings"]
        self.assertEqual(f, [{"kind": "phone", "start": 4, "end": 16}])
        rc, _, err = run("--bogus")
        self.assertEqual(rc, 2)
        self.assertIn("usage", err)

    def test_oversize_text_is_refused_alone(self):
        big = "x" * ((1 << 20) + 1)
        rc, out, err = run(stdin=lines({"id": "big", "text": big}, {"id": "ok", "text": "hi"}))
        self.assertEqual(rc, 1)
        self.assertEqual([json.loads(l)["id"] for l in out.splitlines()], ["ok"])
        self.assertIn("line 1: 'text' is longer than the screening limit", err)


if __name__ == "__main__":
    unittest.main()
