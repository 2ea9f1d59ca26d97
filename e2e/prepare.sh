#!/usr/bin/env bash
# Prepares what the end-to-end tests (e2e/, failsafe) need, before they run (the build runs this at
# pre-integration-test): the Kubernetes binaries of the API server and of the node, helm, dynalite,
# and the images of the jars this build packaged. Every step is cached and idempotent, so with
# nothing changed it takes seconds; the images of a new jar take about 20 s.
#
# Where the tests cannot run (not root, not Linux x86-64) it says so and does nothing; the tests
# then skip themselves with the same reason. Progress goes to stderr.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  log "SKIPPED: the end-to-end tests need Linux x86-64, this is $(uname -s) $(uname -m)"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  log "SKIPPED: the end-to-end tests run a Kubernetes node (containerd, kubelet, iptables) and need root"
  exit 0
fi
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"

t0=$SECONDS
"$repo/hack/k8s-test-binaries.sh" >/dev/null
"$repo/hack/k8s-node-binaries.sh" >/dev/null
"$repo/hack/helm.sh" >/dev/null
"$repo/hack/dynalite.sh" >/dev/null
"$repo/hack/images.sh" >/dev/null
log "binaries, helm, dynalite and images ready in $((SECONDS - t0)) s"
