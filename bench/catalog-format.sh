#!/usr/bin/env bash
# Compact catalogue format (not a test): bytes per page of the compact binary format
# (docs/catalog-format.md) next to JSON (Jackson 3), JSON+gzip, Protocol Buffers and Protocol
# Buffers+gzip with the same fields, and decode time of compact, JSON and protobuf, on generated
# catalogues of 1k, 10k and 100k tracks (realistic names, repeated artists and albums, fixed seed),
# cut into pages of 50 and 500 tracks and as one whole page; then one verdict line per case against
# issue 6's goals: compact smaller than Protocol Buffers+gzip, decoded at least 3x faster than JSON.
#
# It runs the JUnit class CatalogFormatBench (protocol/src/bench/java/dev/cadenza/protocol/catalog/
# bench/, skipped unless -Dcadenza.bench=true) in a 2 GiB heap: a few minutes on 2 cores. The
# Markdown report goes to stdout and to bench/results/catalog-format-<date>.md; Maven's own output
# to stderr. Extra arguments go to Maven, e.g. a quicker, rougher run:
#
#   bench/catalog-format.sh
#   bench/catalog-format.sh -o -Dcadenza.bench.catalogues=1000,10000 -Dcadenza.bench.rounds=5
#
# Settings (system properties): cadenza.bench.catalogues (1000,10000,100000), cadenza.bench.seed
# (42), cadenza.bench.rounds (measured decode rounds, each over every page; the median is shown, 15),
# cadenza.bench.warmupRounds (8). CATALOG_FORMAT_OUT=<file> saves the report there instead. The
# format check is skipped: it is not what this measures.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${CATALOG_FORMAT_OUT:-bench/results/catalog-format-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl protocol test \
  -Dtest=CatalogFormatBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true -DargLine=-Xmx2g "$@" |
  awk '/^# Compact catalogue format/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
