#!/usr/bin/env bash
# Start-spread benchmark (not a test): N players (default 10) whose clocks are shifted at random
# within ±500 ms sync with a stream service on loopback, join one session and follow it; one of
# them sends M plays (default 200). For each play every player computes its local start instant, and
# the spread of those instants in true time (local minus the injected shift) is reported as
# p50/p99/max, next to two baselines from the same plays: no sync, and a single time exchange per
# round instead of ClockSync's lowest-delay-of-8. Goal: p99 spread at most 2 ms.
#
# It runs the JUnit class StartSpreadBench (stream-service/src/bench/java/dev/cadenza/stream/bench/,
# skipped unless -Dcadenza.bench=true); needs the service's /api/v1/time and session endpoints.
# The Markdown report goes to stdout and to bench/results/start-spread-<date>.md; Maven's own
# output to stderr. Extra arguments go to Maven, e.g.
#
#   bench/start-spread.sh
#   bench/start-spread.sh -Dcadenza.bench.players=20 -Dcadenza.bench.plays=100
#
# Settings (system properties): cadenza.bench.players (10), cadenza.bench.plays (200),
# cadenza.bench.seed (42), cadenza.bench.leadMs (300: how far ahead each play starts).
# START_SPREAD_OUT=<file> saves the report there instead.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${START_SPREAD_OUT:-bench/results/start-spread-$(date +%F).md}"
mkdir -p "$(dirname "$out")"
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

./mvnw -q -B -o test -pl stream-service -am -Dcadenza.bench=true -Dtest=StartSpreadBench \
  -Dsurefire.failIfNoSpecifiedTests=false "$@" |
  awk '/^# Start spread/ { report = 1 }
       /^\[(INFO|WARNING|ERROR)\]/ || /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { report = 0 }
       { if (report) print; else print > "/dev/stderr" }' |
  tee "$partial"

mv "$partial" "$out"
echo "Saved $out" >&2
