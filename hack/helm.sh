#!/usr/bin/env bash
# Installs Helm (no Debian package) from the Go module proxy for the chart tests, into a cache
# directory outside the work tree:
#
#   ${CADENZA_HELM_DIR:-~/.cache/cadenza/helm}/<version>/helm
#
# Idempotent: when that binary is there and `helm version` prints the expected version, nothing is
# built. The last line printed (stdout) is always the path of the binary; progress goes to stderr.
#
#   hack/helm.sh
#   HELM_VERSION=v3.22.0 CADENZA_HELM_DIR=/tmp/helm hack/helm.sh
#
# `go install helm.sh/helm/v3/cmd/helm@vX` works without a wrapper module (helm's go.mod has no
# replace directives). The build stamps Helm's version with -ldflags, as Helm's own Makefile does;
# the check below also accepts the module version Go records in the binary. Helm's built-in
# Kubernetes version comes from client-go's defaults: always pass --kube-version to `helm template`
# and `helm lint` (the tests do).
# Needs Go (on PATH or at /usr/local/go/bin/go) and the Go module proxy.
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-v3.22.0}
HELM_VERSION=v${HELM_VERSION#v}
dir=${CADENZA_HELM_DIR:-$HOME/.cache/cadenza/helm}/$HELM_VERSION
bin="$dir/helm"

log() { printf '[helm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"

[[ $HELM_VERSION =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "HELM_VERSION must look like v3.22.0, got $HELM_VERSION"

helm_ok() {
  [[ -x $bin ]] || return 1
  local out
  out=$("$bin" version --short 2>&1) || return 1
  # stamped builds print v3.22.0+g<sha>; go-install builds print the module version Go recorded
  grep -qF -- "$HELM_VERSION" <<<"$out" && return 0
  command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
  go version -m "$bin" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+helm.sh/helm/v3[[:space:]]+$HELM_VERSION([[:space:]]|$)"
}

if [[ ${FORCE_REBUILD:-0} != 1 ]] && helm_ok; then
  log "helm $HELM_VERSION already in $dir"
  echo "$bin"
  exit 0
fi

use_go
mkdir -p "$dir"
build_lock "$dir/.build.lock" helm_ok "$bin"

# The same settings as hack/k8s-test-binaries.sh: module mode, no workspace, static binary. GOBIN
# goes to a temporary directory first so that a half-written binary is never taken for a good one.
export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
tmp=$(mktemp -d "$dir/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS
log "building helm $HELM_VERSION (first time: a few minutes)"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
GOBIN="$tmp" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2 ||
  die "helm $HELM_VERSION did not build"
mv -f "$tmp/helm" "$bin"
helm_ok || die "$bin version does not report $HELM_VERSION"
log "built helm in $((SECONDS - t0))s"
echo "$bin"
