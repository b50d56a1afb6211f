#!/bin/sh
# A throwaway PostgreSQL cluster for the tests and the bench (issue 15).
#
#   scripts/postgres-cluster.sh start DIR PORT [throwaway]  -> prints the URL to reach it
#   scripts/postgres-cluster.sh stop DIR
#
# Installs Debian's postgresql when it is missing (as root). PostgreSQL
# refuses to run as root, so the cluster belongs to the `postgres` user when
# we are root. Commits are durable, as production makes them (the bench
# measures that), unless `throwaway` is given: the tests' cluster never
# outlives its run and no test cuts the machine's power, so it skips the
# fsyncs (a database made for each test costs ~25 ms instead of ~110).
set -eu

command_name=${1:?start or stop}
dir=${2:?a directory for the cluster}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
        echo "PostgreSQL is missing: install Debian's package 'postgresql'" >&2
        exit 1
    fi
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command_name" in
start)
    port=${3:?a port}
    durability=""
    case "${4:-}" in
    "") ;;
    throwaway) durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" ;;
    *) echo "the fourth argument may only be 'throwaway'" >&2; exit 2 ;;
    esac
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir" -U outings --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 $durability" start >/dev/null
    echo "postgresql://outings@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
*)
    echo "start or stop" >&2
    exit 2
    ;;
esac
