#!/usr/bin/env bash
# The whole Cadenza data plane on one machine, all on loopback: dynalite (DynamoDB), chronyd (an
# NTP server), two stream-service instances sharing the DynamoDB tables and NTP server, and nginx
# in front of them from nginx-ingress/nginx.conf.template (hash by URI, buffering off, retry on the
# other instance). Everything the stack writes (pids, logs, data, the rendered nginx.conf) goes to
# .local-stack/ (git-ignored).
#
#   hack/local-stack.sh start     # builds the service jar once if it is missing
#   hack/local-stack.sh status
#   hack/local-stack.sh stop      # nginx, then the instances, chronyd and dynalite
#
# Then: curl http://127.0.0.1:8080/api/v1/tracks, and stream through nginx as from one service.
# Each instance's actuator (probes, info, metrics) is on its management port, never behind nginx:
# curl http://127.0.0.1:9081/actuator/prometheus.
# Settings (environment): CADENZA_LIBRARY_PATH (default: the bundled demo library), STACK_PORT
# (nginx, 8080), STACK_INSTANCE_PORTS ("8081 8082"), STACK_MANAGEMENT_PORTS ("9081 9082", one per
# instance, in the same order), STACK_DYNAMODB_PORT (4567), STACK_NTP_PORT
# (11123), STACK_RATE_LIMIT (requests/s per client at nginx; 0, the default, is off), STACK_DIR
# (.local-stack), JAVA (java), CADENZA_AUTH_ENABLED (false: a loopback stack serves every request
# as an admin; true needs CADENZA_AUTH_SECRET_KEY too, as pods sharing DynamoDB do, and takes the
# admin's password from CADENZA_AUTH_ADMIN_PASSWORD, docs/auth.md: both from the environment, never
# on a command line). Each instance keeps its data directory in .local-stack/data-<port>.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

dir=${STACK_DIR:-$root/.local-stack}
port=${STACK_PORT:-8080}
read -r -a instance_ports <<<"${STACK_INSTANCE_PORTS:-8081 8082}"
read -r -a management_ports <<<"${STACK_MANAGEMENT_PORTS:-9081 9082}"
dynamodb_port=${STACK_DYNAMODB_PORT:-4567}
ntp_port=${STACK_NTP_PORT:-11123}
rate_limit=${STACK_RATE_LIMIT:-0}
java=${JAVA:-java}
jar=$root/stream-service/target/cadenza-stream-service.jar

log() { printf '[local-stack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pids() { # pidfile... : SIGTERM to all at once, SIGKILL to those still there after 10 s
  local f pid pids=()
  for f in "$@"; do
    if alive "$f"; then
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      kill -CONT "$pid" 2>/dev/null || true # a frozen (SIGSTOPped) process acts on SIGTERM only now
      pids+=("$pid")
      log "stopping $(basename "$f" .pid) (pid $pid)"
    fi
  done
  for _ in $(seq 1 100); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for f in "$@"; do rm -f "$f"; done
}

wait_http() { # url name seconds [pidfile of the process that must stay alive]
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    # bounded: a process that accepts but never answers must not hold the wait
    if curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if [[ -n ${4:-} ]] && ! alive "$4"; then die "$2 exited (logs in $dir)"; fi
    sleep 0.2
  done
  die "$2 did not answer at $1 within $3 s (logs in $dir)"
}

# Renders the nginx template: PREFIX LISTEN RATE_LIMIT then the upstream ports.
render_nginx() {
  local prefix=$1 listen=$2 rate=$3; shift 3
  local servers="" limit=""
  for p in "$@"; do
    servers+="    server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"$'\n'
  done
  if [[ $rate != 0 ]]; then
    limit="limit_req zone=cadenza_clients burst=$((rate * 2)) nodelay;"
  else
    rate=1000000 # the zone must parse; nothing uses it
  fi
  local text
  text=$(<"$root/nginx-ingress/nginx.conf.template")
  text=${text//@@PREFIX@@/"$prefix"}
  text=${text//@@LISTEN@@/"$listen"}
  text=${text//@@RATE_LIMIT@@/"$rate"}
  text=${text//@@UPSTREAM_SERVERS@@/"${servers%$'\n'}"}
  text=${text//@@LIMIT_REQ@@/"$limit"}
  printf '%s\n' "$text"
}

start() {
  mkdir -p "$dir"
  if alive "$dir/nginx.pid.launcher"; then
    log "already running (hack/local-stack.sh stop first)"; exit 0
  fi
  ((${#management_ports[@]} == ${#instance_ports[@]})) ||
    die "STACK_MANAGEMENT_PORTS (${management_ports[*]}) needs one port per instance of STACK_INSTANCE_PORTS (${instance_ports[*]})"
  # a start that fails half-way stops what it started
  trap 'log "start failed: stopping"; stop' EXIT
  cli=$(bash hack/dynalite.sh)
  bash hack/chrony.sh
  bash hack/nginx.sh
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  chronyd=$(command -v chronyd || echo /usr/sbin/chronyd)
  if [[ ! -f $jar ]]; then
    log "building $jar"
    ./mvnw -q -B -DskipTests package -pl stream-service -am
  fi

  log "dynalite on 127.0.0.1:$dynamodb_port"
  mkdir -p "$dir/dynalite"
  # the preload keeps dynalite alive when a client drops a request halfway (its comment says why)
  preload=$root/test-support/src/main/resources/dev/cadenza/testsupport/dynalite-preload.js
  node --require "$preload" "$cli" --host 127.0.0.1 --port "$dynamodb_port" --path "$dir/dynalite" \
    >"$dir/dynalite.log" 2>&1 &
  echo $! >"$dir/dynalite.pid"

  log "chronyd (NTP server, never sets the clock) on 127.0.0.1:$ntp_port"
  cat >"$dir/chrony.conf" <<CONF
port $ntp_port
bindaddress 127.0.0.1
cmdport 0
bindcmdaddress /
local stratum 8
allow 127.0.0.1
pidfile $dir/chronyd.pid.own
driftfile $dir/chronyd.drift
CONF
  user=(-U); [[ $(id -u) -eq 0 ]] && user=(-u root)
  "$chronyd" -x -d -f "$dir/chrony.conf" "${user[@]}" >"$dir/chronyd.log" 2>&1 &
  echo $! >"$dir/chronyd.pid"

  for i in $(seq 1 100); do
    curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$dynamodb_port" && break
    alive "$dir/dynalite.pid" || die "dynalite exited (see $dir/dynalite.log)"
    ((i < 100)) || die "dynalite did not answer on 127.0.0.1:$dynamodb_port within 20 s"
    sleep 0.2
  done
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
  library=()
  [[ -n ${CADENZA_LIBRARY_PATH:-} ]] && library=(--cadenza.library.path="$CADENZA_LIBRARY_PATH")
  for i in "${!instance_ports[@]}"; do
    p=${instance_ports[$i]}
    log "stream-service on 127.0.0.1:$p (management 127.0.0.1:${management_ports[$i]})"
    # nginx connects from 127.0.0.1, a trusted proxy: X-Forwarded-For names each player, and nginx's
    # connections are not capped (every local client shares that address: a loopback stack)
    "$java" -jar "$jar" --server.port="$p" --server.address=127.0.0.1 \
      --management.server.port="${management_ports[$i]}" --management.server.address=127.0.0.1 \
      --cadenza.dynamodb.table-prefix=local \
      --cadenza.dynamodb.endpoint="http://127.0.0.1:$dynamodb_port" \
      --cadenza.dynamodb.region=us-east-1 --cadenza.dynamodb.create-tables=true \
      --cadenza.clock.ntp.servers="127.0.0.1:$ntp_port" --cadenza.clock.sntp.port=0 \
      --cadenza.auth.enabled="${CADENZA_AUTH_ENABLED:-false}" --cadenza.data.dir="$dir/data-$p" \
      --cadenza.server.trusted-proxies=127.0.0.1 \
      "${library[@]}" >"$dir/stream-$p.log" 2>&1 &
    echo $! >"$dir/stream-$p.pid"
  done
  for i in "${!instance_ports[@]}"; do
    p=${instance_ports[$i]}
    wait_http "http://127.0.0.1:${management_ports[$i]}/actuator/health/readiness" \
      "stream-service on $p" 120 "$dir/stream-$p.pid"
  done

  # nginx last: an early failed probe would mark an instance down for fail_timeout
  mkdir -p "$dir/nginx"
  render_nginx "$dir/nginx" "127.0.0.1:$port" "$rate_limit" "${instance_ports[@]}" \
    >"$dir/nginx/nginx.conf"
  "$nginx" -t -q -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/error.log"
  "$nginx" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/error.log" \
    >"$dir/nginx/nginx.out" 2>&1 </dev/null &
  echo $! >"$dir/nginx.pid.launcher"
  # the instances are ready: nginx is when it answers for them (the clock exchange needs no user)
  wait_http "http://127.0.0.1:$port/api/v1/time" "nginx" 20 "$dir/nginx.pid.launcher"
  trap - EXIT
  log "up: http://127.0.0.1:$port (instances ${instance_ports[*]}, management ports" \
    "${management_ports[*]}; logs in $dir)"
}

stop() {
  stop_pids "$dir/nginx.pid.launcher"
  shopt -s nullglob
  stop_pids "$dir"/stream-*.pid
  stop_pids "$dir/chronyd.pid" "$dir/dynalite.pid"
  log "stopped"
  return 0
}

status() {
  for f in "$dir"/*.pid "$dir"/nginx.pid.launcher; do
    [[ -e $f ]] || continue
    name=$(basename "$f"); name=${name%.pid*}
    if alive "$f"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: stopped"; fi
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  render-nginx) shift; render_nginx "$@" ;;
  *) echo "usage: hack/local-stack.sh start|stop|status" >&2; exit 2 ;;
esac
