#!/usr/bin/env bash
# Predictive prefetch simulation (not a test): replays seeded traces over the cache simulator's
# catalogue (10,000 tracks, 256 KiB chunks) through the stream service's L1 policy (real Caffeine,
# W-TinyLFU, bounded by bytes) without and with the prefetch policy (the first 2 chunks of the 2
# likely next tracks at each track start, unread ones waiting beside Caffeine within 10% of L1), at cache
# sizes of 1-10% of the catalogue. Two traces, 50 listeners interleaved: listening sessions (albums
# in order, jumps to similar tracks) and random plays (Zipf 0.8 over tracks). It prints byte hit
# ratio, the hit ratio of track starts (chunk 0) and of the first 2 chunks, and the origin bytes
# prefetch adds. The prefetcher is simulated (same policy and bound, loads are instantaneous), not
# the Spring component. A third mode, "caffeine", replays a variant that is not built (prefetched
# chunks go straight into Caffeine and face its admission like any chunk) for comparison.
#
# It runs the JUnit class PrefetchBench (stream-service/src/bench/java/dev/cadenza/stream/bench/,
# skipped unless -Dcadenza.bench=true) in a 2 GiB heap: 2-4 minutes on 2 cores. The Markdown
# report goes to stdout and to bench/results/prefetch-<date>.md; Maven's own output to stderr.
# Extra arguments go to Maven, e.g.
#
#   bench/prefetch.sh -o
#   bench/prefetch.sh -o -Dcadenza.bench.listeners=200 -Dcadenza.bench.prefetch.maxShare=0.05
#
# Settings (system properties): cadenza.bench.accesses (chunk reads per trace, 2000000),
# cadenza.bench.seed (42), cadenza.bench.listeners (50), cadenza.bench.sizes (0.01,0.02,0.05,0.1),
# cadenza.bench.modes (off,on,caffeine),
# cadenza.bench.prefetch.tracks (2), cadenza.bench.prefetch.chunks (2),
# cadenza.bench.prefetch.maxShare (0.1), cadenza.bench.threads (available processors).
# PREFETCH_OUT=<file> saves the report there instead.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${PREFETCH_OUT:-bench/results/prefetch-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl stream-service -am test \
  -Dtest=PrefetchBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true -DargLine=-Xmx2g "$@" |
  awk '/^# Predictive prefetch simulation/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
