#!/usr/bin/env bash
# Run the suite on SQLite, then on PostgreSQL. AFTERSALES_REQUIRE (set by CI) turns a
# missing server into a failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${AFTERSALES_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
export REDIS_TEST_URL=${REDIS_TEST_URL:-redis://127.0.0.1:6379/15}
WORKERS=${AFTERSALES_TEST_WORKERS:-2}

echo "== tests on SQLite"
env -u DATABASE_URL $PY -m pytest -n "$WORKERS" -q -m "not postgres" "$@"

if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PYEOF
then
  echo "== tests on PostgreSQL"
  DATABASE_URL=$PG_URL $PY -m pytest -n "$WORKERS" -q "$@"
elif [[ ",${AFTERSALES_REQUIRE:-}," == *",postgres,"* ]]; then
  echo "PostgreSQL is required (AFTERSALES_REQUIRE) but not reachable at $PG_URL" >&2
  exit 1
else
  echo "== PostgreSQL not reachable: skipped the PostgreSQL run (CI requires it)"
fi
