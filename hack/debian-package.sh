#!/usr/bin/env bash
# Installs one Debian package for the tests, idempotently, with its service kept from starting;
# hack/nginx.sh and hack/chrony.sh say which package and why.
#
# When BINARY is already there (on the PATH or in /usr/sbin), nothing is done. Installs with
# apt-get as root (CI runs as root on Debian); as another user without BINARY it says how to
# install and exits 0, and the tests that need BINARY fail with the same advice.
#
#   hack/debian-package.sh PACKAGE BINARY [VERSION_FLAG]
#
# VERSION_FLAG (default -v) makes BINARY print its version for the log (chromium: --version).
set -euo pipefail

package=${1:?usage: hack/debian-package.sh PACKAGE BINARY [VERSION_FLAG]}
binary=${2:?usage: hack/debian-package.sh PACKAGE BINARY [VERSION_FLAG]}
version_flag=${3:--v}

log() { printf '[%s %s] %s\n' "$package" "$(date +%H:%M:%S)" "$*" >&2; }

find_binary() {
  command -v "$binary" 2>/dev/null || { [[ -x /usr/sbin/$binary ]] && echo "/usr/sbin/$binary"; }
}

version() { "$1" "$version_flag" 2>&1 | head -n 1; }

if path=$(find_binary); then
  log "$(version "$path") already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "$binary is missing and this is not root: skipping (install it with: sudo apt-get install -y $package)"
  exit 0
fi

command -v apt-get >/dev/null || { log "ERROR: $binary is missing and there is no apt-get"; exit 1; }
log "installing $package with apt-get"
# the package's service must not start (and take its port, or the clock) in a container or on CI
export DEBIAN_FRONTEND=noninteractive
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y --no-install-recommends "$package" >&2 || {
  apt-get update >&2
  apt-get install -y --no-install-recommends "$package" >&2
}
path=$(find_binary) || { log "ERROR: apt-get finished but $binary is missing"; exit 1; }
log "$(version "$path") installed"
