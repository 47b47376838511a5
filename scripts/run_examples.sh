#!/usr/bin/env bash
# Runs the examples against whatever NATS aegis finds (a port-forwarded cluster, a local server,
# or a fresh 'aegis up'): three echo instances behind one name, calls that show which instance
# answered, events published and received, and a single-active service with its leader. Stops
# everything it started.
#
#   scripts/run_examples.sh            (AEGIS_BUILD_DIR picks the build, default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
aegis="$PWD/${AEGIS_BUILD_DIR:-build}/app/aegis"
[ -x "$aegis" ] || { echo "run_examples.sh: build first (scripts/build.sh)" >&2; exit 66; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pids=()
started_nats=no
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$started_nats" = yes ]; then "$aegis" down >/dev/null || true; fi
}
trap cleanup EXIT

say "finding NATS (aegis discover)"
if ! "$aegis" discover >/dev/null 2>&1; then
  echo "no NATS found: starting a local one (aegis up)"
  started_nats=yes
  "$aegis" up --port 4222 2>/dev/null || "$aegis" up --port 0
  export AEGIS_NATS_URL=$("$aegis" up --status --url)
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
