#!/usr/bin/env bash
# Installs the npm package subsonic-api (a Subsonic/OpenSubsonic client library for Node.js and
# browsers, not ours) for the stream service's OpenSubsonic client test, from the npm registry, into
# a cache directory outside the work tree:
#
#   ${CADENZA_SUBSONIC_API_DIR:-~/.cache/cadenza/subsonic-api}/node_modules/subsonic-api
#
# Idempotent: when the pinned version is already there, nothing is installed. The last line printed
# (stdout) is always the install directory; progress goes to stderr. The test
# (SubsonicClientLibraryTest) runs this script itself when the package is missing, so running it
# first (as the build does before the tests) only moves the download out of the test.
#
# Needs node and npm (apt-get install nodejs npm).
set -euo pipefail

VERSION=3.3.1
dir=${CADENZA_SUBSONIC_API_DIR:-$HOME/.cache/cadenza/subsonic-api}
pkg="$dir/node_modules/subsonic-api/package.json"

log() { printf '[subsonic-api %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v node >/dev/null || die "node is needed: apt-get install nodejs npm"

installed_version() {
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$pkg" 2>/dev/null
}

if [[ -f $pkg ]] && [[ $(installed_version) == "$VERSION" ]]; then
  log "subsonic-api $VERSION already in $dir"
  echo "$dir"
  exit 0
fi

command -v npm >/dev/null || die "npm is needed: apt-get install npm"
mkdir -p "$dir"
log "installing subsonic-api@$VERSION into $dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "subsonic-api@$VERSION" >&2
[[ $(installed_version) == "$VERSION" ]] || die "npm install finished but subsonic-api $VERSION is missing"
log "subsonic-api $VERSION installed"
echo "$dir"
