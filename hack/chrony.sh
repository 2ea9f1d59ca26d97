#!/usr/bin/env bash
# Installs chrony (chronyd, a standard NTP implementation) for the media clock's tests: they run
# a real chronyd as an NTP server on loopback (test-support ChronyServer) and as a standard client
# of the service's SNTP responder (ChronyQuery, `chronyd -Q`). chronyd runs there with -x: it never
# sets the system clock.
#
# Idempotent: when chronyd is already installed, nothing is done. Installs with apt-get as root
# (CI runs as root on Debian); as another user without chronyd it says how to install and exits 0,
# and the tests that need chronyd fail with the same advice.
#
#   hack/chrony.sh
set -euo pipefail

log() { printf '[chrony %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

find_chronyd() {
  command -v chronyd 2>/dev/null || { [[ -x /usr/sbin/chronyd ]] && echo /usr/sbin/chronyd; }
}

if chronyd=$(find_chronyd); then
  log "$("$chronyd" -v | head -n 1) already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "chronyd is missing and this is not root: skipping (install it with: sudo apt-get install -y chrony)"
  exit 0
fi

command -v apt-get >/dev/null || { log "ERROR: chronyd is missing and there is no apt-get"; exit 1; }
log "installing chrony with apt-get"
# the package's service must not start (and take port 123 or the clock) in a container or on CI
export DEBIAN_FRONTEND=noninteractive
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y --no-install-recommends chrony >&2 || {
  apt-get update >&2
  apt-get install -y --no-install-recommends chrony >&2
}
chronyd=$(find_chronyd) || { log "ERROR: apt-get finished but chronyd is missing"; exit 1; }
log "$("$chronyd" -v | head -n 1) installed"
