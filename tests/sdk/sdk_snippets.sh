#!/usr/bin/env bash
# Every ```cpp block of docs/sdk.md is a whole program: all of them must compile against the
# installed SDK found through pkg-config (aegis.pc, from the "sdk: install" fixture) and link with
# `pkg-config --libs aegis`. They are built as one translation unit (each main renamed, #line
# keeping the snippet's own name and line in a compiler message), which is several times faster
# than one compiler run each. Usage: sdk_snippets.sh DOC PREFIX WORKDIR
set -euo pipefail
doc=$1 prefix=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
awk -v dir="$work" '
  /^```cpp$/ { n++; file = sprintf("%s/snippet_%02d.cpp", dir, n); inside = 1; next }
  /^```$/ && inside { inside = 0; close(file); next }
  inside { print > file }
' "$doc"
count=$(ls "$work"/snippet_*.cpp 2>/dev/null | wc -l)
[ "$count" -ge 5 ] || { echo "expected at least 5 C++ snippets in $doc, found $count"; exit 1; }
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cflags=$(pkg-config --cflags aegis)
compiler=${CXX:-c++}
command -v ccache >/dev/null && compiler="ccache $compiler"
all=$work/all_snippets.cpp
: >"$all"
for f in "$work"/snippet_*.cpp; do
  n=$(basename "$f" .cpp)
  printf '#define main %s_main\n#line 1 "%s"\n' "$n" "$f" >>"$all"
  cat "$f" >>"$all"
  printf '#undef main\n' >>"$all"
done
printf 'int main() { return 0; }\n' >>"$all"
$compiler $cflags "$all" -o "$work/all_snippets" $(pkg-config --libs aegis)
echo "$count snippets of $doc compile and link against $prefix"
