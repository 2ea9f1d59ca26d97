#!/usr/bin/env bash
# Memory of the stream service, part by part (docs/memory.md): starts the jar with its default
# settings on the bundled demo library, waits for the scan and the embeddings, forces a GC and
# prints the resident set and what it is made of as Markdown; then again at the peak of a load run
# over the demo tracks, and at rest after it (idle, then after a forced GC).
#
#   bench/memory.sh [--no-build] [--jar PATH] [-c N] [-d DURATION] [--save FILE]
#
# The JVM gets the options of `./mvnw -pl stream-service spring-boot:run` (JVM_OPTIONS, default:
# the stream-service pom's memory.jvm-args) plus -XX:NativeMemoryTracking=summary, for this
# measurement only (it costs a few MiB of its own; a second process without it gives the RSS at
# rest as the service runs, the report's last line). "At rest" is once the embedding model has been
# freed (cadenza.metadata.model-idle-timeout after the last embedding) and BENCH_SETTLE seconds more
# (12: one native-heap trim interval). Environment: BENCH_CONCURRENCY (16), BENCH_DURATION (30s),
# BENCH_REST (30: seconds idle before the rest-after-load row), BENCH_SETTLE, BENCH_JAR.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

build=1 save=""
concurrency=${BENCH_CONCURRENCY:-16}
duration=${BENCH_DURATION:-30s}
rest=${BENCH_REST:-30}
settle=${BENCH_SETTLE:-12}
usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
use_jar_override
build_service "$build"

# the pom's memory.jvm-args: what spring-boot:run gives the JVM
if [ -z "${JVM_OPTIONS+x}" ]; then
  JVM_OPTIONS=$(sed -n 's:.*<memory.jvm-args>\(.*\)</memory.jvm-args>.*:\1:p' "$root/stream-service/pom.xml")
fi
read -ra jvm_opts <<<"$JVM_OPTIONS"

password=bench-$RANDOM$RANDOM
datas=()
trap 'rc=$?; rm -rf "${datas[@]}"; (exit $rc); cleanup' EXIT
# start_service [JVM OPTION...]: Cadenza with defaults but the ports (free ones; no SNTP: other
# services may run) and a known admin password, with its data (users) in a temporary directory so
# the run leaves nothing in the user's home; sets cpid, cport, mport, logf
start_service() {
  cport=$(free_port) mport=$(free_port)
  while [ "$mport" = "$cport" ]; do mport=$(free_port); done
  local data
  data=$(mktemp -d)
  datas+=("$data")
  logf=$out/memory-$(date +%Y%m%d-%H%M%S)-$RANDOM.log
  HOME=$data CADENZA_AUTH_ADMIN_PASSWORD=$password AWS_EC2_METADATA_DISABLED=true \
    java --enable-native-access=ALL-UNNAMED "${jvm_opts[@]}" "$@" \
    -jar "$out/cadenza.jar" --server.port="$cport" --management.server.port="$mport" \
    --cadenza.clock.sntp.port=0 --cadenza.data.dir="$data" >"$logf" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  log "started Cadenza (pid $cpid, JVM options: ${JVM_OPTIONS:-none} $*, log $logf)"
  wait_http "http://127.0.0.1:$mport/actuator/health/readiness" "$cpid" 120 ||
    die "Cadenza did not become ready; see $logf"
}
start_service -XX:NativeMemoryTracking=summary

prom() { curl -fsS --noproxy '*' --max-time 10 "http://127.0.0.1:$mport/actuator/prometheus"; }
# metric NAME [LABEL-REGEX]: the sum of the samples of NAME whose labels match
metric() {
  prom | awk -v n="$1" -v l="${2:-}" 'index($0, n "{") == 1 || index($0, n " ") == 1 { if ($0 ~ l) s += $NF } END { printf "%d\n", s }'
}
auth=(-H "Authorization: Basic $(printf 'admin:%s' "$password" | base64 -w0)")
tracks() {
  curl -fsS --noproxy '*' "${auth[@]}" "http://127.0.0.1:$cport/api/v1/tracks?limit=200" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))'
}

# until_rest: waits for the scan and the embeddings (every catalogued track has its vector, at
# most 180 s), then for the model to be freed when idle (the gauge is absent, so 0, from a service
# that never frees it), then BENCH_SETTLE seconds
until_rest() {
  local deadline=$((SECONDS + 180))
  while :; do
    n=$(tracks) e=$(metric cadenza_metadata_embeddings_tracks)
    [ "$n" -gt 0 ] && [ "$e" -ge "$n" ] && break
    [ "$SECONDS" -lt "$deadline" ] || die "embeddings did not finish: $e of $n tracks"
    sleep 1
  done
  log "catalogue: $n tracks, all embedded"
  deadline=$((SECONDS + 180))
  until [ "$(metric cadenza_metadata_model_resident)" = 0 ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "the embedding model was not freed within 180 s"
    sleep 1
  done
  log "embedding model not resident; settling ${settle} s"
  sleep "$settle"
}
until_rest

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
kib_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$cpid/status"; }

# row LABEL: one Markdown row of the breakdown, now
row() {
  local nmt status onnx
  nmt=$(jcmd "$cpid" VM.native_memory summary scale=KB)
  printf '## %s\n%s\n' "$1" "$nmt" >>"$nmt_log"
  status=$(cat "/proc/$cpid/status")
  # resident KiB of libonnxruntime's mappings (its code and data; its arena is anonymous memory)
  onnx=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { lib = ($6 ~ /onnxruntime/) } lib && /^Rss:/ { s += $2 } END { print s + 0 }' "/proc/$cpid/smaps")
  # committed KiB of one NMT category
  cat_kib() { awk -v c="$1" '$0 ~ "^- +" c " [(]" { sub(/.*committed=/, ""); sub(/KB.*/, ""); print; f = 1; exit } END { if (!f) print 0 }' <<<"$nmt"; }
  local total rss anon file
  total=$(awk '/^Total:/ { sub(/.*committed=/, ""); sub(/KB.*/, ""); print; exit }' <<<"$nmt")
  rss=$(awk '/^VmRSS:/ { print $2 }' <<<"$status")
  anon=$(awk '/^RssAnon:/ { print $2 }' <<<"$status")
  file=$(awk '/^RssFile:/ { print $2 }' <<<"$status")
  printf '| %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
    "$(kib_mib "$rss")" "$(kib_mib "$anon")" "$(kib_mib "$file")" \
    "$(mib "$(metric jvm_memory_used_bytes 'area="heap"')")" "$(kib_mib "$(cat_kib 'Java Heap')")" \
    "$(mib "$(metric cadenza_cache_size_bytes 'tier="l1"')")" \
    "$(kib_mib $(( $(cat_kib Metaspace) + $(cat_kib Class) + $(cat_kib "Shared class space") )))" "$(kib_mib "$(cat_kib Code)")" \
    "$(kib_mib "$(cat_kib Thread)") ($(metric jvm_threads_live_threads))" \
    "$(kib_mib "$(cat_kib GC)")" \
    "$(mib "$(metric jvm_buffer_memory_used_bytes 'id="direct"')")" \
    "$(kib_mib "$(( $(cat_kib Other) + $(cat_kib Internal) + $(cat_kib Symbol) ))")" \
    "$(kib_mib "$total")" "$(kib_mib $((rss - total > 0 ? rss - total : 0)))" "$(kib_mib "$onnx")"
}

report=$(mktemp)
nmt_log=${logf%.log}-nmt.txt
{
  echo "JVM options: \`${JVM_OPTIONS:-(none)}\` (+ \`-XX:NativeMemoryTracking=summary\`); $(java -version 2>&1 | head -1); $(nproc) cores"
  echo
  echo "| when | RSS | anon | file | heap used / committed | L1 bytes | metaspace + class space + CDS | code | threads (live) | GC | direct buffers | other+internal+symbol | NMT total | RSS − NMT | libonnxruntime RSS |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$report"

jcmd "$cpid" GC.run >/dev/null
sleep 2
row "at rest after scan + embeddings, GC forced" >>"$report"

# load: the demo tracks, whole and in ranges, with credentials; RSS and L1 sampled every second
build_tools 0 0
python3 - "$cport" "$password" "$out/memory-urls.txt" <<'PY'
import base64, json, sys, urllib.request
port, password, dest = sys.argv[1:4]
req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tracks?limit=200",
    headers={"Authorization": "Basic " + base64.b64encode(f"admin:{password}".encode()).decode()})
items = json.load(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req))["items"]
with open(dest, "w") as f:
    for t in items:
        f.write(f"http://127.0.0.1:{port}/api/v1/tracks/{t['id']}/stream\t{t['size']}\n")
PY
peak_rss=0 peak_l1=0 capacity=$(metric cadenza_cache_capacity_bytes 'tier="l1"')
"$out/loadgen" -urls "$out/memory-urls.txt" -mode mixed -c "$concurrency" -d "$duration" \
  -n "$max_requests" -seed "$seed" -timeout "$timeout" "${auth[@]}" >"$out/last.json" &
lg=$!
while kill -0 "$lg" 2>/dev/null; do
  r=$(rss_kib) l=$(metric cadenza_cache_size_bytes 'tier="l1"')
  [ "$r" -le "$peak_rss" ] || { peak_rss=$r; row "under load (highest RSS so far)" >"$out/memory-peak.md"; }
  [ "$l" -le "$peak_l1" ] || peak_l1=$l
  sleep 1
done
wait "$lg"
lg=""
cat "$out/memory-peak.md" >>"$report"
sleep "$rest"
row "at rest ${rest} s after the load" >>"$report"
jcmd "$cpid" GC.run >/dev/null
sleep 2
row "at rest after the load, GC forced" >>"$report"

{
  echo
  echo "Load: loadgen -mode mixed -c $concurrency -d $duration over the $n demo tracks: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%d requests, %d errors, %.0f req/s, %.1f MB/s" % (s["requests"], s["errors"], s["req_per_s"], s["MB_per_s"]))' "$out/last.json")."
  echo "Highest RSS sampled under load: $(kib_mib "$peak_rss") MiB; highest L1 (cadenza.cache.size{tier=l1}): $(mib "$peak_l1") MiB of its $(mib "$capacity") MiB bound."
  echo
  echo "MiB throughout. NMT counts committed memory, RSS resident memory; \"RSS − NMT\" is what the JVM does not track: onnxruntime's and the tokenizer's native heap, glibc's malloc arenas, mapped files (the jar, the JDK's modules, libonnxruntime, whose own resident pages are the last column)."
} >>"$report"

# NMT costs memory of its own: the resident set at rest, measured again in a second process
# started without it, the way the service runs
kill "$cpid" && wait "$cpid" 2>/dev/null || true
start_service
until_rest
jcmd "$cpid" GC.run >/dev/null
sleep 2
{
  echo
  echo "**RSS at rest without NMT** (a second process with the same options but no \`-XX:NativeMemoryTracking\`, after the scan and embeddings, the model freed, ${settle} s settled, GC forced): **$(kib_mib "$(rss_kib)") MiB**."
} >>"$report"

cat "$report"
if [ -n "$save" ]; then
  cp "$report" "$save"
  log "saved to $save"
fi
rm -f "$report"
