#!/bin/sh
# Installs the Debian packages that building, testing or benchmarking needs.
# Usage: scripts/deps.sh build|test|bench|fuzz
# As root it runs apt-get for whatever is missing; otherwise it prints the
# exact apt-get line to run and fails.
set -eu

build="gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libpq-dev libsodium-dev libutf8proc-dev libcurl4-openssl-dev"
test="$build libcmocka-dev python3 sqlite3 postgresql-15 haproxy clang libclang-rt-14-dev
nodejs chromium"
fuzz="$build clang libclang-rt-14-dev"
bench="$build wrk postgresql-15 haproxy"

case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
fuzz) want=$fuzz ;;
*) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "Missing Debian packages. Run as root:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || true
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
