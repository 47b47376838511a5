#!/usr/bin/env bash
# `cpack -G DEB` builds aegis_<version>_<arch>.deb; apt-get installs it (resolving its Debian
# dependencies), its aegis runs, and it is removed again. Needs root (CI runs as root): exits 77
# (skipped) otherwise. Usage: deb_package.sh BUILD_DIR WORKDIR
set -euo pipefail
build=$1 work=$2
if [ "$(id -u)" != 0 ]; then
  echo "skipped: installing a .deb with apt-get needs root (CI runs as root)"; exit 77
fi
if dpkg -s aegis >/dev/null 2>&1 || [ -e /usr/bin/aegis ]; then
  echo "skipped: an aegis is already installed in /usr (not ours to replace)"; exit 77
fi
rm -rf "$work" && mkdir -p "$work"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/aegis_*.deb)
dpkg-deb --field "$deb" Package Version Depends Recommends
dpkg-deb --field "$deb" Depends | grep -q 'libnats3'
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/aegis ./usr/lib/libaegis.a ./usr/include/aegis/aegis.hpp \
         ./usr/lib/cmake/aegis/aegisConfig.cmake ./usr/lib/pkgconfig/aegis.pc \
         ./usr/share/man/man1/aegis.1 ./usr/share/bash-completion/completions/aegis; do
  grep -qF " $f" <<<"$contents" || { echo "missing from the package: $f"; exit 1; }
done

# apt-get can meet a dpkg lock held by another process on a shared machine: retry.
apt_get() {
  for _ in $(seq 30); do
    DEBIAN_FRONTEND=noninteractive apt-get "$@" >"$work/apt.log" 2>&1 && return 0
    grep -q 'Could not get lock\|is locked' "$work/apt.log" || { cat "$work/apt.log"; return 1; }
    sleep 2
  done
  cat "$work/apt.log"; return 1
}
trap 'apt_get remove -y aegis || true' EXIT
apt_get install -y --no-install-recommends "$deb"
/usr/bin/aegis --version
/usr/bin/aegis --version | grep -q '^aegis '
# Read whole, then searched: under pipefail, grep -q closing the pipe early fails the line.
grep -q single-active <<<"$(/usr/bin/aegis quickstart --list)"
