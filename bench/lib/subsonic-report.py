"""The report of bench/subsonic.sh: python3 subsonic-report.py RESULTS.jsonl META.json > report.md

Medians over the rounds; every ratio is taken within a round (both runs of a ratio ran minutes
apart at most, under the same load from elsewhere), then its median and range over the rounds."""
import json, statistics, sys
from collections import defaultdict

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
meta = json.load(open(sys.argv[2]))
page = meta["page"]
by = defaultdict(dict)  # scenario -> round -> run
for r in runs:
    by[r["scenario"]][r["round"]] = r


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{med(values):.2f}x ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else f"{values[0]:.2f}x"


def per_request_ms(r, field):
    return 1000 * r[field] / r["requests"] if r.get("requests") else None


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


print(f"# Subsonic and authentication benchmark ({meta['commit']})\n")
print(f"- jar: `{meta['jar']}`")
print(f"- machine: {meta['cpu']}; other work on the machine: see uptime and the machine-busy column")
print(f"- uptime at start: `{meta['uptime_start'].strip()}`; at the end: `{meta['uptime_end'].strip()}`")
print(f"- library: {meta['tracks']:,} generated tracks (tagged 44.1 kHz WAVs, 1 KiB of samples each; "
      f"25 per album, 16 albums per artist) + the demo library + 4 x 16 MiB WAVs: {meta['expected_files']:,} files")
for name, line in meta["scan"].items():
    print(f"- scan, {name}: {line}")
print(f"- {meta['rounds']} rounds of {meta['duration']} per run, odd rounds in reverse order; "
      f"c={meta['concurrency']} (small requests, demo stream), search c={meta['search_concurrency']}, "
      f"large ranges c={meta['large_concurrency']}; search3 pages of {page} songs; "
      f"{meta['stars']} songs starred per user")
print(f"- {meta['jit']}\n")

# --- sync ---
print("## Full sync: every search3 page in order, one client, one keep-alive connection\n")
print("| store | what | seconds (median) | songs/s | client CPU s | MB read |")
print("|---|---|---|---|---|---|")
sync_rate = {}
for scen in sorted(s for s in by if s.startswith("sync/")):
    rs = list(by[scen].values())
    seconds = med([r["seconds"] for r in rs])
    songs = meta["tracks"] + 16  # the generated tracks plus the demo and large ones
    store, _, what = scen[5:].partition("+")
    sync_rate[scen] = {r["round"]: r["seconds"] for r in rs}
    label = "search3" + (" + annotations of each page" if what else "")
    print(f"| {store} | {label} | {fmt(seconds, 2)} ({min(r['seconds'] for r in rs):.2f}-{max(r['seconds'] for r in rs):.2f}) "
          f"| {fmt(songs / seconds, 0)} | {fmt(med([r['client_cpu_s'] for r in rs]), 2)} | {fmt(med([r['MB'] for r in rs]))} |")


def time_ratio(a, b):
    ra, rb = sync_rate.get(a, {}), sync_rate.get(b, {})
    return [ra[k] / rb[k] for k in ra if k in rb]


print()
print(f"- sync time, dynamodb / embedded, search3 only: {spread(time_ratio('sync/dynamodb', 'sync/embedded'))}")
print(f"- sync time, dynamodb / embedded, with annotations: "
      f"{spread(time_ratio('sync/dynamodb+annotations', 'sync/embedded+annotations'))}")
print(f"- sync time with annotations / without, embedded: "
      f"{spread(time_ratio('sync/embedded+annotations', 'sync/embedded'))}; dynamodb: "
      f"{spread(time_ratio('sync/dynamodb+annotations', 'sync/dynamodb'))}\n")

# --- loadgen runs ---
print("## Load runs (loadgen), medians over the rounds\n")
print("| scenario | service | conc | req/s (min-max) | songs/s | MB/s | TTFB p50 ms | TTFB p99 ms | "
      "server CPU ms/req | dynalite CPU ms/req | machine busy | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for scen in by:
    if scen.startswith("sync/"):
        continue
    rs = list(by[scen].values())
    rps = [r["req_per_s"] for r in rs]
    songs = fmt(med(rps) * page, 0) if scen.startswith(("search3", "annotations")) else ""
    print(f"| {scen} | {rs[0]['service']} | {rs[0]['concurrency']} | {fmt(med(rps))} ({min(rps):,.0f}-{max(rps):,.0f}) "
          f"| {songs} | {fmt(med([r['MB_per_s'] for r in rs]))} | {fmt(med([r['ttfb_p50_ms'] for r in rs]), 2)} "
          f"| {fmt(med([r['ttfb_p99_ms'] for r in rs]), 2)} | {fmt(med([per_request_ms(r, 'server_cpu_s') for r in rs]), 3)} "
          f"| {fmt(med([per_request_ms(r, 'dynalite_cpu_s') for r in rs]), 3) if rs[0]['service'] == 'dynamodb' else ''} "
          f"| {fmt(100 * med([r['machine_busy'] for r in rs]), 0)}% | {sum(r['errors'] for r in rs)} |")


def paired(a, b, value):
    """value(run of a) / value(run of b), for every round both ran."""
    ra, rb = by.get(a, {}), by.get(b, {})
    out = []
    for k in ra:
        x, y = (value(ra[k]), value(rb[k])) if k in rb else (None, None)
        if x and y:
            out.append(x / y)
    return out


def ratios(a, b):
    return paired(a, b, lambda r: r["req_per_s"])


def cpu_ratios(a, b):
    return paired(a, b, lambda r: per_request_ms(r, "server_cpu_s"))


print("\n## Ratios, each within a round (median, range over the rounds)\n")
print("| comparison | throughput | server CPU per request |")
print("|---|---|---|")
for a, b, label in [
    ("tracks/bearer", "tracks/off", "`GET /api/v1/tracks?limit=1`: API key (Bearer) / auth off"),
    ("tracks/basic", "tracks/off", "the same: Basic password / auth off"),
    ("tracks/bearer-dynamodb", "tracks/off", "the same: API key, DynamoDB store / auth off"),
    ("tracks/basic-dynamodb", "tracks/off", "the same: Basic, DynamoDB store / auth off"),
    ("getSong/u+t+s", "getSong/apiKey", "`/rest/getSong`: u+t+s (fresh salt) / apiKey"),
    ("getSong/u+p", "getSong/apiKey", "`/rest/getSong`: u+p / apiKey"),
    ("getSong/u+t+s-dynamodb", "getSong/apiKey-dynamodb", "`/rest/getSong`, DynamoDB: u+t+s / apiKey"),
    ("getSong/apiKey-dynamodb", "getSong/apiKey", "`/rest/getSong` apiKey: DynamoDB / embedded"),
    ("stream-demo/api-v1", "stream-demo/off", "stream, demo files whole: `/api/v1` with an API key / auth off"),
    ("stream-demo/rest", "stream-demo/api-v1", "stream, demo files whole: `/rest/stream` / `/api/v1/.../stream`"),
    ("stream-large/rest", "stream-large/api-v1", "stream, 16 MiB files, 1-256 KiB ranges: `/rest` / `/api/v1`"),
    ("search3/dynamodb", "search3/embedded", "search3 pages: DynamoDB service / embedded"),
    ("annotations/dynamodb", "annotations/embedded", "a page's annotations: DynamoDB / embedded"),
]:
    if a in by and b in by:
        print(f"| {label} | {spread(ratios(a, b))} | {spread(cpu_ratios(a, b))} |")
