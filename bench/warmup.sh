#!/usr/bin/env bash
# Warm-up (issue 20): how fast a fresh JVM of the stream service reaches its steady throughput.
# Each variant is launched on the demo library (a fresh data directory each time); as soon as its
# readiness probe answers, mixed load (loadgen: half whole files, half random 1-256 KiB ranges)
# runs for the first 10 s in 2 s slices, then 25 s more in 5 s slices. Reported per launch: the
# time from launch to ready, how long the service's own warm-up before readiness ran
# (cadenza_warmup_duration_seconds), req/s of the first 10 s, req/s of the steady part (the last
# 15 s) and their ratio (the goal: >= 0.8), and the service's CPU per 1,000 requests in both parts
# (other processes on the machine change the req/s, much less the CPU a request takes).
#
#   bench/warmup.sh [--no-build] [--jar PATH] [--variants LIST] [--rounds N] [-c N] [--save FILE]
#
# Variants (default cold,jar,cold25,jar25; --rounds repeats them in turn):
#   cold    java -jar on the JDK on the PATH (17), its warm-up off (cadenza.warm-up.max-duration=0)
#   jar     java -jar on the JDK on the PATH (17), as shipped: the warm-up on
#   cds     the same JDK, the extracted jar with an AppCDS archive (-XX:SharedArchiveFile)
#   cold25  java -jar on JDK 25 (BENCH_JDK25, default /usr/lib/jvm/temurin-25-jdk-amd64), warm-up off
#   jar25   java -jar on JDK 25, as shipped
#   aot25   JDK 25, the extracted jar with an AOT cache (-XX:AOTCache, with method profiles)
# The archive and the cache are made first by one training run each: the service started on the
# demo library, BENCH_TRAIN_SECONDS (10) of the same load, then stopped (SIGTERM); their size and
# the training's time are reported as their cost.
#
# Environment overrides: BENCH_VARIANTS, BENCH_CONCURRENCY (32), BENCH_SEED (42), BENCH_JAR, BENCH_JDK25,
# BENCH_TRAIN_SECONDS (10), JAVA_OPTS (default: stream-service/pom.xml memory.jvm-args).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

build=1 save="" rounds=1
variants=${BENCH_VARIANTS:-cold,jar,cold25,jar25}
jdk25=${BENCH_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
train_s=${BENCH_TRAIN_SECONDS:-10}

usage() { sed -n '2,25s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    --variants) variants=${2:?}; shift ;;
    --rounds) rounds=${2:?}; shift ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
IFS=, read -ra variant_list <<<"$variants"
for v in "${variant_list[@]}"; do
  [[ $v =~ ^(cold|jar|cds|cold25|jar25|aot25)$ ]] ||
    die "--variants: cold, jar, cds, cold25, jar25 and aot25 only, not '$v'"
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a positive number"
save=${save:-$here/results/warmup-$(date +%F).md}
[[ " ${variant_list[*]} " =~ 25 ]] && { [ -x "$jdk25/bin/java" ] || die "no JDK 25 at $jdk25 (BENCH_JDK25)"; }
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's:.*<memory.jvm-args>\(.*\)</memory.jvm-args>.*:\1:p' "$root/stream-service/pom.xml")}
export JAVA_OPTS
use_jar_override

build_service "$build"
work=$out/warmup
rm -rf "$work"
mkdir -p "$work"
lib=$work/library # launch_cadenza serves $lib
cp -R "$demo/." "$lib/"
rm -f "$lib/INDEX"
nport=0
make_urls nginx # the file list make_urls cadenza checks the catalogue against
results=$work/results.jsonl
: >"$results"

# variant_setup NAME: sets cadenza_java, cadenza_jar, the variant's own JVM options (extra) and
# service arguments (args)
variant_setup() {
  extra="" args=()
  case $1 in
    cold) cadenza_java=java cadenza_jar=$out/cadenza.jar args=(--cadenza.warm-up.max-duration=0) ;;
    cold25) cadenza_java=$jdk25/bin/java cadenza_jar=$out/cadenza.jar args=(--cadenza.warm-up.max-duration=0) ;;
    jar) cadenza_java=java cadenza_jar=$out/cadenza.jar ;;
    cds) cadenza_java=java cadenza_jar=$work/app/cadenza.jar extra="-XX:SharedArchiveFile=$work/app.jsa -Xlog:cds=off" ;;
    jar25) cadenza_java=$jdk25/bin/java cadenza_jar=$out/cadenza.jar ;;
    aot25) cadenza_java=$jdk25/bin/java cadenza_jar=$work/app/cadenza.jar extra="-XX:AOTCache=$work/app.aot" ;;
  esac
}

# launch NAME LOG EXTRA_JVM_OPTS: launch_cadenza with the variant's launcher, jar and options
launch() {
  variant_setup "$1"
  JAVA_OPTS="$JAVA_OPTS $extra $3" launch_cadenza "$2" --cadenza.data.dir="$work/data-$RANDOM$RANDOM" "${args[@]}"
}

# ready_after T0: until the readiness probe answers (0.1 s steps, at most 120 s); prints the
# seconds since T0 (epoch, fractional)
ready_after() {
  local url deadline=$((SECONDS + 120))
  url="http://127.0.0.1:$(management_of "$cport")/actuator/health/readiness"
  until curl -fsS -o /dev/null --noproxy '*' --max-time 1 "$url" 2>/dev/null; do
    kill -0 "$cpid" 2>/dev/null || die "the service exited during start-up; see $work"
    [ "$SECONDS" -lt "$deadline" ] || die "the service was not ready within 120 s; see $work"
    sleep 0.1
  done
  python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$1"
}

# train NAME OUTPUT_OPTION: one training run (start, ready, load for train_s, SIGTERM, up to 180 s
# for the JVM to write its archive at exit); sets train_note
train() {
  local started=$SECONDS i
  log "training $1: $2"
  cadenza_java=$([ "$1" = cds ] && echo java || echo "$jdk25/bin/java")
  cadenza_jar=$work/app/cadenza.jar
  JAVA_OPTS="$JAVA_OPTS $2" launch_cadenza "$work/train-$1.log" --cadenza.data.dir="$work/data-train-$1"
  await_cadenza "$cport" "$cpid" "$work/train-$1.log"
  make_urls cadenza
  loadgen "$urls/cadenza-demo.txt" mixed "$concurrency" "${train_s}s"
  kill -TERM "$cpid"
  for ((i = 0; i < 900; i++)); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.2; done
  stop_pid "$cpid"
  train_note="$((SECONDS - started)) s"
}

# --- the archives: the extracted jar (Spring Boot's tools jar mode), then one training run each ---
costs="{}"
if [[ " ${variant_list[*]} " =~ (cds|aot25) ]]; then
  java -Djarmode=tools -jar "$out/cadenza.jar" extract --destination "$work/app" >/dev/null
  costs=$(python3 -c 'import json,sys; print(json.dumps({"jar_mib": round(int(sys.argv[1]) / 2**20, 1), "extracted_mib": round(int(sys.argv[2]) / 2**20, 1)}))' \
    "$(stat -c %s "$out/cadenza.jar")" "$(du -sb "$work/app" | cut -f1)")
fi
archive_cost() { # NAME FILE: the archive's size and training time into $costs
  costs=$(python3 -c 'import json,sys; c = json.loads(sys.argv[1]); c[sys.argv[2]] = {"archive_mib": round(int(sys.argv[3]) / 2**20, 1), "training": sys.argv[4]}; print(json.dumps(c))' \
    "$costs" "$1" "$(stat -c %s "$2")" "$train_note")
}
if [[ " ${variant_list[*]} " =~ " cds " ]]; then
  train cds "-XX:ArchiveClassesAtExit=$work/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  [ -s "$work/app.jsa" ] || die "the training run wrote no $work/app.jsa; see $work/train-cds.log"
  archive_cost cds "$work/app.jsa"
fi
if [[ " ${variant_list[*]} " =~ " aot25 " ]]; then
  train aot25 "-XX:AOTCacheOutput=$work/app.aot -Xlog:aot=off -Xlog:cds=off"
  [ -s "$work/app.aot" ] || die "the training run wrote no $work/app.aot; see $work/train-aot25.log"
  archive_cost aot25 "$work/app.aot"
fi
log "costs: $costs"

# --- the measured launches --------------------------------------------------------------------------
# warmed_up PORT: the seconds the service's warm-up ran (its cadenza_warmup_duration_seconds)
warmed_up() {
  curl -fsS --noproxy '*' --max-time 5 "http://127.0.0.1:$(management_of "$1")/actuator/prometheus" |
    awk '/^cadenza_warmup_duration_seconds/ {printf "%.1f", $2; found = 1} END {if (!found) print 0}'
}

# measure NAME ROUND: one launch; appends one JSON line (ready_s, warm-up, the slices, each with
# the service's CPU and its JIT compiler threads' CPU in clock ticks) to $results
measure() {
  local t0 ready warm slices="" i r c0 j0 logf=$work/$1-$2.log
  t0=$(date +%s.%N)
  launch "$1" "$logf" ""
  ready=$(ready_after "$t0")
  warm=$(warmed_up "$cport")
  make_urls cadenza
  log "$1 (round $2): ready after $ready s (warm-up $warm s); load for 10 s + 25 s"
  for i in 2 2 2 2 2 5 5 5 5 5; do
    c0=$(proc_ticks "$cpid") j0=$(jit_ticks "$cpid")
    loadgen "$urls/cadenza-demo.txt" mixed "$concurrency" "${i}s"
    r=$(<"$out/last.json")
    r="${r%\}},\"cpu_ticks\":$(($(proc_ticks "$cpid") - c0)),\"jit_ticks\":$(($(jit_ticks "$cpid") - j0))}"
    slices="$slices${slices:+,}$r"
  done
  stop_pid "$cpid"
  printf '{"variant":"%s","round":%s,"ready_s":%s,"warmup_s":%s,"load":"%s","slices":[%s]}\n' "$1" "$2" \
    "$ready" "$warm" "$(cut -d' ' -f1 /proc/loadavg)" "$slices" >>"$results"
  python3 - "$results" <<'PY' >&2
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
s = r["slices"]
first = sum(x["requests"] for x in s[:5]) / sum(x["seconds"] for x in s[:5])
steady = sum(x["requests"] for x in s[-3:]) / sum(x["seconds"] for x in s[-3:])
print(f">> {r['variant']}: first 10 s {first:.0f} req/s, steady {steady:.0f} req/s, ratio {first / steady:.2f}")
PY
}

for ((round = 1; round <= rounds; round++)); do
  for v in "${variant_list[@]}"; do measure "$v" "$round"; done
done

mkdir -p "$(dirname "$save")"
python3 - "$results" "$costs" "$0 --variants $variants --rounds $rounds -c $concurrency" "$JAVA_OPTS" \
  "$("$jdk25/bin/java" -version 2>&1 | head -1)" "$(java -version 2>&1 | head -1)" "$(getconf CLK_TCK)" <<'PY' | tee "$save"
import datetime, json, os, sys
results, costs, command, opts, jdk25, jdk, hz = sys.argv[1:8]
hz = int(hz)
rows = [json.loads(l) for l in open(results)]
costs = json.loads(costs)
print(f"# Warm-up of a fresh JVM ({datetime.date.today().isoformat()})\n")
print(f"`{command.replace(os.getcwd() + '/', '')}`: each variant launched on the demo library; as soon as")
print("its readiness probe answers, mixed load (half whole files, half random 1-256 KiB ranges) for 10 s")
print("in 2 s slices, then 25 s more in 5 s slices. *first 10 s* against *steady* (the last 15 s);")
print("*CPU per 1k req*: the service's CPU time per 1,000 requests in those parts (its JIT compiler")
print("threads' share of the first 10 s in brackets). *warm-up*: how long the service's own warm-up")
print("before readiness ran (part of *ready after launch*).")
print(f"JVM options: `{opts}`. JDKs: {jdk}; {jdk25}. Machine: {os.cpu_count()} CPUs.\n")
print("| variant | round | ready after launch | warm-up | first 10 s | steady | ratio | CPU per 1k req, first 10 s / steady | req/s per slice | load avg |")
print("|---|---|---|---|---|---|---|---|---|---|")
def cpu_per_k(part):
    ticks = sum(x.get("cpu_ticks", 0) for x in part)
    return 1000 * ticks / hz / max(1, sum(x["requests"] for x in part)) * 1000
for r in rows:
    s = r["slices"]
    first = sum(x["requests"] for x in s[:5]) / sum(x["seconds"] for x in s[:5])
    steady = sum(x["requests"] for x in s[-3:]) / sum(x["seconds"] for x in s[-3:])
    errors = sum(x["errors"] for x in s)
    per = " ".join(f"{x['req_per_s']:.0f}" for x in s)
    jit = sum(x.get("jit_ticks", 0) for x in s[:5]) / max(1, sum(x.get("cpu_ticks", 0) for x in s[:5]))
    print(f"| {r['variant']} | {r['round']} | {r['ready_s']:.2f} s | {r.get('warmup_s', 0):.1f} s | {first:.0f} req/s "
          f"| {steady:.0f} req/s | **{first / steady:.2f}** | {cpu_per_k(s[:5]):.0f} ms ({jit:.0%} JIT) / {cpu_per_k(s[-3:]):.0f} ms "
          f"| {per}{f' ({errors} errors)' if errors else ''} | {r['load']} |")
if "jar_mib" in costs:
    print(f"\nCost: the jar is {costs['jar_mib']} MiB, the extracted jar (`java -Djarmode=tools -jar ... extract`) "
          f"{costs['extracted_mib']} MiB.", end="")
    for name, c in costs.items():
        if isinstance(c, dict):
            print(f" {name}: archive {c['archive_mib']} MiB, training run {c['training']}.", end="")
    print()
PY
log "saved to $save"
