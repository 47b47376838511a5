#!/usr/bin/env bash
# Parses every Mermaid diagram in README.md and docs/ with Mermaid's own parser (run by ctest as
# "docs: every Mermaid diagram parses"). Mermaid and jsdom, at the versions locked in
# scripts/diagrams/package-lock.json, are installed with `npm ci` into a folder of the build
# directory the first time (a few seconds; needs the npm registry), then reused.
#   scripts/check_diagrams.sh [TOOLS_DIR]     (default: build/diagram-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${1:-${AEGIS_BUILD_DIR:-build}/diagram-tools}
for t in node npm; do
  command -v "$t" >/dev/null || { echo "check_diagrams: '$t' not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
lock=scripts/diagrams/package-lock.json
if ! cmp -s "$lock" "$tools/package-lock.json" || [ ! -d "$tools/node_modules/mermaid" ]; then
  mkdir -p "$tools"
  cp scripts/diagrams/package.json "$lock" "$tools/"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    { echo "check_diagrams: npm ci failed in $tools" >&2; exit 1; }
fi
cp scripts/diagrams/check.mjs "$tools/"
mapfile -t files < <(grep -l '^```mermaid' README.md docs/*.md docs/*/*.md 2>/dev/null || true)
[ ${#files[@]} -gt 0 ] || { echo "check_diagrams: no Mermaid diagram found in the docs" >&2; exit 1; }
node "$tools/check.mjs" "${files[@]/#/$PWD/}"
