#!/usr/bin/env bash
# Records real runs of the built aegis binary as asciinema v2 casts in docs/recordings/ (play them
# with `asciinema play FILE`, or any asciinema player). asciinema itself is not needed: each
# command's output is read line by line as it is produced and written as
# [seconds, "o", "text"] events after a header line. Uses its own NATS (aegis up on a free port,
# its own state directory) and stops everything it started.
# Usage: scripts/record_casts.sh [BUILD_DIR]   (default build/; needs `cmake --install` for the
# quickstart recording, which it does into a temporary prefix)
set -euo pipefail
cd "$(dirname "$0")/.."
export AEGIS_BUILD_DIR=${1:-${AEGIS_BUILD_DIR:-build}}
source scripts/lib.sh
out_dir=$PWD/docs/recordings
mkdir -p "$out_dir"
work=$(mktemp -d)
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config NO_COLOR=1
export PATH=$work/prefix/bin:$(dirname "$aegis"):$PATH
unset NATS_URL AEGIS_CONFIG || true
start_local_nats 0

json_escape() {
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/\r//g' -e 's/\x1b/\\u001b/g'
}

cast=""; t0=0
now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }'; }
# emit TEXT [nl]: one output event; with "nl", a line end (\r\n, as a terminal shows it) follows.
emit() {
  local text
  text=$(printf '%s' "$1" | json_escape)
  [ "${2:-}" = nl ] && text+='\r\n'
  printf '[%s, "o", "%s"]\n' "$(elapsed)" "$text" >>"$cast"
}

begin() {  # begin FILE TITLE
  cast=$out_dir/$1; t0=$(now)
  printf '{"version": 2, "width": 110, "height": 30, "timestamp": %d, "title": "%s", "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}\n' \
    "$(date +%s)" "$2" >"$cast"
}

# run CMD...: the prompt and the command typed, then its output (stdout and stderr) as it comes.
run() {
  emit '$ '
  local typed="$*" i
  for ((i = 0; i < ${#typed}; i += 8)); do emit "${typed:i:8}"; sleep 0.02; done
  emit "" nl
  "$@" 2>&1 | while IFS= read -r line; do emit "$line" nl; done
}

# background CMD...: started and left running (its output is not recorded), stopped at exit.
background() { emit "\$ $* &" nl; "$@" >/dev/null 2>&1 & pids+=($!); }

wait_call() { for _ in $(seq 100); do "$aegis" call "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; }

# 1. Two echo instances share the calls.
begin demo-echo.cast "aegis demo echo: two instances share the calls"
background aegis demo echo --instance 1
background aegis demo echo --instance 2
wait_call echo-service status
run aegis call echo-service echo message=hello
run aegis call echo-service echo message=hello --count 6
run aegis explore echo-service

# 2. quickstart → your own service answering.
cmake --install "$AEGIS_BUILD_DIR" --prefix "$work/prefix" >/dev/null
cd "$work"
begin "quickstart.cast" "aegis quickstart: your own service answering"
run aegis quickstart my-svc --template service --yes
export CMAKE_PREFIX_PATH=$work/prefix  # where the SDK was installed (cmake reads it from the environment)
run cmake -S my-svc -B my-svc/build -DBUILD_TESTING=OFF
run cmake --build my-svc/build -j2
background my-svc/build/my-svc
wait_call my-svc echo
run aegis call my-svc echo message=hello
run aegis call my-svc add a:=2 b:=3
echo "recorded: $(ls "$out_dir"/*.cast | tr '\n' ' ')"
rm -rf "$work/my-svc"
