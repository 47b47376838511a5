#!/usr/bin/env bash
# One template, as a new user meets it: `aegis quickstart NAME --template T --yes`, build against
# the SDK installed to PREFIX (the "sdk: install" fixture), start it against a real nats-server
# and reach it with `aegis call` / `aegis events`. Prints the time from quickstart to the first
# answered call. Usage: quickstart_template.sh TEMPLATE AEGIS PREFIX WORKDIR
set -euo pipefail
tpl=$1 aegis=$2 prefix=$3 work=$4
name=qs-$tpl
rm -rf "$work" && mkdir -p "$work/nats" && cd "$work"
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
unset NATS_URL AEGIS_CONFIG AEGIS_CONTEXT NATS_CREDS || true

pids=()
# The programs first, then nats-server (pids[0]), so that the programs stop cleanly.
cleanup() {
  local programs=("${pids[@]:1}")
  for p in "${programs[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${programs[@]}"; do wait "$p" 2>/dev/null || true; done
  kill -TERM "${pids[0]}" 2>/dev/null || true
  wait "${pids[0]}" 2>/dev/null || true
}
trap cleanup EXIT
nats-server -a 127.0.0.1 -p -1 --ports_file_dir nats -js -sd nats >nats/log 2>&1 & pids+=($!)
for _ in $(seq 100); do ls nats/*.ports >/dev/null 2>&1 && break; sleep 0.05; done
port=$(grep -o '127.0.0.1:[0-9]*' nats/*.ports | head -1 | cut -d: -f2)
export AEGIS_NATS_URL=nats://127.0.0.1:$port

# until CMD... succeeds (30 s at most): the service needs a moment to start.
until_ok() {
  for _ in $(seq 300); do "$@" >out.txt 2>err.txt && return 0; sleep 0.1; done
  echo "never succeeded: $*"; cat out.txt err.txt; return 1
}

start=$(date +%s.%N)
"$aegis" quickstart "$name" --template "$tpl" --yes
cmake -S "$name" -B "$name/build" -DCMAKE_PREFIX_PATH="$prefix" -DBUILD_TESTING=OFF >/dev/null
cmake --build "$name/build" -j2 >build.log 2>&1 || { cat build.log; exit 1; }
bin=$name/build/$name
# Read whole, then searched: under pipefail, grep -q closing the pipe early fails the line.
grep -q "usage: $name" <<<"$("$bin" --help)"

# `aegis call` is expected to fail with exit code $1; its stderr is left in err.txt.
fails_with() {
  local want=$1; shift
  local rc=0
  "$@" >out.txt 2>err.txt || rc=$?
  [ "$rc" = "$want" ] || { echo "exit $rc, not $want: $*"; cat out.txt err.txt; return 1; }
}

case $tpl in
service)
  "$bin" & pids+=($!)
  until_ok "$aegis" call "$name" echo message=hello
  grep -q '"echo":"hello"' out.txt
  "$aegis" call "$name" add a:=2 b:=3 | grep -q '"sum":5'
  # The errors name the parameter at fault, and never tell to quote another one.
  fails_with 65 "$aegis" call "$name" add a=x b=3
  grep -q "parameter 'a' must be a number" err.txt
  if grep -q "quote it" err.txt; then cat err.txt; exit 1; fi
  fails_with 65 "$aegis" call "$name" add a=1
  grep -q "missing parameter 'b'" err.txt
  if grep -q "quote it" err.txt; then cat err.txt; exit 1; fi ;;
single-active)
  # As the template's comment prints it, from the project directory, before anything else runs
  # (a leader of another run's would be refused): exit 0 and nothing lost.
  (cd "$name" && "$aegis" failover "$name" --spawn 3 --spawn-cmd "./build/$name") \
    >failover.txt 2>failover.err || { cat failover.txt failover.err; exit 1; }
  grep -q "aegis failover $name --spawn 3 --spawn-cmd ./build/$name" "$name/src/main.cpp"
  grep -q ", 0 lost)" failover.txt || { cat failover.txt failover.err; exit 1; }
  grep -q "calls/s to 'process'" failover.txt
  "$bin" & pids+=($!)
  "$bin" & pids+=($!)
  until_ok "$aegis" call "$name" process item=42
  grep -q '"leader":"qs-single-active-' out.txt ;;
events)
  "$bin" & pids+=($!)
  until_ok "$aegis" call "$name" stats
  "$aegis" events publish orders created order_id=1
  until_ok sh -c "'$aegis' call '$name' stats | grep -q '\"orders\":1'" ;;
client)
  "$aegis" demo echo & pids+=($!)
  until_ok "$aegis" call echo-service echo message=ready
  "$bin" >out.txt
  grep -q 'found echo-service' out.txt
  grep -q "echo-service answered: .*hello from $name" out.txt ;;
esac
end=$(date +%s.%N)
cat out.txt
awk -v t="$tpl" -v s="$start" -v e="$end" 'BEGIN { printf "time to first success (%s): quickstart -> answered call: %.1f s\n", t, e - s }'

# The project's own test: a scenario of aegis::testing (<aegis/testing.hpp>, installed with the
# SDK) that starts its own nats-server and the program. It must run, not skip.
if [ -f /usr/include/catch2/catch.hpp ]; then
  cmake -S "$name" -B "$name/build" -DBUILD_TESTING=ON >/dev/null
  cmake --build "$name/build" -j2 >build.log 2>&1 || { cat build.log; exit 1; }
  ctest --test-dir "$name/build" --output-on-failure -V >test.log 2>&1 || { cat test.log; exit 1; }
  grep -q "100% tests passed" test.log || { cat test.log; exit 1; }
  if grep -q "skipped" test.log; then cat test.log; echo "the project's test skipped"; exit 1; fi
  grep -o "All tests passed ([0-9]* assertion[s]* in [0-9]* test case)" test.log
else
  echo "catch2 is not installed: the project's own test was not built"
fi
