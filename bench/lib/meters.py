# The meters of the stream service, read from snapshots of /actuator/prometheus on its management
# port (bench/lib/common.sh's snapshot). Used by bench/stream-vs-nginx.sh and bench/front.sh, and
# imported by bench/lib/soak.py (parse_text, total).
#   meters.py delta BEFORE AFTER   JSON of the counters' growth (and the gauges in AFTER)
#   meters.py writes FILE          "queue ok failed dropped" of the L2 writer
import json, re, sys

LINE = re.compile(r'^(\w+)(?:\{(.*)\})?\s+(\S+)')

def parse(path):
    with open(path) as f:
        return parse_text(f.read())

def parse_text(text):
    """{(name, sorted label pairs): value} of a Prometheus text exposition"""
    m = {}
    for line in text.splitlines():
        g = LINE.match(line)
        if g:
            labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', g.group(2) or "")))
            m[(g.group(1), labels)] = float(g.group(3))
    return m

def total(m, name, **want):
    return sum(v for (n, labels), v in m.items()
               if n == name and all(dict(labels).get(k) == w for k, w in want.items()))

def summary(m):
    req, byt = "cadenza_cache_requests_total", "cadenza_cache_bytes_total"
    wr = "cadenza_cache_l2_writes_total"
    return {
        "l1_hit": total(m, req, tier="l1", result="hit"), "l1_miss": total(m, req, tier="l1", result="miss"),
        "l2_hit": total(m, req, tier="l2", result="hit"), "l2_miss": total(m, req, tier="l2", result="miss"),
        "l2_error": total(m, req, tier="l2", result="error"), "origin": total(m, req, tier="origin"),
        "l1_bytes": total(m, byt, tier="l1"), "l2_bytes": total(m, byt, tier="l2"),
        "origin_bytes": total(m, byt, tier="origin"),
        "writes_ok": total(m, wr, result="ok"), "writes_failed": total(m, wr, result="failed"),
        "writes_dropped": total(m, wr, result="dropped"),
        "readahead_l2": total(m, "cadenza_cache_readahead_total", source="l2"),
        "readahead_origin": total(m, "cadenza_cache_readahead_total", source="origin"),
        "breaker_opened": total(m, "cadenza_cache_l2_breaker_opened_total"),
        "evictions": total(m, "cadenza_cache_evictions_total"),
        "stream_requests": total(m, "cadenza_stream_requests_seconds_count"),
    }

def main():
    if sys.argv[1] == "delta":
        before, after = parse(sys.argv[2]), parse(sys.argv[3])
        b, a = summary(before), summary(after)
        d = {k: round(a[k] - b[k]) for k in a}
        d["write_queue"] = round(total(after, "cadenza_cache_l2_write_queue"))
        d["breaker_state"] = round(total(after, "cadenza_cache_l2_breaker_state"))
        d["l1_size_bytes"] = round(total(after, "cadenza_cache_size_bytes", tier="l1"))
        d["scraped"] = bool(after)
        print(json.dumps(d, separators=(",", ":")))
    elif sys.argv[1] == "writes":
        m = parse(sys.argv[2])
        s = summary(m)
        print(round(total(m, "cadenza_cache_l2_write_queue")), round(s["writes_ok"]),
              round(s["writes_failed"]), round(s["writes_dropped"]))

if __name__ == "__main__":
    main()
