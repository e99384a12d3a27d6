#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost (start them if not), and that the database
# named in DATABASE_URL exists.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  echo "==> starting PostgreSQL"
  cluster=$(ls /etc/postgresql 2>/dev/null | head -n1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
fi
if ! redis_up; then
  echo "==> starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis is not answering on 127.0.0.1:6379" >&2; exit 1; }
fi

# Debian's redis-sentinel for the Sentinel failover test (tests/e2e/test_sentinel_failover.py),
# which starts its own Redis pair and Sentinel on free ports.
if ! command -v redis-sentinel >/dev/null 2>&1; then
  echo "==> installing Debian's redis-sentinel"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq redis-sentinel >/dev/null
fi

# Create the application database if it is missing (the test database is pytest-django's job).
.venv/bin/python - <<'PY'
import os

import environ
import psycopg
from psycopg import sql

cfg = environ.Env.db_url_config(
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/handywriterz")
)
admin = psycopg.connect(
    host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"],
    password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True,
)
with admin:
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
    if not exists:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
        print(f"==> created database {cfg['NAME']}")
PY
