#!/usr/bin/env bash
# Differential fuzzing for as long as asked: runs the random differential tests (ferrodis vs
# redis-server, see tests/suite/diff/) with fresh random seeds until the time is up or a seed
# finds a difference. Every failing seed's full report (with a shrunk command sequence) is
# kept in target/fuzz-failures/<seed>.log.
#
# Usage: scripts/fuzz-diff.sh [DURATION]     DURATION: 90s, 10m, 2h or seconds (default 10m)
# Environment:
#   STEPS=5000        commands per seed
#   SEEDS_PER_RUN=6   seeds per test run (run 3 at a time, each on its own pair of servers)
#   KEEP_GOING=1      continue after a failure instead of stopping
#   FERRODIS_DIFF_PENDING=all   also fuzz the commands still listed as pending in generator.rs
set -euo pipefail
cd "$(dirname "$0")/.."

dur=${1:-10m}
case "$dur" in
  *h) secs=$(( ${dur%h} * 3600 ));;
  *m) secs=$(( ${dur%m} * 60 ));;
  *s) secs=${dur%s};;
  *) secs=$dur;;
esac
steps=${STEPS:-5000}
per_run=${SEEDS_PER_RUN:-6}
mkdir -p target/fuzz-failures

command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
cargo build --release --workspace
cargo test --release -p ferrodis-tests --no-run

end=$(( $(date +%s) + secs ))
runs=0; seeds_done=0; failures=0
while [ "$(date +%s)" -lt "$end" ]; do
  seeds=()
  for _ in $(seq "$per_run"); do seeds+=("$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')"); done
  list=$(IFS=,; echo "${seeds[*]}")
  log=$(mktemp)
  if FERRODIS_SEED="$list" FERRODIS_DIFF_STEPS="$steps" \
      cargo test --release -q -p ferrodis-tests -- diff::random::random_sequences diff::expiry \
      >"$log" 2>&1; then
    runs=$((runs + 1)); seeds_done=$((seeds_done + per_run))
    echo "ok: seeds $list ($seeds_done seeds, $((seeds_done * steps)) commands so far)"
    rm -f "$log"
  else
    failures=$((failures + 1))
    first=$(grep -o 'seed [0-9]*' "$log" | head -1 | cut -d' ' -f2)
    first=${first:-unknown-$(date +%s)}
    mv "$log" "target/fuzz-failures/$first.log"
    echo "DIFFERENCE FOUND: seeds $list; report in target/fuzz-failures/$first.log"
    sed -n '/==== ferrodis differs/,/^reproduce:/p' "target/fuzz-failures/$first.log"
    [ -n "${KEEP_GOING:-}" ] || exit 1
  fi
done
echo "fuzzed $seeds_done seeds x $steps commands in ${secs}s: $failures failing run(s)"
[ "$failures" -eq 0 ]
