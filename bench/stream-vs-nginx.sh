#!/usr/bin/env bash
# Streaming benchmark: the Cadenza stream service against nginx serving the same files from disk.
# Both listen on 127.0.0.1 only; every load run is bounded in time and in requests.
#
#   bench/stream-vs-nginx.sh [--no-build] [--nginx-only] [-c N] [-d DURATION] [--large-c N]
#                            [--nginx-nopush on|off]
#
# Environment overrides: BENCH_CONCURRENCY (32), BENCH_DURATION (10s), BENCH_LARGE_CONCURRENCY (4),
# BENCH_WARMUP (5s), BENCH_SEED (42), BENCH_MAX_REQUESTS (2000000 per run), BENCH_TIMEOUT (10s
# per request), BENCH_NGINX_TCP_NOPUSH (off), JAVA_OPTS.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
out=$here/out
lib=$out/library
jar=$root/stream-service/target/cadenza-stream-service.jar
demo=$root/stream-service/src/main/resources/demo-library
nginx_bin=/usr/sbin/nginx

concurrency=${BENCH_CONCURRENCY:-32}
duration=${BENCH_DURATION:-10s}
large_concurrency=${BENCH_LARGE_CONCURRENCY:-4}
warmup=${BENCH_WARMUP:-5s}
seed=${BENCH_SEED:-42}
max_requests=${BENCH_MAX_REQUESTS:-2000000}
timeout=${BENCH_TIMEOUT:-10s}
nopush=${BENCH_NGINX_TCP_NOPUSH:-off}
large_files=4 large_mib=16
build=1 nginx_only=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
die() { echo "error: $*" >&2; exit 1; }
log() { echo ">> $*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --nginx-only) nginx_only=1 ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    --large-c) large_concurrency=${2:?}; shift ;;
    --nginx-nopush) nopush=${2:?}; shift ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $nopush =~ ^(on|off)$ ]] || die "--nginx-nopush takes on or off"

# --- processes: everything started here is stopped on exit, Ctrl-C or failure --------------------
pids=() lg=""
cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  [ -z "$lg" ] || kill -TERM "$lg" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL PID SECONDS: until URL answers 2xx, while PID is alive
wait_http() {
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null --noproxy '*' --max-time 2 "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# --- build ---------------------------------------------------------------------------------------
mkdir -p "$out"
go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
log "building loadgen"
(cd "$here/loadgen" && GOTOOLCHAIN=local "$go" build -o "$out/loadgen" .)
if [ "$nginx_only" = 0 ]; then
  if [ "$build" = 1 ]; then
    log "building the stream service (./mvnw -q -B -DskipTests package)"
    (cd "$root" && ./mvnw -q -B -DskipTests package)
  fi
  [ -f "$jar" ] || die "$jar is missing (build it, or run with --nginx-only)"
  cp "$jar" "$out/cadenza.jar" # run a copy: a rebuild during the run must not pull the jar away
fi

# --- library: the demo tracks plus a few large tracks (generated once, kept in $out/large) -------
large=$out/large
if [ ! -f "$large/.complete" ]; then
  log "generating $large_files tracks of ~$large_mib MiB in $large (once)"
  rm -rf "$large"
  mkdir -p "$large"
  for ((i = 1; i <= large_files; i++)); do
    f=$large/large-$i.mp3
    if command -v ffmpeg >/dev/null; then
      # ~7 minutes of pink noise at 320 kbit/s: incompressible, and a real MP3 the service indexes
      ffmpeg -hide_banner -loglevel error -y -f lavfi -i "anoisesrc=c=pink:a=0.3:d=440:seed=$i" \
        -ac 2 -c:a libmp3lame -b:a 320k -fs $((large_mib << 20)) -metadata title="Large $i" \
        -metadata artist="Cadenza Bench" -metadata album="Large Files" -metadata track="$i" "$f"
    else
      log "no ffmpeg: large-$i.mp3 is random bytes, which the service may not index"
      head -c $((large_mib << 20)) /dev/urandom >"$f"
    fi
  done
  touch "$large/.complete"
fi
log "preparing $lib"
rm -rf "$lib"
mkdir -p "$lib/large"
cp -R "$demo/." "$lib/"
rm -f "$lib/INDEX"
cp "$large"/large-*.mp3 "$lib/large/"

# --- nginx ---------------------------------------------------------------------------------------
if [ ! -x "$nginx_bin" ]; then
  log "installing nginx"
  apt-get install -y nginx >/dev/null || die "could not install nginx (apt-get install -y nginx)"
fi
prefix=$out/nginx
mkdir -p "$prefix/logs" "$prefix/tmp"
nport=$(free_port)
user_line=""
# As root, run the workers as the invoking user (like the service), not as nobody.
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$prefix/nginx.conf" <<EOF
# generated by bench/stream-vs-nginx.sh
daemon off;
worker_processes 2;
$user_line
pid "$prefix/nginx.pid";
error_log "$prefix/logs/error.log" warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush $nopush;
  keepalive_requests 100000;
  keepalive_timeout 75s;
  access_log off;
  client_body_temp_path "$prefix/tmp/client_body";
  proxy_temp_path "$prefix/tmp/proxy";
  fastcgi_temp_path "$prefix/tmp/fastcgi";
  uwsgi_temp_path "$prefix/tmp/uwsgi";
  scgi_temp_path "$prefix/tmp/scgi";
  server {
    listen 127.0.0.1:$nport;
    location /files/ { alias "$lib/"; }
  }
}
EOF
nginx_args=(-c "$prefix/nginx.conf" -p "$prefix/" -e "$prefix/logs/error.log")
"$nginx_bin" -t -q "${nginx_args[@]}" || die "bad nginx config: $prefix/nginx.conf"
"$nginx_bin" "${nginx_args[@]}" &
npid=$!
pids+=("$npid")
wait_http "http://127.0.0.1:$nport/files/large/large-1.mp3" "$npid" 10 ||
  die "nginx did not come up; see $prefix/logs/error.log"
log "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$nport (pid $npid)"

# --- Cadenza -------------------------------------------------------------------------------------
cport=""
if [ "$nginx_only" = 0 ]; then
  cport=$(free_port)
  read -ra java_opts <<<"${JAVA_OPTS:-}"
  java "${java_opts[@]}" -jar "$out/cadenza.jar" --server.port="$cport" --cadenza.library.path="$lib" \
    --logging.level.root=WARN >"$out/cadenza.log" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  log "waiting for Cadenza on 127.0.0.1:$cport (pid $cpid, log $out/cadenza.log)"
  wait_http "http://127.0.0.1:$cport/actuator/health/readiness" "$cpid" 60 || {
    tail -n 30 "$out/cadenza.log" >&2
    kill -0 "$cpid" 2>/dev/null || die "Cadenza exited during start-up; see $out/cadenza.log"
    die "Cadenza did not become ready within 60 s; see $out/cadenza.log"
  }
fi

# --- URL lists: the same files in the same order for both servers; sizes from disk ---------------
urls=$out/urls
mkdir -p "$urls"
python3 - "$lib" "$urls" "$nport" "$cport" <<'PY'
import json, os, sys, time, urllib.parse, urllib.request

lib, dest, nport, cport = sys.argv[1:5]
on_disk = sorted(os.path.relpath(os.path.join(d, f), lib) for d, _, fs in os.walk(lib) for f in fs)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def catalogue():
    tracks, cursor = [], None
    for _ in range(1000):
        query = "limit=200" + ("&cursor=" + urllib.parse.quote(cursor, safe="") if cursor else "")
        with opener.open(f"http://127.0.0.1:{cport}/api/v1/tracks?{query}", timeout=10) as r:
            page = json.load(r)
        tracks += [(t["path"], t["id"], t.get("size")) for t in page["items"]]
        cursor = page.get("next")
        if not cursor:
            return tracks
    sys.exit("too many catalogue pages")

if cport:  # the catalogue may still be filling after readiness: wait until it stops growing
    tracks, stable = [], 0
    for _ in range(60):
        previous, tracks = len(tracks), catalogue()
        stable = stable + 1 if len(tracks) == previous else 0
        if len(tracks) >= len(on_disk) or (tracks and stable == 4):
            break
        time.sleep(0.5)
    missing = sorted(set(on_disk) - {p for p, _, _ in tracks})
    if missing:
        print(f"warning: not in Cadenza's catalogue: {missing}", file=sys.stderr)
else:
    tracks = [(p, None, None) for p in on_disk]

lists = {f"{s}-{k}": [] for s in ("nginx", "cadenza") for k in ("demo", "large")}
for path, tid, size in tracks:
    full = os.path.join(lib, path)
    if not os.path.isfile(full):
        print(f"warning: Cadenza lists {path!r}, which is not a file under {lib}", file=sys.stderr)
        continue
    disk = os.path.getsize(full)
    if size is not None and size != disk:
        print(f"warning: Cadenza says {path!r} has {size} bytes, the file has {disk}", file=sys.stderr)
    kind = "large" if path.startswith("large/") else "demo"
    lists[f"nginx-{kind}"].append(f"http://127.0.0.1:{nport}/files/{urllib.parse.quote(path)}\t{disk}")
    if tid:
        tid = urllib.parse.quote(str(tid), safe="")
        lists[f"cadenza-{kind}"].append(f"http://127.0.0.1:{cport}/api/v1/tracks/{tid}/stream\t{disk}")
for name, lines in lists.items():
    with open(os.path.join(dest, name + ".txt"), "w") as f:
        f.writelines(line + "\n" for line in lines)
print(f"URL lists: {len(lists['nginx-demo'])} demo, {len(lists['nginx-large'])} large files",
      file=sys.stderr)
PY

servers=(nginx)
[ "$nginx_only" = 1 ] || servers+=(cadenza)
has_urls() { [ -s "$urls/$1-$2.txt" ]; }
has_urls nginx demo || die "no demo tracks to benchmark (is the catalogue empty?)"

# loadgen LIST MODE CONCURRENCY DURATION: one bounded run; its JSON summary line goes to $out/last.json.
# It runs in the background so that a signal interrupts `wait` and cleanup stops it at once.
loadgen() {
  "$out/loadgen" -urls "$1" -mode "$2" -c "$3" -d "$4" -n "$max_requests" -seed "$seed" \
    -timeout "$timeout" >"$out/last.json" &
  lg=$!
  wait "$lg"
  lg=""
}

# --- warm-up (JIT, page cache, connection pools) -------------------------------------------------
for s in "${servers[@]}"; do
  cat "$urls/$s-demo.txt" "$urls/$s-large.txt" >"$urls/$s-all.txt"
  log "warming up $s for $warmup"
  loadgen "$urls/$s-all.txt" mixed "$concurrency" "$warmup"
done

# --- scenarios: nginx first, then Cadenza, with identical parameters -----------------------------
stamp=$(date +%Y%m%d-%H%M%S)
results=$out/results-$stamp.jsonl
: >"$results"
scenarios=("demo full $concurrency" "demo range $concurrency" "large range $concurrency"
  "large full $large_concurrency")
for sc in "${scenarios[@]}"; do
  read -r kind mode conc <<<"$sc"
  for s in "${servers[@]}"; do
    if ! has_urls "$s" "$kind"; then
      log "skipping $kind/$mode on $s: no $kind files in its URL list"
      continue
    fi
    log "$kind/$mode  $s  c=$conc d=$duration"
    loadgen "$urls/$s-$kind.txt" "$mode" "$conc" "$duration"
    r=$(<"$out/last.json")
    echo "   $r" >&2
    printf '{"scenario":"%s/%s","server":"%s","result":%s}\n' "$kind" "$mode" "$s" "$r" >>"$results"
  done
done

# --- report --------------------------------------------------------------------------------------
python3 - "$results" "$(nproc)" "$duration" "$nopush" <<'PY' | tee "${results%.jsonl}.md"
import json, sys

path, cores, duration, nopush = sys.argv[1:5]
rows = [json.loads(line) for line in open(path)]
print(f"## Cadenza vs nginx streaming ({duration} per run)\n")
print(f"Note: this machine has {cores} CPU cores, shared by the load generator and the server under "
      "test (nginx: 2 workers); absolute numbers understate both servers, compare the ratios.")
if nopush == "on":
    print("nginx runs with `tcp_nopush on`: a fraction of its 206 responses then "
          "waits ~40 ms (delayed ACK), which caps nginx's range numbers; `--nginx-nopush off` "
          "removes that stall.")
print()
print("| scenario | server | conc | req/s | MB/s | TTFB p50 ms | TTFB p99 ms | total p99 ms | errors |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
by, names = {}, {"nginx": "nginx", "cadenza": "Cadenza"}
for row in rows:
    r = row["result"]
    by[(row["scenario"], row["server"])] = r
    print(f"| {row['scenario']} | {names[row['server']]} | {r['concurrency']} | {r['req_per_s']:.0f} "
          f"| {r['MB_per_s']:.1f} | {r['ttfb_p50_ms']:.2f} | {r['ttfb_p99_ms']:.2f} "
          f"| {r['total_p99_ms']:.2f} | {r['errors']} |")
    n, c = by.get((row["scenario"], "nginx")), by.get((row["scenario"], "cadenza"))
    if row["server"] == "cadenza" and n and c:
        ratio = lambda a, b: f"{a / b:.2f}x" if a and b else "n/a"
        flag = "**errors: not comparable**" if n["errors"] or c["errors"] else ""
        print(f"| {row['scenario']} | **Cadenza/nginx** | | {ratio(c['req_per_s'], n['req_per_s'])} "
              f"| {ratio(c['MB_per_s'], n['MB_per_s'])} | | {ratio(c['ttfb_p99_ms'], n['ttfb_p99_ms'])} "
              f"| | {flag} |")
print("\nMB = 10^6 bytes of response body. Ratios: throughput above 1x means Cadenza is faster, "
      "TTFB p99 above 1x means Cadenza is slower to first byte.")
PY
log "results: $results and ${results%.jsonl}.md"
