# Navidrome as the peer in the benchmarks (bench/transcode.sh, bench/stream-vs-nginx.sh); sourced
# after bench/lib/common.sh, never run. The binary comes from hack/navidrome.sh (v0.53.3 built from
# the Go module proxy, with TagLib; its UI is a placeholder: only the Subsonic API is used).
#
#   start_navidrome LOG MUSIC_DIR [NAME=VALUE...]
#       starts Navidrome on a free loopback port with a temporary data folder under $(dirname LOG),
#       admin user "admin" (ND_DEVAUTOCREATEADMINPASSWORD), one scan at start (the next one due in
#       24 h), Last.fm off and no Spotify key (no calls out: it logs that those agents are not
#       available), log level info (its default); the extra NAME=VALUE pairs are added to its
#       environment (ND_...).
#       Waits until its scan has finished. Sets nd_port, nd_pid, nauth (the Subsonic query
#       parameters u, p, v, c, f=json); nd_pid is in pids, so common.sh's trap stops it. (nd_port and
#       nd_pid are nginx's, in common.sh.)
#   stop_navidrome     stops it and removes its data folder
#   navidrome_song_ids prints "id<TAB>path" per song of its library, the path relative to its music
#       folder (from its native API, /api/song after /auth/login: the Subsonic "path" is made up
#       from the tags)
#
# Its transcodes run ffmpeg as children it waits for, so /proc/<nd_pid>/stat's cutime and cstime
# hold their CPU once each run has ended: the benchmarks count the process and its children that way.

navidrome_bin=""
navidrome_data="" navidrome_music=""
navidrome_password=bench-navidrome

start_navidrome() {
  local log_file=$1 music=$2 deadline
  shift 2
  [ -n "$navidrome_bin" ] || navidrome_bin=$("$root/hack/navidrome.sh") || die "Navidrome could not be built (hack/navidrome.sh)"
  nd_port=$(free_port)
  navidrome_music=$music
  navidrome_data=$(mktemp -d "$(dirname "$log_file")/navidrome-data.XXXXXX")
  log "starting Navidrome $("$navidrome_bin" --version | head -n 1) on $nd_port (music: $music)"
  env ND_MUSICFOLDER="$music" ND_DATAFOLDER="$navidrome_data" ND_PORT="$nd_port" ND_ADDRESS=127.0.0.1 \
    ND_SCANSCHEDULE="@every 24h" ND_DEVAUTOCREATEADMINPASSWORD="$navidrome_password" \
    ND_LASTFM_ENABLED=false ND_LOGLEVEL=info \
    "$@" "$navidrome_bin" >"$log_file" 2>&1 &
  nd_pid=$!
  pids+=("$nd_pid")
  nauth="u=admin&p=$navidrome_password&v=1.16.1&c=cadenza-bench&f=json"
  wait_http "http://127.0.0.1:$nd_port/ping" "$nd_pid" 60 || die "Navidrome did not start (see $log_file)"
  # its first scan starts 2 s after start; done when it is no longer scanning and has counted songs
  deadline=$((SECONDS + 300))
  until curl -fsS --noproxy '*' --max-time 5 "http://127.0.0.1:$nd_port/rest/getScanStatus?$nauth" 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["subsonic-response"]["scanStatus"]; sys.exit(0 if not s["scanning"] and s.get("count", 0) > 0 else 1)'; do
    kill -0 "$nd_pid" 2>/dev/null || die "Navidrome exited during its scan (see $log_file)"
    [ "$SECONDS" -lt "$deadline" ] || die "Navidrome's scan did not finish in 300 s (see $log_file)"
    sleep 1
  done
  log "Navidrome has scanned its library"
}

stop_navidrome() {
  [ -z "${nd_pid:-}" ] || stop_pid "$nd_pid"
  [ -z "$navidrome_data" ] || rm -rf "$navidrome_data"
  nd_pid="" navidrome_data=""
}

navidrome_song_ids() {
  python3 - "$nd_port" "$navidrome_password" "$navidrome_music" <<'PY'
import json, os, sys, urllib.request

port, password, music = sys.argv[1:4]
base = f"http://127.0.0.1:{port}"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
login = urllib.request.Request(f"{base}/auth/login", json.dumps({"username": "admin", "password": password}).encode(),
                               {"Content-Type": "application/json"})
token = json.load(opener.open(login, timeout=30))["token"]
songs = json.load(opener.open(urllib.request.Request(f"{base}/api/song?_start=0&_end=100000",
                                                     headers={"X-ND-Authorization": f"Bearer {token}"}), timeout=60))
for s in songs:
    print(s["id"], os.path.relpath(s["path"], music), sep="\t")
PY
}
