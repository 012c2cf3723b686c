#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster: initdb in a temporary folder, started
# on a free port with its socket in that folder, removed afterwards. PostgreSQL refuses to run as
# root, so under root the cluster belongs to an unprivileged system user.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server not found: run scripts/system-deps.sh" >&2; exit 1; }

workdir=$(mktemp -d /tmp/mutualis-pg.XXXXXX)
chmod 755 "$workdir"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id mutualis-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin mutualis-pg
  chown mutualis-pg "$workdir"
  as_owner=(runuser -u mutualis-pg --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -U mutualis --auth=trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/log" -w start \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U mutualis mutualis

export DATABASE_URL="postgres://mutualis@127.0.0.1:$port/mutualis"
export PATH="$bindir:$PATH"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
"$@"
