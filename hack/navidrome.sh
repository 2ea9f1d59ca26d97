#!/usr/bin/env bash
# Builds Navidrome (the self-hosted Subsonic server: one Go process on SQLite) from the Go module
# proxy, so the benchmarks can put it beside Cadenza as the peer of issues 19 and 20
# (bench/transcode.sh, bench/stream-vs-nginx.sh). Prints the binary's path on stdout.
#
# v0.53.3 is the version the module proxy serves here (it refuses most others with 403). Its web UI
# is embedded from ui/build, which the module zip does not hold and which needs npm to build: the
# source is copied to a writable directory and given a one-page ui/build, since the benchmarks only
# use the Subsonic API. v0.53.x reads tags with TagLib through cgo (libtag1-dev) and transcodes with
# ffmpeg (hack/ffmpeg.sh), both installed as Debian packages.
#
# Idempotent: when the binary is in the cache it only prints the path.
#
#   hack/navidrome.sh            # -> ~/.cache/cadenza/navidrome-v0.53.3/navidrome
#
# Environment: NAVIDROME_VERSION (v0.53.3), NAVIDROME_CACHE (~/.cache/cadenza).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=${NAVIDROME_VERSION:-v0.53.3}
dir=${NAVIDROME_CACHE:-$HOME/.cache/cadenza}/navidrome-$version
binary=$dir/navidrome

log() { printf '[navidrome %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -x $binary ]]; then
  log "$("$binary" --version 2>/dev/null | head -n 1) already built: $binary"
  echo "$binary"
  exit 0
fi

command -v go >/dev/null || { log "ERROR: go is missing (Navidrome is built with the Go toolchain)"; exit 1; }
"$here/ffmpeg.sh"
# TagLib's headers and pkg-config file, for the cgo tag reader; gcc/g++ for cgo itself
"$here/debian-package.sh" libtag1-dev taglib-config --version
"$here/debian-package.sh" g++ g++ --version
pkg-config --exists taglib || { log "ERROR: TagLib's pkg-config file is missing (apt-get install libtag1-dev, as root)"; exit 1; }

started=$(date +%s)
log "downloading github.com/navidrome/navidrome@$version from the module proxy"
module=$(go mod download -json "github.com/navidrome/navidrome@$version" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d["Error"]) if d.get("Error") else print(d["Dir"])')

src=$dir/src
rm -rf "$src"
mkdir -p "$dir"
cp -r "$module" "$src"
chmod -R u+w "$src"
# the embedded UI: one page in place of the npm build (only the Subsonic API is used)
printf '<!doctype html><title>Navidrome</title><p>UI not built (hack/navidrome.sh)</p>\n' >"$src/ui/build/index.html"

log "building (cgo with TagLib; takes minutes on a busy machine)"
(
  cd "$src"
  CGO_ENABLED=1 go build -tags=netgo -o "$binary.tmp" \
    -ldflags="-X github.com/navidrome/navidrome/consts.gitTag=$version -X github.com/navidrome/navidrome/consts.gitSha=module-proxy" .
)
mv "$binary.tmp" "$binary"
log "built $("$binary" --version 2>/dev/null | head -n 1) in $(($(date +%s) - started)) s: $binary"
echo "$binary"
