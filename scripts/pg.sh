#!/bin/sh
# A throwaway PostgreSQL cluster in a folder, for tests and benchmarks.
#
#   scripts/pg.sh start DIR [PORT]   create (first time) and start (unless running);
#                                    prints the URL
#   scripts/pg.sh stop DIR           stop it (fast shutdown)
#   scripts/pg.sh kill DIR           stop it at once (immediate shutdown)
#   scripts/pg.sh url DIR [PORT]     the URL of its postgres database
#
# The server listens on a Unix socket in DIR and on 127.0.0.1:PORT (default
# 55432).  Run as root, the cluster belongs to the postgres user (PostgreSQL
# refuses to run as root).  FAST=1 turns fsync off, for tests that do not
# cut the power: a commit still reaches the operating system before it is
# acknowledged, so killing the server loses nothing.
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
	echo "PostgreSQL is not installed: run scripts/deps.sh test as root" >&2
	exit 1
fi

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cmd=${1:-}
dir=${2:-}
port=${3:-55432}
[ -n "$dir" ] || { echo "usage: $0 start|stop|kill|url DIR [PORT]" >&2; exit 2; }

case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
			--locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
		{
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$dir'"
			echo "max_connections = 200"
			echo "shared_buffers = 128MB"
			if [ "${FAST:-0}" = 1 ]; then
				echo "fsync = off"
				echo "full_page_writes = off"
			fi
		} >>"$dir/data/postgresql.conf"
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null ||
			{ tail -20 "$dir/server.log" >&2; exit 1; }
	fi
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
	;;
kill)
	as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
	;;
url)
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
	;;
*)
	echo "usage: $0 start|stop|kill|url DIR [PORT]" >&2
	exit 2
	;;
esac
