#!/usr/bin/env bash
# Builds a real kube-apiserver, etcd and kubectl (and kube-controller-manager when it builds) from the
# Go module proxy, and lays them out where fabric8's kube-api-test looks for binaries:
#
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<k8s version without v>-linux-amd64/{kube-apiserver,etcd,kubectl}
#
# Idempotent: when the binaries for the version are already there and answer --version with the
# expected version, nothing is built. The last line printed (stdout) is always that directory;
# progress goes to stderr.
#
#   hack/k8s-test-binaries.sh                     # the versions in the root pom.xml
#   K8S_VERSION=1.35.1 ETCD_VERSION=3.6.16 hack/k8s-test-binaries.sh
#
# Environment:
#   K8S_VERSION        Kubernetes version, with or without the leading v
#                      (default: kubernetes.version in the root pom.xml; the build passes it)
#   ETCD_VERSION       etcd server version, with or without the leading v
#                      (default: etcd.version in the root pom.xml)
#   KUBE_API_TEST_DIR  root of the binary cache                            (default ~/.kubeapitest)
#   SKIP_KUBE_CONTROLLER_MANAGER=1   do not try to build kube-controller-manager
#   FORCE_REBUILD=1    rebuild even when the binaries are in place
# Go's own variables (GOMODCACHE, GOCACHE, GOMAXPROCS, GOTOOLCHAIN, ...) are honoured; the default
# module and build caches (~/go/pkg/mod, ~/.cache/go-build) persist between runs.
#
# Why a wrapper module: `go install k8s.io/kubernetes/cmd/kube-apiserver@vX` fails because
# k8s.io/kubernetes's go.mod requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at
# v0.0.0 and replaces them with local directories. A throw-away module that requires
# k8s.io/kubernetes vX.Y.Z and replaces each of those with the published k8s.io/<m> v0.Y.Z builds it.
# The first build takes tens of minutes on 2 cores; later ones hit the cache.
set -euo pipefail

log() { printf '[k8s-test-binaries %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# pom_property NAME: the value of <NAME> in the root pom.xml, the one place the versions are written
pom_property() {
  sed -n "s:^[[:space:]]*<$1>\([^<]*\)</$1>.*:\1:p" "$(dirname "$0")/../pom.xml" | head -n 1
}
K8S_VERSION=${K8S_VERSION:-$(pom_property kubernetes.version)}
ETCD_VERSION=${ETCD_VERSION:-$(pom_property etcd.version)}
[[ -n $K8S_VERSION && -n $ETCD_VERSION ]] || die "no kubernetes.version or etcd.version in pom.xml; set K8S_VERSION and ETCD_VERSION"
K8S_VERSION=v${K8S_VERSION#v}
ETCD_VERSION=v${ETCD_VERSION#v}
# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"

[[ $K8S_VERSION =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "K8S_VERSION must look like v1.34.4, got $K8S_VERSION"
k8s_minor=${BASH_REMATCH[1]}
staging_version="v0.${k8s_minor}.${BASH_REMATCH[2]}"
[[ $ETCD_VERSION =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "ETCD_VERSION must look like v3.6.16, got $ETCD_VERSION"

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) platform=linux-amd64 ;;
  Linux/aarch64) platform=linux-arm64 ;;
  *) die "unsupported platform $(uname -s)/$(uname -m)" ;;
esac

base_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
out_dir="$base_dir/k8s/${K8S_VERSION#v}-$platform"

# --- the checks that make the script idempotent ------------------------------------------------
# has_version BIN EXPECTED ARGS...: BIN exists, runs, and prints EXPECTED
has_version() {
  local bin=$1 expected=$2; shift 2
  [[ -x $bin ]] || return 1
  local out
  out=$("$bin" "$@" 2>&1) || return 1
  grep -qF -- "$expected" <<<"$out"
}
apiserver_ok() { has_version "$out_dir/kube-apiserver" "Kubernetes $K8S_VERSION" --version; }
kubectl_ok() { has_version "$out_dir/kubectl" "Client Version: $K8S_VERSION" version --client; }
kcm_ok() { has_version "$out_dir/kube-controller-manager" "Kubernetes $K8S_VERSION" --version; }
etcd_ok() { has_version "$out_dir/etcd" "etcd Version: ${ETCD_VERSION#v}" --version; }
# kube-controller-manager is optional: wanted unless skipped, or unless it failed to build before
# for this exact version (a marker keeps a failing build from being retried on every run).
kcm_wanted() {
  [[ ${SKIP_KUBE_CONTROLLER_MANAGER:-0} != 1 ]] && [[ ! -e "$out_dir/.kube-controller-manager.failed" ]]
}

all_ok() {
  apiserver_ok && kubectl_ok && etcd_ok || return 1
  if kcm_wanted; then kcm_ok || return 1; fi
}

if [[ ${FORCE_REBUILD:-0} != 1 ]] && all_ok; then
  log "kube-apiserver/kubectl $K8S_VERSION and etcd $ETCD_VERSION already in $out_dir"
  echo "$out_dir"
  exit 0
fi

# --- tools ---------------------------------------------------------------------------------------
use_go
mkdir -p "$out_dir"
build_lock "$base_dir/k8s/.build-${K8S_VERSION#v}.lock" all_ok "$out_dir"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
# Only the go command's own knobs pass through; the wrapper modules get none of the caller's flags.

# elapsed SECONDS_SINCE: "3m07s"
elapsed() { local s=$((SECONDS - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# --- Kubernetes ----------------------------------------------------------------------------------
build_k8s_setup_done=0
setup_k8s_module() {
  [[ $build_k8s_setup_done == 1 ]] && return 0
  local mod="$work/k8s" t0=$SECONDS
  mkdir -p "$mod"
  log "resolving k8s.io/kubernetes@$K8S_VERSION (staging modules at $staging_version)"
  # The kubernetes go.mod, to learn which k8s.io modules it takes from staging (required at v0.0.0).
  local gomod
  gomod=$(cd "$mod" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -n $gomod && -f $gomod ]] || die "could not fetch the go.mod of k8s.io/kubernetes@$K8S_VERSION"
  local go_line staging
  go_line=$(awk '$1 == "go" { print $2; exit }' "$gomod")
  staging=$(awk '$1 ~ /^k8s\.io\/[A-Za-z0-9._-]+$/ && $2 == "v0.0.0" { print $1 }' "$gomod" | sort -u)
  [[ -n $staging ]] || die "found no staging modules in $gomod"
  {
    echo "module kubeapitest.local/k8sbuild"
    echo
    echo "go ${go_line:-1.24.0}"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    local m
    for m in $staging; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >"$mod/go.mod"
  log "wrapper go.mod replaces $(wc -w <<<"$staging") staging modules; resolving dependencies"
  (cd "$mod" && go get "k8s.io/kubernetes@$K8S_VERSION" >&2)
  build_k8s_setup_done=1
  log "dependencies resolved in $(elapsed "$t0")"
}

k8s_ldflags() {
  local v pkg flags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    for v in "gitVersion=$K8S_VERSION" "gitMajor=1" "gitMinor=$k8s_minor" "gitTreeState=clean" \
      "buildDate=1970-01-01T00:00:00Z"; do
      flags+=" -X $pkg.$v"
    done
  done
  echo "$flags"
}

# build_k8s NAME: builds k8s.io/kubernetes/cmd/NAME into $out_dir/NAME (atomically)
build_k8s() {
  local name=$1 t0=$SECONDS
  setup_k8s_module
  log "building $name $K8S_VERSION (first time: many minutes)"
  (cd "$work/k8s" &&
    go get "k8s.io/kubernetes/cmd/$name@$K8S_VERSION" >&2 &&
    go build -trimpath -tags selinux,notest -ldflags "$(k8s_ldflags)" \
      -o "$out_dir/.$name.tmp" "k8s.io/kubernetes/cmd/$name" >&2) || return 1
  mv -f "$out_dir/.$name.tmp" "$out_dir/$name"
  log "built $name in $(elapsed "$t0")"
}

if ! apiserver_ok || [[ ${FORCE_REBUILD:-0} == 1 ]]; then
  build_k8s kube-apiserver || die "kube-apiserver $K8S_VERSION did not build"
  apiserver_ok || die "$out_dir/kube-apiserver --version does not print Kubernetes $K8S_VERSION"
fi
if ! kubectl_ok || [[ ${FORCE_REBUILD:-0} == 1 ]]; then
  build_k8s kubectl || die "kubectl $K8S_VERSION did not build"
  kubectl_ok || die "$out_dir/kubectl version --client does not print $K8S_VERSION"
fi

# --- etcd ----------------------------------------------------------------------------------------
if ! etcd_ok || [[ ${FORCE_REBUILD:-0} == 1 ]]; then
  t0=$SECONDS
  mod="$work/etcd"
  mkdir -p "$mod"
  printf 'module kubeapitest.local/etcdbuild\n\ngo 1.24.0\n' >"$mod/go.mod"
  log "building etcd $ETCD_VERSION"
  (cd "$mod" &&
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2 &&
    go build -trimpath -ldflags "-s -w" -o "$out_dir/.etcd.tmp" go.etcd.io/etcd/server/v3 >&2) ||
    die "etcd $ETCD_VERSION did not build"
  mv -f "$out_dir/.etcd.tmp" "$out_dir/etcd"
  etcd_ok || die "$out_dir/etcd --version does not print $ETCD_VERSION"
  log "built etcd in $(elapsed "$t0")"
fi

# --- kube-controller-manager (optional) ----------------------------------------------------------
if kcm_wanted && { ! kcm_ok || [[ ${FORCE_REBUILD:-0} == 1 ]]; }; then
  if build_k8s kube-controller-manager && kcm_ok; then
    :
  else
    rm -f "$out_dir/.kube-controller-manager.tmp" "$out_dir/kube-controller-manager"
    touch "$out_dir/.kube-controller-manager.failed"
    log "WARNING: kube-controller-manager $K8S_VERSION did not build; going on without it" \
      "(remove $out_dir/.kube-controller-manager.failed to retry)"
  fi
fi

log "ready: $(cd "$out_dir" && echo *)"
echo "$out_dir"
