"""The Markdown report of bench/front.sh.

    front-report.py RESULTS.jsonl META.json AFFINITY.json

RESULTS has one line per measured run (loadgen's summary, the CPU ticks of every process group of
the benchmark, the growth of each instance's meters); AFFINITY the per-track probe through the front.
"""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1])]
meta = json.load(open(sys.argv[2]))
affinity = json.load(open(sys.argv[3]))
runs = [r for r in rows if r["type"] == "run"]
cores = meta["cores"]
NAMES = {"static": "C: nginx static", "direct": "A: direct, 1 instance", "front1": "B1: front + A's instance",
         "front": "B: front + 2 instances"}
SERVERS = ("static", "direct", "front1", "front")
SHORT = {"static": "C", "direct": "A", "front1": "B1", "front": "B"}
RATIOS = (("front", "direct"), ("front", "static"), ("front1", "direct"), ("front", "front1"))
BENCH = ("static", "direct", "front", "i1", "i2", "front1")  # the benchmark's server process groups


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def by_scenario():
    scen, table = [], {}
    for row in runs:
        if row["scenario"] not in scen:
            scen.append(row["scenario"])
        table[(row["scenario"], row["server"])] = row
    return scen, table


def cpu(row):
    """Seconds of CPU: (server side, of which the front, of which JIT, loadgen, other bench servers,
    other processes, idle, wall)."""
    c, r = row["cpu"], row["result"]
    hz, wall = c["hz"], c["wall_s"]
    s = {g: c[g] / hz for g in BENCH}
    if row["server"] == "front":
        server, front, jit = s["front"] + s["i1"] + s["i2"], s["front"], c["jit_front"] / hz
    elif row["server"] == "front1":
        server, front, jit = s["front1"] + s["direct"], s["front1"], c["jit_direct"] / hz
    elif row["server"] == "direct":
        server, front, jit = s["direct"], 0.0, c["jit_direct"] / hz
    else:
        server, front, jit = s["static"], 0.0, 0.0
    gen = r.get("cpu_user_s", 0) + r.get("cpu_sys_s", 0)
    bench_other = sum(s.values()) - server
    busy, total = c["busy"] / hz, c["total"] / hz
    other = max(0.0, busy - sum(s.values()) - gen)
    return server, front, jit, gen, bench_other, other, max(0.0, total - busy), wall


scen, table = by_scenario()


def each_run(servers):
    """(scenario, server, row) of every run of these servers, scenario by scenario."""
    for sc in scen:
        for s in servers:
            if (sc, s) in table:
                yield sc, s, table[(sc, s)]


print(f"## NGINX front: what the hop costs ({meta['duration']} per run)\n")
print(f"Run {meta['date']}: `{meta['command']}`. Jar: {meta['jar']}; nginx {meta['nginx']}; {meta['java']}.")
print(f"Concurrency {meta['concurrency']} (large/full {meta['large_concurrency']}), seed {meta['seed']}: "
      "every path gets the same request sequence over the same files. Every run is bounded: "
      f"{meta['duration']}, at most {meta['max_requests']} requests, {meta['timeout']} per request. "
      f"L1 per instance: {meta['l1'] or 'the service default (256MB)'}.\n")
print(f"- **A** direct: one stream-service instance, default settings ({meta['jit_direct']}).")
print("- **B** front: nginx 2 workers from `nginx-ingress/nginx.conf.template` (rendered by "
      "`hack/local-stack.sh render-nginx`, rate limit off, access log on as in the template) in front of "
      f"two instances like A ({meta['jit_front']}).")
if meta.get("front_directives"):
    print(f"- **Both fronts (B, B1) with `{meta['front_directives']}` added to `location /`** of the rendered "
          "template (an experiment: the template itself does not have it).")
print("- **C** static: nginx 2 workers serving the files from disk (`sendfile on`, "
      f"`tcp_nopush {meta['nopush']}`, access log off), the baseline of `bench/stream-vs-nginx.sh`.")
print("- **B1** front + A's instance: the same front with A's instance as its only upstream. B1 against A "
      "is the hop itself; B against B1 is what two JVMs on the same cores add.\n")
print(f"Machine: {cores} cores shared by both nginx, three JVMs (A's, B's two; idle while another path "
      "runs), the load generator and whatever else ran. `uptime`:\n")
for key, what in (("uptime_start", "start"), ("uptime_runs_start", "first measured run"),
                  ("uptime_runs_end", "last measured run"), ("uptime_end", "end")):
    print(f"- {what}: `{meta[key].strip()}`")

print("\n### Throughput and latency\n")
print("| scenario | path | conc | req/s | MB/s | TTFB p50 ms | TTFB p99 ms | total p99 ms | errors |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
for sc in scen:
    for s in SERVERS:
        row = table.get((sc, s))
        if not row:
            continue
        r = row["result"]
        print(f"| {sc} | {NAMES[s]} | {r['concurrency']} | {r['req_per_s']:.0f} | {r['MB_per_s']:.1f} "
              f"| {r['ttfb_p50_ms']:.2f} | {r['ttfb_p99_ms']:.2f} | {r['total_p99_ms']:.2f} | {r['errors']} |")
    for top, base in RATIOS:
        a, b = table.get((sc, base)), table.get((sc, top))
        if not (a and b):
            continue
        x, y = b["result"], a["result"]
        flag = "**errors: not comparable**" if x["errors"] or y["errors"] else ""
        print(f"| {sc} | **{SHORT[top]}/{SHORT[base]}** | | {ratio(x['req_per_s'], y['req_per_s'])} "
              f"| {ratio(x['MB_per_s'], y['MB_per_s'])} | {ratio(x['ttfb_p50_ms'], y['ttfb_p50_ms'])} "
              f"| {ratio(x['ttfb_p99_ms'], y['ttfb_p99_ms'])} | {ratio(x['total_p99_ms'], y['total_p99_ms'])} | {flag} |")
print("\nMB = 10^6 bytes of response body. In the ratio rows, throughput below 1x means the front "
      "served less; latency above 1x means it was slower.")

print("\n### What the hop adds, against A\n")
print("| scenario | path | TTFB p50 | TTFB p99 | total p99 | server CPU ms / 1k req, A | this path "
      "| of which the front | this path / A |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|")


def per_k(seconds, r):
    return seconds * 1e6 / r["requests"] if r["requests"] else 0


for sc in scen:
    for top in ("front1", "front"):
        a, b = table.get((sc, "direct")), table.get((sc, top))
        if not (a and b):
            continue
        ra, rb = a["result"], b["result"]
        ca, cb = cpu(a), cpu(b)
        pa, pb, pf = per_k(ca[0], ra), per_k(cb[0], rb), per_k(cb[1], rb)
        print(f"| {sc} | {NAMES[top]} | {rb['ttfb_p50_ms'] - ra['ttfb_p50_ms']:+.2f} ms "
              f"| {rb['ttfb_p99_ms'] - ra['ttfb_p99_ms']:+.2f} ms | {rb['total_p99_ms'] - ra['total_p99_ms']:+.2f} ms "
              f"| {pa:.0f} | {pb:.0f} | {pf:.0f} | {ratio(pb, pa)} |")
print("\nLatency: this path minus A. Server CPU: A's JVM for A; the front nginx (master and workers) plus "
      "A's JVM for B1, plus both JVMs for B. Per request it does not depend on how much of the machine "
      "the load generator took.")

print("\n### Where the CPU went\n")
print("| scenario | path | server cores | front nginx | stream JVMs | of which JIT | loadgen cores "
      "| idle bench servers | other processes | idle | server CPU ms / 1k req | server CPU s / GB |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for sc, s, row in each_run(SERVERS):
    r = row["result"]
    server, front, jit, gen, bench_other, other, idle, wall = cpu(row)
    per_gb = server / (r["bytes"] / 1e9) if r["bytes"] else 0
    jvms = 0.0 if s == "static" else server - front
    print(f"| {sc} | {NAMES[s]} | {server / wall:.2f} | {front / wall:.2f} | {jvms / wall:.2f} | {jit / wall:.2f} "
          f"| {gen / wall:.2f} "
          f"| {bench_other / wall:.2f} | {other / wall:.2f} | {idle / wall:.2f} | {per_k(server, r):.0f} | {per_gb:.2f} |")
print(f"\nCores: CPU seconds per wall second during the run, out of {cores}. \"server\" is what serves "
      "the path (static nginx; A's JVM; B1's front nginx plus A's JVM; B's front nginx plus both "
      "JVMs); \"idle bench servers\" the benchmark's other servers, idle meanwhile; \"other processes\" everything else on the machine "
      "(other builds and tests).")

print("\n### Which instance served what\n")
print("Growth of each instance's `cadenza_stream_requests_seconds_count` (every stream request) and "
      "`cadenza_cache_requests_total{tier=\"l1\"}` (chunk lookups in L1) during each run.\n")
print("| scenario | path | instance | loadgen requests | stream requests | share | L1 hits | L1 misses | L1 hit ratio "
      "| origin reads |")
print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|")
for sc, s, row in each_run(("direct", "front1", "front")):
    inst = row["instances"]
    total = sum(t.get("stream_requests", 0) for t in inst.values())
    for name, t in inst.items():
        hits, misses = t.get("l1_hit", 0), t.get("l1_miss", 0)
        share = f"{t.get('stream_requests', 0) / total:.0%}" if total else "n/a"
        hr = f"{hits / (hits + misses):.4f}" if hits + misses else "n/a"
        print(f"| {sc} | {NAMES[s]} | {name} | {row['result']['requests']} | {t.get('stream_requests', 0)} "
              f"| {share} | {hits} | {misses} | {hr} | {t.get('origin', 0)} |")

print("\n### Does one track always reach one instance?\n")
tracks = affinity["tracks"]
print(f"After the measured runs, each file was requested {affinity['probes']} times through the front "
      "(`Range: bytes=0-65535`), one file at a time; the table gives how many of those requests each "
      "instance's stream counter grew by.\n")
print("| file | size | i1 | i2 | statuses | one instance |")
print("|---|--:|--:|--:|---|---|")
sticky, held = 0, {"i1": [0, 0], "i2": [0, 0]}
for t in tracks:
    ok = (t["i1"] == affinity["probes"] and t["i2"] == 0) or (t["i2"] == affinity["probes"] and t["i1"] == 0)
    sticky += ok
    if ok:
        owner = "i1" if t["i1"] else "i2"
        held[owner][0] += 1
        held[owner][1] += t["size"]
    statuses = ",".join(sorted({str(s) for s in t["statuses"]}))
    print(f"| {t['path']} | {t['size']} | {t['i1']} | {t['i2']} | {statuses} | {'yes' if ok else '**no**'} |")
total_bytes = sum(t["size"] for t in tracks) or 1
print(f"\n{sticky} of {len(tracks)} files: every request reached one instance. "
      f"i1 owns {held['i1'][0]} files ({held['i1'][1] / 1e6:.1f} MB, {held['i1'][1] / total_bytes:.0%} of the bytes), "
      f"i2 {held['i2'][0]} ({held['i2'][1] / 1e6:.1f} MB, {held['i2'][1] / total_bytes:.0%}).")
