#!/usr/bin/env bash
# Installs dynalite (an open-source DynamoDB implementation on Node.js) for the operator's DynamoDB
# tests, from the npm registry, into a cache directory outside the work tree:
#
#   ${CADENZA_DYNALITE_DIR:-~/.cache/cadenza/dynalite}/node_modules/dynalite/cli.js
#
# Idempotent: when dynalite 4.x is already there, nothing is installed. The last line printed
# (stdout) is always the path of cli.js; progress goes to stderr. The tests
# (test-support/src/main/java/dev/cadenza/testsupport/Dynalite.java) do the same install when
# it is missing, so running this first (as .ci/run may) only moves the download out of the tests.
#
#   hack/dynalite.sh
#   CADENZA_DYNALITE_DIR=/tmp/dynalite hack/dynalite.sh
#
# Needs node and npm (apt-get install nodejs npm).
set -euo pipefail

DYNALITE_SPEC=${DYNALITE_SPEC:-dynalite@4}
dir=${CADENZA_DYNALITE_DIR:-$HOME/.cache/cadenza/dynalite}
cli="$dir/node_modules/dynalite/cli.js"

log() { printf '[dynalite %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v node >/dev/null || die "node is needed: apt-get install nodejs npm"

installed_version() {
  node -e 'process.stdout.write(require(process.argv[1]).version)' \
    "$dir/node_modules/dynalite/package.json" 2>/dev/null
}

if [[ -f $cli ]] && [[ $(installed_version) == 4.* ]]; then
  log "dynalite $(installed_version) already in $dir"
  echo "$cli"
  exit 0
fi

command -v npm >/dev/null || die "npm is needed: apt-get install npm"
mkdir -p "$dir"
log "installing $DYNALITE_SPEC into $dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$DYNALITE_SPEC" >&2
[[ -f $cli ]] || die "npm install finished but $cli is missing"
log "dynalite $(installed_version) installed"
echo "$cli"
