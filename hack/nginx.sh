#!/usr/bin/env bash
# Installs nginx (Debian's package) for the tests of the standalone front (nginx-ingress/
# nginx.conf.template) and for hack/local-stack.sh. The package's own service never starts: the
# tests and the stack run nginx themselves, on loopback, with every path under their own prefix.
#
# Idempotent: when /usr/sbin/nginx (or nginx on the PATH) is there, nothing is done. Installs with
# apt-get as root (CI runs as root on Debian); as another user without nginx it says how to install
# and exits 0, and the tests that need nginx fail with the same advice.
#
#   hack/nginx.sh
set -euo pipefail

log() { printf '[nginx %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

find_nginx() {
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; }
}

if nginx=$(find_nginx); then
  log "$("$nginx" -v 2>&1 | head -n 1) already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "nginx is missing and this is not root: skipping (install it with: sudo apt-get install -y nginx)"
  exit 0
fi

command -v apt-get >/dev/null || { log "ERROR: nginx is missing and there is no apt-get"; exit 1; }
log "installing nginx with apt-get"
export DEBIAN_FRONTEND=noninteractive
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y --no-install-recommends nginx >&2 || {
  apt-get update >&2
  apt-get install -y --no-install-recommends nginx >&2
}
nginx=$(find_nginx) || { log "ERROR: apt-get finished but nginx is missing"; exit 1; }
log "$("$nginx" -v 2>&1 | head -n 1) installed"
