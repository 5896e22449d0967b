#!/usr/bin/env bash
# Installs doseomics' build and test dependencies from Debian 12 packages.
set -euo pipefail
packages=(
  build-essential cmake git ca-certificates
  catch2                      # tests (header-only Catch2 v2)
  libinsighttoolkit5-dev      # ITK: image IO, resampling, registration
  libeigen3-dev libboost-math-dev  # statistics
  libyaml-cpp-dev libcli11-dev libsqlite3-dev nlohmann-json3-dev zlib1g-dev
)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
