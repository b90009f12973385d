#!/bin/sh
# Load benchmark of the API (see bench/api.py for what it measures).
# Usage: bench/api.sh [--enquiries N] [--seconds S] [--rounds R] [--json FILE] ...
set -eu
cd "$(dirname "$0")/.."
exec python3 bench/api.py "$@"
