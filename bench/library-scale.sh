#!/usr/bin/env bash
# Library at scale (issue 20): a seeded library of --tracks tagged files (MP3 and FLAC, tags written
# by bench/lib/library-gen.py on copies of two tiny files made once with ffmpeg; cached under
# bench/out/library-scale, so a re-run with the same size and seed generates nothing), served by
# the jar with its default settings (authentication off, a fresh data directory), measured:
#
#   - time from launch until the API lists every track, until every track has an embedding, and
#     until the service is ready (its readiness probe: after the warm-up before readiness)
#   - the scan's and the model's tracks/s (from their log lines)
#   - heap per track after a full GC (jcmd GC.heap_info, whole heap divided by the tracks)
#   - catalogue page and search latency p50/p99 (--requests each, one keep-alive connection)
#   - a RESTART on the same data directory: the same two times again, and how many files it read
#
# --restart-only skips the first start: the restart runs on the data directory the last run left
# (heap and latency are then measured after the restart). --data-from DIR first replaces that data
# directory with a copy of DIR (DIR is never written), and --library DIR serves a library generated
# earlier in place (its absolute path is the one the saved catalogue names); together they re-run
# the restart of another checkout's cached run without touching it.
#
# Prints Markdown and saves it to bench/results/library-scale-<date>.md (or --save FILE).
#
#   bench/library-scale.sh [--no-build] [--jar PATH] [--tracks N] [--requests N] [--seed N]
#                          [--timeout SECONDS] [--restart-only] [--data-from DIR] [--library DIR]
#                          [--save FILE]
#
# Environment overrides: BENCH_TRACKS (100000), BENCH_REQUESTS (300), BENCH_SEED (42),
# BENCH_TIMEOUT_S (1800, per start), BENCH_SAVE, BENCH_JAR, JAVA_OPTS.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"

build=1 save=${BENCH_SAVE:-} restart_only=0 data_from="" library=""
tracks=${BENCH_TRACKS:-100000}
requests=${BENCH_REQUESTS:-300}
start_timeout=${BENCH_TIMEOUT_S:-1800}

usage() { sed -n '2,26s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=${2:?}; shift ;;
    --tracks) tracks=${2:?}; shift ;;
    --requests) requests=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    --timeout) start_timeout=${2:?}; shift ;;
    --restart-only) restart_only=1 ;;
    --data-from) data_from=${2:?}; shift ;;
    --library) library=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $tracks =~ ^[0-9]+$ && $tracks -ge 1 && $requests =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] ||
  die "--tracks, --requests and --seed take positive numbers"
save=${save:-$here/results/library-scale-$(date +%F).md}
use_jar_override
command -v ffmpeg >/dev/null || die "ffmpeg is missing: hack/ffmpeg.sh installs it"
command -v jcmd >/dev/null || die "jcmd is missing (a JDK's bin on the PATH)"

sub=$out/library-scale
lib=${library:-$sub/library-$tracks-$seed} # launch_cadenza serves $lib
data=$sub/data
results=$sub/results.json
py=$bench_lib/library-scale.py
mkdir -p "$sub"

# --- the library: made once per size and seed ----------------------------------------------------
if [ -n "$library" ]; then
  [ -f "$lib/.complete" ] || die "--library $lib: not a complete generated library"
  lib=$(cd "$lib" && pwd)
elif [ ! -f "$lib/.complete" ]; then
  rm -rf "$lib" "$sub/seed"
  mkdir -p "$sub/seed"
  ffmpeg -v error -y -f lavfi -i anullsrc=r=44100:cl=stereo -t 0.3 -c:a libmp3lame -b:a 32k \
    -id3v2_version 0 -write_id3v1 0 -map_metadata -1 "$sub/seed/seed.mp3"
  ffmpeg -v error -y -f lavfi -i anullsrc=r=44100:cl=stereo -t 0.3 -c:a flac -map_metadata -1 \
    "$sub/seed/seed.flac"
  log "generating $tracks tagged files in $lib"
  python3 "$bench_lib/library-gen.py" "$sub/seed" "$lib" "$tracks" "$seed" >/dev/null
  touch "$lib/.complete" # hidden: the scanner ignores it
fi
files=$(find "$lib" -type f \( -name '*.mp3' -o -name '*.flac' \) | wc -l)
[ "$files" -eq "$tracks" ] || die "$lib holds $files audio files, not $tracks; delete it"

if [ "$build" = 1 ]; then
  log "building the stream service (./mvnw -o -q -B -pl stream-service -am package -DskipTests)"
  (cd "$root" && ./mvnw -o -q -B -pl stream-service -am package -DskipTests -P '!fuzz')
fi
[ -f "$jar" ] || die "$jar is missing (build it, or pass --jar)"
cp "$jar" "$out/cadenza.jar" # run a copy: a rebuild during the run must not pull the jar away

# start NAME: launches the service on $data, waits for the full catalogue and its embeddings, and
# stores its figures under NAME in $sub/NAME.json
start() {
  local name=$1 t0 logf=$sub/cadenza-$1.log waited mport scan embedded
  t0=$(date +%s.%N)
  launch_cadenza "$logf" --cadenza.data.dir="$data" \
    --logging.level.dev.cadenza.stream.library=INFO --logging.level.dev.cadenza.stream.metadata=INFO
  mport=$(management_of "$cport")
  waited=$(python3 "$py" wait "http://127.0.0.1:$cport" "$mport" "$tracks" "$t0" "$start_timeout" "$cpid")
  kill -0 "$cpid" 2>/dev/null || die "$name: the service exited; see $logf"
  scan=$(grep -m1 -oE 'Scanned .* in [0-9]+ ms' "$logf" | grep -oE '[0-9]+ ms' | grep -oE '[0-9]+' || true)
  embedded=$(grep -oE '\([0-9]+ tracks/s\)' "$logf" | tail -1 | grep -oE '[0-9]+' || true)
  python3 - "$waited" "${scan:-}" "${embedded:-}" "$(python3 "$py" meter "$mport" cadenza_library_files_read_total)" \
    "$tracks" >"$sub/$name.json" <<'PY'
import json, sys
w = json.loads(sys.argv[1])
scan = int(sys.argv[2]) if sys.argv[2] else None
w.update(scan_ms=scan, scan_rate=int(sys.argv[5]) * 1000 / scan if scan else None,
         embed_rate=int(sys.argv[3]) if sys.argv[3] else None, files_read=json.loads(sys.argv[4]))
print(json.dumps(w))
PY
  log "$name: $(cat "$sub/$name.json")"
  [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["embeddings_s"] is not None)' "$sub/$name.json")" = True ] ||
    die "$name: the catalogue and its embeddings were not complete within $start_timeout s; see $logf"
}

# measure: the heap with everything loaded, after a full GC, and the catalogue's latency
measure() {
  jcmd "$cpid" GC.run >/dev/null
  heap_k=$(jcmd "$cpid" GC.heap_info | grep -m1 -oE 'used [0-9]+K' | grep -oE '[0-9]+')
  log "measuring catalogue latency ($requests pages, $requests searches)"
  latency=$(python3 "$py" latency "http://127.0.0.1:$cport" "$requests" "$seed")
}

if [ -n "$data_from" ]; then
  [ "$restart_only" = 1 ] || die "--data-from goes with --restart-only"
  [ -f "$data_from/catalogue.bin" ] || die "--data-from $data_from: no saved catalogue there"
  rm -rf "$data"
  cp -R "$data_from" "$data"
fi
if [ "$restart_only" = 1 ]; then
  [ -f "$data/catalogue.bin" ] || die "--restart-only: no saved catalogue in $data; run without it first"
  echo null >"$sub/first.json"
  start restart
  measure
else
  rm -rf "$data"
  start first
  measure
  stop_pid "$cpid"
  start restart
fi
stop_pid "$cpid"

python3 - "$sub" "$tracks" "$seed" "$heap_k" "$latency" "$0 --tracks $tracks" >"$results" <<'PY'
import datetime, json, os, subprocess, sys
sub, n, seed, heap_k, latency, command = sys.argv[1:7]
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.split('"')[1]
print(json.dumps({
    "date": datetime.date.today().isoformat(), "command": command.replace(os.getcwd() + "/", ""),
    "tracks": int(n), "seed": int(seed), "formats": "70 % MP3, 30 % FLAC", "cpus": os.cpu_count(),
    "java": java, "first": json.load(open(f"{sub}/first.json")),
    "load": open("/proc/loadavg").read().split()[0],
    "restart": json.load(open(f"{sub}/restart.json")), "heap_mib": int(heap_k) / 1024,
    "heap_bytes_per_track": int(heap_k) * 1024 / int(n), "latency": json.loads(latency)}))
PY
mkdir -p "$(dirname "$save")"
python3 "$py" report "$results" | tee "$save"
log "saved to $save"
