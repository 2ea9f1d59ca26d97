#!/usr/bin/env bash
# Cache-policy simulator (not a test): replays seeded request traces (Zipf 0.8, Zipf 1.0, album
# sessions) over a simulated catalogue of 10,000 tracks cut into 256 KiB chunks, and prints per
# trace the byte hit ratio of the stream service's L1 policy (real Caffeine, W-TinyLFU, bounded by
# bytes) next to LRU, static popularity and Bélády, at cache sizes of 1-20% of the catalogue, then
# one verdict line per trace against the goal "L1 within 2 points of static popularity on Zipf and
# above LRU on every trace".
#
# It runs the JUnit class CacheSimulatorBench (stream-service/src/bench/java/dev/cadenza/stream/bench/,
# skipped unless -Dcadenza.bench=true) in a 2 GiB heap: about 1-2 minutes on 2 cores. The Markdown
# report goes to stdout and to bench/results/cache-sim-<date>.md; Maven's own output to stderr.
# Extra arguments go to Maven, e.g. a quicker, rougher run:
#
#   bench/cache-sim.sh
#   bench/cache-sim.sh -o -Dcadenza.bench.accesses=2000000 -Dcadenza.bench.l1Runs=1
#
# Settings (system properties): cadenza.bench.accesses (chunk accesses per trace, 6000000),
# cadenza.bench.seed (42), cadenza.bench.l1Runs (Caffeine replays averaged per cell, 3),
# cadenza.bench.threads (available processors), cadenza.bench.traces (zipf-0.8,zipf-1.0,albums),
# cadenza.bench.sizes (cache sizes as fractions of the catalogue, 0.01,0.02,0.05,0.1,0.2),
# cadenza.bench.variants (none): Caffeine variants of the L1 setup, replayed on the same traces and
# sizes and reported in a separate "Variants" section after the verdict (specs in
# CaffeineVariant.java; each variant costs about as much as the L1 column), cadenza.bench.variantRuns
# (replays per variant and cell, as l1Runs), e.g.
#
#   bench/cache-sim.sh -o -Dcadenza.bench.variants=default,ic-8x,hash-idx4
#
# CACHE_SIM_OUT=<file> saves the report there instead (for exploratory runs). The format check is
# skipped: it is not what this measures, and files being edited elsewhere in the tree would fail it.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${CACHE_SIM_OUT:-bench/results/cache-sim-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl stream-service -am test \
  -Dtest=CacheSimulatorBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true -DargLine=-Xmx2g "$@" |
  awk '/^# Cache policy simulation/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
