#!/usr/bin/env bash
# A bounded soak: mixed traffic for a while against two stream-service instances behind the NGINX
# front, watching that the instances' heap, RSS, file descriptors and threads stay flat and that no
# request fails unexpectedly (issue 17).
#
#   dynalite (hack/dynalite.sh, in memory)  <- the shared tables: catalogue, chunks (L2), sessions,
#                                              users; both instances use one table prefix
#   i1, i2  two instances from one jar: authentication on (an admin with this run's random
#           password, users and API keys made through the API), the front a trusted proxy
#   front   nginx-ingress/nginx.conf.template rendered by `hack/local-stack.sh render-nginx`
#   driver  bench/lib/soak.py: --concurrency workers through the front (catalogue pages in JSON and
#           the compact format, search, whole streams and random ranges checked byte for byte against
#           the files, conditional requests, group sessions with their event streams, client aborts,
#           bad requests that must get their 4xx), and every 10 s a sample of each instance (RSS,
#           open fds, threads, heap, requests by status; every minute its heap after a full GC)
#
# At the end a Markdown report (bench/lib/soak-report.py) is printed and saved. Exit status: 0 when
# every request got what it should and no meter rose; 1 on unexpected errors (5xx, connection
# errors, wrong bytes or statuses, ERROR lines in a service log), or when the soak could not run
# (start-up or set-up failed; the reason is printed); 3 when there were no unexpected errors but a
# meter rose; 2 for bad arguments. Everything listens on and talks to 127.0.0.1 only, and
# everything it started is stopped on exit, Ctrl-C and failure.
#
#   bench/soak.sh [-d DURATION] [--no-build] [--jar PATH] [-c N] [--tracks N] [--save FILE]
#
# DURATION is seconds or a number with s, m or h (default 30m). Environment overrides:
# BENCH_SOAK_DURATION (30m), BENCH_SOAK_CONCURRENCY (16), BENCH_SOAK_TRACKS (2000 generated tracks
# besides the demo library and 4 large WAVs), BENCH_SOAK_INTERVAL (10, seconds between samples),
# BENCH_SOAK_GC_INTERVAL (seconds between the full GCs that measure the heap after GC: 60, or a
# ninth of a run shorter than 9 minutes),
# BENCH_SOAK_DYNAMODB_TIMEOUT (the instances' cadenza.dynamodb.timeout; default the service's, 1s),
# BENCH_SEED (42), BENCH_SAVE (bench/results/soak-<date>.md), BENCH_JAR, JAVA_OPTS (added to
# -XX:NativeMemoryTracking=summary).
set -euo pipefail
command_line="bench/soak.sh${*:+ $*}"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

duration=${BENCH_SOAK_DURATION:-30m}
concurrency=${BENCH_SOAK_CONCURRENCY:-16}
tracks=${BENCH_SOAK_TRACKS:-2000}
interval=${BENCH_SOAK_INTERVAL:-10}
gc_interval=${BENCH_SOAK_GC_INTERVAL:-}
save=${BENCH_SAVE:-}
build=1

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    --tracks) tracks=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
seconds_of() { # 90, 90s, 3m, 1h -> seconds
  [[ $1 =~ ^([0-9]+)([smh]?)$ ]] || return 1
  case ${BASH_REMATCH[2]} in m) echo $((BASH_REMATCH[1] * 60)) ;; h) echo $((BASH_REMATCH[1] * 3600)) ;;
    *) echo "${BASH_REMATCH[1]}" ;; esac
}
duration_s=$(seconds_of "$duration") && [ "$duration_s" -ge 60 ] && [ "$duration_s" -le 86400 ] ||
  { echo "error: -d takes 60s to 24h (e.g. 3m, 30m), not '$duration'" >&2; exit 2; }
[[ $concurrency =~ ^[0-9]+$ ]] && [ "$concurrency" -ge 4 ] && [ "$concurrency" -le 64 ] ||
  { echo "error: -c takes 4 to 64" >&2; exit 2; }
[[ $tracks =~ ^[0-9]+$ ]] || { echo "error: --tracks takes a whole number" >&2; exit 2; }
[[ $interval =~ ^[0-9]+$ ]] && [ "$interval" -ge 2 ] || { echo "error: BENCH_SOAK_INTERVAL takes 2 or more" >&2; exit 2; }
if [ -z "$gc_interval" ]; then # a full GC a minute; in a short run more often, for a trend to fit
  gc_interval=$(((duration_s / 9 < 60 ? duration_s / 9 : 60) / interval * interval))
  [ "$gc_interval" -ge "$interval" ] || gc_interval=$interval
fi
[[ $gc_interval =~ ^[0-9]+$ ]] && [ "$gc_interval" -ge "$interval" ] ||
  { echo "error: BENCH_SOAK_GC_INTERVAL takes whole seconds, at least BENCH_SOAK_INTERVAL" >&2; exit 2; }
save=${save:-$here/results/soak-$(date +%F).md}
use_jar_override

work=$out/soak
lib=$work/library # launch_cadenza serves $lib
stamp=$(date +%Y%m%d-%H%M%S)
run=$work/run-$stamp
mkdir -p "$run"
uptime_start=$(uptime)

# --- build, library --------------------------------------------------------------------------------
build_service "$build"
log "library in $lib: the demo library, 4 large WAVs and $tracks generated tracks (made once)"
python3 "$bench_lib/subsonic.py" library "$lib" "$tracks" "$demo"

# --- dynalite, two instances sharing its tables, the front ----------------------------------------
start_dynalite "$run/dynalite.log"
# this run's admin and the Subsonic secrets' key (the same in every pod sharing the tables): in the
# environment, never on a command line or in a log
export CADENZA_AUTH_ADMIN_PASSWORD="soak-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
CADENZA_AUTH_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export CADENZA_AUTH_SECRET_KEY AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
shared_args=(--cadenza.dynamodb.table-prefix="soak-$stamp" --cadenza.dynamodb.endpoint="http://127.0.0.1:$dport"
  --cadenza.dynamodb.region=us-east-1 --cadenza.dynamodb.create-tables=true
  --cadenza.server.trusted-proxies=127.0.0.1)
# the service's DynamoDB timeout (1 s) unless told: dynalite on busy shared cores sometimes takes longer
[ -z "${BENCH_SOAK_DYNAMODB_TIMEOUT:-}" ] || shared_args+=(--cadenza.dynamodb.timeout="$BENCH_SOAK_DYNAMODB_TIMEOUT")
# Native memory tracking (summary; a few per cent of CPU at most): the report says where the RSS
# beyond the heap went (code cache, metaspace, threads, direct buffers, GC structures...)
export JAVA_OPTS="-XX:NativeMemoryTracking=summary${JAVA_OPTS:+ $JAVA_OPTS}"
instances=() ports=()
for name in i1 i2; do
  # the service's own logging as deployed (INFO), so that what it logs under load is in the report
  cadenza_auth=true launch_cadenza "$run/$name.log" --cadenza.data.dir="$run/data-$name" \
    "${shared_args[@]}" --logging.level.dev.cadenza=INFO
  instances+=("$name:$cport:$(management_of "$cport"):$cpid")
  ports+=("$cport")
done
for spec in "${instances[@]}"; do
  IFS=: read -r name p _ pid <<<"$spec"
  await_cadenza "$p" "$pid" "$run/$name.log"
done
start_front "$run/front" "${ports[@]}"
front_processes=(--process "front:$fpid")
n=0
for pid in $(pgrep -P "$fpid"); do front_processes+=(--process "front-worker-$((n += 1)):$pid"); done

# --- the soak: the driver and the sampler, in the background so that Ctrl-C stops them at once -----
log "soak: $duration through the front (127.0.0.1:$fport), $concurrency workers; samples every ${interval}s"
python3 "$bench_lib/soak.py" --front "$fport" --library "$lib" --out "$run" --duration "$duration_s" \
  --concurrency "$concurrency" --interval "$interval" --gc-interval "$gc_interval" --seed "$seed" \
  --instance "${instances[0]}" --instance "${instances[1]}" \
  --process "dynalite:$dpid" "${front_processes[@]}" &
lg=$!
wait "$lg"
lg=""

# --- report ------------------------------------------------------------------------------------------
jar_info="$jar ($(date -r "$jar" '+%F %T'), sha256 $(sha256sum "$out/cadenza.jar" | cut -c1-12))"
[ "$build" = 0 ] || jar_info="built from the work tree at $(git -C "$root" rev-parse --short HEAD)$(
  [ -z "$(git -C "$root" status --porcelain -- . ':!bench')" ] || echo ' plus uncommitted changes')"
python3 - "$run/meta.json" <<PY
import json, sys
json.dump({"command": """$command_line""", "duration_s": $duration_s, "concurrency": $concurrency,
           "interval_s": $interval, "gc_interval_s": $gc_interval, "tracks": $tracks, "seed": $seed, "jar": """$jar_info""",
           "java": """$(java -version 2>&1 | head -n 1)""", "java_opts": """${JAVA_OPTS:-}""", "dynamodb_timeout": "${BENCH_SOAK_DYNAMODB_TIMEOUT:-1s (default)}",
           "nginx": """$("$nginx_bin" -v 2>&1 | sed 's/.*\///')""", "cores": $(nproc),
           "uptime_start": """$uptime_start""", "uptime_end": """$(uptime)""",
           "date": "$(date '+%F %T %Z')"}, open(sys.argv[1], "w"), indent=1)
PY
rc=0
python3 "$bench_lib/soak-report.py" "$run" >"$run/report.md" || rc=$?
cat "$run/report.md"
mkdir -p "$(dirname "$save")"
cp "$run/report.md" "$save"
log "report saved as $save (raw samples and requests in $run)"
exit "$rc"
