#!/bin/sh
# Runs every test: unit tests and API tests, built with AddressSanitizer and
# UndefinedBehaviorSanitizer, plus the checks on the plain build.
# Test output (logs) goes under test-output/.
set -eu
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)
OUT=test-output
mkdir -p "$OUT"

echo "== build (plain and sanitized)"
build() {
	if ! { cmake -S . -B "$1" $2 && cmake --build "$1" -j "$JOBS"; } >"$OUT/$1.log" 2>&1; then
		cat "$OUT/$1.log"
		echo "build of $1 failed"
		exit 1
	fi
}
build build "-DCMAKE_BUILD_TYPE=RelWithDebInfo"
build build-asan "-DCMAKE_BUILD_TYPE=Debug -DKAPSULE_SANITIZE=ON"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== browser test packages (tests/browser: playwright-core, axe-core)"
if ! (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) >"$OUT/npm.log" 2>&1; then
	cat "$OUT/npm.log"
	echo "npm ci in tests/browser failed"
	exit 1
fi

echo "== a throwaway PostgreSQL cluster"
PGDIR=$(mktemp -d /tmp/kapsule-pg.XXXXXX)
chmod 755 "$PGDIR"
PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
	scripts/pg.sh stop "$PGDIR/pg" 2>/dev/null || true
	rm -rf "$PGDIR"
}
trap cleanup EXIT INT TERM
PGURL=$(FAST=1 scripts/pg.sh start "$PGDIR/pg" "$PGPORT")
echo "$PGURL"

echo "== unit tests (ASan+UBSan; the db tests on SQLite and PostgreSQL)"
(cd build-asan && KAPSULE_TEST_PG="$PGURL" ctest --output-on-failure -j "$JOBS")

echo "== screening corpus (span F1, recall per kind, clean messages flagged)"
python3 tests/screen/score.py build-asan/kapsule

echo "== screening fuzz corpus replayed (libFuzzer build, ASan+UBSan)"
scripts/fuzz.sh --replay

# The API suite, once per store: $1 names the log.
api() {
	KAPSULE_BIN="$PWD/build-asan/kapsule" python3 -m unittest discover -s tests/api -p 'test_*.py' -v \
		2>&1 | tee "$OUT/api-$1.log" | grep -E '^(Ran|OK|FAILED|ERROR|FAIL)|\.\.\. (FAIL|ERROR)' || true
	grep -q '^OK' "$OUT/api-$1.log" || { echo "API tests failed: see $OUT/api-$1.log"; tail -80 "$OUT/api-$1.log"; exit 1; }
}

echo "== API tests on SQLite (ASan+UBSan server)"
api sqlite

echo "== API tests on PostgreSQL (ASan+UBSan server)"
export KAPSULE_TEST_PG="$PGURL" KAPSULE_TEST_PG_DIR="$PGDIR/pg"
api postgres

echo "== all tests passed"
