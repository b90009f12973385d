#!/bin/sh
# Builds the screening engine's libFuzzer target (clang, with AddressSanitizer
# and UndefinedBehaviorSanitizer) and runs it.
#
#   scripts/fuzz.sh [SECONDS]      fuzz for SECONDS (default 600), starting from
#                                  tests/fuzz/corpus; new inputs that reach new
#                                  code are merged back into it
#   scripts/fuzz.sh --replay       run every stored input once (make test does)
#
# A crash, leak or sanitizer report stops it with a non-zero exit and leaves
# the input in build-fuzz/.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh fuzz
out=build-fuzz
mkdir -p "$out"
# shellcheck disable=SC2046
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -Isrc \
	tests/fuzz/fuzz_screen.c src/screen/*.c src/base/buf.c src/base/err.c \
	$(pkg-config --cflags --libs libutf8proc) -lpthread -o "$out/fuzz_screen"
opts="-max_len=8192 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1"
if [ "${1:-}" = "--replay" ]; then
	# shellcheck disable=SC2086
	"$out/fuzz_screen" $opts -runs=0 tests/fuzz/corpus >"$out/replay.log" 2>&1 ||
		{ tail -40 "$out/replay.log"; exit 1; }
	echo "fuzz corpus: $(ls tests/fuzz/corpus | wc -l) inputs replayed, no finding"
	exit 0
fi
seconds=${1:-600}
rm -rf "$out/work" && mkdir -p "$out/work"
cd "$out"
# shellcheck disable=SC2086
./fuzz_screen $opts -max_total_time="$seconds" -jobs=1 work ../tests/fuzz/corpus
# Keep the stored corpus small: only inputs that add coverage.
mkdir -p merged
./fuzz_screen -merge=1 merged ../tests/fuzz/corpus work >merge.log 2>&1
rm -rf ../tests/fuzz/corpus && mv merged ../tests/fuzz/corpus
echo "fuzz: $seconds s, no finding; corpus now $(ls ../tests/fuzz/corpus | wc -l) inputs"
