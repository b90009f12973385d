"""`kapsule import orders FILE.csv`: a clean file is imported whole with
progress shown; a file with bad rows is reported by line number and nothing
of it is imported."""
import os
import unittest

from harness import ServerCase

HEADER = ("order_number,customer_ref,customer_email,customer_first_name,customer_last_name,"
          "customer_phone,customer_address,vendor_ref,vendor_shop_name,item_sku,item_name,"
          "quantity,unit_price,currency,note,placed_at\n")

GOOD = HEADER + (
    'KP-IMP-1,C-9001,ann.lee@example.com,Ann,Lee,07700 900999,"1 High St, York",V-NEW,'
    'New Vendor Ltd,SKU-1,"Mug, large",2,1200,GBP,"Leave at door",2026-10-01\n'
    'KP-IMP-1,C-9001,ann.lee@example.com,Ann,Lee,07700 900999,"1 High St, York",V-NEW,'
    'New Vendor Ltd,SKU-2,"Saucer ""blue""",1,500,GBP,"Leave at door",2026-10-01\n'
    'KP-IMP-2,C-1001,,,,,,V-NORTHWIND,,,"Vase with a\nline break",1,3000,GBP,,'
    '2026-10-02T09:30:00Z\n'
    '\r\n'
    'KP-IMP-3,C-9001,ann.lee@example.com,Ann,Lee,,,V-NEW,New Vendor Ltd,,Spoon,3,250,GBP,,\n')

BAD = HEADER + (
    'KP-BAD-1,C-1001,,,,,,V-NORTHWIND,,,Plate,1,100,GBP,,\n'          # line 2: fine
    'KP-BAD-2,C-1001,,,,,,V-NORTHWIND,,,Plate,zero,100,GBP,,\n'       # line 3: quantity
    'KP-BAD-3,C-1001,,,,,,V-NORTHWIND,,,,1,100,GBP,,\n'               # line 4: item_name
    'KP-BAD-4,C-1001,,,,,,V-NORTHWIND,,,Plate,1,100,GBP,,31/12/2026\n'  # line 5: placed_at
    'KP-BAD-5,C-1001,,,,,,V-NORTHWIND\n'                                # line 6: field count
    'KP-BAD-1,C-1002,,,,,,V-NORTHWIND,,,Cup,1,100,GBP,,\n')           # line 7: differs


class Import(ServerCase, unittest.TestCase):
    def write(self, name, text):
        path = os.path.join(self.s.dir, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path

    def test_clean_file(self):
        path = self.write("good.csv", GOOD)
        before = self.s.sql("SELECT COUNT(*) FROM orders")[0][0]
        p = self.s.cli("import", "orders", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("imported 3 orders from 4 rows", p.stdout)
        self.assertIn("imported 3 of 3 orders", p.stderr)  # progress
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM orders")[0][0], before + 3)
        items, amount = self.s.sql("SELECT items, amount FROM orders WHERE number='KP-IMP-1'")[0]
        self.assertIn('"Saucer \\"blue\\""', items)
        self.assertIn('"Mug, large"', items)
        self.assertEqual(amount, 2 * 1200 + 500)
        self.assertEqual(self.s.sql("SELECT shop_name FROM vendors WHERE ref='V-NEW'"),
                         [("New Vendor Ltd",)])
        self.assertEqual(self.s.sql("SELECT first_name, last_name, address FROM customers"
                                    " WHERE ref='C-9001'"), [("Ann", "Lee", "1 High St, York")])
        placed = self.s.sql("SELECT placed_at FROM orders WHERE number='KP-IMP-2'")[0][0]
        self.assertEqual(placed, 1790933400000)  # 2026-10-02T09:30:00Z
        items2 = self.s.sql("SELECT items FROM orders WHERE number='KP-IMP-2'")[0][0]
        self.assertIn("Vase with a\\nline break", items2)
        # The imported customer's order shows in their staff view; importing again conflicts.
        p = self.s.cli("import", "orders", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("KP-IMP-1 exists (nothing was imported)", p.stderr)
        self.assertEqual(self.s.sql("SELECT COUNT(*) FROM orders")[0][0], before + 3)

    def test_bad_rows_by_line_and_nothing_imported(self):
        path = self.write("bad.csv", BAD)
        before = self.s.counts()
        p = self.s.cli("import", "orders", path)
        self.assertEqual(p.returncode, 1)
        err = p.stderr
        self.assertIn("bad.csv:3: quantity 'zero'", err)
        self.assertIn("bad.csv:4: 'item_name' is empty", err)
        self.assertIn("bad.csv:5: placed_at '31/12/2026'", err)
        self.assertIn("bad.csv:6: the row has 8 fields; the header has 16", err)
        self.assertIn("bad.csv:7: customer_ref differs from line 2", err)
        self.assertNotIn("bad.csv:2:", err)
        self.assertIn("nothing imported", err)
        self.assertEqual(before, self.s.counts())

    def test_bad_header_and_file(self):
        path = self.write("hdr.csv", "order_number,colour\nX,red\n")
        p = self.s.cli("import", "orders", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("hdr.csv:1: unknown column 'colour'", p.stderr)
        self.assertIn("the required column 'customer_ref' is missing", p.stderr)
        p = self.s.cli("import", "orders", os.path.join(self.s.dir, "missing.csv"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot open", p.stderr)
        path = self.write("quote.csv", HEADER + 'KP-Q,"C-1001,,,\n')
        p = self.s.cli("import", "orders", path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("quote.csv:2: the row is not valid CSV", p.stderr)
        p = self.s.cli("import", "orders")
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
