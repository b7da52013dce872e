# Sourced by scripts: start_pg DIR starts a throwaway PostgreSQL cluster in DIR on a free loopback
# port and sets PG_URL (postgres://postgres@127.0.0.1:PORT); stop_pg DIR stops it. Needs the
# PostgreSQL server binaries (PG_BIN, or the newest /usr/lib/postgresql/*/bin). As root the cluster
# runs as the postgres system user, since initdb refuses root.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_pg() {
  local dir=$1
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (set PG_BIN)" >&2
    return 1
  fi
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    chown postgres: "$dir"
  fi
  PG_PORT=$(free_port)
  as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  # A test cluster: durability off for speed unless PG_DURABLE=1; max_connections covers parallel
  # tests' pools. WAL is kept short (each test's CREATE DATABASE logs a whole copy of template1), so
  # the cluster stays small on disk and any crash recovery replays little; JIT is off, as a test's
  # small queries gain nothing from compiling and an LLVM fault would take every connection down.
  local speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_DURABLE:-0}" = 1 ] && speed=""
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 $speed -c max_connections=300 -c max_wal_size=256MB -c min_wal_size=64MB -c jit=off" \
    start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT"
}

stop_pg() {
  as_pg "$PG_BIN/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
}
