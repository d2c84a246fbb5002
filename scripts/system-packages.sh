#!/usr/bin/env bash
# System packages the tests use: bubblewrap (the grading sandbox), Chromium (browser test of the
# book), Aravis and GObject introspection (the aravis:// camera and its fake cameras), PostgreSQL
# (the inspection database's tests start a throwaway server).
# Installs what is missing when run as root with apt-get; otherwise says what is missing, and
# the tests that need it skip with that reason.
set -euo pipefail
packages=(bubblewrap chromium gir1.2-aravis-0.8 aravis-tools libgirepository1.0-dev
          libcairo2-dev pkg-config postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  echo "missing system packages (tests that need them will skip): ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
fi
