#!/usr/bin/env bash
# Runs the whole test suite: formatting, clippy, and every test on SQLite and on Postgres,
# against a real Secret Service, the mobile SDK through its Python and Kotlin bindings, and the
# web UI in a real browser.
#
# It needs a PostgreSQL server on 127.0.0.1:5432 (trust auth, user postgres): it starts the
# machine's cluster if it is installed but stopped, creates a throwaway database for this
# run, points DATABASE_URL at it and drops it afterwards. Set DATABASE_URL yourself to use
# another server (the suite then creates its own schemas in that database).
#
# The keychain tests run a private D-Bus session bus and gnome-keyring per test: Debian's
# dbus, gnome-keyring and libsecret-tools are installed when missing (as root). The metrics
# tests need python3 with venv (installed when missing) and fetch prometheus_client from
# PyPI once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

pg_admin_url="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    step "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    sleep 0.5
  done
  echo "PostgreSQL is not reachable on 127.0.0.1:5432; install and start it, or set DATABASE_URL" >&2
  exit 1
}

if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgres
  db="b8825_test_$(date +%s)_$$"
  psql -q "$pg_admin_url" -c "CREATE DATABASE $db" >/dev/null
  trap 'psql -q "$pg_admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
  export DATABASE_URL="${pg_admin_url%/*}/$db"
fi
# The Postgres half of the suite must run: a missing DATABASE_URL fails instead of skipping.
export BACKEND_8825_REQUIRE_POSTGRES=1

missing=()
for pair in dbus-daemon:dbus-daemon dbus-send:dbus-bin gnome-keyring-daemon:gnome-keyring \
  secret-tool:libsecret-tools; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
# The keychain tests must run too: a missing tool fails instead of skipping.
export BACKEND_8825_REQUIRE_SECRET_SERVICE=1

# The metrics tests read GET /metrics with a real Prometheus text parser: Python's
# prometheus_client, in a virtual environment under the target dir (made once).
venv="$CARGO_TARGET_DIR/prometheus-venv"
if ! "$venv/bin/python" -c "import prometheus_client" 2>/dev/null; then
  step "prometheus_client (Python) for the metrics tests"
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3 python3-venv
  python3 -m venv "$venv" || { apt_install python3-venv; python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet prometheus_client
fi
export BACKEND_8825_PROMETHEUS_PYTHON="$venv/bin/python"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
# The workspace: the daemon and the SDK's FFI crate (sdk/ffi).
cargo clippy --workspace --all-targets --locked -- -D warnings

# The library, the binaries and the integration tests; the benchmarks are built by clippy
# above but not run (BENCHMARKS.md), and there are no doctests.
step "cargo test (SQLite and Postgres)"
cargo test --locked --lib --bins --tests

step "mobile SDK: Python, Kotlin and the Swift header"
bash scripts/sdk-test.sh

step "web UI: bundle, unit and browser tests"
bash scripts/web-test.sh
