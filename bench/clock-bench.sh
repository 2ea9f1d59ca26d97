#!/usr/bin/env bash
# Media clock accuracy (not a test): how far the stream service's NTP offset estimate is from a
# server on loopback whose clock is exactly the system clock + 250 ms (test-support
# ShiftedNtpResponder), per poll, as p50/p99/max of |measured − 250 ms|: with one exchange per
# poll, with the service's clock filter (lowest delay of 4), and for the media clock itself after
# each poll (media − (system + 250 ms)); next to chrony's own estimate of the same server in the
# same run (repeated `chronyd -Q`, which measures without setting the clock).
#
# It runs the JUnit class ClockBench (stream-service/src/bench/java/dev/cadenza/stream/clock/,
# skipped unless -Dcadenza.bench=true): about 1-2 minutes, most of it chronyd. Needs chronyd
# (hack/chrony.sh). The Markdown report goes to stdout and to bench/results/clock-<date>.md;
# Maven's own output to stderr. Extra arguments go to Maven:
#
#   bench/clock-bench.sh
#   bench/clock-bench.sh -o -Dcadenza.bench.polls=500 -Dcadenza.bench.chronyRuns=10
#
# CLOCK_BENCH_OUT=<file> saves the report there instead.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${CLOCK_BENCH_OUT:-bench/results/clock-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -pl stream-service -am test \
  -Dtest=ClockBench -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcadenza.bench=true "$@" |
  awk '/^# Media clock accuracy/ { report = 1 }
       /^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* (INFO|WARN|ERROR) / { next }
       /^\[(INFO|WARNING|ERROR)\]/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
