#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the reference server (redis-server
# 7.0.15 from Debian), redis-cli and Node.js when missing, and the Node.js client packages,
# builds the release binary, checks formatting and lints, then runs the Rust suite (including
# the differential tests against redis-server) and the Node.js tests.
#
# Environment:
#   TEST_THREADS    parallel Rust tests (default 4)
#   SKIP_LINT=1     skip cargo fmt / clippy (local iterations only; CI never sets it)
#   FERRODIS_SEED   seeds for the differential tests (default: the fixed CI list)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - start ))s)"; }

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# The Debian package may start a system redis on 6379; tests use their own free ports (the
# seed example, which needs 6379, runs in its own network namespace when 6379 is taken).

if [ ! -d tests/node/node_modules ]; then
  step "installing Node.js packages (tests/node)"
  if [ -f tests/node/package-lock.json ]; then
    (cd tests/node && npm ci --no-audit --no-fund --silent)
  else
    (cd tests/node && npm install --no-audit --no-fund --silent)
  fi
fi

if [ -z "${SKIP_LINT:-}" ]; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
fi
step "build (release)"
cargo build --release --workspace
if [ -z "${SKIP_LINT:-}" ]; then
  step "cargo clippy"
  cargo clippy --all-targets -- -D warnings
fi
# Both test phases always run, so one failing phase does not hide the other's results.
failed=()
step "cargo test (release)"
cargo test --workspace --release -- --test-threads="${TEST_THREADS:-4}" || failed+=("cargo test")

# The differential and key-space tests again with other thread/shard layouts: one shard and
# one worker (Redis's single-threaded semantics), and many shards over several workers (every
# multi-shard path: MSET, RENAME, COPY, SCAN, RANDOMKEY, SWAPDB, FLUSHALL, BLMOVE across
# shards, SORT).
for layout in "--worker-threads 1 --keyspace-shards 1" "--worker-threads 4 --keyspace-shards 64"; do
  step "cargo test, layout: $layout"
  FERRODIS_TEST_ARGS="$layout" cargo test --release -p ferrodis-tests -- \
    --test-threads="${TEST_THREADS:-4}" diff:: unit::keyspace unit::scan unit::expire unit::string \
    unit::blocking unit::sort \
    || failed+=("layout $layout")
done

step "node tests"
(cd tests/node && node --test) || failed+=("node tests")

if [ ${#failed[@]} -gt 0 ]; then
  step "FAILED: ${failed[*]}"
  exit 1
fi
step "all tests passed"
