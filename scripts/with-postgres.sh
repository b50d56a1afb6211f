#!/bin/sh
# Run a command with a throwaway PostgreSQL cluster (scripts/postgres-cluster.sh:
# not durable, made for tests)
# on a free port, its URL in OUTINGS_TEST_POSTGRES; the cluster is stopped and
# removed afterwards, whatever the command's outcome.
#
#   scripts/with-postgres.sh PYTHON COMMAND [ARGS...]
set -eu

python=${1:?a python to find a free port with}
shift
dir=$(mktemp -d)
chmod 755 "$dir"
here=$(dirname "$0")
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'sh "$here/postgres-cluster.sh" stop "$dir/cluster"; rm -rf "$dir"' EXIT
OUTINGS_TEST_POSTGRES=$(sh "$here/postgres-cluster.sh" start "$dir/cluster" "$port" throwaway)
export OUTINGS_TEST_POSTGRES
"$@"
