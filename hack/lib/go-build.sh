# Sourced by the scripts that build test binaries with Go (hack/helm.sh, hack/k8s-test-binaries.sh):
# they define log, die and FORCE_REBUILD handling, then call these.

# Puts Go on the PATH (or takes /usr/local/go/bin/go) and logs its version.
use_go() {
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] || die "no go on PATH and none at /usr/local/go/bin/go"
    export PATH="/usr/local/go/bin:$PATH"
  fi
  log "using $(go version)"
}

# build_lock LOCKFILE CHECK RESULT: one build at a time per machine. Waits for another run's build,
# then, when CHECK (a command) passes (unless FORCE_REBUILD=1), prints RESULT and exits: that run
# built it meanwhile.
build_lock() {
  local lock=$1 check=$2 result=$3
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$lock"
  flock 9
  if [[ ${FORCE_REBUILD:-0} != 1 ]] && $check; then
    log "built meanwhile by another run: $result"
    echo "$result"
    exit 0
  fi
}
