# Shared by the scripts in scripts/ (source it after `cd` to the repository root): the aegis
# binary, headings, and a local NATS server started on demand — it and the background processes a
# script records in `pids` are stopped again when the script exits.
aegis="$PWD/${AEGIS_BUILD_DIR:-build}/app/aegis"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

pids=()
started_nats=no
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$started_nats" = yes ]; then "$aegis" down >/dev/null || true; fi
}
trap cleanup EXIT

# start_local_nats [PORT]: 'aegis up' on PORT (default 4222), else on any free port, and
# AEGIS_NATS_URL exported for everything the script runs next.
start_local_nats() {
  started_nats=yes
  "$aegis" up --port "${1:-4222}" 2>/dev/null || "$aegis" up --port 0
  export AEGIS_NATS_URL=$("$aegis" up --status --url)
}
