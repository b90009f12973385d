#!/bin/sh
# Server-side render time of the agent queue page with 100,000 enquiries,
# on SQLite and on PostgreSQL (see bench/pages.py for what it measures).
#
#   bench/pages.sh [--enquiries N] [--rounds R] [--store sqlite|postgres|both]
#
# PostgreSQL runs in a throwaway cluster (scripts/pg.sh, fsync off).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kapsule >/dev/null
store=both
for arg in "$@"; do
	case "$arg" in sqlite | postgres) store=$arg ;; esac
done
pgdir=""
cleanup() {
	[ -n "$pgdir" ] && scripts/pg.sh stop "$pgdir/pg" >/dev/null 2>&1 || true
	[ -n "$pgdir" ] && rm -rf "$pgdir"
}
trap cleanup EXIT INT TERM
if [ "$store" != sqlite ]; then
	pgdir=$(mktemp -d)
	chmod 755 "$pgdir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	FAST=1 scripts/pg.sh start "$pgdir/pg" "$port" >/dev/null
	export KAPSULE_BENCH_PG="postgresql://postgres@127.0.0.1:$port/postgres"
fi
python3 bench/pages.py "$@"
