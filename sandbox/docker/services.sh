# Start PostgreSQL and Redis inside the sandbox container, as the sandbox user, on the
# container's own loopback; data in tmpfs (/tmp). Idempotent; returns once both answer.
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA=/tmp/pgdata
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log >&2; exit 1; }
fi
if ! "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "$PGBIN/pg_ctl" -D "$PGDATA" -l /tmp/postgres.log -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -c port=5432 -c unix_socket_directories=/tmp \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { cat /tmp/postgres.log >&2; exit 1; }
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis.log
fi
for _ in $(seq 1 100); do
  if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p 5432 \
     && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; then
    exit 0
  fi
  sleep 0.1
done
echo "PostgreSQL or Redis did not answer within 10s" >&2
tail -n 20 /tmp/postgres.log /tmp/redis.log >&2 || true
exit 1
