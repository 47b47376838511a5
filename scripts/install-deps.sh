#!/usr/bin/env bash
# Installs everything aegis needs to build and test on Debian 12. Idempotent: a machine that has
# them all is left alone (no apt-get update). Uses sudo when not root. Retries a busy dpkg lock.
set -euo pipefail

# zsh and fish only let the completion tests try aegis's scripts in those shells.
# libxml2-utils (xmllint) lets a test validate the JUnit XML of `aegis test` against its schema.
# chromium (headless) lets a test open the HTML reports of load / failover / test in a browser.
packages=(build-essential cmake pkg-config ccache libnats-dev libcli11-dev libfmt-dev
          nlohmann-json3-dev libyaml-cpp-dev libssl-dev catch2 nats-server zsh fish
          libxml2-utils chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm let a test parse the docs' Mermaid diagrams (scripts/check_diagrams.sh). A node
# that came from elsewhere (with its own npm) is used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  for p in nodejs npm; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 77; }
  sudo_cmd=(sudo)
fi

apt() {
  # Another apt/dpkg on a shared machine holds the lock: wait for it rather than fail.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"; then
      return 0
    fi
    echo "install-deps: apt-get $1 failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
  done
  return 1
}

echo "install-deps: installing ${missing[*]}"
apt update -qq
apt install -y -qq --no-install-recommends "${missing[@]}"
