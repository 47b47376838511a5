#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan, in build-fuzz/) and runs each for
# MINUTES minutes (default 2), niced, starting from the committed seeds in fuzz/corpus/<target>.
# New inputs go to build-fuzz/corpus/<target>, crashes to build-fuzz/artifacts/<target>/.
# Prints executions and findings per target; exits 1 when any target found something.
# Usage: scripts/fuzz.sh [MINUTES] [TARGET ...]
#   targets: envelope_msgpack envelope_json config_file kubeconfig (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-2}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope_msgpack envelope_json config_file kubeconfig)
build=${AEGIS_FUZZ_BUILD_DIR:-build-fuzz}

CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAEGIS_FUZZ=ON -DAEGIS_BUILD_TESTS=OFF -DAEGIS_BUILD_BENCH=OFF >/dev/null
nice cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}" >/dev/null

seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
found=0
printf '%-18s %12s %10s %9s\n' target executions exec/s findings
for t in "${targets[@]}"; do
    corpus="$build/corpus/$t" artifacts="$build/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$build/fuzz_$t.log"
    # -max_len: envelopes and config files are small; longer inputs only slow the search.
    nice "$build/fuzz/fuzz_$t" "$corpus" "fuzz/corpus/$t" -max_total_time="$seconds" \
        -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$(find "$artifacts" -type f | wc -l)
    printf '%-18s %12s %10s %9s\n' "$t" "${runs:-?}" "${rate:-?}" "$crashes"
    if [ "$crashes" -gt 0 ]; then
        found=1
        find "$artifacts" -type f | sed 's/^/    /'
        grep -m1 -E "ERROR: |runtime error|invariant broken|uncaught exception" "$log" | sed 's/^/    /' || true
    fi
done
exit $found
