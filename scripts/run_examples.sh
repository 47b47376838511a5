#!/usr/bin/env bash
# Runs the examples against whatever NATS aegis finds (a port-forwarded cluster, a local server,
# or a fresh 'aegis up'): three echo instances behind one name, calls that show which instance
# answered, events published and received, and a single-active service with its leader. Stops
# everything it started.
#
#   scripts/run_examples.sh            (AEGIS_BUILD_DIR picks the build, default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
[ -x "$aegis" ] || { echo "run_examples.sh: build first (scripts/build.sh)" >&2; exit 66; }

say "finding NATS (aegis discover)"
if ! "$aegis" discover >/dev/null 2>&1; then
  echo "no NATS found: starting a local one (aegis up)"
  start_local_nats
fi
"$aegis" discover | sed -n '1,2p'

say "three echo instances (load-balanced)"
for i in 1 2 3; do
  "$aegis" demo echo --instance "$i" >"/tmp/aegis-echo-$i.log" 2>&1 &
  pids+=($!)
done
sleep 2
for i in 1 2 3 4 5 6; do "$aegis" call echo-service echo "message=hello $i"; done

say "events: a subscriber and a publisher"
"$aegis" demo events-sub >/tmp/aegis-events-sub.log 2>&1 & pids+=($!)
sleep 1
"$aegis" demo events-pub --mode burst --count 5 2>&1 | tail -n 5 || true
sleep 1
tail -n 5 /tmp/aegis-events-sub.log || true

say "single-active service: two instances, one leader"
"$aegis" demo echo-single >/tmp/aegis-single-1.log 2>&1 & pids+=($!)
"$aegis" demo echo-single >/tmp/aegis-single-2.log 2>&1 & pids+=($!)
sleep 3
"$aegis" explore || true

say "health check (aegis validate)"
"$aegis" validate || true
