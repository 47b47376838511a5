#!/usr/bin/env bash
# Connect this machine to the aegis-trader cluster: check kubectl, the context, the namespace and
# the NATS service, keep a port-forward to it on localhost (restarted when the pod restarts), then
# run 'aegis validate'. Every aegis command (and the nats CLI, and the Python SDK) then finds
# NATS on localhost:4222 without configuration.
#
#   scripts/setup_k8s_dev.sh [--context NAME] [--namespace NS] [--service NAME] [--port N]
#   scripts/setup_k8s_dev.sh --status | --stop
#
# aegis itself starts a supervised port-forward when it needs one; this script is for a forward
# that outlives single commands (and for tools that do not discover NATS themselves).
set -euo pipefail

namespace=${AEGIS_NAMESPACE:-aegis-trader}
service=${AEGIS_NATS_SERVICE:-aegis-trader-nats}
port=${AEGIS_LOCAL_PORT:-4222}
context=${AEGIS_KUBE_CONTEXT:-}
action=start
aegis=${AEGIS:-$(command -v aegis || echo "$(dirname "$0")/../${AEGIS_BUILD_DIR:-build}/app/aegis")}
state_dir=${XDG_STATE_HOME:-$HOME/.local/state}/aegis
pid_file=$state_dir/port-forward.pid
log_file=$state_dir/port-forward.log

while [ $# -gt 0 ]; do
  case "$1" in
    --context) context=$2; shift 2 ;;
    --namespace|-n) namespace=$2; shift 2 ;;
    --service) service=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --status) action=status; shift ;;
    --stop) action=stop; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup_k8s_dev.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

ok() { printf '  [\033[32m✓\033[0m] %s\n' "$*"; }
fail() { printf '  [\033[31m✗\033[0m] %s\n      fix: %s\n' "$1" "$2" >&2; exit "${3:-1}"; }

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

stop_forward() {
  if running; then
    # The loop's process group: the loop and its kubectl.
    kill -TERM -- "-$(cat "$pid_file")" 2>/dev/null || kill -TERM "$(cat "$pid_file")"
    echo "stopped the port-forward (pid $(cat "$pid_file"))"
  else
    echo "no port-forward running"
  fi
  rm -f "$pid_file"
}

case "$action" in
  stop) stop_forward; exit 0 ;;
  status)
    if running; then echo "port-forward running (pid $(cat "$pid_file")), log $log_file"; exit 0; fi
    echo "no port-forward running"; exit 1 ;;
esac

echo "checking the cluster"
command -v kubectl >/dev/null ||
  fail "kubectl not found" "install it: https://kubernetes.io/docs/tasks/tools/" 69
ctx_args=()
if [ -n "$context" ]; then
  ctx_args=(--context "$context")
else
  context=$(kubectl config current-context 2>/dev/null) ||
    fail "no current kubectl context" "kubectl config use-context NAME ($(kubectl config get-contexts -o name 2>/dev/null | paste -sd, -))" 78
fi
ctx_args=(--context "$context")
ok "context $context"
kubectl "${ctx_args[@]}" get namespace "$namespace" -o name >/dev/null 2>&1 ||
  fail "namespace '$namespace' not found in context '$context'" \
       "kubectl create namespace $namespace, or switch context: kubectl config use-context NAME" 69
ok "namespace $namespace"
svc_json=$(kubectl "${ctx_args[@]}" get service "$service" -n "$namespace" -o json 2>/dev/null) ||
  fail "service '$service' not found in namespace '$namespace'" \
       "helm install $service nats/nats -n $namespace --set config.jetstream.enabled=true" 69
remote=$(printf '%s' "$svc_json" | grep -o '"name": *"nats"[^}]*"port": *[0-9]*' | grep -o '[0-9]*$' || true)
remote=${remote:-4222}
ok "service $service (port nats $remote)"

mkdir -p "$state_dir"
if running; then
  ok "port-forward already running (pid $(cat "$pid_file"))"
else
  # A restart loop in its own process group: a pod restart ends kubectl, the loop starts it again.
  setsid bash -c "while true; do kubectl ${ctx_args[*]} port-forward -n '$namespace' \
    'svc/$service' '$port:$remote'; echo \"port-forward exited (\$?): restarting\"; sleep 1; done" \
    >>"$log_file" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  for _ in $(seq 1 50); do
    grep -q "Forwarding from 127.0.0.1:$port" "$log_file" 2>/dev/null && break
    sleep 0.2
  done
  grep -q "Forwarding from 127.0.0.1:$port" "$log_file" ||
    fail "the port-forward did not start (see $log_file)" "kubectl get pods -n $namespace" 69
  ok "port-forward 127.0.0.1:$port -> svc/$service:$remote (pid $(cat "$pid_file"), log $log_file)"
fi

echo
echo "validating (aegis validate)"
AEGIS_LOCAL_PORT=$port "$aegis" validate
echo
echo "stop the forward with: $0 --stop"
