#!/usr/bin/env bash
# OpenSubsonic and authentication benchmark (issue 16's figures), one run, three services side by
# side on a generated library of --tracks tagged WAVs (plus the demo library and 4 large files):
#
#   embedded   authentication on, the embedded item store (H2 MVStore in its own data dir)
#   dynamodb   authentication on, DynamoDB = dynalite (in memory) for the users table (and, as in a
#              cluster, the shared catalogue and the L2 chunk cache)
#   off        cadenza.auth.enabled=false, the embedded store
#
# and, in alternating rounds (odd rounds in reverse order), bounded loadgen runs of: search3 pages
# with an empty query, and the annotations of those pages (per store); a small catalogue request
# without auth, with an API key and with Basic; getSong with apiKey, u+p and u+t+s (a fresh salt
# per request); the stream through /rest/stream and /api/v1/tracks/{id}/stream. Plus, per round,
# a sequential full sync (every search3 page in order, one keep-alive connection) per store,
# without and with each page's annotations. Ratios are taken within a round, then the median.
#
#   bench/subsonic.sh [--no-build] [--jar PATH] [--tracks N] [--page N] [--stars N] [--rounds N]
#                     [-c N] [--search-c N] [--large-c N] [-d DURATION] [--save FILE]
#
# Environment overrides: BENCH_TRACKS (100000), BENCH_PAGE (500), BENCH_STARS (2000),
# BENCH_ROUNDS (3), BENCH_CONCURRENCY (8), BENCH_SEARCH_CONCURRENCY (4), BENCH_LARGE_CONCURRENCY
# (4), BENCH_DURATION (5s), BENCH_WARMUP (3s per scenario), BENCH_JIT_WARMUP_MAX (90), BENCH_SAVE,
# BENCH_SEED (42), BENCH_MAX_REQUESTS (2000000 per run), BENCH_TIMEOUT (30s), BENCH_JAR, JAVA_OPTS.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-8} BENCH_DURATION=${BENCH_DURATION:-5s}
BENCH_WARMUP=${BENCH_WARMUP:-3s} BENCH_TIMEOUT=${BENCH_TIMEOUT:-30s}
source "$here/lib/common.sh"

build=1 save=${BENCH_SAVE:-}
tracks=${BENCH_TRACKS:-100000}
page=${BENCH_PAGE:-500}
stars=${BENCH_STARS:-2000}
rounds=${BENCH_ROUNDS:-3}
search_concurrency=${BENCH_SEARCH_CONCURRENCY:-4}

usage() { sed -n '2,24s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    --tracks) tracks=${2:?}; shift ;;
    --page) page=${2:?}; shift ;;
    --stars) stars=${2:?}; shift ;;
    --rounds) rounds=${2:?}; shift ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    --search-c) search_concurrency=${2:?}; shift ;;
    --large-c) large_concurrency=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $page =~ ^[0-9]+$ ]] && [ "$page" -ge 1 ] && [ "$page" -le 500 ] ||
  die "--page is 1 to 500 (the annotations route takes at most 500 ids)"
[[ $tracks =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ && $stars =~ ^[0-9]+$ ]] || die "bad number"
save=${save:-$here/results/subsonic-$(date +%F).md}
use_jar_override

sub=$out/subsonic
lib=$sub/library # launch_cadenza serves $lib
lists=$sub/urls
stamp=$(date +%Y%m%d-%H%M%S)
results=$sub/results-$stamp.jsonl
user=admin password="bench-$RANDOM$RANDOM" # this run's admin, on loopback only
hz=$(getconf CLK_TCK)
mkdir -p "$sub" "$lists"
rm -f "$lists"/*.txt
: >"$results"
uptime_start=$(uptime)

# --- build, library ------------------------------------------------------------------------------
build_service "$build"
log "generating the library in $lib ($tracks tracks, once)"
python3 "$bench_lib/subsonic.py" library "$lib" "$tracks" "$demo"
expected=$(find "$lib" -type f \( -name '*.wav' -o -name '*.mp3' -o -name '*.flac' -o -name '*.ogg' \
  -o -name '*.opus' -o -name '*.m4a' \) | wc -l)

# --- the three services, one after the other (each scans the whole library) ---------------------
declare -A port pid logf key scan
start_dynalite "$sub/dynalite.log"
common_args=(--cadenza.library.rescan-interval=0 --cadenza.metadata.embeddings=false
  --logging.level.dev.cadenza.stream.library=INFO)
# credentials through the environment, out of the logs: this run's admin, and the Subsonic secrets'
# key that pods sharing DynamoDB need
export CADENZA_AUTH_ADMIN_PASSWORD=$password
CADENZA_AUTH_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export CADENZA_AUTH_SECRET_KEY

# start NAME AUTH [ARG...]: starts one, waits until it is ready and has scanned the library (and,
# with DynamoDB, written the shared catalogue); records the scan's time
start() {
  local name=$1 line deadline
  logf[$name]=$sub/cadenza-$name.log
  rm -rf "$sub/data-$name"
  cadenza_auth=$2 launch_cadenza "${logf[$name]}" --cadenza.data.dir="$sub/data-$name" \
    "${common_args[@]}" "${@:3}"
  port[$name]=$cport pid[$name]=$cpid
  await_cadenza "$cport" "$cpid" "${logf[$name]}"
  deadline=$((SECONDS + 900))
  until line=$(grep -m1 'Scanned .* in [0-9]* ms' "${logf[$name]}"); do
    kill -0 "$cpid" 2>/dev/null || die "$name exited; see ${logf[$name]}"
    [ "$SECONDS" -lt "$deadline" ] || die "$name did not finish its scan in 900 s"
    sleep 1
  done
  scan[$name]=$(sed -E 's/.*(Scanned .*)/\1/' <<<"$line")
  log "$name: ${scan[$name]}"
  if [ "$name" = dynamodb ]; then
    until line=$(grep -m1 'Wrote generation .* of the shared catalogue' "${logf[$name]}"); do
      kill -0 "$cpid" 2>/dev/null || die "$name exited; see ${logf[$name]}"
      [ "$SECONDS" -lt "$deadline" ] || die "$name did not write the shared catalogue in 900 s"
      sleep 2
    done
    scan[$name]="${scan[$name]}; $(sed -E 's/.*(Wrote generation)/\1/' <<<"$line")"
    log "$name: $line"
  fi
}
start embedded true
start off false
start dynamodb true --cadenza.dynamodb.table-prefix="bench-$stamp" \
  --cadenza.dynamodb.endpoint="http://127.0.0.1:$dport" --cadenza.dynamodb.create-tables=true \
  --cadenza.dynamodb.region=us-east-1

for name in embedded off dynamodb; do
  auth=true
  [ "$name" = off ] && auth=false
  log "$name: API key, $stars stars, URL lists"
  key[$name]=$(python3 "$bench_lib/subsonic.py" prepare "${port[$name]}" "$name" "$auth" "$user" \
    "$password" "$lists" "$page" "$stars" 50000)
done
basic=$(printf '%s:%s' "$user" "$password" | base64 -w0)

# --- scenarios -------------------------------------------------------------------------------------
# name | service | list | credentials header (bearer, basic or none) | concurrency | mode
scenarios=(
  "search3/embedded|embedded|search3|none|$search_concurrency|full"
  "search3/dynamodb|dynamodb|search3|none|$search_concurrency|full"
  "annotations/embedded|embedded|annotations|bearer|$search_concurrency|full"
  "annotations/dynamodb|dynamodb|annotations|bearer|$search_concurrency|full"
  "tracks/off|off|native|none|$concurrency|full"
  "tracks/bearer|embedded|native|bearer|$concurrency|full"
  "tracks/basic|embedded|native|basic|$concurrency|full"
  "tracks/bearer-dynamodb|dynamodb|native|bearer|$concurrency|full"
  "tracks/basic-dynamodb|dynamodb|native|basic|$concurrency|full"
  "getSong/apiKey|embedded|getsong-apikey|none|$concurrency|full"
  "getSong/u+p|embedded|getsong-password|none|$concurrency|full"
  "getSong/u+t+s|embedded|getsong-token|none|$concurrency|full"
  "getSong/apiKey-dynamodb|dynamodb|getsong-apikey|none|$concurrency|full"
  "getSong/u+t+s-dynamodb|dynamodb|getsong-token|none|$concurrency|full"
  "stream-demo/api-v1|embedded|stream-native-demo|bearer|$concurrency|full"
  "stream-demo/rest|embedded|stream-rest-demo|none|$concurrency|full"
  "stream-demo/off|off|stream-native-demo|none|$concurrency|full"
  "stream-large/api-v1|embedded|stream-native-large|bearer|$large_concurrency|range"
  "stream-large/rest|embedded|stream-rest-large|none|$large_concurrency|range"
)

# run_scenario SPEC ROUND DURATION: one loadgen run; appends its line (with the CPU the service and
# dynalite used, and the machine) to $results unless ROUND is "warm"
run_scenario() {
  local name svc list cred conc mode hdr=() s0 s1 d0 d1 m0 m1
  IFS='|' read -r name svc list cred conc mode <<<"$1"
  case $cred in
    bearer) hdr=(-H "Authorization: Bearer ${key[$svc]}") ;;
    basic) hdr=(-H "Authorization: Basic $basic") ;;
  esac
  s0=$(proc_ticks "${pid[$svc]}") d0=$(proc_ticks "$dpid") m0=$(sys_ticks)
  loadgen "$lists/$svc-$list.txt" "$mode" "$conc" "$3" "${hdr[@]}"
  s1=$(proc_ticks "${pid[$svc]}") d1=$(proc_ticks "$dpid") m1=$(sys_ticks)
  python3 - "$name" "$svc" "$2" "$hz" "$s0" "$s1" "$d0" "$d1" "$m0 $m1" "$out/last.json" "$results" <<'PY'
import json, sys
name, svc, rnd, hz, s0, s1, d0, d1, m, last, results = sys.argv[1:]
r = json.load(open(last))
hz = int(hz)
b0, t0, b1, t1 = map(int, m.split())
r.update(scenario=name, service=svc, round=rnd, server_cpu_s=(int(s1) - int(s0)) / hz,
         dynalite_cpu_s=(int(d1) - int(d0)) / hz, machine_busy=(b1 - b0) / max(1, t1 - t0))
line = f"{name:28} {svc:9} {r['req_per_s']:9.1f} req/s  errors {r['errors']}"
print(line, file=sys.stderr)
if r["errors"]:
    print(f"warning: {name}: {r['errors']} errors", file=sys.stderr)
if rnd != "warm":
    with open(results, "a") as f:
        f.write(json.dumps(r) + "\n")
PY
}

# sync_round ROUND: a sequential full sync per store, without and with annotations
sync_round() {
  local svc with line
  for svc in embedded dynamodb; do
    for with in - annotations; do
      line=$(python3 "$bench_lib/subsonic.py" sync "$lists/$svc-search3.txt" \
        "$([ "$with" = - ] && echo - || echo "$lists/$svc-annotations.txt")" "${key[$svc]}")
      log "sync $svc ${with/-/search3 only}: $line"
      [ "$1" = warm ] || python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(scenario="sync/"+sys.argv[2]+("+annotations" if sys.argv[3]!="-" else ""), service=sys.argv[2], round=sys.argv[4]); print(json.dumps(r))' \
        "$line" "$svc" "$with" "$1" >>"$results"
    done
  done
}

# --- warm-up: every scenario, then until the JIT compilers settle --------------------------------
log "warm-up: every scenario for $warmup, one sync per store"
for spec in "${scenarios[@]}"; do run_scenario "$spec" warm "$warmup"; done
sync_round warm
# The off service serves only two scenarios: without more traffic of its own, its JIT compiler is
# still at work (and it at a third of its speed) after the other two have settled.
for spec in "${scenarios[@]}"; do
  [[ $spec == *"|off|"* ]] && run_scenario "$spec" warm 20s
done
jit_start=$SECONDS
while :; do
  declare -A j0=() j1=()
  for name in "${!pid[@]}"; do j0[$name]=$(jit_ticks "${pid[$name]}"); done
  t0=$SECONDS
  for spec in "${scenarios[@]}"; do run_scenario "$spec" warm 2s; done
  worst=0
  for name in "${!pid[@]}"; do
    j1[$name]=$(jit_ticks "${pid[$name]}")
    pct=$(((j1[$name] - j0[$name]) * 100 / hz / (SECONDS - t0 > 0 ? SECONDS - t0 : 1)))
    [ "$pct" -le "$worst" ] || worst=$pct
  done
  jit_note="JIT warm-up: a run of every scenario ($warmup each, 20 s more for the off service), then $((SECONDS - jit_start)) s of 2 s passes; in the last pass the busiest JVM's compiler used $worst% of a core"
  [ "$worst" -lt 5 ] && break
  [ $((SECONDS - jit_start)) -lt "$jit_max" ] || { jit_note="$jit_note (stopped at the ${jit_max}s limit)"; break; }
done
log "$jit_note"

# --- measured rounds -----------------------------------------------------------------------------
for ((r = 1; r <= rounds; r++)); do
  log "round $r of $rounds"
  order=("${scenarios[@]}")
  if ((r % 2 == 0)); then
    order=()
    for ((i = ${#scenarios[@]} - 1; i >= 0; i--)); do order+=("${scenarios[$i]}"); done
  fi
  for spec in "${order[@]}"; do run_scenario "$spec" "$r" "$duration"; done
  sync_round "$r"
done
uptime_end=$(uptime)

# --- report --------------------------------------------------------------------------------------
meta=$sub/meta-$stamp.json
python3 - "$meta" <<PY
import json, sys
json.dump({"tracks": $tracks, "expected_files": $expected, "page": $page, "stars": $stars, "rounds": $rounds,
           "duration": "$duration", "concurrency": $concurrency, "search_concurrency": $search_concurrency,
           "large_concurrency": $large_concurrency, "scan": {"embedded": """${scan[embedded]}""",
           "off": """${scan[off]}""", "dynamodb": """${scan[dynamodb]}"""},
           "jit": """$jit_note""", "uptime_start": """$uptime_start""", "uptime_end": """$uptime_end""",
           "commit": """$(cd "$root" && git log -1 --format='%h %s')""",
           "jar": """$jar ($(stat -c %y "$jar" | cut -d. -f1), sha256 $(sha256sum "$jar" | cut -c1-12))""",
           "cpu": """$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') x $(nproc)"""},
          open(sys.argv[1], "w"), indent=1)
PY
report=$sub/results-$stamp.md
python3 "$bench_lib/subsonic-report.py" "$results" "$meta" >"$report"
cat "$report"
mkdir -p "$(dirname "$save")"
cp "$report" "$save"
cp "$results" "${save%.md}.jsonl"
log "report: $report (copied to $save, raw runs to ${save%.md}.jsonl)"
