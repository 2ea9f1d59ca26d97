#!/usr/bin/env bash
# Proves that both README commands work on JDK 25 (the release stays 17; the README's commands must
# work on a JDK 17 and on newer ones). CI runs it after the JDK 17 `./mvnw verify`; a developer can
# run it too. Two steps, each bounded in time:
#
#   1. the README's first command, `./mvnw -q -pl stream-service -am spring-boot:run`, in the
#      background; waits for /actuator/health UP on the management port (127.0.0.1:8081), checks
#      that the API port (:8080) does not serve the actuator, fetches a track whole and as a range,
#      and stops it (the whole process group, also on failure or Ctrl-C);
#   2. the README's second command, `./mvnw verify` (every test), on JDK 25, without the e2e module
#      (`-pl '!e2e'`): the end-to-end tests run images of the jars on a Kubernetes node, where the
#      build's JDK plays no part, and they already ran in the JDK 17 pass; leaving them out keeps CI
#      within its 40 minutes. About as long as the JDK 17 run before it. With --quick, only the small modules and the stream-service test
#      classes a new JDK is most likely to break (onnxruntime and DJL natives, Netty, the AWS SDK's
#      Netty client against dynalite, NTP with chronyd, server-sent events, the Java client, the
#      nginx front): a few minutes.
#
#   hack/jdk25-smoke.sh [--quick]        # JDK 25 from JDK25_HOME or /usr/lib/jvm/temurin-25-jdk-amd64
#   JDK25_HOME=/opt/jdk-25 hack/jdk25-smoke.sh
#
# No JDK 25 found: says so and exits 0 (nothing to prove on this machine). Ports 8080 and 8081 must
# be free.
# Progress and Maven's output go to stderr; the service's log is target/jdk25-smoke/service.log.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

log() { printf '[jdk25-smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- the JDK -------------------------------------------------------------------------------------
find_jdk25() {
  local d
  for d in "${JDK25_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
    /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64; do
    [[ -n $d && -x $d/bin/java ]] || continue
    "$d/bin/java" -version 2>&1 | head -n 1 | grep -q '"25' && { echo "$d"; return 0; }
  done
  return 1
}
if ! jdk=$(find_jdk25); then
  log "SKIPPED: no JDK 25 (set JDK25_HOME, or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64)"
  exit 0
fi
export JAVA_HOME=$jdk
export PATH="$JAVA_HOME/bin:$PATH"
log "JAVA_HOME=$JAVA_HOME ($(java -version 2>&1 | head -n 1))"

out=target/jdk25-smoke
mkdir -p "$out"
# a data directory of its own, so the first start creates the admin and prints its password, as it
# does for a newcomer (the README, after Quick start)
# (for the service alone: the tests below give each of their contexts a directory of its own, which
# this variable would override)
rm -rf "$out/data"
data_dir=$PWD/$out/data
port=8080
base=http://127.0.0.1:$port
# the service's default management port (actuator), on loopback
management=http://127.0.0.1:8081

# --- 1. the README's first command ---------------------------------------------------------------
service_pgid=""
stop_service() {
  [[ -n $service_pgid ]] || return 0
  log "stopping the service (process group $service_pgid)"
  kill -TERM -- "-$service_pgid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 -- "-$service_pgid" 2>/dev/null || { service_pgid=""; return 0; }
    sleep 1
  done
  kill -KILL -- "-$service_pgid" 2>/dev/null || true
  service_pgid=""
}
trap stop_service EXIT
trap 'exit 130' INT TERM

for url in "$base" "$management"; do
  if curl -s -o /dev/null "$url/" 2>/dev/null; then
    die "port ${url##*:} is already in use: stop what listens there first"
  fi
done

log "step 1: ./mvnw -q -pl stream-service -am spring-boot:run"
# setsid: Maven, the forked application JVM and everything else get their own process group, which
# stop_service ends as a whole
CADENZA_DATA_DIR=$data_dir setsid ./mvnw -q -pl stream-service -am spring-boot:run >"$out/service.log" 2>&1 &
service_pgid=$!

health=""
started=$SECONDS
# compiling every module first: minutes on a cold, loaded 2-core machine
until [[ $health == *'"status":"UP"'* ]]; do
  kill -0 "$service_pgid" 2>/dev/null || { tail -n 40 "$out/service.log" >&2; die "spring-boot:run exited"; }
  ((SECONDS - started < 300)) || { tail -n 40 "$out/service.log" >&2; die "no UP from $management/actuator/health within 300 s"; }
  sleep 2
  health=$(curl -s -m 5 "$management/actuator/health" || true)
done
log "UP after $((SECONDS - started)) s: $health"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$base/actuator/health")
[[ $code == 404 ]] || die "GET /actuator/health on the API port: HTTP $code, not 404"

# as the README says: the generated admin password, in a file of the data directory (never in the log)
password=$(cat "$data_dir/initial-admin-password" 2>/dev/null || true)
[[ -n $password ]] || die "no generated admin password in $data_dir/initial-admin-password"
! grep -qF "$password" "$out/service.log" || die "the log shows the generated admin password"
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$base/api/v1/tracks")
[[ $code == 401 ]] || die "GET /api/v1/tracks without credentials: HTTP $code, not 401"
auth=(-u "admin:$password")

# a track of the demo library: the first id of the catalogue
id=$(curl -s -m 10 "${auth[@]}" "$base/api/v1/tracks" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d '"' -f 4)
[[ -n $id ]] || die "GET /api/v1/tracks gave no track"
read -r code size < <(curl -s -m 30 -o "$out/track.bin" -w '%{http_code} %{size_download}\n' "${auth[@]}" "$base/api/v1/tracks/$id/stream")
[[ $code == 200 && $size -gt 0 ]] || die "GET /api/v1/tracks/$id/stream: HTTP $code, $size bytes"
read -r code size < <(curl -s -m 30 -o "$out/range.bin" -H 'Range: bytes=100-1099' -w '%{http_code} %{size_download}\n' "${auth[@]}" \
  "$base/api/v1/tracks/$id/stream")
[[ $code == 206 && $size == 1000 ]] || die "range request: HTTP $code, $size bytes (want 206, 1000)"
cmp -s <(tail -c +101 "$out/track.bin" | head -c 1000) "$out/range.bin" || die "the range's bytes differ from the track's"
log "track $id: 200 with $(stat -c %s "$out/track.bin") bytes, 206 with the right 1000 bytes"
grep -n 'WARNING' "$out/service.log" | grep -v 'sun.misc.Unsafe\|HiddenClassDefiner' >&2 &&
  log "(the JVM warnings above came from the service's log)" || true
stop_service

# --- 2. the tests -------------------------------------------------------------------------------
# Online (-ntp, not -o): the JDK 21+ profile takes a google-java-format that a JDK 17 build never fetched.
# -P!fuzz: the fuzz tests replay their corpus here; CI's JDK 17 run fuzzed them already (docs/testing.md).
if [[ $quick == true ]]; then
  log "step 2 (--quick): ./mvnw -B -ntp verify -pl dynamodb-contract,protocol,test-support,client"
  timeout 300 ./mvnw -B -ntp verify -P '!fuzz' -pl dynamodb-contract,protocol,test-support,client >&2
  tests=EmbedderTest,SimilarTracksApiTest,StreamEndpointTest,RangeRequestTest,CatalogApiTest
  tests+=,SharedChunkCacheTest,SharedCatalogTest,NtpClientTest,ClockSyncTest,SessionApiTest
  tests+=,GroupPlaybackTest,NginxFrontTest,ProblemsTest,DemoLibraryTest
  log "step 2 (--quick): stream-service tests $tests"
  timeout 600 ./mvnw -B -ntp verify -P '!fuzz' -pl stream-service -am -DskipITs \
    -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false >&2
else
  log "step 2: ./mvnw verify -B -ntp -P '!fuzz' -pl '!e2e' (every test but the end-to-end ones)"
  timeout 2400 ./mvnw verify -B -ntp -P '!fuzz' -pl '!e2e' >&2
fi

log "JDK 25: the service started and served a track; the tests passed ($SECONDS s in all)"
