"""Transcoding benchmark driver (bench/transcode.sh): time to first byte and CPU seconds per minute
of audio, per format, for ffmpeg alone (the floor), a cold transcode on Cadenza, the same variant
warm from L1 and from L2 (another instance on the same tables), and a server that does not cache
(Cadenza with its cache off: every play runs ffmpeg), and Navidrome (its Subsonic stream, cold: the
first play runs ffmpeg, and warm: the second play, from its transcode cache, on by default). Prints a
Markdown report."""
import http.client
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """CPU of a process and of its children it has waited for (ffmpeg runs), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICK


def log_count(path, needle):
    with open(path, errors="replace") as f:
        return f.read().count(needle)


def get(port, path):
    """GET path: (time to first body byte, total time, bytes, headers)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    first = r.read(1)
    ttfb = time.perf_counter() - t0
    n = len(first)
    while True:
        b = r.read(1 << 16)
        if not b:
            break
        n += len(b)
    total = time.perf_counter() - t0
    c.close()
    if r.status != 200:
        raise SystemExit(f"GET {path}: {r.status}")
    return ttfb, total, n, dict(r.getheaders())


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/actuator/prometheus", timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


FFMPEG_ARGS = {
    "opus": ["-c:a", "libopus", "-ar", "48000", "-f", "ogg"],
    "mp3": ["-c:a", "libmp3lame", "-f", "mp3"],
    "aac": ["-c:a", "aac", "-f", "adts"],
    "m4a": ["-c:a", "aac", "-movflags", "+empty_moov+default_base_moof", "-frag_duration", "1000000", "-f", "mp4"],
}


def ffmpeg_alone(path, fmt, kbps):
    """ffmpeg with the arguments the service gives it, output read and dropped."""
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", "file:" + path,
           "-map", "0:a:0", "-map_metadata", "-1", "-vn", "-sn", "-dn", "-ac", "2", "-b:a", f"{kbps}k"]
    cmd += FFMPEG_ARGS[fmt] + ["-fflags", "+bitexact", "-flags:a", "+bitexact", "pipe:1"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    first = p.stdout.read(1)
    ttfb = time.perf_counter() - t0
    n = len(first)
    while True:
        b = p.stdout.read(1 << 16)
        if not b:
            break
        n += len(b)
    p.wait()
    total = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ttfb, total, n, cpu


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def navidrome_ids(nd):
    """{title: id} of Navidrome's songs (its Subsonic path is made up from the tags)."""
    url = f"http://127.0.0.1:{nd['port']}/rest/search3?{nd['auth']}&query=&songCount=1000&artistCount=0&albumCount=0"
    songs = json.loads(urllib.request.urlopen(url, timeout=30).read())["subsonic-response"]["searchResult3"].get("song", [])
    return {s["title"]: s["id"] for s in songs}


def bench_title(path):
    """The title tag bench/transcode.sh gives bench-N.flac: "Bench N"."""
    return "Bench " + os.path.splitext(path)[0].split("-", 1)[1]


def navidrome_plays(nd, song_id, fmt, kbps):
    """Two plays of one song on Navidrome: cold (ffmpeg runs, its output also goes to the cache)
    and warm (the second play, which its log must say came from the cache)."""
    url = f"/rest/stream?{nd['auth']}&id={song_id}&format={fmt}&maxBitRate={kbps}"
    out = []
    for key in ("nd_cold", "nd_warm"):
        hits = log_count(nd["log"], "cached=true")
        before = cpu_seconds(nd["pid"])
        ttfb, total, n, headers = get(nd["port"], url)
        time.sleep(0.3)  # the ffmpeg run reaped (counted in its children's CPU) after its last byte
        out.append((key, (ttfb, total, n, cpu_seconds(nd["pid"]) - before)))
        if key == "nd_warm" and log_count(nd["log"], "cached=true") == hits:
            raise SystemExit(f"Navidrome {url}: the second play did not come from its transcode cache (see {nd['log']})")
    return out


def main():
    cfg = json.loads(sys.argv[1])
    a, b, c = cfg["a"], cfg["b"], cfg["nocache"]
    nd = cfg.get("navidrome")
    nd_formats = set(cfg.get("navidrome_formats", []))
    nd_ids = navidrome_ids(nd) if nd else {}
    seconds = cfg["seconds"]
    kbps = cfg["kbps"]
    plays = cfg["plays"]
    tracks = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{a['port']}/api/v1/tracks?limit=100").read())["items"]
    tracks = sorted((t for t in tracks if t["path"].startswith("bench-")), key=lambda t: t["path"])
    rows = {}
    for fmt in cfg["formats"]:
        r = {k: [] for k in ("floor", "cold", "l1", "l2", "nocache", "nd_cold", "nd_warm")}
        for t in tracks:
            path = os.path.join(cfg["library"], t["path"])
            ttfb, total, n, cpu = ffmpeg_alone(path, fmt, kbps)
            r["floor"].append((ttfb, total, n, cpu))
            url = f"/api/v1/tracks/{t['id']}/stream?format={fmt}&bitrate={kbps}"
            for key, svc in (("cold", a), ("l1", a)):
                before = cpu_seconds(svc["pid"])
                ttfb, total, n, headers = get(svc["port"], url)
                time.sleep(0.3)  # the run's end (reaped, counted) after its last byte
                r[key].append((ttfb, total, n, cpu_seconds(svc["pid"]) - before))
                if key == "l1" and "ETag" not in headers and "etag" not in headers:
                    raise SystemExit(f"{url}: the second request on A was not served whole")
            # B: the variant from L2 once A has written it
            deadline = time.time() + 60
            while metric(a["mport"], "cadenza_cache_l2_write_queue") > 0 and time.time() < deadline:
                time.sleep(0.2)
            time.sleep(1)
            before = cpu_seconds(b["pid"])
            ttfb, total, n, headers = get(b["port"], url)
            r["l2"].append((ttfb, total, n, cpu_seconds(b["pid"]) - before))
            before = cpu_seconds(c["pid"])
            ttfb, total, n, headers = get(c["port"], url)
            time.sleep(0.3)
            r["nocache"].append((ttfb, total, n, cpu_seconds(c["pid"]) - before))
            if nd and fmt in nd_formats:
                for key, row in navidrome_plays(nd, nd_ids[bench_title(t["path"])], fmt, kbps):
                    r[key].append(row)
        rows[fmt] = r
    runs_b = metric(b["mport"], "cadenza_transcode_runs_total")

    minutes = seconds / 60
    out = []
    out.append(f"Each row: the median over {len(tracks)} tracks of {seconds:.0f} s (stereo pink noise and a tone, 44.1 kHz FLAC), {kbps} kb/s.")
    out.append("CPU is the serving process's and its ffmpeg children's (user + system); for ffmpeg alone, ffmpeg's.")
    out.append("")
    out.append("| format | path | time to first byte (ms) | whole response (ms) | CPU s per minute of audio | listeners per core in real time |")
    out.append("|---|---|--:|--:|--:|--:|")
    names = {"floor": "ffmpeg alone (the floor)", "cold": "Cadenza, cold (ffmpeg runs)", "l1": "Cadenza, warm from L1",
             "l2": "Cadenza, warm from L2 (other instance)", "nocache": "Cadenza, cache off (stand-in: every play runs ffmpeg)",
             "nd_cold": "Navidrome, cold (first play, ffmpeg runs)", "nd_warm": "Navidrome, warm (second play, its transcode cache)"}
    for fmt, r in rows.items():
        for key in ("floor", "cold", "l1", "l2", "nocache", "nd_cold", "nd_warm"):
            if not r[key]:
                continue
            ttfb = median([x[0] for x in r[key]]) * 1000
            total = median([x[1] for x in r[key]]) * 1000
            cpu = median([x[3] for x in r[key]])
            per_min = cpu / minutes
            per_core = f"{seconds / cpu:,.0f}" if cpu > 0 else f"over {seconds * TICK:,.0f} (under one {1000 // TICK} ms tick)"
            out.append(f"| {fmt} | {names[key]} | {ttfb:.1f} | {total:.0f} | {per_min:.3f} | {per_core} |")
    out.append("")
    out.append(f"ffmpeg runs on the L2 instance in all: {runs_b:.0f}.")
    out.append("")
    if nd:
        lacking = [f for f in cfg["formats"] if f not in nd_formats]
        out.append(f"Navidrome {nd['version']}: Subsonic `stream?id=..&format=FORMAT&maxBitRate={kbps}`, its default transcodings "
                   f"({', '.join(sorted(nd_formats))}" + (f"; none for {', '.join(lacking)}" if lacking else "") + ") "
                   "and its default transcode cache (100 MB); the warm play was checked to be a cache hit in its log.")
        out.append("")
    out.append(f"{plays} plays of one track (CPU seconds, from the medians above): Cadenza and Navidrome pay one cold transcode and {plays - 1} warm plays (Cadenza from L1, Navidrome from its transcode cache); a server that does not cache (Cadenza with its cache off) pays {plays} transcodes.")
    out.append("")
    out.append("| format | Cadenza | Navidrome | cache off | cache off / Cadenza |")
    out.append("|---|--:|--:|--:|--:|")
    for fmt, r in rows.items():
        ours = median([x[3] for x in r["cold"]]) + (plays - 1) * median([x[3] for x in r["l1"]])
        theirs = plays * median([x[3] for x in r["nocache"]])
        peer = (f"{median([x[3] for x in r['nd_cold']]) + (plays - 1) * median([x[3] for x in r['nd_warm']]):.2f}"
                if r["nd_cold"] else "—")
        out.append(f"| {fmt} | {ours:.2f} | {peer} | {theirs:.2f} | {theirs / ours:.1f}x |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
