#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan, in build-fuzz/) and runs each for
# MINUTES minutes (default 2), niced, starting from the committed seeds in fuzz/corpus/<target>.
# New inputs go to build-fuzz/corpus/<target>, crashes to build-fuzz/artifacts/<target>/.
# Prints per target: executions, their rate, edge coverage and corpus size (loaded seeds -> end
# of the run) and the inputs this run found; exits 1 when any target found something.
# Usage: scripts/fuzz.sh [MINUTES] [TARGET ...]
#   targets: envelope_msgpack envelope_json config_file kubeconfig scenario_file subjects
#   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-2}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(envelope_msgpack envelope_json config_file kubeconfig scenario_file subjects)
build=${AEGIS_FUZZ_BUILD_DIR:-build-fuzz}

CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAEGIS_FUZZ=ON -DAEGIS_BUILD_TESTS=OFF -DAEGIS_BUILD_BENCH=OFF >/dev/null
nice cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}" >/dev/null

seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
found=0
printf '%-18s %12s %8s %13s %13s %9s\n' target executions exec/s cov corpus findings
for t in "${targets[@]}"; do
    corpus="$build/corpus/$t" artifacts="$build/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$build/fuzz_$t.log" stamp="$build/fuzz_$t.start"
    touch "$stamp"
    # -max_len: envelopes, config and scenario files are small; longer inputs only slow the search.
    nice "$build/fuzz/fuzz_$t" "$corpus" "fuzz/corpus/$t" -max_total_time="$seconds" \
        -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" >"$log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # libFuzzer's status lines: "#N INITED cov: C ft: F corp: K/SIZE ..." then pulses up to DONE.
    first=$(grep -m1 'INITED' "$log" || true)
    last=$(grep -E '^#[0-9]+.* corp: ' "$log" | tail -1 || true)
    field() { sed -n "s/.* $1: \([0-9]*\).*/\1/p" <<<"$2"; }
    cov="$(field cov "$first")->$(field cov "$last")" corp="$(field corp "$first")->$(field corp "$last")"
    crashes=$(find "$artifacts" -type f -newer "$stamp" | wc -l)
    printf '%-18s %12s %8s %13s %13s %9s\n' "$t" "${runs:-?}" "${rate:-?}" "$cov" "$corp" "$crashes"
    if [ "$crashes" -gt 0 ]; then
        found=1
        find "$artifacts" -type f -newer "$stamp" | sed 's/^/    /'
        grep -m1 -E "ERROR: |runtime error|invariant broken|uncaught exception" "$log" | sed 's/^/    /' || true
    fi
done
exit $found
