#!/usr/bin/env bash
# Similar-track search (not a test): time per query and recall@10 of GET /api/v1/tracks/{id}/similar's
# two search methods (exact 8-bit cosine against every track; binary codes then the nearest
# candidates re-ranked by cosine) on generated catalogues of 10k and 100k tracks embedded by the real
# model. It runs the JUnit class SimilarSearchBench (stream-service/src/bench/java/dev/cadenza/stream/
# metadata/, skipped unless -Dcadenza.bench=true) in a 3 GiB heap; embedding 100k tracks takes a few
# minutes on 2 cores. The Markdown report goes to stdout and to bench/results/similar-search-<date>.md.
# Extra arguments go to Maven, e.g. bench/similar-search.sh -o -Dcadenza.bench.catalogues=10000
set -euo pipefail
cd "$(dirname "$0")/.."

out="${SIMILAR_SEARCH_OUT:-bench/results/similar-search-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl stream-service -am verify -DskipITs \
  -Dtest=SimilarSearchBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true -DargLine=-Xmx3g "$@" |
  awk '/^# Similar-track search/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
