#!/usr/bin/env bash
# Where the first seconds of a fresh JVM go (issue 20, warm-up): one launch of the service on the
# demo library (a fresh data directory), as bench/warmup.sh launches it, then the same mixed load in
# the same slices (5 x 2 s, 5 x 5 s), and per slice: req/s, the service's CPU split by thread group
# (event loops, C1 and C2 compiler threads, GC, prefetcher, embedder...), the load generator's CPU,
# and how many GC log lines (one per pause or phase) the slice saw. Last line: ready time (and how
# long the service's own warm-up before readiness ran), first 10 s, steady and their ratio.
#
#   bench/warmup-profile.sh [--no-build] [--jar PATH] [--java PATH] [--preload SECONDS] [NAME] [-- SERVICE ARG...]
#
# JAVA_OPTS (default: stream-service/pom.xml memory.jvm-args) plus EXTRA_JAVA_OPTS (for example
# -XX:TieredStopAtLevel=1, -XX:CICompilerCount=4, -Xms128m) are the JVM's options; --preload runs
# that many seconds of the same load after readiness before the measured slices (what a warm-up of
# that length would give). Output and logs in bench/out/warmup-profile/NAME.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

build=1 name=run preload=0 cadenza_java=java service_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    --java) cadenza_java=${2:?}; shift ;;
    --preload) preload=${2:?}; shift ;;
    --) shift; service_args=("$@"); break ;;
    -h | --help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) name=$1 ;;
  esac
  shift
done
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's:.*<memory.jvm-args>\(.*\)</memory.jvm-args>.*:\1:p' "$root/stream-service/pom.xml")}
use_jar_override
build_service "$build"
work=$out/warmup-profile/$name
rm -rf "$work"
mkdir -p "$work"
lib=$work/library
cp -R "$demo/." "$lib/"
rm -f "$lib/INDEX"
nport=0
make_urls nginx

# threads PID: "group<TAB>ticks" per thread group of the JVM (names without their numbers)
threads() {
  local t c v
  for t in /proc/"$1"/task/*; do
    c=$(cat "$t/comm" 2>/dev/null) || continue
    v=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    c=$(sed -E 's/[-# ]*[0-9]+$//; s/^(C[12]) Compiler.*/\1 compiler/; s/^reactor-http-.*/event loops/; s/^(GC Thread|G1 ).*/GC/' <<<"$c")
    printf '%s\t%s\n' "$c" "$v"
  done | awk -F'\t' '{a[$1] += $2} END {for (k in a) print k "\t" a[k]}'
}

t0=$(date +%s.%N)
JAVA_OPTS="$JAVA_OPTS -Xlog:gc:file=$work/gc.log:uptime ${EXTRA_JAVA_OPTS:-}" \
  launch_cadenza "$work/service.log" --cadenza.data.dir="$work/data" "${service_args[@]}"
until curl -fsS -o /dev/null --noproxy '*' --max-time 1 "http://127.0.0.1:$(management_of "$cport")/actuator/health/readiness" 2>/dev/null; do
  kill -0 "$cpid" 2>/dev/null || die "the service exited during start-up; see $work"
  sleep 0.1
done
ready=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$t0")
warm=$(curl -fsS --noproxy '*' --max-time 5 "http://127.0.0.1:$(management_of "$cport")/actuator/prometheus" |
  awk '/^cadenza_warmup_duration_seconds/ {printf "%.1f", $2}')
ready="$ready s (warm-up ${warm:-0} s)"
make_urls cadenza
log "$name: ready after $ready (load $(cut -d' ' -f1 /proc/loadavg)); JVM options: $JAVA_OPTS ${EXTRA_JAVA_OPTS:-}"
[ "$preload" = 0 ] || loadgen "$urls/cadenza-demo.txt" mixed "$concurrency" "${preload}s"
: >"$work/slices"
for d in 2 2 2 2 2 5 5 5 5 5; do
  threads "$cpid" >"$work/before"
  c0=$(proc_ticks "$cpid") g0=$(wc -l <"$work/gc.log")
  loadgen "$urls/cadenza-demo.txt" mixed "$concurrency" "${d}s"
  threads "$cpid" >"$work/after"
  python3 - "$work" "$(<"$out/last.json")" "$d" $(($(wc -l <"$work/gc.log") - g0)) "$(getconf CLK_TCK)" \
    $(($(proc_ticks "$cpid") - c0)) <<'PY'
import json, sys
work, r, d, gc, hz = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
total = int(sys.argv[6])  # the process's own count: threads that ended in the slice are in it
read = lambda f: dict(l.rstrip("\n").split("\t") for l in open(f"{work}/{f}"))
a, b = read("before"), read("after")
delta = {k: int(v) - int(a.get(k, 0)) for k, v in b.items()}
top = sorted(delta.items(), key=lambda x: -x[1])[:6]
open(f"{work}/slices", "a").write(f"{r['requests']} {r['seconds']}\n")
print(f"{d:.0f} s | {r['req_per_s']:6.0f} req/s | service {total / hz / d:4.2f} cores: "
      + ", ".join(f"{k} {v / hz / d:.2f}" for k, v in top)
      + f" | loadgen {(r['cpu_user_s'] + r['cpu_sys_s']) / d:.2f} | GC log lines {gc}")
PY
done
stop_pid "$cpid"
python3 - "$work/slices" "$name" "$ready" <<'PY'
import sys
s = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
first = sum(n for n, _ in s[:5]) / sum(t for _, t in s[:5])
steady = sum(n for n, _ in s[-3:]) / sum(t for _, t in s[-3:])
print(f"{sys.argv[2]}: ready after {sys.argv[3]}, first 10 s {first:.0f} req/s, steady {steady:.0f} req/s, ratio {first / steady:.2f}")
PY
