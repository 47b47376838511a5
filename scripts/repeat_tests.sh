#!/usr/bin/env bash
# Runs the whole ctest suite N times in a row at -j2, never retrying a failed test: the check
# that the suite has no flaky test (a test that fails once in N runs is a bug to find).
#
#   scripts/repeat_tests.sh [N=10] [BUILD_DIR=build]
#
# One line per run (its number, passed/failed counts, wall time, load average, the commit);
# the names and output of failed tests go to BUILD_DIR/repeat-N.log. Exit 0 only when every
# run passed every test.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
dir=${2:-build}
[ -d "$dir" ] || { echo "repeat_tests: no build directory '$dir' (run scripts/build.sh)" >&2; exit 66; }
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
total=$(cd "$dir" && ctest -N | sed -n 's/^Total Tests: //p')
bad=0
for ((i = 1; i <= runs; i++)); do
  log="$dir/repeat-$i.log"
  start=$(date +%s)
  if (cd "$dir" && ctest -j2 --output-on-failure) >"$log" 2>&1; then
    failed=0
  else
    failed=$(grep -c '^[0-9]*:' "$dir/Testing/Temporary/LastTestsFailed.log" 2>/dev/null || echo "?")
    bad=$((bad + 1))
  fi
  secs=$(($(date +%s) - start))
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf 'run %2d: %s passed, %s failed, %d s, load at the end %s, commit %s\n' \
    "$i" "$((total - ${failed/\?/0}))" "$failed" "$secs" "$load" "$commit"
  if [ "$failed" != 0 ]; then
    sed 's/^/        failed: /' "$dir/Testing/Temporary/LastTestsFailed.log"
  fi
done
echo "repeat_tests: $((runs - bad)) of $runs runs passed every test (no retry)"
[ $bad -eq 0 ]
