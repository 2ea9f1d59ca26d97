"""The report of bench/soak.sh, from one run's directory (bench/out/soak/run-<time>/): meta.json,
setup.json, samples.jsonl and requests.json from bench/lib/soak.py, and the logs of the instances
and the front. Prints Markdown; exits 1 on unexpected errors, 3 when there were none but a meter of
an instance rose, else 0.

  python3 soak-report.py RUN_DIR
"""
import json, math, os, re, statistics, sys

# A meter is "flat" when its linear trend over the second half of the run is within noise: at most
# the larger of an absolute floor and 2 % of its median, per 10 minutes, or not distinguishable from
# zero (within two standard errors of the fitted slope).
METERS = [  # key, label, unit divisor, unit, absolute floor per 10 min (in units)
    ("heap_after_gc_bytes", "heap after full GC", 2**20, "MiB", 4),
    ("rss_bytes", "RSS", 2**20, "MiB", 16),
    ("fds", "open fds", 1, "", 8),
    ("threads", "threads", 1, "", 4),
]
CONTEXT = [  # shown, not judged
    ("heap_used_bytes", "heap used (not after GC)", 2**20, "MiB"),
    ("heap_committed_bytes", "heap committed", 2**20, "MiB"),
    ("l1_bytes", "L1 cache bytes", 2**20, "MiB"),
    ("metaspace_bytes", "metaspace", 2**20, "MiB"),
    ("direct_buffer_bytes", "direct buffers", 2**20, "MiB"),
    ("connections_open", "connections open", 1, ""),
    ("event_streams_open", "event streams open", 1, ""),
]


def load(run):
    with open(os.path.join(run, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(run, "requests.json")) as f:
        req = json.load(f)
    with open(os.path.join(run, "setup.json")) as f:
        setup = json.load(f)
    with open(os.path.join(run, "samples.jsonl")) as f:
        samples = [json.loads(line) for line in f if line.strip()]
    return meta, req, setup, samples


def trend(points, floor):
    """(change per 10 min, two standard errors of it, tolerance, verdict) of a least-squares line"""
    n = len(points)
    if n < 3:
        return None, None, None, "too few samples"
    ts, vs = [t for t, _ in points], [v for _, v in points]
    tm, vm = statistics.fmean(ts), statistics.fmean(vs)
    sxx = sum((t - tm) ** 2 for t in ts)
    slope = sum((t - tm) * (v - vm) for t, v in points) / sxx
    resid = [v - (vm + slope * (t - tm)) for t, v in points]
    se = math.sqrt(sum(r * r for r in resid) / (n - 2) / sxx)
    per10, noise = slope * 600, 2 * se * 600
    tol = max(floor, 0.02 * abs(statistics.median(vs)))
    if abs(per10) <= max(tol, noise):
        verdict = "flat"
    else:
        verdict = "rising" if per10 > 0 else "falling"
    return per10, noise, tol, verdict


def fmt(v, div=1):
    if v is None:
        return "-"
    x = v / div
    return f"{x:.1f}" if div != 1 else f"{x:.0f}"


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else 0


def log_lines(path, levels):
    """{level: [lines]} of a Spring Boot log (level after the timestamp)"""
    found = {lv: [] for lv in levels}
    if not os.path.exists(path):
        return found
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\S+\s+(ERROR|WARN)\s", line)
            if m and m.group(1) in found:
                found[m.group(1)].append(line.rstrip())
    return found


def shape(line):
    """A log line without its timestamp, pid, thread and numbers: lines that say the same thing"""
    line = re.sub(r"^\S+\s+(\w+)\s+\d+\s+---\s+\[[^\]]*\]\s+", r"\1 ", line)
    return re.sub(r"\d+", "N", line)[:300]


def main():
    run = sys.argv[1]
    meta, req, setup, samples = load(run)
    names = [k for k, v in samples[0].items() if k != "driver" and isinstance(v, dict) and "heap_used_bytes" in v]
    others = [k for k, v in samples[0].items() if k != "driver" and isinstance(v, dict) and k not in names]
    half = meta["duration_s"] / 2
    out = []
    w = out.append
    counts, unexpected = req["counts"], dict(req["unexpected"])

    # --- the services' logs, the front's error log and access log --------------------------------
    logs = {n: log_lines(os.path.join(run, f"{n}.log"), ("ERROR", "WARN")) for n in names}
    for n, found in logs.items():
        if found["ERROR"]:
            unexpected[f"ERROR in {n}'s log"] = {"count": len(found["ERROR"]), "examples": found["ERROR"][:3]}
    front_errors = []
    path = os.path.join(run, "front", "error.log")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            front_errors = [line.rstrip() for line in f if re.search(r"\[(error|crit|alert|emerg)\]", line)]
    upstream = {"requests": 0, "retried": 0, "upstream 5xx": 0}
    path = os.path.join(run, "front", "access.log")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                upstream["requests"] += 1
                m = re.search(r'" (\d{3}) .* upstream_status=(\S+(?:, \S+)*)', line)
                if not m:
                    continue
                if "," in m.group(2):
                    upstream["retried"] += 1
                if re.search(r"\b5\d\d\b", m.group(2)):
                    upstream["upstream 5xx"] += 1
    last = samples[-1]
    # the instances' own count of 5xx, against what the driver saw (and the warm-up waited out):
    # more on their side means 5xx that no check above caught
    server_5xx = {n: sum(v for k, v in last[n].get("requests_by_status", {}).items() if k.startswith("5"))
                  for n in names}
    seen_5xx = sum(v for by in counts.values() for k, v in by.items() if k.startswith("5"))
    seen_5xx += setup.get("warm_up", {}).get("waited_503", 0)
    if sum(server_5xx.values()) > seen_5xx:
        unexpected["5xx the driver did not see"] = {
            "count": sum(server_5xx.values()) - seen_5xx,
            "examples": [f"the instances counted {server_5xx}, the driver saw {seen_5xx}"]}

    # --- meters --------------------------------------------------------------------------------
    verdicts = {}
    rows = []
    for n in names:
        for key, label, div, unit, floor in METERS:
            pts = [(s["t"], s[n][key]) for s in samples if s[n].get(key) is not None]
            if not pts:
                continue
            vals = [v for _, v in pts]
            per10, noise, tol, verdict = trend([(t, v / div) for t, v in pts if t >= half], floor)
            verdicts[(n, label)] = verdict
            rows.append(f"| {n} | {label}{' (' + unit + ')' if unit else ''} | {fmt(vals[0], div)} | "
                        f"{fmt(min(vals), div)} | {fmt(max(vals), div)} | {fmt(vals[-1], div)} | "
                        + (f"{per10:+.2f} | ±{noise:.2f} / {tol:.2f} | **{verdict}** |" if per10 is not None
                           else f"- | - | {verdict} |"))
    rising = [f"{n} {label}" for (n, label), v in verdicts.items() if v == "rising"]
    n_unexpected = sum(u["count"] for u in unexpected.values())
    total_requests = sum(sum(v.values()) for v in counts.values())

    w(f"# Soak: {meta['duration_s'] / 60:.0f} minutes of mixed traffic, two instances behind the NGINX front")
    w("")
    w(f"`{meta['command']}`, {meta['date']}; {meta['concurrency']} workers, a sample every "
      f"{meta['interval_s']} s, a full GC every {meta.get('gc_interval_s', '?')} s; {meta['cores']} cores; "
      f"{meta['java']}; nginx {meta['nginx']}"
      + (f"; JAVA_OPTS `{meta['java_opts']}`" if meta["java_opts"] else "")
      + f"; `cadenza.dynamodb.timeout` {meta.get('dynamodb_timeout', '1s (default)')}.")
    w("")
    w(f"Jar: {meta['jar']}. Library: {setup['tracks']} tracks ({setup['large']} of 16 MiB); "
      f"{setup['users']} users, each with an API key, made through the API.")
    w("")
    warm = setup.get("warm_up", {})
    w(f"Before the soak, a warm-up read every track once through the front ({warm.get('read_s')} s, "
      f"{warm.get('waited_503')} answers of 503 waited out) and waited {warm.get('drain_s')} s for the "
      "L2 write queues to empty; the soak and its samples start after it.")
    w("")
    w(f"- start: `{meta['uptime_start'].strip()}`")
    w(f"- end: `{meta['uptime_end'].strip()}`")
    loads = [s_["load1"] for s_ in samples if "load1" in s_]
    if loads:
        w(f"- load average (1 min) during the soak: {min(loads):.1f} to {max(loads):.1f}, median "
          f"{statistics.median(loads):.1f}")
    span = samples[-1]["t"] - samples[0]["t"]
    cores = []
    for who in names + others + ["driver"]:
        first = samples[0].get(who, {}).get("cpu_s")
        lastv = samples[-1].get(who, {}).get("cpu_s")
        if first is not None and lastv is not None and span > 0:
            cores.append(f"{who} {(lastv - first) / span:.2f}")
    if cores:
        w(f"- CPU, in cores (CPU seconds per second of the soak): {', '.join(cores)}")
    w("")
    w("## Verdict")
    w("")
    w(f"- **{n_unexpected} unexpected errors** in {total_requests} requests "
      f"({total_requests / req['seconds']:.0f} req/s over {req['seconds']:.0f} s)"
      + (": " + ", ".join(f"{k} {u['count']}" for k, u in unexpected.items()) if unexpected else "")
      + f"; the instances' own count of 5xx: {', '.join(f'{n} {v}' for n, v in server_5xx.items())}.")
    w("- **Meters**: " + ("every one flat." if not rising else "rising: " + ", ".join(rising) + ".")
      + " Flat: the least-squares trend over the second half of the run (after warm-up) is within "
      "the larger of a floor (heap 4 MiB, RSS 16 MiB, 8 fds, 4 threads) and 2 % of the meter's "
      "median per 10 minutes, or within two standard errors of zero.")
    w("")
    w("## Requests by kind and status (the driver's view, through the front)")
    w("")
    w("| kind | requests | statuses | p50 ms | p99 ms | max ms |")
    w("|---|--:|---|--:|--:|--:|")
    for kind in sorted(counts):
        lat = req["latency"].get(kind, [])
        sts = ", ".join(f"{k}: {v}" for k, v in sorted(counts[kind].items()))
        w(f"| {kind} | {sum(counts[kind].values())} | {sts} | {percentile(lat, 50):.1f} | "
          f"{percentile(lat, 99):.1f} | {max(lat, default=0):.0f} |")
    w("")
    aborts = sum(counts.get("abort", {}).values())
    seen = sum(last[n].get("client_aborts", 0) for n in names)
    w(f"Requests retried once on a new connection after the front closed a kept-alive one: "
      f"{req['retries']}. A session scenario's event stream counts under `session-events` when it "
      f"opens; an abort counts under `abort` with the status it got before the client left. Of the "
      f"{aborts} aborts the instances counted {seen:.0f} (`cadenza_stream_client_aborts_total`): "
      "an instance sees one only when it is still writing as the front gives up the response, and "
      "on loopback the socket buffers between it, nginx and the driver hold most of a 16 MiB file.")
    w("")
    w("## Unexpected errors")
    w("")
    if not unexpected:
        w("None: every request got the status it should, every body checked (streams and ranges "
          "byte for byte against the files, catalogue pages, search results, session events) was "
          "right, and no service logged an ERROR.")
    for cat, u in unexpected.items():
        w(f"- **{cat}**: {u['count']}")
        for e in u["examples"]:
            w(f"  - `{e}`")
    w("")
    w("## Heap, RSS, file descriptors, threads")
    w("")
    w(f"First, min, max and last of every sample; the trend per 10 minutes fitted over the second "
      f"half (t ≥ {half:.0f} s, {sum(1 for s in samples if s['t'] >= half)} samples), with the noise "
      "(two standard errors) and the tolerance it is judged against.")
    w("")
    w("| instance | meter | first | min | max | last | trend / 10 min | noise / tolerance | verdict |")
    w("|---|---|--:|--:|--:|--:|--:|--:|---|")
    out.extend(rows)
    w("")
    w("Context, not judged (first / max / last):")
    w("")
    w("| instance | " + " | ".join(f"{label}{' (' + unit + ')' if unit else ''}" for _, label, _, unit in CONTEXT) + " |")
    w("|---|" + "--:|" * len(CONTEXT))
    for n in names:
        cells = []
        for key, _, div, _ in CONTEXT:
            vals = [s[n][key] for s in samples if s[n].get(key) is not None]
            cells.append(f"{fmt(vals[0], div)} / {fmt(max(vals), div)} / {fmt(vals[-1], div)}" if vals else "-")
        w(f"| {n} | " + " | ".join(cells) + " |")
    w("")
    nmt_rows = []
    for n in names:
        nmts = [s_[n]["nmt_committed_bytes"] for s_ in samples if s_[n].get("nmt_committed_bytes")]
        if len(nmts) < 2:
            continue
        first_, last_ = nmts[0], nmts[-1]
        moved = sorted(((last_.get(k, 0) - first_.get(k, 0), k) for k in set(first_) | set(last_)),
                       key=lambda x: -abs(x[0]))
        cells = [f"{k} {first_.get(k, 0) / 2**20:.0f} → {last_.get(k, 0) / 2**20:.0f}" for d, k in moved[:6]
                 if abs(d) >= 2**20]
        total_ = sum(last_.values()) - sum(first_.values())
        nmt_rows.append(f"- {n}: {total_ / 2**20:+.0f} MiB in all; " + (", ".join(cells) or "no category moved 1 MiB"))
    if nmt_rows:
        w("Native memory the JVMs committed, by their own account (`VM.native_memory summary`, MiB, first "
          "→ last forced-GC sample; the categories that moved most):")
        w("")
        out.extend(nmt_rows)
        w("")
    for n in names:
        g = last[n]
        w(f"- {n}: {g.get('gc_pause_count', 0):.0f} GC pauses, {g.get('gc_pause_seconds', 0):.1f} s in all "
          f"(from its start, including the sampler's forced full GCs), the longest recent one {g.get('gc_pause_max_seconds', 0) * 1000:.0f} ms; "
          f"{g.get('client_aborts', 0):.0f} client aborts counted; requests by status (its own count): "
          + ", ".join(f"{k}: {v}" for k, v in g.get("requests_by_status", {}).items()))
    for o in others:
        vals = [s[o] for s in samples if "rss_bytes" in s[o]]
        if vals:
            w(f"- {o}: RSS {vals[0]['rss_bytes'] / 2**20:.0f} → {vals[-1]['rss_bytes'] / 2**20:.0f} MiB "
              f"(max {max(v['rss_bytes'] for v in vals) / 2**20:.0f}), fds {vals[0]['fds']} → {vals[-1]['fds']}, "
              f"threads {vals[0]['threads']} → {vals[-1]['threads']}, CPU {vals[-1]['cpu_s'] - vals[0]['cpu_s']:.1f} s"
              if "cpu_s" in vals[0] else f"threads {vals[0]['threads']} → {vals[-1]['threads']}")
    w("")
    w("Requests per minute of the soak (the driver's; unexpected in brackets; the last minute is partial):")
    w("")
    per_min = {}
    for s in samples:
        m = int(s["t"] // 60)
        r, u = per_min.get(m, (0, 0))
        per_min[m] = (r + s["driver"]["requests"], u + s["driver"]["unexpected"])
    w(" ".join(f"{r}" + (f" ({u})" if u else "") for _, (r, u) in sorted(per_min.items())))
    w("")
    w("## Logs")
    w("")
    for n in names:
        warns = logs[n]["WARN"]
        shapes = {}
        for line in warns:
            shapes.setdefault(shape(line), []).append(line)
        w(f"- {n}: {len(logs[n]['ERROR'])} ERROR, {len(warns)} WARN lines"
          + (" (" + str(len(shapes)) + " kinds)" if warns else ""))
        for sh, lines in sorted(shapes.items(), key=lambda kv: -len(kv[1]))[:6]:
            w(f"  - {len(lines)}x `{lines[0][:300]}`")
    path = os.path.join(run, "dynalite.log")
    if os.path.exists(path):
        with open(path, errors="replace") as f:
            lines = [line.rstrip() for line in f if line.strip() and not line.startswith("Dynalite listening")]
        dropped = sum(1 for line in lines if "dropped a request halfway" in line)
        w(f"- dynalite: {dropped} requests its clients dropped halfway (an instance's DynamoDB call that "
          f"outlasted `cadenza.dynamodb.timeout`), {len(lines) - dropped} other lines"
          + "".join(f"\n  - `{e[:300]}`" for e in [x for x in lines if "dropped a request" not in x][:5]))
    w(f"- front: {len(front_errors)} lines at error or worse in error.log"
      + "".join(f"\n  - `{e[:300]}`" for e in front_errors[:5]))
    w(f"- front access log: {upstream['requests']} requests, {upstream['retried']} retried on the other "
      f"instance, {upstream['upstream 5xx']} with an upstream 5xx")
    print("\n".join(out))
    sys.exit(1 if n_unexpected else 3 if rising else 0)


if __name__ == "__main__":
    main()
