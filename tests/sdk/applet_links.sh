#!/usr/bin/env bash
# The busybox-style applet links as `cmake --install` puts them: bin/aegis-<command> → aegis,
# and the links that make bash-completion and fish load aegis's completion for each.
# Usage: applet_links.sh PREFIX
set -euo pipefail
prefix=$1
for a in quickstart test monitor call explore failover load validate; do
  [ "$(readlink "$prefix/bin/aegis-$a")" = aegis ] || { echo "bin/aegis-$a is not a link to aegis"; exit 1; }
  [ -f "$prefix/share/bash-completion/completions/aegis-$a" ] || { echo "no bash completion for aegis-$a"; exit 1; }
  [ -f "$prefix/share/fish/vendor_completions.d/aegis-$a.fish" ] || { echo "no fish completion for aegis-$a"; exit 1; }
  # Read whole, then searched: `--help | grep -q` under pipefail fails whenever grep stops
  # reading before aegis has written its last line (a closed pipe, not a wrong help).
  help=$("$prefix/bin/aegis-$a" --help)
  grep -q "aegis $a \[OPTIONS\]" <<<"$help" || { echo "aegis-$a --help is not 'aegis $a'"; exit 1; }
done
grep -q '^#compdef aegis .*aegis-test' "$prefix/share/zsh/site-functions/_aegis"
echo "applet links: 8 installed, each runs its command and has its completion"
