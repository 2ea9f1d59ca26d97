# Navidrome as the peer in the benchmarks (bench/transcode.sh, bench/stream-vs-nginx.sh); sourced
# after bench/lib/common.sh, never run. The binary comes from hack/navidrome.sh (v0.53.3 built from
# the Go module proxy, with TagLib; its UI is a placeholder: only the Subsonic API is used).
#
#   start_navidrome LOG MUSIC_DIR [NAME=VALUE...]
#       starts Navidrome on a free loopback port with a temporary data folder under $(dirname LOG),
#       admin user "admin" (ND_DEVAUTOCREATEADMINPASSWORD), one scan at start and none after, no
#       Last.fm/Spotify agents; the extra NAME=VALUE pairs are added to its environment (ND_...).
#       Waits until its scan has finished. Sets nport, npid, nauth (the Subsonic query parameters
#       u, p, v, c, f=json); npid is in pids, so common.sh's trap stops it.
#   stop_navidrome     stops it and removes its data folder
#   navidrome_song_ids prints "id<TAB>size<TAB>title" per song of its library (search3 with an empty
#       query; its Subsonic "path" is made up from the tags, so a file is found by its title: its
#       title tag, or its file name without the extension when it has none)
#
# Its transcodes run ffmpeg as children it waits for, so /proc/<npid>/stat's cutime and cstime
# hold their CPU once each run has ended: the benchmarks count the process and its children that way.

navidrome_bin=""
navidrome_data=""
navidrome_password=bench-navidrome

start_navidrome() {
  local log_file=$1 music=$2 deadline
  shift 2
  [ -n "$navidrome_bin" ] || navidrome_bin=$("$root/hack/navidrome.sh") || die "Navidrome could not be built (hack/navidrome.sh)"
  nport=$(free_port)
  navidrome_data=$(mktemp -d "$(dirname "$log_file")/navidrome-data.XXXXXX")
  log "starting Navidrome $("$navidrome_bin" --version | head -n 1) on $nport (music: $music)"
  env ND_MUSICFOLDER="$music" ND_DATAFOLDER="$navidrome_data" ND_PORT="$nport" ND_ADDRESS=127.0.0.1 \
    ND_SCANSCHEDULE="@every 24h" ND_DEVAUTOCREATEADMINPASSWORD="$navidrome_password" \
    ND_AGENTS="" ND_LASTFM_ENABLED=false ND_SPOTIFY_ID="" ND_LOGLEVEL=info ND_ENABLEINSIGHTSCOLLECTOR=false \
    "$@" "$navidrome_bin" >"$log_file" 2>&1 &
  npid=$!
  pids+=("$npid")
  nauth="u=admin&p=$navidrome_password&v=1.16.1&c=cadenza-bench&f=json"
  wait_http "http://127.0.0.1:$nport/ping" "$npid" 60 || die "Navidrome did not start (see $log_file)"
  # its first scan starts 2 s after start; done when it is no longer scanning and has counted songs
  deadline=$((SECONDS + 300))
  until curl -fsS --noproxy '*' --max-time 5 "http://127.0.0.1:$nport/rest/getScanStatus?$nauth" 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["subsonic-response"]["scanStatus"]; sys.exit(0 if not s["scanning"] and s.get("count", 0) > 0 else 1)'; do
    kill -0 "$npid" 2>/dev/null || die "Navidrome exited during its scan (see $log_file)"
    [ "$SECONDS" -lt "$deadline" ] || die "Navidrome's scan did not finish in 300 s (see $log_file)"
    sleep 1
  done
  log "Navidrome has scanned its library"
}

stop_navidrome() {
  [ -z "${npid:-}" ] || stop_pid "$npid"
  [ -z "$navidrome_data" ] || rm -rf "$navidrome_data"
  npid="" navidrome_data=""
}

navidrome_song_ids() {
  curl -fsS --noproxy '*' --max-time 30 "http://127.0.0.1:$nport/rest/search3?$nauth&query=&songCount=10000&artistCount=0&albumCount=0" |
    python3 -c 'import json,sys; [print(s["id"], s["size"], s["title"], sep="\t") for s in json.load(sys.stdin)["subsonic-response"]["searchResult3"].get("song", [])]'
}
