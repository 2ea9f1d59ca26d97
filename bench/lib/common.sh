# Shared by the streaming benchmarks (bench/stream-vs-nginx.sh, bench/front.sh, bench/subsonic.sh,
# bench/soak.sh); sourced, never run.
#
# The sourcing script sets here (bench/) first. Sourcing sets the paths (root, out, lib: the
# library served, jar, urls) and the settings both scripts take from the environment (their
# defaults are documented in each script's header), and installs the traps: every process whose
# pid is in pids (and the running loadgen) is stopped on exit, Ctrl-C or failure.

root=$(cd "$here/.." && pwd)
out=$here/out
lib=$out/library
jar=$root/stream-service/target/cadenza-stream-service.jar
concurrency=${BENCH_CONCURRENCY:-32}
duration=${BENCH_DURATION:-10s}
large_concurrency=${BENCH_LARGE_CONCURRENCY:-4}
warmup=${BENCH_WARMUP:-5s}
jit_max=${BENCH_JIT_WARMUP_MAX:-90}
seed=${BENCH_SEED:-42}
max_requests=${BENCH_MAX_REQUESTS:-2000000}
timeout=${BENCH_TIMEOUT:-10s}
nopush=${BENCH_NGINX_TCP_NOPUSH:-off}
jar_override=${BENCH_JAR:-}

bench_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
demo=$root/stream-service/src/main/resources/demo-library
nginx_bin=/usr/sbin/nginx
large_files=4 large_mib=16

die() { echo "error: $*" >&2; exit 1; }
log() { echo ">> $*" >&2; }

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

# stop_pid PID: TERM, up to 30 s for a graceful exit, then KILL; and forget it
stop_pid() {
  local pid=$1 i keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}

# proc_ticks PID...: CPU time (user + system, clock ticks) the processes have used so far
proc_ticks() {
  local p t=0 v
  for p in "$@"; do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}') || v=0
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

# sys_ticks: "busy total" clock ticks of the whole machine so far (every process, every core)
sys_ticks() { awk '/^cpu /{b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6}' /proc/stat; }

# jit_ticks PID...: CPU time (clock ticks) the JVMs' JIT compiler threads have used so far
jit_ticks() {
  local p t v total=0
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      case $(cat "$t/comm" 2>/dev/null) in
        "C1 Compiler"* | "C2 Compiler"*)
          v=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') || v=0
          total=$((total + ${v:-0}))
          ;;
      esac
    done
  done
  echo "$total"
}

# snapshot PORT: the cache meters and stream request counts of the service whose API port is PORT
# (the cadenza_cache_* and cadenza_stream_requests_seconds_count lines of /actuator/prometheus, on
# its management port)
snapshot() {
  curl -fsS --noproxy '*' --max-time 10 "http://127.0.0.1:$(management_of "$1")/actuator/prometheus" 2>/dev/null |
    grep -E '^(cadenza_cache_|cadenza_stream_requests_seconds_count)' || true
}

# meters_delta BEFORE AFTER: the JSON delta of two snapshots
meters_delta() { python3 "$bench_lib/meters.py" delta "$1" "$2"; }

# build_tools BUILD NEED_JAR: builds loadgen into $out/loadgen; with BUILD=1 also the service
# (./mvnw -q -B -DskipTests package); with NEED_JAR=1 copies $jar to $out/cadenza.jar.
build_tools() {
  local go
  mkdir -p "$out"
  go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
  log "building loadgen"
  (cd "$here/loadgen" && GOTOOLCHAIN=local "$go" build -o "$out/loadgen" .)
  [ "$2" = 1 ] || return 0
  if [ "$1" = 1 ]; then
    log "building the stream service (./mvnw -q -B -DskipTests package)"
    (cd "$root" && ./mvnw -q -B -DskipTests package)
  fi
  [ -f "$jar" ] || die "$jar is missing (build it, or run with --nginx-only)"
  cp "$jar" "$out/cadenza.jar" # run a copy: a rebuild during the run must not pull the jar away
}

# use_jar_override: when --jar or BENCH_JAR named a jar (jar_override), $jar becomes its absolute
# path and nothing is built (build=0)
use_jar_override() {
  [ -n "$jar_override" ] || return 0
  [ -f "$jar_override" ] || die "--jar $jar_override: no such file"
  jar=$(cd "$(dirname "$jar_override")" && pwd)/$(basename "$jar_override")
  build=0
}

# build_service BUILD: with BUILD=1 the service's jar alone, offline (./mvnw -o -q -B -pl
# stream-service -am package -DskipTests); then build_tools 0 1 (loadgen, the jar's copy)
build_service() {
  if [ "$1" = 1 ]; then
    log "building the stream service (./mvnw -o -q -B -pl stream-service -am package -DskipTests)"
    (cd "$root" && ./mvnw -o -q -B -pl stream-service -am package -DskipTests)
  fi
  build_tools 0 1
}

# prepare_library: $lib becomes a fresh copy of the demo library (without its INDEX) plus large/,
# the large tracks (generated once, kept in $out/large).
prepare_library() {
  local large=$out/large i f
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
}

# ensure_nginx: installs Debian's nginx when /usr/sbin/nginx is missing
ensure_nginx() {
  [ -x "$nginx_bin" ] && return 0
  log "installing nginx"
  apt-get install -y nginx >/dev/null || die "could not install nginx (apt-get install -y nginx)"
}

# start_static_nginx NOPUSH: nginx serving $lib under /files/ on a free port, from a generated
# config in $out/nginx (everything it writes stays there; sendfile on, tcp_nopush NOPUSH, 2
# workers, access log off); sets nport, npid and prefix.
start_static_nginx() {
  local user_line=""
  ensure_nginx
  prefix=$out/nginx
  mkdir -p "$prefix/logs" "$prefix/tmp"
  nport=$(free_port)
  # As root, run the workers as the invoking user (like the service), not as nobody.
  [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
  cat >"$prefix/nginx.conf" <<EOF
# generated by bench/lib/common.sh (start_static_nginx)
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
  tcp_nopush $1;
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
  run_nginx "$prefix/nginx.conf" "$prefix/" "$prefix/logs/error.log" \
    "http://127.0.0.1:$nport/files/large/large-1.mp3"
  npid=$nginx_pid
  log "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$nport (pid $npid)"
}

# run_nginx CONF PREFIX ERROR_LOG URL: checks CONF with nginx -t, starts nginx in the foreground
# (daemon off) in the background, and waits up to 20 s for URL to answer; sets nginx_pid.
run_nginx() {
  local args=(-c "$1" -p "$2" -e "$3")
  "$nginx_bin" -t -q "${args[@]}" || die "bad nginx config: $1"
  "$nginx_bin" "${args[@]}" &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_http "$4" "$nginx_pid" 20 || die "nginx did not come up; see $3"
}

# start_front DIR UPSTREAM_PORT...: the NGINX front, nginx-ingress/nginx.conf.template as
# `hack/local-stack.sh render-nginx` renders it (rate limit off), in DIR on a free port of
# 127.0.0.1, in front of the instances on the API ports UPSTREAM_PORT...; sets fport, fpid. With
# front_directives set (bench/front.sh --front-directives), those nginx directives are added to the
# rendered copy's `location /` (an experiment; the template is unchanged).
start_front() {
  local dir=$1
  shift
  mkdir -p "$dir"
  fport=$(free_port)
  bash "$root/hack/local-stack.sh" render-nginx "$dir" "127.0.0.1:$fport" 0 "$@" >"$dir/nginx.conf" ||
    die "could not render nginx-ingress/nginx.conf.template"
  if [ -n "${front_directives:-}" ]; then
    FRONT_DIRECTIVES=$front_directives python3 -c '
import os, sys
text = open(sys.argv[1]).read()
assert text.count("location / {") == 1, "the template has no single location /"
extra = "location / {\n      # added by bench/front.sh --front-directives\n      " + os.environ["FRONT_DIRECTIVES"]
open(sys.argv[1], "w").write(text.replace("location / {", extra))' "$dir/nginx.conf"
  fi
  # the instances are ready: the front is when it answers for them (the clock exchange needs no user)
  run_nginx "$dir/nginx.conf" "$dir" "$dir/error.log" "http://127.0.0.1:$fport/api/v1/time"
  fpid=$nginx_pid
  log "front: nginx from the template on 127.0.0.1:$fport (pid $fpid) -> ports $*"
}

# start_dynalite LOG: dynalite (hack/dynalite.sh, in memory) on a free port of 127.0.0.1, with
# test-support's dynalite-preload.js (a client that drops a request must not kill it); sets dport,
# dpid
start_dynalite() {
  local cli i
  cli=$("$root/hack/dynalite.sh" | tail -n 1)
  dport=$(free_port)
  local preload=$root/test-support/src/main/resources/dev/cadenza/testsupport/dynalite-preload.js
  node --require "$preload" "$cli" --host 127.0.0.1 --port "$dport" >"$1" 2>&1 &
  dpid=$!
  pids+=("$dpid")
  # any HTTP answer (dynalite says 400 to a bare GET) means it is listening
  for ((i = 0; i < 40; i++)); do
    curl -s --noproxy '*' --max-time 1 -o /dev/null "http://127.0.0.1:$dport/" && break
    kill -0 "$dpid" 2>/dev/null || die "dynalite exited; see $1"
    sleep 0.5
  done
  log "dynalite on 127.0.0.1:$dport (pid $dpid, in memory)"
}

# --- Cadenza -------------------------------------------------------------------------------------
cport="" cpid=""
# API port of each service this run started -> its management port (actuator: probes, metrics)
declare -A management_ports=()
# management_of PORT: the management port of the service whose API port is PORT
management_of() {
  [ -n "${management_ports[$1]:-}" ] || die "no service of this run has the API port $1"
  echo "${management_ports[$1]}"
}
# launch_cadenza LOG [ARG...]: starts the service from the jar copy on a free port of 127.0.0.1
# (sets cport, cpid), its actuator on another (management_of "$cport"), its SNTP responder off
# (several may run at once), authentication off (the
# benchmarks measure serving, not logging in; cadenza_auth=true, as bench/subsonic.sh sets it,
# leaves it on) and no cap on connections per client (the load generator is one client with many),
# with the extra Spring arguments, and returns at once. cadenza_java and cadenza_jar, when set, name
# the java launcher and the jar instead of java on the PATH and the jar copy (bench/warmup.sh: a JDK
# and an extracted jar with its class-data archive).
# Local DynamoDB endpoints need no AWS metadata.
launch_cadenza() {
  local logf=$1 java_opts
  shift
  cport=$(free_port)
  local mport
  mport=$(free_port)
  while [ "$mport" = "$cport" ]; do mport=$(free_port); done
  management_ports[$cport]=$mport
  read -ra java_opts <<<"${JAVA_OPTS:-}"
  AWS_EC2_METADATA_DISABLED=true "${cadenza_java:-java}" "${java_opts[@]}" -jar "${cadenza_jar:-$out/cadenza.jar}" \
    --server.port="$cport" --server.address=127.0.0.1 --cadenza.clock.sntp.port=0 \
    --management.server.port="$mport" --management.server.address=127.0.0.1 \
    --cadenza.auth.enabled="${cadenza_auth:-false}" --cadenza.server.max-connections-per-client=0 \
    --cadenza.library.path="$lib" --logging.level.root=WARN "$@" >"$logf" 2>&1 &
  cpid=$!
  pids+=("$cpid")
  log "starting Cadenza on 127.0.0.1:$cport, management $mport (pid $cpid, log $logf)${*:+, with $*}"
}

# await_cadenza PORT PID LOG: until the service on API port PORT is ready (its readiness probe, on
# its management port; at most 90 s), or dies
await_cadenza() {
  wait_http "http://127.0.0.1:$(management_of "$1")/actuator/health/readiness" "$2" 90 || {
    tail -n 30 "$3" >&2
    kill -0 "$2" 2>/dev/null || die "Cadenza exited during start-up; see $3"
    die "Cadenza did not become ready within 90 s; see $3"
  }
}

# start_cadenza LOG [ARG...]: launch_cadenza, then await_cadenza
start_cadenza() {
  launch_cadenza "$@"
  await_cadenza "$cport" "$cpid" "$1"
}

# --- URL lists: the same files in the same order for both servers; sizes from disk ---------------
# make_urls both|nginx|cadenza: writes $urls/<server>-<demo|large>.txt, sorted by path. "nginx"
# lists the files on disk (no service running); "cadenza" reads the running service's catalogue and
# warns when its files are not exactly those of the nginx lists.
urls=$out/urls
mkdir -p "$urls"
make_urls() {
  python3 - "$lib" "$urls" "$nport" "$cport" "$1" <<'PY'
import json, os, sys, time, urllib.parse, urllib.request

lib, dest, nport, cport, which = sys.argv[1:6]
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

if which != "nginx":  # the catalogue may still be filling after readiness: wait until it stops growing
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
tracks.sort(key=lambda t: t[0])

servers = ["nginx", "cadenza"] if which == "both" else [which]
lists = {f"{s}-{k}": [] for s in servers for k in ("demo", "large")}
paths = {k: [] for k in ("demo", "large")}
for path, tid, size in tracks:
    full = os.path.join(lib, path)
    if not os.path.isfile(full):
        print(f"warning: Cadenza lists {path!r}, which is not a file under {lib}", file=sys.stderr)
        continue
    disk = os.path.getsize(full)
    if size is not None and size != disk:
        print(f"warning: Cadenza says {path!r} has {size} bytes, the file has {disk}", file=sys.stderr)
    kind = "large" if path.startswith("large/") else "demo"
    if "nginx" in servers:
        lists[f"nginx-{kind}"].append(f"http://127.0.0.1:{nport}/files/{urllib.parse.quote(path)}\t{disk}")
    if "cadenza" in servers and tid:
        paths[kind].append(path)
        tid = urllib.parse.quote(str(tid), safe="")
        lists[f"cadenza-{kind}"].append(f"http://127.0.0.1:{cport}/api/v1/tracks/{tid}/stream\t{disk}")
for name, lines in lists.items():
    with open(os.path.join(dest, name + ".txt"), "w") as f:
        f.writelines(line + "\n" for line in lines)
if which == "cadenza":  # the nginx lists were written earlier: same files, same order?
    for kind in paths:
        with open(os.path.join(dest, f"nginx-{kind}.txt")) as f:
            theirs = [urllib.parse.unquote(l.split("\t")[0].split("/files/", 1)[1]) for l in f if l.strip()]
        if theirs != paths[kind]:
            print(f"warning: Cadenza's {kind} files differ from nginx's: the runs are not comparable "
                  f"(only nginx: {sorted(set(theirs) - set(paths[kind]))}, "
                  f"only Cadenza: {sorted(set(paths[kind]) - set(theirs))})", file=sys.stderr)
first = servers[0]
print(f"URL lists ({', '.join(servers)}): {len(lists[first + '-demo'])} demo, "
      f"{len(lists[first + '-large'])} large files", file=sys.stderr)
PY
}

has_urls() { [ -s "$urls/$1-$2.txt" ]; }

# loadgen LIST MODE CONCURRENCY DURATION [ARG...]: one bounded run (extra loadgen arguments, such
# as -H 'Authorization: ...', follow); its JSON summary line goes to $out/last.json.
# It runs in the background so that a signal interrupts `wait` and cleanup stops it at once.
loadgen() {
  "$out/loadgen" -urls "$1" -mode "$2" -c "$3" -d "$4" -n "$max_requests" -seed "$seed" \
    -timeout "$timeout" "${@:5}" >"$out/last.json" &
  lg=$!
  wait "$lg"
  lg=""
}

# warm_jit LIST CONCURRENCY PID...: warms the JVMs (PID...) up with mixed load over LIST for BENCH_WARMUP,
# then in 3 s slices until their JIT compiler threads used under 5% of a core per JVM in a slice, or until
# BENCH_JIT_WARMUP_MAX seconds in all: on 2 shared cores C2 still compiles for tens of seconds, and
# a measured run that shares the cores with it understates the service. Logs what it did; sets
# jit_note for the report.
warm_jit() {
  local start=$SECONDS j0=0 j1=0 settled=0 hz_
  hz_=$(getconf CLK_TCK)
  log "warming up Cadenza for $warmup, then until the JIT compiler settles (at most ${jit_max}s)"
  loadgen "$1" mixed "$2" "$warmup"
  while [ $((SECONDS - start)) -lt "$jit_max" ]; do
    j0=$(jit_ticks "${@:3}")
    loadgen "$1" mixed "$2" 3s
    j1=$(jit_ticks "${@:3}")
    if [ $(((j1 - j0) * 100)) -lt $((hz_ * 3 * 5 * ($# - 2))) ]; then
      settled=1
      break
    fi
  done
  jit_note="JIT warm-up: $((SECONDS - start)) s of mixed load at c=$2; the compiler used $(((j1 - j0) * 100 / hz_ / 3))% of a core in the last 3 s$([ $# -le 3 ] || echo " (all $(($# - 2)) JVMs)")"
  [ "$settled" = 1 ] || jit_note="$jit_note (stopped at the ${jit_max}s limit)"
  log "$jit_note"
}
