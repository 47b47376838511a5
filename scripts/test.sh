#!/usr/bin/env bash
# The whole suite: install dependencies, build, run every test (unit, integration against real
# nats-servers the fixtures start on free loopback ports, CLI) with ctest; then the unit and
# integration tests once more in a build with AddressSanitizer + UBSan, and a compile of the
# product without the unity build and precompiled headers (proves every file includes what it
# uses). AEGIS_SKIP_SANITIZE=1 / AEGIS_SKIP_NOUNITY=1 skip those two (each adds a few minutes).
#   Extra arguments go to the main ctest run (e.g. -R 'unit:').
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib_ctest.sh
source scripts/ccache_env.sh
scripts/install-deps.sh
scripts/build.sh
build_dir=${AEGIS_BUILD_DIR:-build}

status=0
run_ctest_reporting_retries "$build_dir" "$@" || status=1

# --- aegis test: every built-in scenario end to end (about 20 s) --------------------------------
# On a nats-server of its own (--local), with a JUnit report CI can pick up ($AEGIS_JUNIT,
# default <build dir>/aegis-test-junit.xml). Only for the whole suite (no ctest arguments).
if [ $# -eq 0 ]; then
  heading "aegis test --all --local: the built-in scenarios"
  "$build_dir/app/aegis" test --all --local --keep-going \
    --junit "${AEGIS_JUNIT:-$build_dir/aegis-test-junit.xml}" || status=1
fi
# --- end aegis test ------------------------------------------------------------------------------

if [ "${AEGIS_SKIP_SANITIZE:-0}" != 1 ] && [ $# -eq 0 ]; then
  asan_dir=${AEGIS_ASAN_BUILD_DIR:-build-asan}
  heading "sanitizer pass (ASan + UBSan): unit and integration tests"
  cmake -S . -B "$asan_dir" -DCMAKE_BUILD_TYPE=Release -DAEGIS_SANITIZE=ON \
        -DAEGIS_BUILD_BENCH=OFF >/dev/null
  cmake --build "$asan_dir" -j "$(nproc)" --target aegis aegis_unit_tests \
        aegis_integration_tests fake_kubectl
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # Leak checking for the unit tests only: on a dead connection aegis deliberately leaves a KV
  # watcher to nats.c rather than wait out a JetStream timeout (core/nats/kv.cpp, KvWatch::stop),
  # which the integration tests that kill servers exercise on purpose.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
    run_ctest_reporting_retries "$asan_dir" -R '^unit:' || status=1
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} \
    run_ctest_reporting_retries "$asan_dir" -R '^integration:' || status=1
fi
if [ "${AEGIS_SKIP_NOUNITY:-0}" != 1 ] && [ $# -eq 0 ]; then
  heading "the product compiled file by file (no unity build, no precompiled headers)"
  nounity_dir=${AEGIS_NOUNITY_BUILD_DIR:-build-nounity}
  cmake -S . -B "$nounity_dir" -DCMAKE_BUILD_TYPE=None -DAEGIS_UNITY_BUILD=OFF \
        -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DAEGIS_BUILD_TESTS=OFF -DAEGIS_BUILD_BENCH=OFF >/dev/null
  cmake --build "$nounity_dir" -j "$(nproc)" --target aegis || status=1
fi
report_ctest_totals
exit $status
