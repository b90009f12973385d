#!/bin/sh
# The screening engine's speed, and kapsule screen's, over the same realistic
# mix of messages (the labelled corpus, repeated), in the same run.
#
#   bench/screen.sh [--rounds R] [--copies C]
#
# Prints: the engine's median MB/s (bench/screen.c, calling screen_find
# directly) with a one-pass baseline measured in turns with it; `kapsule
# screen` end to end (JSON lines in and out) as MB/s of input and of message
# text, median of R runs; and its peak memory on the mix, on a 1 MiB text
# full of details, on a 1 MiB text of one-letter words (the most words a
# text can hold), and on a 100 MB line.
set -eu
cd "$(dirname "$0")/.."
rounds=5
copies=60
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--copies) copies=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds R] [--copies C]" >&2; exit 2 ;;
	esac
done
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" --target kapsule bench_screen >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
python3 - "$work" "$copies" <<'PY'
import json, sys
work, copies = sys.argv[1], int(sys.argv[2])
items = [json.loads(l) for l in open("tests/screen/corpus.jsonl", encoding="utf-8")]
with open(work + "/mix.txt", "w", encoding="utf-8") as txt, \
     open(work + "/mix.jsonl", "w", encoding="utf-8") as jl:
    n = 0
    for _ in range(copies):
        for it in items:
            txt.write(it["text"].replace("\\", "\\\\").replace("\n", "\\n") + "\n")
            jl.write(json.dumps({"id": "m%d" % n, "text": it["text"]}, ensure_ascii=False) + "\n")
            n += 1
big = ("Ring me on 07700 900123 or jane at gmail dot com, order KAP-2024-118833. " * 20000)
with open(work + "/one-mib.jsonl", "w") as f:
    f.write(json.dumps({"id": "big", "text": big[:1048000]}) + "\n")
with open(work + "/many-words.jsonl", "w") as f:
    f.write(json.dumps({"id": "words", "text": "a " * 524000}) + "\n")
with open(work + "/huge.jsonl", "w") as f:
    f.write('{"id": "huge", "text": "' + "a" * 100_000_000 + '"}\n{"id": "ok", "text": "hi"}\n')
PY
echo "== engine (screen_find, one core)"
build/bench/bench_screen "$work/mix.txt" "$rounds"
text_bytes=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1])))" "$work/mix.jsonl")
in_bytes=$(wc -c <"$work/mix.jsonl")
echo "== kapsule screen (JSON lines in and out, end to end)"
i=0
: >"$work/times"
while [ "$i" -lt "$rounds" ]; do
	/usr/bin/time -f "%e %M" -o "$work/t" build/kapsule screen <"$work/mix.jsonl" >/dev/null
	cat "$work/t" >>"$work/times"
	i=$((i + 1))
done
python3 - "$work/times" "$in_bytes" "$text_bytes" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
secs = sorted(float(r[0]) for r in rows)
peak = max(int(r[1]) for r in rows)
med = statistics.median(secs)
inb, textb = int(sys.argv[2]), int(sys.argv[3])
print("%d runs over %.1f MB of JSON lines (%.1f MB of text): median %.2f s = %.1f MB/s of input,"
      " %.1f MB/s of text (fastest %.2f s, slowest %.2f s); peak memory %.1f MB"
      % (len(secs), inb / 1e6, textb / 1e6, med, inb / 1e6 / med, textb / 1e6 / med,
         secs[0], secs[-1], peak / 1024))
PY
for f in one-mib many-words huge; do
	/usr/bin/time -f "%M" -o "$work/t" build/kapsule screen <"$work/$f.jsonl" >/dev/null 2>&1 || true
	echo "peak memory on $f.jsonl ($(wc -c <"$work/$f.jsonl") bytes): $(tail -1 "$work/t" | awk '{printf "%.1f MB", $1 / 1024}')"
done
