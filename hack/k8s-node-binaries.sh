#!/usr/bin/env bash
# Builds the node side of Kubernetes (kubelet, kube-scheduler, kube-proxy) from the Go module proxy,
# at the same version and into the same directory as hack/k8s-test-binaries.sh's API server side:
#
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<k8s version without v>-linux-amd64/{kubelet,kube-scheduler,kube-proxy}
#
# hack/node.sh runs a one-node cluster with them (docs/real-node.md). Idempotent: when the binaries
# are there and answer --version with the expected version, nothing is built. The last line printed
# (stdout) is always that directory; progress goes to stderr.
#
#   hack/k8s-node-binaries.sh
#   K8S_VERSION=1.35.1 hack/k8s-node-binaries.sh
#
# Environment: K8S_VERSION, KUBE_API_TEST_DIR and FORCE_REBUILD=1 as for hack/k8s-test-binaries.sh;
# Go's own variables are honoured. With the API server's build cache warm this takes well under a
# minute; from an empty cache, minutes.
set -euo pipefail

log() { printf '[k8s-node-binaries %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=lib/go-build.sh
. "$(dirname "$0")/lib/go-build.sh"
# shellcheck source=lib/k8s-build.sh
. "$(dirname "$0")/lib/k8s-build.sh"

node_binaries=(kubelet kube-scheduler kube-proxy)

all_ok() {
  local name
  for name in "${node_binaries[@]}"; do k8s_ok "$name" || return 1; done
}

k8s_build_start all_ok "${node_binaries[*]} $K8S_VERSION"

for name in "${node_binaries[@]}"; do
  if ! k8s_ok "$name" || [[ ${FORCE_REBUILD:-0} == 1 ]]; then
    build_k8s "$name" || die "$name $K8S_VERSION did not build"
    k8s_ok "$name" || die "$out_dir/$name --version does not print Kubernetes $K8S_VERSION"
  fi
done

log "ready: $(cd "$out_dir" && echo *)"
echo "$out_dir"
