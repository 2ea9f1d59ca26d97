"""Measurements of bench/library-scale.sh against one running service; each prints one JSON line.

  wait BASE MGMT TRACKS T0 TIMEOUT   seconds from T0 (epoch) until the service is live (Spring
                                     started), until the API lists TRACKS tracks and until all of
                                     them have an embedding
  latency BASE REQUESTS SEED         p50/p99 of catalogue pages (walking the cursor) and searches
  meter MGMT NAME                    one value of /actuator/prometheus (null when absent)
  report RESULTS.json                the Markdown report
"""

import http.client
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.request

WORDS = ("amber autumn blue broken candle cedar city cloud coral crimson dawn desert distant dream "
         "echo ember evening faded field fire forest ghost glass gold harbor heart hollow honey "
         "iron island lantern light lunar marble meadow midnight mirror morning moon neon night "
         "ocean paper pearl quiet rain river rose salt shadow silver sky snow stone storm summer "
         "tide velvet violet water whisper wild willow winter wolf").split()


def get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def meter(mgmt, name):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{mgmt}/actuator/prometheus", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    total = None
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total = (total or 0) + float(line.rsplit(" ", 1)[1])
    return total


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def probe_up(mgmt, probe):
    """Whether the actuator's liveness or readiness probe answers 200."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{mgmt}/actuator/health/{probe}", timeout=2).close()
        return True
    except OSError:
        return False


def wait(base, mgmt, tracks, t0, timeout, pid):
    """Until every track is embedded and the service is ready (after its warm-up), or it exits."""
    up = catalogue = embeddings = ready = None
    deadline = t0 + timeout
    while time.time() < deadline and (embeddings is None or ready is None) and alive(pid):
        now = time.time()
        # readiness only once all is embedded: while the warm-up saturates the cores, the polls of
        # the meters answer late, and the embedded time would be the warm-up's end
        if ready is None and embeddings is not None and probe_up(mgmt, "readiness"):
            ready = now - t0
        if up is None and probe_up(mgmt, "liveness"):
            up = now - t0
        if catalogue is None:
            try:
                if get_json(f"{base}/api/v1/library")["tracks"] >= tracks:
                    catalogue = now - t0
            except (OSError, ValueError, KeyError):
                pass
        if catalogue is not None and (meter(mgmt, "cadenza_metadata_embeddings_tracks") or 0) >= tracks:
            embeddings = now - t0
        time.sleep(0.2)
    return {"up_s": up, "catalogue_s": catalogue, "embeddings_s": embeddings, "ready_s": ready}


def percentiles(samples):
    s = sorted(samples)
    return {"p50_ms": round(statistics.median(s) * 1000, 2),
            "p99_ms": round(s[min(len(s) - 1, int(len(s) * 0.99))] * 1000, 2), "n": len(s)}


def latency(base, requests, seed):
    rng = random.Random(seed)
    host = base.split("//", 1)[1]
    conn = http.client.HTTPConnection(host, timeout=10)

    def timed(path):
        start = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        elapsed = time.perf_counter() - start
        if r.status != 200:
            raise SystemExit(f"GET {path}: {r.status} {body[:200]!r}")
        return elapsed, json.loads(body)

    def pages(n):
        out, cursor = [], None
        for _ in range(n):
            path = "/api/v1/tracks?limit=50" + (f"&cursor={cursor}" if cursor else "")
            elapsed, page = timed(path)
            out.append(elapsed)
            cursor = page.get("next")
        return out

    def searches(n):
        out = []
        for _ in range(n):
            q = "+".join(rng.sample(WORDS, rng.choice((1, 2))))
            elapsed, _ = timed(f"/api/v1/tracks?limit=50&q={q}")
            out.append(elapsed)
        return out

    pages(max(20, requests // 5))  # warm-up
    searches(max(20, requests // 5))
    return {"page": percentiles(pages(requests)), "search": percentiles(searches(requests))}


def fmt(v, digits=1, unit=""):
    return "n/a" if v is None else f"{v:,.{digits}f}{unit}"


def report(path):
    r = json.load(open(path))
    n, again = r["tracks"], r["restart"]
    first = r["first"] or {}
    lines = [
        f"# Library at {n:,} tracks ({r['date']})",
        "",
        f"`{r['command']}`: a generated library of {n:,} tagged files ({r['formats']}), seed {r['seed']},",
        f"the service with its default settings (authentication off), data directory fresh for the first start,",
        f"kept for the restart{' (this run: the restart alone, on the data directory of the previous run; heap and latency measured after it)' if not r['first'] else ''}.",
        f"Machine: {r['cpus']} CPUs, Java {r['java']}; load average at the end: {r['load']}.",
        "",
        "| measure | first start | restart |",
        "|---|---|---|",
        f"| service live (Spring started, `/actuator/health/liveness`) | {fmt(first.get('up_s'), 2, ' s')} | {fmt(again.get('up_s'), 2, ' s')} |",
        f"| all tracks listed by the API | {fmt(first.get('catalogue_s'), 2, ' s')} | {fmt(again['catalogue_s'], 2, ' s')} |",
        f"| all tracks embedded | {fmt(first.get('embeddings_s'), 2, ' s')} | {fmt(again['embeddings_s'], 2, ' s')} |",
        f"| ready (`/actuator/health/readiness`, after the warm-up) | {fmt(first.get('ready_s'), 2, ' s')} | {fmt(again.get('ready_s'), 2, ' s')} |",
        f"| scan (log: `Scanned ... in`) | {fmt(first.get('scan_ms'), 0, ' ms')} ({fmt(first.get('scan_rate'), 0, ' tracks/s')}) | {fmt(again.get('scan_ms'), 0, ' ms')} |",
        f"| embeddings by the model (log: `Embedded ...`) | {fmt(first.get('embed_rate'), 0, ' tracks/s')} | {fmt(again.get('embed_rate'), 0, ' tracks/s')} |",
        f"| files whose tags were read (`cadenza_library_files_read_total`) | {fmt(first.get('files_read'), 0)} | {fmt(again.get('files_read'), 0)} |",
        "",
        f"Heap after a full GC with the catalogue and its embeddings: {fmt(r['heap_mib'], 1, ' MiB')} used,",
        f"{fmt(r['heap_bytes_per_track'], 0, ' bytes')} per track (`jcmd GC.heap_info`, whole heap divided by the tracks).",
        "",
        f"Catalogue API at {n:,} tracks, {r['latency']['page']['n']} requests each after a warm-up, one keep-alive connection:",
        "",
        "| request | p50 | p99 |",
        "|---|---|---|",
        f"| page `GET /api/v1/tracks?limit=50` (walking `next`) | {r['latency']['page']['p50_ms']} ms | {r['latency']['page']['p99_ms']} ms |",
        f"| search `GET /api/v1/tracks?limit=50&q=<1-2 words>` | {r['latency']['search']['p50_ms']} ms | {r['latency']['search']['p99_ms']} ms |",
    ]
    print("\n".join(lines))


def main():
    cmd = sys.argv[1]
    if cmd == "wait":
        print(json.dumps(wait(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]),
                              int(sys.argv[7]))))
    elif cmd == "latency":
        print(json.dumps(latency(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    elif cmd == "meter":
        print(json.dumps(meter(sys.argv[2], sys.argv[3])))
    elif cmd == "report":
        report(sys.argv[2])


if __name__ == "__main__":
    main()
