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

echo "== unit tests (ASan+UBSan)"
(cd build-asan && ctest --output-on-failure -j "$JOBS")

echo "== API tests on SQLite (ASan+UBSan server)"
KAPSULE_BIN="$PWD/build-asan/kapsule" python3 -m unittest discover -s tests/api -p 'test_*.py' -v \
	2>&1 | tee "$OUT/api-sqlite.log" | grep -E '^(Ran|OK|FAILED|ERROR|FAIL)|\.\.\. (FAIL|ERROR)' || true
grep -q '^OK' "$OUT/api-sqlite.log" || { echo "API tests failed: see $OUT/api-sqlite.log"; tail -80 "$OUT/api-sqlite.log"; exit 1; }

echo "== all tests passed"
