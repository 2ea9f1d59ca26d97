#!/usr/bin/env bash
# Web player start spread (issue 18's goal; not a test): the stream service on loopback with the
# demo library, and two headless Chromium pages (two browser contexts) in one group session; the
# pages send --starts plays in turn and each schedules every start on Web Audio with web/sync/
# (MediaClock, GroupPlayback). Prints, as Markdown, the spread between the two pages' start instants
# on the media clock (p50/p99/max): as the pages compute them, and in true time, next to a baseline
# from the same starts (the newest single time exchange instead of the filter); and each page's
# offset error against the service's clock. Goal: p99 true spread within 5 ms. The driver is
# bench/lib/web-sync.mjs (its header says how each figure is taken).
#
#   bench/web-sync.sh [--no-build] [--jar PATH] [--starts N] [--save FILE] [--bare]
#
# By default it measures the app as served: authentication on (an admin with this run's random
# password, in the environment only), both pages log in through the login form and join in the group
# view. --bare measures a blank page that imports web/sync/ from the tree, authentication off (the
# sync code without the app; reports say which mode made them).
# Needs Chromium (/usr/bin/chromium) and playwright-core: hack/browser.sh installs both (npm ci in
# web-tests/). The report goes to stdout and to bench/results/web-sync-<date>.md; progress to stderr.
# Environment: BENCH_STARTS (50), BENCH_SAVE, BENCH_JAR, JAVA_OPTS, PLAYWRIGHT_MODULE (a
# playwright-core index.mjs to use instead of web-tests').
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

build=1
mode=app
starts=${BENCH_STARTS:-50}
save=${BENCH_SAVE:-$here/results/web-sync-$(date +%F).md}

usage() { sed -n '2,21s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    --starts) starts=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    --bare) mode=bare ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $starts =~ ^[0-9]+$ ]] && [ "$starts" -ge 1 ] || die "--starts is a whole number of at least 1"

if [ -n "${PLAYWRIGHT_MODULE:-}" ]; then
  playwright=$PLAYWRIGHT_MODULE
else
  web_tests=$("$root/hack/browser.sh" | tail -n 1)
  playwright=$web_tests/node_modules/playwright-core/index.mjs
fi
[ -f "$playwright" ] || die "playwright-core is missing: $playwright (run hack/browser.sh)"
[ -x /usr/bin/chromium ] || die "Chromium is missing: hack/browser.sh installs it (as root)"

mkdir -p "$out"
[ -z "$jar_override" ] || jar=$jar_override
if [ "$build" = 1 ] && [ -z "$jar_override" ]; then
  log "building the stream service (./mvnw -q -B -DskipTests package)"
  (cd "$root" && ./mvnw -q -B -o -pl stream-service -am -DskipTests -P '!fuzz' package)
fi
[ -f "$jar" ] || die "$jar is missing (build it, or pass --jar)"
cp "$jar" "$out/cadenza.jar" # run a copy: a rebuild during the run must not pull the jar away

lib=$out/web-sync-library
rm -rf "$lib" "$out/web-sync-data"
mkdir -p "$lib"
cp -R "$demo/." "$lib/"
rm -f "$lib/INDEX"
if [ "$mode" = app ]; then
  # this run's admin: in the environment of the service and of the driver, never on a command line
  CADENZA_PASSWORD="web-sync-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  export CADENZA_AUTH_ADMIN_PASSWORD=$CADENZA_PASSWORD CADENZA_PASSWORD CADENZA_USER=admin
  cadenza_auth=true start_cadenza "$out/web-sync-cadenza.log" --cadenza.data.dir="$out/web-sync-data"
else
  # authentication off: the bare page measures the clock and the audio, not logging in
  start_cadenza "$out/web-sync-cadenza.log" --cadenza.data.dir="$out/web-sync-data"
fi

mkdir -p "$(dirname "$save")"
partial=$save.partial
load_before=$(uptime)
PLAYWRIGHT_MODULE=$playwright node "$here/lib/web-sync.mjs" --base "http://127.0.0.1:$cport" \
  --mode "$mode" --starts "$starts" >"$partial"
# the machine is shared: what else ran says how far the figures carry
printf '\nMachine load (`uptime`, %s cores) before: %s; after: %s\n' "$(nproc)" \
  "${load_before#*load average: }" "$(uptime | sed 's/.*load average: //')" >>"$partial"
mv "$partial" "$save"
cat "$save"
log "saved $save"
