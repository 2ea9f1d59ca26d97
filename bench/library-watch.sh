#!/usr/bin/env bash
# Library watch (not a test): the time from a file's close() to the catalogue showing it, with the
# library watch on and no periodic rescan, p50/max over 20 files added one after the other to a
# library of 2,000 generated tracks; against the time of one full rescan of the same library, which is
# what catches a change without the watch (every cadenza.library.rescan-interval). It runs the JUnit
# class LibraryWatchBench (stream-service/src/bench/java/dev/cadenza/stream/library/, skipped unless
# -Dcadenza.bench=true) on a temporary directory of the local file system. The Markdown report goes to
# stdout and to bench/results/library-watch-<date>.md.
# Extra arguments go to Maven, e.g. bench/library-watch.sh -o -Dcadenza.bench.tracks=10000
set -euo pipefail
cd "$(dirname "$0")/.."

out="${LIBRARY_WATCH_OUT:-bench/results/library-watch-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl stream-service -am verify -DskipITs -P '!fuzz' \
  -Dtest=LibraryWatchBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true "$@" |
  awk '/^# Library watch/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ || /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
