#!/bin/sh
# The vendor's clock at scale, on SQLite and on PostgreSQL: a store with
# 1,000,000 open vendor requests over 200,000 enquiries (five each), none
# due, then 10,000 of them (on as many enquiries) due at once.
#
#   bench/sla.sh [--rounds R] [--store sqlite|postgres|both]
#
# Prints, for each store:
#   - nothing due: the median of R runs of `kapsule sla run --once` (the
#     whole command: start, open the store, one scheduler tick), and of the
#     tick alone (the run's own took_ms);
#   - 10,000 reminders due: one run (10,000 steps, each with its audit event
#     and a notification to each of the vendor's users);
#   - 10,000 past the grace period on enquiries outside the refund policy:
#     one run taking each through overdue and lapse (20,000 steps, with
#     escalations, notifications and penalty points);
#   - 10,000 past the grace period on refund-eligible enquiries: one run
#     taking each through overdue, lapse and the automatic refund (the
#     refund, the customer's reply and notification, the enquiry resolved,
#     its other four pending requests cancelled).
# PostgreSQL runs in a throwaway cluster (scripts/pg.sh, fsync off).
set -eu
cd "$(dirname "$0")/.."
rounds=5
store=both
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--store) store=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds R] [--store sqlite|postgres|both]" >&2; exit 2 ;;
	esac
done
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kapsule >/dev/null
work=$(mktemp -d)
chmod 755 "$work"
pgdir=""
cleanup() {
	[ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

run() { # store-name db-url-or-file
	python3 - "$1" "$2" "$rounds" build/kapsule <<'PY'
import json, os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.join("tests", "api"))
name, db, rounds, kapsule = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pg = db.startswith("postgres")
if pg:
    import pgwire
    con = pgwire.Connection(db, timeout=600)
    def q(sql, *a):
        return con.query(sql, *a)
    def commit():
        pass
else:
    import sqlite3
    lite = sqlite3.connect(db)
    def q(sql, *a):
        return lite.execute(sql, a).fetchall()
    def commit():
        lite.commit()
far = 4102444800000  # 2100-01-01: never due in this bench
e = q("SELECT MAX(id) FROM enquiries")[0][0]
user = q("SELECT created_by FROM vendor_requests LIMIT 1")[0][0]
t = time.perf_counter()
q("""INSERT INTO enquiries (order_id, customer_id, vendor_id, order_number, shop_name,
  customer_name, category, subject, status, active, priority, escalated, due_at, created_at,
  updated_at, last_message_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
  SELECT order_id, customer_id, vendor_id, order_number, shop_name, customer_name,
  'product_question', subject, 'awaiting_vendor', 1, 'normal', 0, ?, created_at, updated_at,
  last_message_at FROM n, enquiries WHERE id = ?""", far, e)
first = e + 1
q("""INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state,
  due_at, created_by, created_at, next_step_at)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
  SELECT ? + i % 200000, e.vendor_id, 'Has it been posted?', '', 'open', ? + i, ?, 0, ? + i
  FROM n, enquiries e WHERE e.id = ?""", first, far, user, far, e)
if pg:
    q("ANALYZE")
commit()
count = q("SELECT COUNT(*) FROM vendor_requests WHERE state = 'open'")[0][0]
print("%s: %d open vendor requests over 200000 more enquiries, made in %.1f s"
      % (name, count, time.perf_counter() - t))

def sla():
    t = time.perf_counter()
    p = subprocess.run([kapsule, "sla", "run", "--once", "--db=" + db],
                       capture_output=True, text=True, check=True)
    return time.perf_counter() - t, p.stdout.strip().splitlines()[-1]

runs = [sla() for _ in range(rounds)]
times = [took for took, _ in runs]
ticks = [json.loads(line)["took_ms"] for _, line in runs]
print("%s: nothing due: median %.1f ms over %d runs of the whole command"
      " (fastest %.1f, slowest %.1f); the tick alone: median %.1f ms (%.1f to %.1f)"
      % (name, statistics.median(times) * 1000, rounds, min(times) * 1000, max(times) * 1000,
         statistics.median(ticks), min(ticks), max(ticks)))

def due(lo, state_sql):
    """10,000 requests, one on each of the 10,000 enquiries from first + lo, set up by
    state_sql (which takes the now of the real clock and the id range)."""
    now = int(time.time() * 1000)
    q(state_sql, now, first + lo, first + lo + 10000)
    commit()
    took, out = sla()
    print("%s: %s: %.2f s for one run (%s)" % (name, label, took, out))

# Reminders: due in 90 minutes, made long ago (the 2-hour reminder is due).
label = "10000 reminders due"
due(0, """UPDATE vendor_requests SET due_at = ? + 5400000, next_step_at = 0
  WHERE id IN (SELECT MIN(id) FROM vendor_requests WHERE enquiry_id >= ? AND enquiry_id < ?
  GROUP BY enquiry_id)""")
# Lapses to the supervisors: due two days ago (the grace period is 24 hours).
label = "10000 lapses to supervisors (20000 steps)"
due(10000, """UPDATE vendor_requests SET due_at = ? - 172800000, next_step_at = 0
  WHERE id IN (SELECT MIN(id) FROM vendor_requests WHERE enquiry_id >= ? AND enquiry_id < ?
  GROUP BY enquiry_id)""")
# Lapses with automatic refunds: the same, on refund-eligible enquiries.
# (An order is refunded once: each of these enquiries gets an order of its own.)
o = q("SELECT order_id FROM enquiries WHERE id = ?", e)[0][0]
q("""INSERT INTO orders (number, customer_id, vendor_id, items, amount, currency, note,
  placed_at, created_at)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
  SELECT 'KP-BENCH-' || CAST(? + i AS TEXT), customer_id, vendor_id, items, 1500, currency, '',
  placed_at, created_at FROM n, orders WHERE id = ?""", first + 20000, o)
q("""UPDATE enquiries SET category = 'not_received', order_id = (SELECT o.id FROM orders o
  WHERE o.number = 'KP-BENCH-' || CAST(enquiries.id AS TEXT)) WHERE id >= ? AND id < ?""",
  first + 20000, first + 30000)
label = "10000 lapses with automatic refunds (20000 steps, 10000 refunds)"
due(20000, """UPDATE vendor_requests SET due_at = ? - 172800000, next_step_at = 0
  WHERE id IN (SELECT MIN(id) FROM vendor_requests WHERE enquiry_id >= ? AND enquiry_id < ?
  GROUP BY enquiry_id)""")
PY
}

case "$store" in sqlite|both)
	build/kapsule demo --db="$work/sla.db" >/dev/null 2>&1
	run sqlite "$work/sla.db" ;;
esac
case "$store" in postgres|both)
	pgdir="$work/pg"
	url=$(FAST=1 scripts/pg.sh start "$pgdir" 55499)
	python3 - "$url" <<'PY'
import os, sys
sys.path.insert(0, os.path.join("tests", "api"))
import pgwire
c = pgwire.Connection(sys.argv[1])
c.query("CREATE DATABASE kapsule_bench")
PY
	db=$(python3 -c "import sys; sys.path.insert(0, 'tests/api'); import pgwire; print(pgwire.with_database('$url', 'kapsule_bench'))")
	build/kapsule demo --db="$db" >/dev/null 2>&1
	run postgres "$db" ;;
esac
