#!/usr/bin/env bash
# Extracts Debian's Catch2 v2 package into third_party/catch2-deb (git-ignored) for machines
# without it installed; configure with -DCatch2_DIR=<repo>/third_party/catch2-deb/usr/lib/cmake/Catch2.
set -euo pipefail
cd "$(dirname "$0")/.."
target=third_party/catch2-deb
if [ -f "$target/usr/lib/cmake/Catch2/Catch2Config.cmake" ]; then
  echo "Catch2 already in $target"
  exit 0
fi
mkdir -p third_party
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download catch2)
dpkg -x "$work"/catch2_*.deb "$target"
echo "Catch2 extracted to $target"
