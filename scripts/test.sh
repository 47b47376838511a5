#!/usr/bin/env bash
# The whole suite: install dependencies, build, run every test (unit, integration against real
# nats-servers the fixtures start on free loopback ports, CLI) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build_dir=${AEGIS_BUILD_DIR:-build}
cd "$build_dir"
# A test that fails is run once more: on a loaded 2-core machine a few timing-bound tests have
# been seen to fail once in several runs (see the closing notes); a real failure fails twice.
ctest --output-on-failure -j "$(nproc)" --repeat until-pass:2 "$@"

# --- aegis test: every built-in scenario end to end (about 20 s) --------------------------------
# On a nats-server of its own (--local), with a JUnit report CI can pick up
# ($AEGIS_JUNIT, default <build dir>/aegis-test-junit.xml).
./app/aegis test --all --local --keep-going --junit "${AEGIS_JUNIT:-$PWD/aegis-test-junit.xml}"
# --- end aegis test ------------------------------------------------------------------------------
