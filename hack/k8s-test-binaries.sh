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
# The wrapper-module build of k8s.io/kubernetes is in hack/lib/k8s-build.sh (hack/k8s-node-binaries.sh
# builds the node's binaries into the same directory with it). The first build takes tens of
# minutes on 2 cores; later ones hit the cache.
set -euo pipefail

log() { printf '[k8s-test-binaries %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"
# shellcheck source=lib/k8s-build.sh
. "$(dirname "$0")/lib/k8s-build.sh"
ETCD_VERSION=${ETCD_VERSION:-$(pom_property etcd.version)}
[[ -n $ETCD_VERSION ]] || die "no etcd.version in pom.xml; set ETCD_VERSION"
ETCD_VERSION=v${ETCD_VERSION#v}
[[ $ETCD_VERSION =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "ETCD_VERSION must look like v3.6.16, got $ETCD_VERSION"

# --- the checks that make the script idempotent ------------------------------------------------
apiserver_ok() { k8s_ok kube-apiserver; }
kubectl_ok() { has_version "$out_dir/kubectl" "Client Version: $K8S_VERSION" version --client; }
kcm_ok() { k8s_ok kube-controller-manager; }
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

k8s_build_start all_ok "kube-apiserver/kubectl $K8S_VERSION and etcd $ETCD_VERSION"

export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
# Only the go command's own knobs pass through; the wrapper modules get none of the caller's flags.

# --- Kubernetes ----------------------------------------------------------------------------------
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
