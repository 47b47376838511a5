#!/usr/bin/env bash
# Regenerates the shell completion scripts in completions/ from a built aegis (a CLI test fails
# when they differ from what the binary prints, so run this after changing a command or option).
# Usage: scripts/gen_completions.sh [AEGIS_BINARY]     (default: build/app/aegis)
set -euo pipefail
cd "$(dirname "$0")/.."
aegis=${1:-${AEGIS_BUILD_DIR:-build}/app/aegis}
"$aegis" completion bash > completions/aegis.bash
"$aegis" completion zsh > completions/_aegis
"$aegis" completion fish > completions/aegis.fish
echo "completions/: aegis.bash, _aegis, aegis.fish regenerated from $aegis"
