#!/usr/bin/env bash
# Start the huey job consumer beside the development server; stop both together.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py run_huey --workers 2 --flush-locks >var/huey.log 2>&1 &
HUEY_PID=$!
trap 'kill "$HUEY_PID" 2>/dev/null || true' EXIT INT TERM
echo
echo "AfterSales is starting on http://127.0.0.1:8000/  (API: /api/v1/docs/, admin: /admin/)"
echo "Job consumer running (log: var/huey.log)."
$PY manage.py demo_logins
echo
$PY manage.py runserver 127.0.0.1:8000
