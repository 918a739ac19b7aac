#!/usr/bin/env bash
# Run every test (unit, AppTest, slow model tests, PostgreSQL, real browser) on a fresh machine.
# Extra arguments go to pytest, e.g. ./test.sh -m "not slow and not browser" for a quick local run.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-venv requirements-dev.txt
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# System packages for the browser, PostgreSQL and two-replica deployment tests (Debian; needs root).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null || need+=(openssl)   # the deployment test's self-signed certificate
command -v npm >/dev/null || need+=(npm)           # axe-core for the accessibility tests (npm ci below)
command -v cc >/dev/null || need+=(gcc)            # e5q, the tuned encoder's C engine (portal/search/native)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== apt-get install ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
  else
    echo "!! missing system packages: ${need[*]} (install them as root)" >&2
  fi
fi
if [ -f package-lock.json ] && [ ! -d node_modules/axe-core ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --silent
fi

# A throw-away PostgreSQL server on 127.0.0.1 for the data-layer tests.
pgdir=$(mktemp -d /tmp/portal-pg.XXXXXX)
pgport=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
cleanup() { scripts/pg-test-server stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
if url=$(scripts/pg-test-server start "$pgdir" "$pgport"); then
  export TEST_POSTGRES_URL="$url"
  echo "== PostgreSQL test server at 127.0.0.1:$pgport"
elif [ "${PORTAL_TESTS_WITHOUT_POSTGRES:-}" = 1 ]; then
  echo "!! PostgreSQL not available: PostgreSQL tests will be skipped (PORTAL_TESTS_WITHOUT_POSTGRES=1)" >&2
else
  # a green run must not hide that the production database was never tested
  echo "!! PostgreSQL test server did not start: stopping. PORTAL_TESTS_WITHOUT_POSTGRES=1 ./test.sh runs the rest" >&2
  exit 1
fi

.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
