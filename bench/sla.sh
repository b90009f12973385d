#!/bin/sh
# The vendor's clock at scale, on SQLite: a store with 1,000,000 open vendor
# requests over 200,000 enquiries (five each), none due, then 10,000 of them
# (on as many enquiries) due at once.
#
#   bench/sla.sh [--rounds R]
#
# Prints: the median of R runs of `kapsule sla run --once` with nothing due
# (the whole command: start, open the store, one scheduler tick), and the
# time of one run that takes the 10,000 due requests through both steps
# (overdue and lapsed: 20,000 steps, their audit events and escalations).
set -eu
cd "$(dirname "$0")/.."
rounds=5
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds R]" >&2; exit 2 ;;
	esac
done
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kapsule >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
build/kapsule demo --db="$work/sla.db" >/dev/null 2>&1
python3 - "$work/sla.db" "$rounds" build/kapsule <<'PY'
import sqlite3, statistics, subprocess, sys, time
db, rounds, kapsule = sys.argv[1], int(sys.argv[2]), sys.argv[3]
far = 4102444800000  # 2100-01-01: never due in this bench
con = sqlite3.connect(db)
e = con.execute("SELECT MAX(id) FROM enquiries").fetchone()[0]
user = con.execute("SELECT created_by FROM vendor_requests LIMIT 1").fetchone()[0]
t = time.perf_counter()
con.execute("""INSERT INTO enquiries (order_id, customer_id, vendor_id, order_number, shop_name,
  customer_name, category, subject, status, active, priority, escalated, due_at, created_at,
  updated_at, last_message_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
  SELECT order_id, customer_id, vendor_id, order_number, shop_name, customer_name, category,
  subject, 'awaiting_vendor', 1, 'normal', 0, ?, created_at, updated_at, last_message_at
  FROM n, enquiries WHERE id = ?""", (far, e))
first = e + 1
con.execute("""INSERT INTO vendor_requests (enquiry_id, vendor_id, question, evidence, state,
  due_at, created_by, created_at, next_step_at)
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
  SELECT ? + i % 200000, e.vendor_id, 'Has it been posted?', '', 'open', ? + i, ?, 0, ? + i
  FROM n, enquiries e WHERE e.id = ?""", (first, far, user, far, e))
con.commit()
count = con.execute("SELECT COUNT(*) FROM vendor_requests WHERE state = 'open'").fetchone()[0]
print("store: %d open vendor requests over 200000 more enquiries, made in %.1f s"
      % (count, time.perf_counter() - t))

def run():
    t = time.perf_counter()
    p = subprocess.run([kapsule, "sla", "run", "--once", "--db=" + db],
                       capture_output=True, text=True, check=True)
    return time.perf_counter() - t, p.stdout.strip().splitlines()[-1]

times = [run()[0] for _ in range(rounds)]
print("nothing due: median %.1f ms over %d runs of the whole command (fastest %.1f, slowest %.1f)"
      % (statistics.median(times) * 1000, rounds, min(times) * 1000, max(times) * 1000))
# 10,000 requests due long ago, one on each of 10,000 enquiries.
con.execute("""UPDATE vendor_requests SET due_at = 1000, next_step_at = 1000 WHERE id IN
  (SELECT id FROM vendor_requests WHERE enquiry_id >= ? ORDER BY id LIMIT 10000)""", (first,))
con.commit()
took, out = run()
print("10000 due: %.2f s for one run (%s)" % (took, out))
PY
