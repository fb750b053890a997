#!/usr/bin/env bash
# Benchmarks. The service benchmark needs a PostgreSQL database filled by generate_data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
echo "== import of 10,000 rows (SQLite)"
$PY bench/import_bench.py
echo "== stock and requisitions (SQLite)"
$PY bench/parts_bench.py
BENCH_DB=${AFTERSALES_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aftersales_bench}
echo "== service requests on $BENCH_DB"
export DATABASE_URL=$BENCH_DB AFTERSALES_DATA_DIR=${AFTERSALES_BENCH_DATA_DIR:-var/bench}
$PY manage.py migrate -v0
WANT=${BENCH_REQUESTS:-1000000}
HAVE=$($PY manage.py shell -c 'from aftersales.service.models import ServiceRequest as S; print(S.objects.count())' 2>/dev/null | tail -1)
if [ "$HAVE" -lt "$WANT" ]; then
  echo "generating $((WANT - HAVE)) requests (about 35 minutes for a million on 2 cores)…"
  $PY manage.py generate_data --requests "$((WANT - HAVE))"
fi
$PY bench/service_bench.py
echo "== dashboard on $BENCH_DB"
$PY bench/dashboard_bench.py
echo "== scorecards and department KPIs on $BENCH_DB"
$PY bench/kpi_bench.py
