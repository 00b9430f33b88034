#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the reference server (redis-server
# 7.0.15 from Debian) and the Node.js client packages when missing, builds the release
# binary, checks formatting and lints, then runs the Rust suite and the Node.js tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "== installing redis-server and redis-tools (reference server and clients)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi
# The Debian package may start a system redis on 6379; tests use their own free ports.

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== build (release)"
cargo build --release
echo "== cargo test"
cargo test --workspace --release -- --test-threads="${TEST_THREADS:-4}"

if [ -d tests/node ]; then
  echo "== node tests"
  (cd tests/node && { [ -d node_modules ] || npm install --no-audit --no-fund --silent; } && node --test)
fi
echo "== all tests passed"
