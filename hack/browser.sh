#!/usr/bin/env bash
# Installs what the web player's browser tests need (WebPlayerBrowserTest, web-tests/): Debian's
# Chromium, and the npm packages of web-tests/package-lock.json (playwright-core and
# @axe-core/playwright) into web-tests/node_modules. Playwright's own browser download is skipped:
# the tests drive /usr/bin/chromium.
#
# Idempotent and cached: Chromium is installed only when /usr/bin/chromium is missing (with
# apt-get, as root; as another user it says how and exits 0, and the tests skip, or fail under
# CI=true, with the same advice); `npm ci` runs only when the lock file changed since the last one.
# Progress goes to stderr; the last line printed (stdout) is the web-tests directory.
#
#   hack/browser.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/../web-tests" && pwd)

log() { printf '[browser %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ -x /usr/bin/chromium ]]; then
  log "$(/usr/bin/chromium --version 2>/dev/null | head -n 1) already installed"
else
  # debian-package.sh: apt-get as root, advice otherwise
  "$here/debian-package.sh" chromium chromium --version
fi

command -v node >/dev/null || die "node is needed: apt-get install nodejs npm"
command -v npm >/dev/null || die "npm is needed: apt-get install npm"

lock="$tests/package-lock.json"
stamp="$tests/node_modules/.cadenza-lock.sha256"
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f $stamp ]] && [[ $(cat "$stamp") == "$want" ]]; then
  log "web-tests/node_modules up to date"
else
  log "npm ci in $tests"
  (cd "$tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
  log "web-tests/node_modules installed"
fi
echo "$tests"
