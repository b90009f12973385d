"""The pages in a real browser (tests/browser/pages.mjs: playwright-core
driving Debian's Chromium headless, axe-core for accessibility) against a
server with the demo data, on the store this run uses.  Screenshots go to
test-output/screenshots/<store>/ (see docs/screenshots.md)."""
import os
import shutil
import subprocess
import unittest

import harness
from harness import ServerCase

SCRIPT = os.path.join(harness.ROOT, "tests", "browser", "pages.mjs")
MODULES = os.path.join(harness.ROOT, "tests", "browser", "node_modules")


class Browser(ServerCase, unittest.TestCase):

    def test_pages_in_chromium(self):
        # make test installs these (scripts/deps.sh test, npm ci in tests/browser).
        self.assertTrue(shutil.which("node"), "node is not installed: run scripts/deps.sh test")
        self.assertTrue(os.path.exists(os.environ.get("KAPSULE_CHROMIUM", "/usr/bin/chromium")),
                        "chromium is not installed: run scripts/deps.sh test")
        self.assertTrue(os.path.isdir(os.path.join(MODULES, "playwright-core")),
                        "run: (cd tests/browser && npm ci)")
        store = "postgres" if harness.PG else "sqlite"
        shots = os.path.join(harness.ROOT, "test-output", "screenshots", store)
        # The whole story's order: Jane's, with Northwind, with no enquiry yet.
        number = "KP-STORY-" + harness.new_key()[:8]
        self.s.new_order(self.t, number=number)
        p = subprocess.run(["node", SCRIPT, "http://127.0.0.1:%d" % self.s.port, shots, number],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-4000:])
        self.assertIn("ok  forged form from another origin: refused", p.stdout)
        self.assertIn("ok  story: the customer cannot download the vendor's photo", p.stdout)
        self.assertIn("ok  story: no script ran in any page (0 dialogs)", p.stdout)
        for name in ("sign-in", "customer-help", "customer-enquiry", "vendor-vendor", "vendor-request",
                     "agent-desk", "agent-enquiry", "customer-raise", "vendor-record",
                     "vendor-notifications", "agent-violations", "agent-vendor", "admin-overview"):
            for size in ("desktop", "phone"):
                path = os.path.join(shots, "%s-%s.png" % (name, size))
                self.assertGreater(os.path.getsize(path), 1000, path)


if __name__ == "__main__":
    unittest.main()
