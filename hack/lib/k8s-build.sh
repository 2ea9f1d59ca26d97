# Sourced by the scripts that build Kubernetes binaries (hack/k8s-test-binaries.sh for the API
# server side, hack/k8s-node-binaries.sh for the node side) after they define log and die and
# source go-build.sh. Sets the version and the cache directory both use, and builds
# k8s.io/kubernetes/cmd/<name> through a wrapper module:
#
#   K8S_VERSION      vX.Y.Z: the caller's K8S_VERSION, else kubernetes.version in the root pom.xml
#   out_dir          ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<X.Y.Z>-<os>-<arch>
#   base_dir         ${KUBE_API_TEST_DIR:-~/.kubeapitest}
#
# Why a wrapper module: `go install k8s.io/kubernetes/cmd/kube-apiserver@vX` fails because
# k8s.io/kubernetes's go.mod requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at
# v0.0.0 and replaces them with local directories. A throw-away module that requires
# k8s.io/kubernetes vX.Y.Z and replaces each of those with the published k8s.io/<m> v0.Y.Z builds it.

# pom_property NAME: the value of <NAME> in the root pom.xml, the one place the versions are written
pom_property() {
  sed -n "s:^[[:space:]]*<$1>\([^<]*\)</$1>.*:\1:p" "$(dirname "${BASH_SOURCE[0]}")/../../pom.xml" | head -n 1
}

K8S_VERSION=${K8S_VERSION:-$(pom_property kubernetes.version)}
[[ -n $K8S_VERSION ]] || die "no kubernetes.version in pom.xml; set K8S_VERSION"
K8S_VERSION=v${K8S_VERSION#v}
[[ $K8S_VERSION =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || die "K8S_VERSION must look like v1.34.4, got $K8S_VERSION"
k8s_minor=${BASH_REMATCH[1]}
staging_version="v0.${k8s_minor}.${BASH_REMATCH[2]}"

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) platform=linux-amd64 ;;
  Linux/aarch64) platform=linux-arm64 ;;
  *) die "unsupported platform $(uname -s)/$(uname -m)" ;;
esac

base_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
out_dir="$base_dir/k8s/${K8S_VERSION#v}-$platform"

# has_version BIN EXPECTED ARGS...: BIN exists, runs, and prints EXPECTED
has_version() {
  local bin=$1 expected=$2; shift 2
  [[ -x $bin ]] || return 1
  local out
  out=$("$bin" "$@" 2>&1) || return 1
  grep -qF -- "$expected" <<<"$out"
}

# k8s_ok NAME: $out_dir/NAME is a Kubernetes component that reports $K8S_VERSION
k8s_ok() { has_version "$out_dir/$1" "Kubernetes $K8S_VERSION" --version; }

# elapsed SECONDS_SINCE: "3m07s"
elapsed() { local s=$((SECONDS - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# k8s_build_start CHECK WHAT: when CHECK (a command) passes and FORCE_REBUILD is not 1, says WHAT is
# already in $out_dir, prints $out_dir and exits; else takes Go and the build lock and makes $work,
# a temporary directory removed on exit with any half-written binary.
k8s_build_start() {
  local check=$1 what=$2
  if [[ ${FORCE_REBUILD:-0} != 1 ]] && $check; then
    log "$what already in $out_dir"
    echo "$out_dir"
    exit 0
  fi
  use_go
  mkdir -p "$out_dir"
  build_lock "$base_dir/k8s/.build-${K8S_VERSION#v}.lock" "$check" "$out_dir"
  work=$(mktemp -d)
  trap 'rm -rf "$work"; rm -f "$out_dir"/.*.tmp' EXIT
}

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

# build_k8s NAME: builds k8s.io/kubernetes/cmd/NAME into $out_dir/NAME (atomically), static
# (CGO_ENABLED=0), in module mode outside any workspace; the caller's GOFLAGS are not passed on.
build_k8s() {
  local name=$1 t0=$SECONDS
  setup_k8s_module
  log "building $name $K8S_VERSION (first time: many minutes)"
  (cd "$work/k8s" &&
    export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 &&
    go get "k8s.io/kubernetes/cmd/$name@$K8S_VERSION" >&2 &&
    go build -trimpath -tags selinux,notest -ldflags "$(k8s_ldflags)" \
      -o "$out_dir/.$name.tmp" "k8s.io/kubernetes/cmd/$name" >&2) || return 1
  mv -f "$out_dir/.$name.tmp" "$out_dir/$name"
  log "built $name in $(elapsed "$t0")"
}
