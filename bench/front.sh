#!/usr/bin/env bash
# What the NGINX front costs: in one run, on the same files and the same request sequences,
#   A "direct": one stream-service instance, straight from the load generator;
#   B "front":  nginx from nginx-ingress/nginx.conf.template (rendered by `hack/local-stack.sh
#               render-nginx`: hash $request_uri consistent, keepalive upstreams, buffering off,
#               retry on the next instance) in front of two instances;
#   C "static": nginx serving the files from disk (the baseline of bench/stream-vs-nginx.sh);
#   and B1 "front1": the same front in front of A's instance alone, which separates the hop itself
#               (B1 against A) from running two JVMs on the same cores (B against B1).
# Everything listens on and talks to 127.0.0.1 only; every load run is bounded in time and in
# requests; every server it starts (three JVMs, three nginx) is stopped on exit, Ctrl-C and failure.
#
#   bench/front.sh [--no-build] [--jar PATH] [-c N] [-d DURATION] [--large-c N] [--l1 SIZE]
#                  [--probes N] [--front-directives 'DIRECTIVE; ...'] [--save FILE]
#
# Environment overrides: BENCH_CONCURRENCY (32), BENCH_DURATION (10s), BENCH_LARGE_CONCURRENCY (4),
# BENCH_WARMUP (5s), BENCH_JIT_WARMUP_MAX (90), BENCH_SEED (42), BENCH_MAX_REQUESTS (2000000 per
# run), BENCH_TIMEOUT (10s per request), BENCH_NGINX_TCP_NOPUSH (off; the static nginx), BENCH_JAR,
# BENCH_L1 (L1 size for every instance, e.g. 56MB; default: the service's), BENCH_PROBES (5 requests
# per track in the affinity check), BENCH_FRONT_DIRECTIVES (nginx directives added to the fronts'
# `location /` after rendering, to try a change without editing the template; default none),
# BENCH_SAVE (bench/results/front-<date>.md), JAVA_OPTS.
set -euo pipefail
command_line="bench/front.sh${*:+ $*}"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shared with bench/stream-vs-nginx.sh: the paths and settings common to both (concurrency,
# duration, ...), die, log, process cleanup, CPU accounting, nginx, the service, URL lists, loadgen
# and the JIT warm-up
source "$here/lib/common.sh"

l1=${BENCH_L1:-}
probes=${BENCH_PROBES:-5}
save=${BENCH_SAVE:-}
front_directives=${BENCH_FRONT_DIRECTIVES:-}
build=1

usage() { sed -n '2,22s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    --large-c) large_concurrency=${2:?}; shift ;;
    --l1) l1=${2:?}; shift ;;
    --probes) probes=${2:?}; shift ;;
    --front-directives) front_directives=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $probes =~ ^[1-9][0-9]?$ ]] || die "--probes takes 1..99"
save=${save:-$here/results/front-$(date +%F).md}
use_jar_override
service_args=()
[ -z "$l1" ] || service_args=(--cadenza.cache.memory="$l1")
work=$out/front
stamp=$(date +%Y%m%d-%H%M%S)
rm -rf "$work/nginx" "$work/nginx-1"
mkdir -p "$work"
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
uptime_start=$(uptime)

# --- build, library, the static nginx (C), three instances (A, and B's two) ----------------------
build_tools "$build" 1
prepare_library
start_static_nginx "$nopush"
launch_cadenza "$work/direct.log" "${service_args[@]}"
aport=$cport apid=$cpid
launch_cadenza "$work/instance-1.log" "${service_args[@]}"
i1port=$cport i1pid=$cpid
launch_cadenza "$work/instance-2.log" "${service_args[@]}"
i2port=$cport i2pid=$cpid
await_cadenza "$aport" "$apid" "$work/direct.log"
await_cadenza "$i1port" "$i1pid" "$work/instance-1.log"
await_cadenza "$i2port" "$i2pid" "$work/instance-2.log"

# --- the fronts (B, B1): the template as hack/local-stack.sh renders it, rate limit off ----------
start_front "$work/nginx-1" "$aport"
f1port=$fport f1pid=$fpid
start_front "$work/nginx" "$i1port" "$i2port"

# --- URL lists: static (nginx-*) and direct (cadenza-*) from make_urls; front = direct's paths ----
cport=$aport
make_urls both
has_urls nginx demo || die "no demo tracks to benchmark (is the catalogue empty?)"
for kind in demo large; do
  mv "$urls/nginx-$kind.txt" "$urls/static-$kind.txt"
  mv "$urls/cadenza-$kind.txt" "$urls/direct-$kind.txt"
  sed "s#^http://127.0.0.1:$aport/#http://127.0.0.1:$fport/#" "$urls/direct-$kind.txt" >"$urls/front-$kind.txt"
  sed "s#^http://127.0.0.1:$aport/#http://127.0.0.1:$f1port/#" "$urls/direct-$kind.txt" >"$urls/front1-$kind.txt"
done
for s in static direct front1 front; do cat "$urls/$s-demo.txt" "$urls/$s-large.txt" >"$urls/$s-all.txt"; done

results=$work/results-$stamp.jsonl
: >"$results"
hz=$(getconf CLK_TCK)

# nginx_pids PID: an nginx master and its workers
nginx_pids() { echo "$1"; pgrep -P "$1" || true; }

# meters SERVER WHEN: snapshots of the instances a server uses, as $work/meters-<instance>-WHEN.txt
instances_of() { case $1 in direct | front1) echo "direct:$aport" ;; front) echo "i1:$i1port i2:$i2port" ;; esac; }
meters() {
  local i
  for i in $(instances_of "$1"); do snapshot "${i#*:}" >"$work/meters-${i%%:*}-$2.txt"; done
}
# meters_json SERVER: {"<instance>": delta, ...} of the snapshots "before" and "after"
meters_json() {
  local i sep="" json="{"
  for i in $(instances_of "$1"); do
    json+="$sep\"${i%%:*}\":$(meters_delta "$work/meters-${i%%:*}-before.txt" "$work/meters-${i%%:*}-after.txt")"
    sep=","
  done
  echo "$json}"
}

# measure SERVER KIND MODE CONCURRENCY: one measured run against static, direct, front1 or front, with the
# CPU time of every process of the benchmark, the JIT threads and the whole machine meanwhile, and
# the growth of each instance's meters. Appends one JSON line to $results.
groups=(static direct front i1 i2 jit_direct jit_front front1)
# ticks_all: the CPU ticks so far of each of the groups above, one line each
ticks_all() {
  proc_ticks $(nginx_pids "$npid")
  proc_ticks "$apid"
  proc_ticks $(nginx_pids "$fpid")
  proc_ticks "$i1pid"
  proc_ticks "$i2pid"
  jit_ticks "$apid"
  jit_ticks "$i1pid" "$i2pid"
  proc_ticks $(nginx_pids "$f1pid")
}
measure() {
  local server=$1 kind=$2 mode=$3 conc=$4 t0 t1 r g v cpu0=() cpu1=() sb0 st0 sb1 st1 json
  meters "$server" before
  log "$kind/$mode  $server  c=$conc d=$duration"
  t0=$(date +%s%N)
  mapfile -t cpu0 < <(ticks_all)
  read -r sb0 st0 < <(sys_ticks)
  loadgen "$urls/$server-$kind.txt" "$mode" "$conc" "$duration"
  read -r sb1 st1 < <(sys_ticks)
  mapfile -t cpu1 < <(ticks_all)
  t1=$(date +%s%N)
  r=$(<"$out/last.json")
  echo "   $r" >&2
  meters "$server" after
  json="{\"wall_s\":$(((t1 - t0) / 1000000))e-3,\"hz\":$hz,\"busy\":$((sb1 - sb0)),\"total\":$((st1 - st0))"
  for g in "${!groups[@]}"; do json+=",\"${groups[$g]}\":$((cpu1[g] - cpu0[g]))"; done
  json+="}"
  v=$(meters_json "$server")
  [ "$server" = static ] || echo "   instance meters: $v" >&2
  printf '{"type":"run","scenario":"%s/%s","server":"%s","duration":"%s","result":%s,"cpu":%s,"instances":%s}\n' \
    "$kind" "$mode" "$server" "$duration" "$r" "$json" "$v" >>"$results"
}

# --- warm-up: page cache and connections; each JVM until its JIT compiler settles ---------------
log "warming up the static nginx for $warmup"
loadgen "$urls/static-all.txt" mixed "$concurrency" "$warmup"
warm_jit "$urls/direct-all.txt" "$concurrency" "$apid"
jit_direct=$jit_note
warm_jit "$urls/front-all.txt" "$concurrency" "$i1pid" "$i2pid"
jit_front=$jit_note
log "warming up front1 (A's instance, warm already) for $warmup"
loadgen "$urls/front1-all.txt" mixed "$concurrency" "$warmup"

# --- the scenarios, each against C, A, B1 and B in turn (same seed, same request sequence) -----------
uptime_runs_start=$(uptime)
while read -r kind mode conc; do
  for s in static direct front1 front; do
    if ! has_urls "$s" "$kind"; then
      log "skipping $kind/$mode on $s: no $kind files in its URL list"
      continue
    fi
    measure "$s" "$kind" "$mode" "$conc"
  done
done < <(printf '%s\n' "demo full $concurrency" "demo range $concurrency" "large range $concurrency" \
  "large full $large_concurrency")
uptime_runs_end=$(uptime)

# --- affinity: every track, PROBES times through the front; which instance counted it? ----------
log "affinity check: $probes requests per track through the front"
# the instances' meters, on their management ports (the front does not lead there)
python3 - "$urls/front-all.txt" "$(management_of "$i1port")" "$(management_of "$i2port")" "$probes" "$urls/static-all.txt" \
  >"$work/affinity-$stamp.json" <<'PY'
import json, sys, urllib.parse, urllib.request

front_list, p1, p2, probes, static_list = sys.argv[1:6]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def count(port):  # stream requests the instance has counted so far (every method and status)
    with opener.open(f"http://127.0.0.1:{port}/actuator/prometheus", timeout=10) as r:
        return sum(float(l.split()[-1]) for l in r.read().decode().splitlines()
                   if l.startswith("cadenza_stream_requests_seconds_count"))

# make_urls wrote the same files in the same order to every list: the static URL names the file
files = [urllib.parse.unquote(l.split("\t")[0].split("/files/", 1)[1]) for l in open(static_list) if l.strip()]
tracks = []
for path, line in zip(files, open(front_list)):
    url, size = line.rstrip("\n").split("\t")
    before = (count(p1), count(p2))
    statuses = []
    for _ in range(int(probes)):
        req = urllib.request.Request(url, headers={"Range": "bytes=0-65535"})
        with opener.open(req, timeout=30) as r:
            r.read()
            statuses.append(r.status)
    after = (count(p1), count(p2))
    tracks.append({"path": path, "url": url, "size": int(size), "statuses": statuses,
                   "i1": round(after[0] - before[0]), "i2": round(after[1] - before[1])})
json.dump({"probes": int(probes), "tracks": tracks}, sys.stdout)
PY

# --- report --------------------------------------------------------------------------------------
uptime_end=$(uptime)
jar_info="$jar ($(date -r "$jar" '+%F %T'), sha256 $(sha256sum "$out/cadenza.jar" | cut -c1-12))"
[ "$build" = 0 ] || jar_info="built from the work tree at $(git -C "$root" rev-parse --short HEAD)$(
  [ -z "$(git -C "$root" status --porcelain -- . ':!bench')" ] || echo ' plus uncommitted changes')"
python3 - "$work/meta-$stamp.json" <<PY
import json, sys
json.dump({"cores": $(nproc), "duration": "$duration", "warmup": "$warmup", "concurrency": $concurrency,
           "large_concurrency": $large_concurrency, "seed": $seed, "max_requests": $max_requests,
           "timeout": "$timeout", "nopush": "$nopush", "l1": "$l1", "front_directives": """$front_directives""", "jar": """$jar_info""",
           "nginx": """$("$nginx_bin" -v 2>&1 | sed 's/.*\///')""", "java": """$(java -version 2>&1 | head -n 1)""",
           "jit_direct": """$jit_direct""", "jit_front": """$jit_front""",
           "uptime_start": """$uptime_start""", "uptime_runs_start": """$uptime_runs_start""",
           "uptime_runs_end": """$uptime_runs_end""", "uptime_end": """$uptime_end""",
           "loadavg_start": "$loadavg_start", "date": "$(date '+%F %T %Z')",
           "command": """$command_line"""}, open(sys.argv[1], "w"))
PY
report=${results%.jsonl}.md
python3 "$here/lib/front-report.py" "$results" "$work/meta-$stamp.json" "$work/affinity-$stamp.json" | tee "$report"
mkdir -p "$(dirname "$save")"
cp "$report" "$save"
log "report saved as $save (raw: $results, $work/meta-$stamp.json, $work/affinity-$stamp.json)"
