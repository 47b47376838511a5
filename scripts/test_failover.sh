#!/usr/bin/env bash
# Failover check for CI or a cluster: runs N instances of the single-active echo service, kills
# the leader under traffic and reports detection / election / first-success times and lost
# requests ('aegis failover'). Exits non-zero when failover does not complete.
#
#   scripts/test_failover.sh [INSTANCES] [TRIALS] [MAX_FAILOVER_MS]   (defaults 3, 3, 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
instances=${1:-3}
trials=${2:-3}
max_ms=${3:-10000}
[ -x "$aegis" ] || { echo "test_failover.sh: build first (scripts/build.sh)" >&2; exit 66; }

if ! "$aegis" discover >/dev/null 2>&1; then
  export XDG_STATE_HOME=${XDG_STATE_HOME:-$(mktemp -d)}
  start_local_nats 0 >/dev/null
fi
echo "NATS: $("$aegis" discover --json | grep -o '"url": *"[^"]*"' | head -n1)"
# Kill the leader of N spawned instances under traffic, TRIALS times; exit 1 when a failover takes
# longer than MAX_FAILOVER_MS or does not complete.
"$aegis" failover echo-single-service --spawn "$instances" --trials "$trials" \
  --max-failover-ms "$max_ms"
