#!/usr/bin/env bash
# The main job: install, build, start a local NATS, run two echo instances, call them and show
# which instance answered each call. Everything it starts, it stops again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Only the binary (and its man page, so that `cmake --install build` works next): the test suite
# is built by scripts/test.sh.
scripts/build.sh aegis aegis_man
source scripts/lib.sh
export XDG_STATE_HOME=${XDG_STATE_HOME:-$(mktemp -d)}

say "local NATS with JetStream (aegis up)"
if "$aegis" up --status >/dev/null 2>&1; then
  export AEGIS_NATS_URL=$("$aegis" up --status --url)
else
  start_local_nats  # port 4222 when it is free, else any free port
fi
echo "AEGIS_NATS_URL=$AEGIS_NATS_URL"

say "two instances of 'aegis demo echo'"
"$aegis" demo echo --instance 1 & pids+=($!)
"$aegis" demo echo --instance 2 & pids+=($!)
# Wait until both instances answer (each call names the instance that served it).
for _ in $(seq 100); do
  both=$("$aegis" call echo-service status -n 8 -q 2>/dev/null | grep -o 'echo-service-[0-9a-f]*' | sort -u | wc -l || true)
  [ "${both:-0}" -ge 2 ] && break; sleep 0.1
done

say "aegis call echo-service echo message=hello"
"$aegis" call echo-service echo message=hello

say "aegis call echo-service echo message=hello --count 10   (which instance answered each call)"
"$aegis" call echo-service echo message=hello --count 10

say "aegis failover echo-single-service --spawn 3 --trials 2   (kill the leader, measure the failover)"
"$aegis" failover echo-single-service --spawn 3 --trials 2

say "done: stopping the demo services"
