#!/usr/bin/env bash
# Operator scale benchmark: N MusicDeliveries (default 200) applied at once against a real
# kube-apiserver + etcd and dynalite; prints the time until all are Ready, reconciliations and API
# requests per resource, and the heap.   bench/operator-scale.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
hack/k8s-test-binaries.sh >/dev/null
hack/dynalite.sh >/dev/null
./mvnw -B -pl operator test -Dspotless.check.skip -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest=OperatorScaleBench -Dcadenza.bench=true -Dcadenza.bench.count="$n" | grep '^BENCH'
