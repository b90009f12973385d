"""The documents stay true to the program: every configuration key the
program knows is in docs/config.md with its default, and the README opens
with the two commands and lists every demo sign-in."""
import os
import re
import subprocess
import unittest

import harness

ROOT = harness.ROOT


class Docs(unittest.TestCase):
    def test_every_config_key_is_documented(self):
        out = subprocess.run([harness.BIN, "config"], capture_output=True, text=True,
                             check=True).stdout
        keys = {}
        for line in out.splitlines():
            if line and not line.startswith("#") and "=" in line:
                k, v = [x.strip() for x in line.split("=", 1)]
                keys[k] = v
        self.assertGreater(len(keys), 20)
        with open(os.path.join(ROOT, "docs", "config.md")) as f:
            doc = f.read()
        rows = dict(re.findall(r"^\| `([a-z_]+)` \| `([^`]*)` \|", doc, re.M))
        self.assertEqual(rows, keys)

    def test_example_config_is_the_programs(self):
        out = subprocess.run([harness.BIN, "config"], capture_output=True, text=True,
                             check=True).stdout
        with open(os.path.join(ROOT, "kapsule.conf.example")) as f:
            self.assertEqual(f.read(), out)

    def test_readme_opens_with_the_two_commands_and_the_logins(self):
        with open(os.path.join(ROOT, "README.md")) as f:
            readme = f.read()
        head = readme[:600]
        self.assertIn("make run", head)
        self.assertIn("make test", head)
        self.assertLess(head.index("make run"), head.index("make test"))
        for email in (harness.CUSTOMER, harness.CUSTOMER2, harness.VENDOR, harness.VENDOR2,
                      harness.AGENT, harness.ADMIN):
            self.assertIn(email, readme)
        self.assertIn(harness.PASSWORD, readme)
        self.assertIn(harness.TOKEN, readme)


if __name__ == "__main__":
    unittest.main()
