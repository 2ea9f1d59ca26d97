#!/usr/bin/env bash
# Transcoding benchmark (issue 19): per format, time to first byte and CPU seconds per minute of
# audio for
#
#   floor    ffmpeg alone, with the arguments the service gives it (its output read and dropped)
#   cold     Cadenza making the variant (A: dynalite for L2)
#   l1       the same variant again on A, from memory
#   l2       the same variant on B, another instance on A's tables, from DynamoDB (dynalite)
#   nocache  Cadenza with its cache off, standing for a server that does not cache (every play runs
#            ffmpeg)
#   navidrome  Navidrome v0.53.3 (hack/navidrome.sh) on the same files, through its Subsonic stream:
#            cold (the first play runs ffmpeg) and warm (the second play, from its transcode cache,
#            which is on by default); its default transcodings are opus, mp3 and aac (no m4a)
#
# and what N plays of one track cost each way. On --tracks generated tracks of --seconds (stereo
# pink noise with a tone, FLAC 44.1 kHz), each format at --kbps.
#
#   bench/transcode.sh [--no-build] [--jar PATH] [--tracks N] [--seconds S] [--kbps K] [--plays N]
#                      [--no-navidrome] [--save FILE]
#
# Environment overrides: BENCH_TRACKS (3), BENCH_SECONDS (180), BENCH_KBPS (128), BENCH_PLAYS (10),
# BENCH_FORMATS (opus mp3 aac m4a), BENCH_SAVE, BENCH_JAR, JAVA_OPTS. Needs ffmpeg (hack/ffmpeg.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/navidrome.sh"

build=1 save=${BENCH_SAVE:-} navidrome=1
tracks=${BENCH_TRACKS:-3} seconds=${BENCH_SECONDS:-180} kbps=${BENCH_KBPS:-128} plays=${BENCH_PLAYS:-10}
formats=${BENCH_FORMATS:-opus mp3 aac m4a}

usage() { sed -n '2,22s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --jar) jar_override=$2; shift ;;
    --tracks) tracks=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --kbps) kbps=$2; shift ;;
    --plays) plays=$2; shift ;;
    --save) save=$2; shift ;;
    --no-navidrome) navidrome=0 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done

"$root/hack/ffmpeg.sh"
command -v ffmpeg >/dev/null || die "ffmpeg is missing (hack/ffmpeg.sh, as root)"
use_jar_override
build_service "$build"

lib=$out/transcode-library
if [ ! -f "$lib/.complete-$tracks-$seconds" ]; then
  log "generating $tracks tracks of $seconds s in $lib"
  rm -rf "$lib"
  mkdir -p "$lib"
  for ((i = 1; i <= tracks; i++)); do
    ffmpeg -nostdin -v error -f lavfi -i "anoisesrc=color=pink:seed=$i:duration=$seconds:amplitude=0.3" \
      -f lavfi -i "sine=frequency=$((220 * i)):duration=$seconds" \
      -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -ar 44100 \
      -metadata title="Bench $i" "$lib/bench-$i.flac"
  done
  touch "$lib/.complete-$tracks-$seconds"
fi

run=$out/transcode/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
start_dynalite "$run/dynalite.log"
shared=(--cadenza.dynamodb.table-prefix="bench-$$" --cadenza.dynamodb.endpoint="http://127.0.0.1:$dport"
  --cadenza.dynamodb.region=us-east-1 --cadenza.dynamodb.create-tables=true --cadenza.cache.write-queue=4096)
start_cadenza "$run/a.log" "${shared[@]}" --cadenza.data.dir="$run/data-a"
a_port=$cport a_pid=$cpid
start_cadenza "$run/b.log" "${shared[@]}" --cadenza.data.dir="$run/data-b"
b_port=$cport b_pid=$cpid
start_cadenza "$run/c.log" --cadenza.cache.enabled=false --cadenza.data.dir="$run/data-c"
c_port=$cport c_pid=$cpid
# the shared catalogue: B serves A's scan
wait_http "http://127.0.0.1:$b_port/api/v1/tracks/$(curl -s "http://127.0.0.1:$a_port/api/v1/tracks?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')" "$b_pid" 60

peer='"navidrome": null'
if [ "$navidrome" = 1 ]; then
  start_navidrome "$run/navidrome.log" "$lib"
  peer=$(printf '"navidrome": {"port": %s, "pid": %s, "auth": "%s", "log": "%s", "version": "%s"}, "navidrome_formats": ["opus", "mp3", "aac"]' \
    "$nd_port" "$nd_pid" "$nauth" "$run/navidrome.log" "$("$navidrome_bin" --version | head -n 1 | cut -d' ' -f1)")
fi

config=$(printf '{%s, "a": {"port": %s, "pid": %s, "mport": %s}, "b": {"port": %s, "pid": %s, "mport": %s}, "nocache": {"port": %s, "pid": %s, "mport": %s}, "library": "%s", "seconds": %s, "kbps": %s, "plays": %s, "formats": %s}' "$peer" \
  "$a_port" "$a_pid" "$(management_of "$a_port")" "$b_port" "$b_pid" "$(management_of "$b_port")" \
  "$c_port" "$c_pid" "$(management_of "$c_port")" "$lib" "$seconds" "$kbps" "$plays" \
  "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1].split()))' "$formats")")
{
  echo "# Transcoding: cold, warm from L1 and L2, against ffmpeg alone, no cache and Navidrome"
  echo
  echo "\`bench/transcode.sh --tracks $tracks --seconds $seconds --kbps $kbps --plays $plays\`, $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; $(java -version 2>&1 | head -n 1); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  python3 "$bench_lib/transcode.py" "$config"
} | tee "$run/report.md"
if [ -n "$save" ]; then
  cp "$run/report.md" "$root/$save"
  log "report saved as $save"
fi
