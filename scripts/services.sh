#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ when they are not answering (the commands this
# machine kind uses to start them). Idempotent.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
fi
if ! port_open 6379; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
fi
for i in $(seq 1 60); do
  if port_open 5432 && port_open 6379 && port_open 5672; then exit 0; fi
  sleep 1
done
echo "services did not come up: postgres/redis/rabbitmq on 5432/6379/5672" >&2
exit 1
