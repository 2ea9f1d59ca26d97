#!/usr/bin/env bash
# Streaming benchmark: the Cadenza stream service against nginx serving the same files from disk.
# Both listen on 127.0.0.1 only; every load run is bounded in time and in requests.
#
#   bench/stream-vs-nginx.sh [--no-build] [--nginx-only] [-c N] [-d DURATION] [--large-c N]
#                            [--nginx-nopush on|off] [--jar PATH] [--navidrome] [--no-cold]
#   bench/stream-vs-nginx.sh --tiers [--variants l1,l2,origin,file] [--l2-c N] [--l2-large-c N]
#                            [--l2-d DURATION] [--save FILE] [other options as above]
#
# Environment overrides: BENCH_CONCURRENCY (32), BENCH_DURATION (10s), BENCH_LARGE_CONCURRENCY (4),
# BENCH_WARMUP (5s), BENCH_JIT_WARMUP_MAX (90), BENCH_SEED (42), BENCH_MAX_REQUESTS (2000000 per run), BENCH_TIMEOUT (10s
# per request), BENCH_NGINX_TCP_NOPUSH (off), BENCH_JAR, JAVA_OPTS; with --tiers also
# BENCH_VARIANTS, BENCH_L2_CONCURRENCY (8), BENCH_L2_LARGE_CONCURRENCY (2), BENCH_L2_DURATION (-d),
# BENCH_L2_WARM_PASSES (4), BENCH_L2_ARGS (extra service arguments for the L2 variant).
#
# The default mode ends with cold/range: random ranges of the large files from a second Cadenza
# whose L1 (BENCH_COLD_MEMORY, 16MB) is smaller than them (64 MiB), so most chunks come from the
# files through the cache's origin reads; nginx serves the same ranges again right before it.
# --no-cold leaves it out.
#
# --navidrome (default mode only) adds Navidrome v0.53.3 (hack/navidrome.sh) on the same library:
# its raw Subsonic streams (stream?id=..&format=raw, u/p auth in the query) in the same scenarios,
# after Cadenza, with its CPU and its resident memory after the runs (of every server).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shared with bench/front.sh: the paths and settings common to both (concurrency, duration, ...),
# die, log, process cleanup, CPU accounting, nginx, the service, URL lists, loadgen
source "$here/lib/common.sh"
source "$here/lib/navidrome.sh"

build=1 nginx_only=0 tiers=0 save="" navidrome=0 cold=1
cold_memory=${BENCH_COLD_MEMORY:-16MB}
variants=${BENCH_VARIANTS:-l1,l2,origin,file}
l2_concurrency=${BENCH_L2_CONCURRENCY:-8}
l2_large_concurrency=${BENCH_L2_LARGE_CONCURRENCY:-2}
l2_duration=${BENCH_L2_DURATION:-}
l2_warm_passes=${BENCH_L2_WARM_PASSES:-4}

usage() { sed -n '2,18s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0 ;;
    --nginx-only) nginx_only=1 ;;
    -c | --concurrency) concurrency=${2:?}; shift ;;
    -d | --duration) duration=${2:?}; shift ;;
    --large-c) large_concurrency=${2:?}; shift ;;
    --nginx-nopush) nopush=${2:?}; shift ;;
    --jar) jar_override=${2:?}; shift ;;
    --tiers) tiers=1 ;;
    --variants) variants=${2:?}; shift ;;
    --l2-c) l2_concurrency=${2:?}; shift ;;
    --l2-large-c) l2_large_concurrency=${2:?}; shift ;;
    --l2-d) l2_duration=${2:?}; shift ;;
    --save) save=${2:?}; shift ;;
    --navidrome) navidrome=1 ;;
    --no-cold) cold=0 ;;
    -h | --help) usage ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[[ $nopush =~ ^(on|off)$ ]] || die "--nginx-nopush takes on or off"
l2_duration=${l2_duration:-$duration}
if [ "$tiers" = 1 ]; then
  [ "$nginx_only" = 0 ] || die "--tiers and --nginx-only do not go together"
  IFS=, read -ra variant_list <<<"$variants"
  for v in "${variant_list[@]}"; do
    [[ $v =~ ^(l1|l2|origin|file)$ ]] || die "--variants: l1, l2, origin and file only, not '$v'"
  done
  [ ${#variant_list[@]} -gt 0 ] || die "--variants is empty"
  [ "$navidrome" = 0 ] || die "--navidrome goes with the default mode, not --tiers"
  save=${save:-$here/results/tiers-$(date +%F).md}
fi
use_jar_override

# --- build, library, nginx ----------------------------------------------------------------------
build_tools "$build" $((1 - nginx_only))
prepare_library
start_static_nginx "$nopush"
dpid=""

stamp=$(date +%Y%m%d-%H%M%S)
results=$out/results-$stamp.jsonl
: >"$results"
hz=$(getconf CLK_TCK)

# measure SERVER KIND MODE CONCURRENCY DURATION: one measured run against nginx or Cadenza (SERVER
# is "nginx", "cadenza" or "cadenza-<variant>"), with the CPU time the server, dynalite, the load
# generator and the whole machine used meanwhile and, for Cadenza, the growth of its cache meters.
# Appends one JSON line to $results.
measure() {
  local server=$1 kind=$2 mode=$3 conc=$4 dur=$5 list port="" tiers=null r
  local spids=() apids=() t0 t1 c0 c1 a0 a1 sb0 st0 sb1 st1 j0=0 j1=0
  if [ "$server" = nginx ]; then
    list=$urls/nginx-$kind.txt
    mapfile -t spids < <(echo "$npid"; pgrep -P "$npid")
  elif [ "$server" = navidrome ]; then
    list=$urls/navidrome-$kind.txt spids=("$nd_pid")
  else
    list=$urls/cadenza-$kind.txt port=$cport spids=("$cpid")
    [ -z "$dpid" ] || apids=("$dpid")
  fi
  [ -z "$port" ] || snapshot "$port" >"$out/meters-before.txt"
  log "$kind/$mode  $server  c=$conc d=$dur"
  [ "$server" = nginx ] || [ "$server" = navidrome ] || j0=$(jit_ticks "$cpid")
  t0=$(date +%s%N) c0=$(proc_ticks "${spids[@]}") a0=$(proc_ticks "${apids[@]}")
  read -r sb0 st0 < <(sys_ticks)
  loadgen "$list" "$mode" "$conc" "$dur"
  read -r sb1 st1 < <(sys_ticks)
  t1=$(date +%s%N) c1=$(proc_ticks "${spids[@]}") a1=$(proc_ticks "${apids[@]}")
  [ "$server" = nginx ] || [ "$server" = navidrome ] || j1=$(jit_ticks "$cpid")
  r=$(<"$out/last.json")
  echo "   $r" >&2
  if [ -n "$port" ]; then
    snapshot "$port" >"$out/meters-after.txt"
    tiers=$(meters_delta "$out/meters-before.txt" "$out/meters-after.txt")
    echo "   cache meters: $tiers" >&2
  fi
  printf '{"type":"run","scenario":"%s/%s","server":"%s","duration":"%s","result":%s,"cpu":{"wall_s":%s,"hz":%s,"server":%s,"jit":%s,"aux":%s,"busy":%s,"total":%s},"tiers":%s}\n' \
    "$kind" "$mode" "$server" "$dur" "$r" "$(((t1 - t0) / 1000000))e-3" "$hz" "$((c1 - c0))" \
    "$((j1 - j0))" "$((a1 - a0))" "$((sb1 - sb0))" "$((st1 - st0))" "$tiers" >>"$results"
}

# warm_record SERVER NOTE SECONDS BEFORE AFTER: a warm-up step, with the meters' growth, for the report
warm_record() {
  local tiers
  tiers=$(meters_delta "$4" "$5")
  echo "   cache meters: $tiers" >&2
  printf '{"type":"warm","server":"%s","note":"%s","seconds":%s,"tiers":%s}\n' "$1" "$2" "$3" \
    "$tiers" >>"$results"
}

# full_pass LIST: every file of LIST once, whole, one after the other (curl, 60 s per file at most)
full_pass() {
  local url ok=0 failed=0
  while IFS=$'\t' read -r url _; do
    [ -n "$url" ] || continue
    if curl -fsS --noproxy '*' --max-time 60 -o /dev/null "$url"; then
      ok=$((ok + 1))
    else
      failed=$((failed + 1))
    fi
  done <"$1"
  [ "$failed" = 0 ] || log "full pass: $failed of $((ok + failed)) files failed"
  [ "$failed" = 0 ]
}

# wait_l2_writes: until the L2 write queue is empty and no write has finished, failed or been
# dropped for 2 s in a row (nothing in flight either); at most 180 s. Prints the seconds it took.
wait_l2_writes() {
  local start=$SECONDS deadline=$((SECONDS + 180)) prev="" cur q stable=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    snapshot "$cport" >"$out/meters-now.txt"
    cur=$(python3 "$bench_lib/meters.py" writes "$out/meters-now.txt")
    read -r q _ <<<"$cur"
    if [ "$q" = 0 ] && [ "$cur" = "$prev" ]; then
      stable=$((stable + 1))
      if [ "$stable" -ge 2 ]; then
        echo $((SECONDS - start))
        return 0
      fi
    else
      stable=0
    fi
    prev=$cur
    sleep 1
  done
  echo $((SECONDS - start))
  return 1
}

# rss_record SERVER PID...: the resident memory of the server's processes now (VmRSS, summed), for the report
rss_record() {
  local p kb=0 v
  for p in "${@:2}"; do
    v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null) || v=0
    kb=$((kb + ${v:-0}))
  done
  printf '{"type":"rss","server":"%s","kib":%s}\n' "$1" "$kb" >>"$results"
}

# navidrome_urls: $urls/navidrome-<demo|large>.txt, the raw Subsonic streams of the files of the nginx
# lists, in the same order (a file Navidrome did not scan is left out, with a warning)
navidrome_urls() {
  navidrome_song_ids >"$urls/navidrome-ids.txt"
  python3 - "$urls" "$nd_port" "$nauth" <<'PY'
import os, sys, urllib.parse

dest, port, auth = sys.argv[1:4]
ids = dict(reversed(line.rstrip("\n").split("\t", 1)) for line in open(os.path.join(dest, "navidrome-ids.txt")) if line.strip())
for kind in ("demo", "large"):
    out = []
    for line in open(os.path.join(dest, f"nginx-{kind}.txt")):
        url, size = line.rstrip("\n").split("\t")
        path = urllib.parse.unquote(url.split("/files/", 1)[1])
        if path not in ids:
            print(f"warning: not in Navidrome's library: {path}", file=sys.stderr)
            continue
        out.append(f"http://127.0.0.1:{port}/rest/stream?{auth}&id={ids[path]}&format=raw\t{size}")
    with open(os.path.join(dest, f"navidrome-{kind}.txt"), "w") as f:
        f.writelines(l + "\n" for l in out)
    print(f"Navidrome URL list {kind}: {len(out)} files", file=sys.stderr)
PY
}

scenarios_for() { # CONCURRENCY LARGE_CONCURRENCY: the four scenarios
  printf '%s\n' "demo full $1" "demo range $1" "large range $1" "large full $2"
}

# --- meta, for the report -------------------------------------------------------------------------
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
jar_info="none"
if [ "$nginx_only" = 0 ]; then
  jar_info="$jar ($(date -r "$jar" '+%F %T'), sha256 $(sha256sum "$out/cadenza.jar" | cut -c1-12))"
  [ "$build" = 0 ] || jar_info="built from the work tree at $(git -C "$root" rev-parse --short HEAD)$(
    [ -z "$(git -C "$root" status --porcelain -- . ':!bench')" ] || echo ' plus uncommitted changes')"
fi
run_started=$SECONDS

if [ "$tiers" = 0 ]; then
  # --- the default mode: one Cadenza (default settings) against nginx -----------------------------
  [ "$nginx_only" = 1 ] || start_cadenza "$out/cadenza.log"
  if [ "$nginx_only" = 1 ]; then make_urls nginx; else make_urls both; fi
  servers=(nginx)
  [ "$nginx_only" = 1 ] || servers+=(cadenza)
  has_urls nginx demo || die "no demo tracks to benchmark (is the catalogue empty?)"
  if [ "$navidrome" = 1 ]; then
    start_navidrome "$out/navidrome.log" "$lib"
    navidrome_urls
    servers+=(navidrome)
  fi

  # warm-up (JIT, page cache, connection pools)
  for s in "${servers[@]}"; do
    cat "$urls/$s-demo.txt" "$urls/$s-large.txt" >"$urls/$s-all.txt"
    if [ "$s" = cadenza ]; then
      warm_jit "$urls/$s-all.txt" "$concurrency" "$cpid"
    else
      log "warming up $s for $warmup"
      loadgen "$urls/$s-all.txt" mixed "$concurrency" "$warmup"
    fi
  done

  # scenarios: nginx first, then Cadenza, with identical parameters
  while read -r kind mode conc; do
    for s in "${servers[@]}"; do
      if ! has_urls "$s" "$kind"; then
        log "skipping $kind/$mode on $s: no $kind files in its URL list"
        continue
      fi
      measure "$s" "$kind" "$mode" "$conc" "$duration"
    done
  done < <(scenarios_for "$concurrency" "$large_concurrency")
  rss_record nginx "$npid" $(pgrep -P "$npid")
  [ "$nginx_only" = 1 ] || rss_record cadenza "$cpid"
  [ "$navidrome" = 0 ] || rss_record navidrome "$nd_pid"

  # cold/range: the large files through an L1 smaller than them (a second Cadenza, alone)
  if [ "$nginx_only" = 0 ] && [ "$cold" = 1 ] && has_urls nginx large; then
    log "stopping Cadenza; cold cache: a Cadenza with cadenza.cache.memory=$cold_memory"
    stop_pid "$cpid"
    start_cadenza "$out/cadenza-cold.log" --cadenza.cache.memory="$cold_memory"
    make_urls cadenza
    cp "$urls/nginx-large.txt" "$urls/nginx-cold.txt"
    cp "$urls/cadenza-large.txt" "$urls/cadenza-cold.txt"
    warm_jit "$urls/cadenza-cold.txt" "$concurrency" "$cpid"
    measure nginx cold range "$concurrency" "$duration"
    measure cadenza cold range "$concurrency" "$duration"
  fi
else
  # --- --tiers: nginx once, then each Cadenza variant alone (one JVM at a time) --------------------
  make_urls nginx
  has_urls nginx demo || die "no demo tracks to benchmark"
  cat "$urls/nginx-demo.txt" "$urls/nginx-large.txt" >"$urls/nginx-all.txt"
  log "warming up nginx for $warmup"
  loadgen "$urls/nginx-all.txt" mixed "$concurrency" "$warmup"
  while read -r kind mode conc; do
    has_urls nginx "$kind" && measure nginx "$kind" "$mode" "$conc" "$duration"
  done < <(scenarios_for "$concurrency" "$large_concurrency")
  if [[ ,$variants, == *,l2,* ]] &&
    { [ "$l2_concurrency" != "$concurrency" ] || [ "$l2_large_concurrency" != "$large_concurrency" ]; }; then
    log "nginx again at the L2 variant's concurrency (c=$l2_concurrency, large/full c=$l2_large_concurrency)"
    while read -r kind mode conc; do
      has_urls nginx "$kind" && measure nginx "$kind" "$mode" "$conc" "$l2_duration"
    done < <(scenarios_for "$l2_concurrency" "$l2_large_concurrency")
  fi

  for v in "${variant_list[@]}"; do
    server=cadenza-$v args=() conc=$concurrency large_conc=$large_concurrency dur=$duration
    case $v in
      l1) ;;
      l2)
        start_dynalite "$out/dynalite.log"
        read -ra l2_extra <<<"${BENCH_L2_ARGS:-}"
        args=(--cadenza.cache.memory=0 --cadenza.dynamodb.table-prefix="bench-$stamp"
          --cadenza.dynamodb.endpoint="http://127.0.0.1:$dport" --cadenza.dynamodb.create-tables=true
          --cadenza.dynamodb.region=us-east-1 "${l2_extra[@]}")
        conc=$l2_concurrency large_conc=$l2_large_concurrency dur=$l2_duration
        ;;
      origin) args=(--cadenza.cache.memory=0) ;;
      file) args=(--cadenza.cache.enabled=false) ;;
    esac
    start_cadenza "$out/cadenza-$v.log" "${args[@]}"
    make_urls cadenza
    cat "$urls/cadenza-demo.txt" "$urls/cadenza-large.txt" >"$urls/cadenza-all.txt"

    case $v in
      l1)
        snapshot "$cport" >"$out/meters-w0.txt"
        t=$SECONDS
        warm_jit "$urls/cadenza-all.txt" "$concurrency" "$cpid"
        snapshot "$cport" >"$out/meters-w1.txt"
        warm_record "$server" "$jit_note" $((SECONDS - t)) "$out/meters-w0.txt" "$out/meters-w1.txt"
        log "one full pass over every file (all chunks in L1)"
        t=$SECONDS
        full_pass "$urls/cadenza-all.txt" || die "the L1 warm-up pass failed"
        snapshot "$cport" >"$out/meters-w2.txt"
        warm_record "$server" "then a full pass over every file" \
          $((SECONDS - t)) "$out/meters-w1.txt" "$out/meters-w2.txt"
        ;;
      l2)
        warm=0
        for ((pass = 1; pass <= l2_warm_passes; pass++)); do
          log "L2 warm-up pass $pass: every file once, then waiting for the L2 writes to finish"
          snapshot "$cport" >"$out/meters-w0.txt"
          t=$SECONDS
          full_pass "$urls/cadenza-all.txt" || log "(pass $pass had failures)"
          settle=$(wait_l2_writes) || log "the L2 writes did not settle within 180 s"
          snapshot "$cport" >"$out/meters-w1.txt"
          warm_record "$server" "pass $pass over every file, then ${settle}s until the L2 writes settled" \
            $((SECONDS - t)) "$out/meters-w0.txt" "$out/meters-w1.txt"
          read -r o m e < <(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["origin"], d["l2_miss"], d["l2_error"])' \
            <<<"$(meters_delta "$out/meters-w0.txt" "$out/meters-w1.txt")")
          if [ "$o" = 0 ] && [ "$m" = 0 ] && [ "$e" = 0 ]; then
            warm=1
            break
          fi
        done
        [ "$warm" = 1 ] || log "warning: L2 is not complete after $l2_warm_passes passes (see the warm-up table)"
        snapshot "$cport" >"$out/meters-w0.txt"
        t=$SECONDS
        warm_jit "$urls/cadenza-all.txt" "$conc" "$cpid"
        snapshot "$cport" >"$out/meters-w1.txt"
        warm_record "$server" "then $jit_note" $((SECONDS - t)) "$out/meters-w0.txt" "$out/meters-w1.txt"
        ;;
      *)
        snapshot "$cport" >"$out/meters-w0.txt"
        t=$SECONDS
        warm_jit "$urls/cadenza-all.txt" "$concurrency" "$cpid"
        snapshot "$cport" >"$out/meters-w1.txt"
        warm_record "$server" "$jit_note" $((SECONDS - t)) "$out/meters-w0.txt" "$out/meters-w1.txt"
        ;;
    esac

    while read -r kind mode c; do
      if ! has_urls cadenza "$kind"; then
        log "skipping $kind/$mode on $server: no $kind files in its URL list"
        continue
      fi
      measure "$server" "$kind" "$mode" "$c" "$dur"
    done < <(scenarios_for "$conc" "$large_conc")

    log "stopping $server"
    stop_pid "$cpid"
    cpid=""
    if [ -n "$dpid" ]; then
      stop_pid "$dpid"
      dpid=""
    fi
  done
fi

# --- report --------------------------------------------------------------------------------------
meta=$out/meta-$stamp.json
python3 - "$meta" <<PY
import json, sys
json.dump({"cores": $(nproc), "duration": "$duration", "nopush": "$nopush", "tiers": $tiers,
           "variants": "$variants", "l2_duration": "$l2_duration", "warmup": "$warmup",
           "concurrency": $concurrency, "large_concurrency": $large_concurrency,
           "l2_concurrency": $l2_concurrency, "l2_large_concurrency": $l2_large_concurrency,
           "l2_args": "${BENCH_L2_ARGS:-}", "cold_memory": "$cold_memory", "seed": $seed, "max_requests": $max_requests, "timeout": "$timeout",
           "jar": """$jar_info""", "loadavg_start": "$loadavg_start",
           "loadavg_end": "$(cut -d' ' -f1-3 /proc/loadavg)", "seconds": $((SECONDS - run_started)),
           "date": "$(date '+%F %T %Z')"}, open(sys.argv[1], "w"))
PY
report=${results%.jsonl}.md
python3 - "$results" "$meta" <<'PY' | tee "$report"
import json, sys

rows = [json.loads(line) for line in open(sys.argv[1])]
meta = json.load(open(sys.argv[2]))
runs = [r for r in rows if r["type"] == "run"]
warms = [r for r in rows if r["type"] == "warm"]
cores, duration = meta["cores"], meta["duration"]

def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"

def seconds(d):  # a Go duration as the script takes it: 10s, 500ms, 1m, 1m30s
    import re
    units = {"ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * units[u] for n, u in re.findall(r"([\d.]+)(ms|s|m|h)", d))

def errors(row):
    """The error count; and when the run outlasted its duration by more than a second (requests
    that got no answer until the per-request timeout), how long it took."""
    r = row["result"]
    late = r["seconds"] - seconds(row.get("duration", "0s"))
    return f"{r['errors']}" + (f" (run took {r['seconds']:.1f} s)" if row.get("duration") and late > 1 else "")

def cpu(row):
    c, r = row["cpu"], row["result"]
    wall, hz = c["wall_s"], c["hz"]
    server, aux = c["server"] / hz, c["aux"] / hz
    gen = r.get("cpu_user_s", 0) + r.get("cpu_sys_s", 0)
    busy, total = c["busy"] / hz, c["total"] / hz
    other = max(0.0, busy - server - aux - gen)
    return wall, server, aux, gen, other, max(0.0, total - busy)

def cpu_table(runs, with_aux):
    print("| scenario | server | conc | server cores | of which JIT | " + ("dynalite cores | " if with_aux else "")
          + "loadgen cores | other processes | idle | server CPU ms / 1k req | server CPU s / GB |")
    print("|---|---|--:|--:|--:|--:|--:|--:|" + ("--:|" if with_aux else "") + "--:|--:|")
    for row in runs:
        r = row["result"]
        wall, server, aux, gen, other, idle = cpu(row)
        per_k = server * 1e3 / r["requests"] * 1e3 if r["requests"] else 0
        per_gb = server / (r["bytes"] / 1e9) if r["bytes"] else 0
        aux_cell = f"{aux / wall:.2f} | " if with_aux else ""
        jit = row["cpu"].get("jit", 0) / row["cpu"]["hz"]
        jit_cell = "" if row["server"] in ("nginx", "navidrome") else f"{jit / wall:.2f}"
        print(f"| {row['scenario']} | {row['server']} | {r['concurrency']} | {server / wall:.2f} | {jit_cell} | {aux_cell}"
              f"{gen / wall:.2f} | {other / wall:.2f} | {idle / wall:.2f} | {per_k:.1f} | {per_gb:.2f} |")
    print(f"\nCores: CPU seconds per wall second during the run, out of {cores}. \"other processes\" is "
          "whatever else ran on the machine meanwhile (other builds and tests); \"server CPU\" counts "
          "every thread of the server process(es): nginx master and workers, or the JVM, including its "
          "JIT compiler threads (\"of which JIT\").")

if not meta["tiers"]:
    # ---- the default mode: the table as before, then where the CPU went ----
    peer = " and Navidrome" if any(r["server"] == "navidrome" for r in runs) else ""
    print(f"## Cadenza{peer} vs nginx streaming ({duration} per run)\n")
    print(f"Run {meta['date']}, {meta['seconds']} s; jar: {meta['jar']}; load average {meta['loadavg_start']} "
          f"at the start, {meta['loadavg_end']} at the end.\n")
    print(f"Note: this machine has {cores} CPU cores, shared by the load generator and the server under "
          "test (nginx: 2 workers); absolute numbers understate both servers, compare the ratios.")
    if meta["nopush"] == "on":
        print("nginx runs with `tcp_nopush on`: a fraction of its 206 responses then "
              "waits ~40 ms (delayed ACK), which caps nginx's range numbers; `--nginx-nopush off` "
              "removes that stall.")
    print()
    print("| scenario | server | conc | req/s | MB/s | TTFB p50 ms | TTFB p99 ms | total p99 ms | errors |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    by, names = {}, {"nginx": "nginx", "cadenza": "Cadenza", "navidrome": "Navidrome"}
    for row in runs:
        r = row["result"]
        by[(row["scenario"], row["server"])] = r
        print(f"| {row['scenario']} | {names[row['server']]} | {r['concurrency']} | {r['req_per_s']:.0f} "
              f"| {r['MB_per_s']:.1f} | {r['ttfb_p50_ms']:.2f} | {r['ttfb_p99_ms']:.2f} "
              f"| {r['total_p99_ms']:.2f} | {r['errors']} |")
        n, c = by.get((row["scenario"], "nginx")), by.get((row["scenario"], "cadenza"))
        if row["server"] == "cadenza" and n and c:
            flag = "**errors: not comparable**" if n["errors"] or c["errors"] else ""
            print(f"| {row['scenario']} | **Cadenza/nginx** | | {ratio(c['req_per_s'], n['req_per_s'])} "
                  f"| {ratio(c['MB_per_s'], n['MB_per_s'])} | | {ratio(c['ttfb_p99_ms'], n['ttfb_p99_ms'])} "
                  f"| | {flag} |")
        d = by.get((row["scenario"], "navidrome"))
        if row["server"] == "navidrome" and n and d:
            flag = "**errors: not comparable**" if n["errors"] or d["errors"] else ""
            print(f"| {row['scenario']} | **Navidrome/nginx** | | {ratio(d['req_per_s'], n['req_per_s'])} "
                  f"| {ratio(d['MB_per_s'], n['MB_per_s'])} | | {ratio(d['ttfb_p99_ms'], n['ttfb_p99_ms'])} "
                  f"| | {flag} |")
    print("\nMB = 10^6 bytes of response body. Ratios: throughput above 1x means Cadenza (or Navidrome) is faster, "
          "TTFB p99 above 1x means it is slower to first byte.")
    if any(r["scenario"].startswith("cold/") for r in runs):
        print(f"\ncold/range: random ranges of the large files (64 MiB in all) from a second Cadenza with "
              f"`cadenza.cache.memory={meta['cold_memory']}`, an L1 smaller than them, started after the other "
              "runs and warmed up like the first; nginx served the same ranges again right before it.")
    if any(r["server"] == "navidrome" for r in runs):
        print("\nNavidrome: v0.53.3 built by hack/navidrome.sh, its raw Subsonic stream "
              "(`/rest/stream?id=..&format=raw`, u/p authentication in the query, checked on every request), "
              "default settings; it ran after Cadenza, warmed up like nginx (mixed load for the warm-up time).")
    rss = [r for r in rows if r["type"] == "rss"]
    if rss:
        print("\n### Resident memory after the runs\n")
        print("| server | RSS MiB |")
        print("|---|--:|")
        for r in rss:
            print(f"| {names[r['server']]} | {r['kib'] / 1024:.0f} |")
        print("\nVmRSS of the server's processes (nginx: master and workers) once all its runs were done.")
    print("\n### Where the CPU went\n")
    cpu_table(runs, False)
    sys.exit(0)

# ---- --tiers ----
variants = [v for v in meta["variants"].split(",")]
servers = ["cadenza-" + v for v in variants]
meaning = {
    "cadenza-l1": "default cache (L1 256MB), warmed by a full pass: every chunk from L1 (memory)",
    "cadenza-l2": "`cache.memory=0` + L2 on **dynalite** (local, in memory), warmed until a full pass read only L2",
    "cadenza-origin": "`cache.memory=0`, no L2: every chunk read from the file by the cache (origin)",
    "cadenza-file": "`cache.enabled=false`: the previous zero-copy path (sendfile from the file)",
}
print(f"## Cadenza cache tiers vs nginx ({duration} per run)\n")
print(f"Run {meta['date']}, {meta['seconds']} s; jar: {meta['jar']}. Machine: {cores} cores shared by "
      "nginx or the service, the load generator and anything else running (load average "
      f"{meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end); compare ratios and the "
      "CPU table, not absolute numbers. Each variant ran alone (one JVM at a time), against the same "
      "nginx runs made first, after a warm-up that lasted until its JIT compiler settled (see "
      "Warm-up).\n")
for s in servers:
    print(f"- **{s}**: {meaning[s]}")
if "l2" in variants:
    print(f"\n**L2 is dynalite, not DynamoDB**: an open-source DynamoDB implementation on Node.js, "
          "running on the same 2 cores as everything else and single-threaded, far slower than "
          "DynamoDB. The cadenza-l2 rows measure our L2 path plus dynalite's cost, not AWS. They ran "
          f"at c={meta['l2_concurrency']} (large/full c={meta['l2_large_concurrency']}) for "
          f"{meta['l2_duration']}, so nginx was also measured at that concurrency for them"
          + (f"; extra service arguments: `{meta['l2_args']}`" if meta["l2_args"] else "") + ".")
print(f"\nEvery run is bounded: its duration, at most {meta['max_requests']} requests (BENCH_MAX_REQUESTS), "
      f"{meta['timeout']} per request.\n")

print("### Throughput and time to first byte\n")
print("| scenario | server | conc | req/s | MB/s | TTFB p50 ms | TTFB p99 ms | total p99 ms | errors "
      "| MB/s vs nginx | TTFB p99 vs nginx |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
scen = []
for row in runs:
    if row["scenario"] not in scen:
        scen.append(row["scenario"])
nginx = {(r["scenario"], r["result"]["concurrency"]): r["result"] for r in runs if r["server"] == "nginx"}
for sc in scen:
    for row in [r for r in runs if r["scenario"] == sc and r["server"] == "nginx"] + \
               [r for s in servers for r in runs if r["scenario"] == sc and r["server"] == s]:
        r = row["result"]
        cells = ["", ""]
        if row["server"] != "nginx":
            n = nginx.get((sc, r["concurrency"]))
            if n:
                bad = " (errors)" if n["errors"] or r["errors"] else ""
                cells = [ratio(r["MB_per_s"], n["MB_per_s"]) + bad, ratio(r["ttfb_p99_ms"], n["ttfb_p99_ms"]) + bad]
        print(f"| {sc} | {row['server']} | {r['concurrency']} | {r['req_per_s']:.0f} | {r['MB_per_s']:.1f} "
              f"| {r['ttfb_p50_ms']:.2f} | {r['ttfb_p99_ms']:.2f} | {r['total_p99_ms']:.2f} | {errors(row)} "
              f"| {cells[0]} | {cells[1]} |")
print("\nMB = 10^6 bytes of response body. Ratios against nginx at the same concurrency: throughput "
      "above 1x means Cadenza served more; TTFB p99 above 1x means Cadenza was slower to first byte. "
      "Requests per second and MB/s give the same ratio (same seed, same request sequence). "
      "A run with errors is not comparable: \"run took\" means some requests got no response "
      f"until the {meta['timeout']} per-request timeout, which also stretches the run and lowers "
      "its req/s.\n")

print("### Which tier served each measured run\n")
print("From `/actuator/prometheus` (the management port) just before and just after each run (growth of "
      "`cadenza_cache_requests_total`, `cadenza_cache_bytes_total`, `cadenza_cache_l2_writes_total`). "
      "An L1 \"hit\" also counts a reader that joined a chunk another reader (or read-ahead) was still "
      "loading, which happens even with `cache.memory=0`. \"fetched/sent\" is the bytes the cache "
      "read below L1 (L2 + origin) over the body bytes sent.\n")
print("| scenario | server | L1 hit | L1 miss | L2 hit | L2 miss | L2 error | origin reads | MB L1 / L2 / origin "
      "| body MB | fetched/sent | L2 writes ok / dropped | tier check |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")

def check(server, t):
    below = t["l2_hit"] + t["l2_miss"] + t["l2_error"] + t["origin"]
    if not t.get("scraped"):
        return "no meters"
    if server == "cadenza-l1":
        return "L1 only" if below == 0 else f"**not L1 only: {t['origin']} origin, {t['l2_hit'] + t['l2_miss']} L2**"
    if server == "cadenza-l2":
        if t["l2_hit"] and not (t["origin"] or t["l2_miss"] or t["l2_error"]):
            return "L2 only"
        return f"**not L2 only: {t['origin']} origin, {t['l2_miss']} L2 misses, {t['l2_error']} L2 errors**"
    if server == "cadenza-origin":
        return "origin only" if t["origin"] and not (t["l2_hit"] + t["l2_miss"]) else "**?**"
    if server == "cadenza-file":
        return "cache bypassed" if t["l1_hit"] + t["l1_miss"] + below == 0 else "**cache used?**"
    return ""

for sc in scen:
    for row in [r for s in servers for r in runs if r["scenario"] == sc and r["server"] == s]:
        t, r = row["tiers"], row["result"]
        if not t:
            continue
        body = r["bytes"] / 1e6
        fetched = (t["l2_bytes"] + t["origin_bytes"]) / 1e6
        print(f"| {sc} | {row['server']} | {t['l1_hit']} | {t['l1_miss']} | {t['l2_hit']} | {t['l2_miss']} "
              f"| {t['l2_error']} | {t['origin']} | {t['l1_bytes'] / 1e6:.0f} / {t['l2_bytes'] / 1e6:.0f} / "
              f"{t['origin_bytes'] / 1e6:.0f} | {body:.0f} | {fetched / body if body else 0:.2f} "
              f"| {t['writes_ok']} / {t['writes_dropped']} | {check(row['server'], t)} |")
if warms:
    print("\n### Warm-up\n")
    print("| server | step | s | L1 hit / miss | L2 hit / miss / error | origin reads | L2 writes ok / failed / dropped "
          "| L1 bytes after |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for w in warms:
        t = w["tiers"]
        print(f"| {w['server']} | {w['note']} | {w['seconds']} | {t['l1_hit']} / {t['l1_miss']} "
              f"| {t['l2_hit']} / {t['l2_miss']} / {t['l2_error']} | {t['origin']} "
              f"| {t['writes_ok']} / {t['writes_failed']} / {t['writes_dropped']} | {t['l1_size_bytes']} |")

print("\n### Where the CPU went\n")
cpu_table([r for sc in scen for r in runs if r["scenario"] == sc], "l2" in variants)
PY
if [ -n "$save" ]; then
  mkdir -p "$(dirname "$save")"
  cp "$report" "$save"
  log "report saved as $save"
fi
log "results: $results and $report"
