#!/usr/bin/env bash
# Builds the container images a one-node cluster (hack/node.sh) runs, with Buildah and without a
# Docker daemon or a container registry, as OCI archives in a cache outside the work tree:
#
#   ${CADENZA_IMAGES_DIR:-~/.cache/cadenza/images}/
#     jre17-<key>.tar            Debian bookworm minbase + openjdk-17-jre-headless (debootstrap)
#     pause-<key>.tar            hack/images/pause.c, static: containerd's sandbox image
#     operator-<key>.tar         operator/Dockerfile on that base, with the packaged jar
#     jre17-ffmpeg-<key>.tar     the same with Debian's ffmpeg: the stream service's base (transcoding)
#     stream-service-<key>.tar   stream-service/Dockerfile on that base, with the packaged jar
#     client-<key>.tar           client/Dockerfile on that base: the Java client's CLI
#     nginx-<key>.tar            Debian bookworm minbase + nginx-light (debootstrap), the NGINX
#                                front of nginx-ingress/nginx.conf.template, run as nonroot
#     images.list                one line per image: NAME REFERENCE ARCHIVE (the last line printed)
#     storage/                   Buildah's image store
#
# Each <key> is a hash of what goes into the image (the recipe, the Dockerfile, the jar, the base's
# key), and an image whose archive is there is not built again; a new archive of an application
# image (every `./mvnw package` writes a new jar) replaces the older ones. The references are
# localhost/cadenza/<name>:<key>. The application images come from the same Dockerfiles as the
# published ones: BASE_IMAGE names the local base, and `--build-context build=DIR` stands in for
# their Maven build stage (there is no registry for its JDK image).
#
#   ./mvnw -q -DskipTests package -pl operator,stream-service,client -am   # the jars, first
#   hack/images.sh                  # all six
#   hack/images.sh pause            # only the named ones (jre17, pause, operator, stream-service,
#                                   # client, nginx)
#
# Needs root, buildah, debootstrap, gcc with a static libc, a JDK (java, jar) and a Debian mirror
# (DEBIAN_MIRROR, default: the first one apt uses). Progress goes to stderr.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${CADENZA_IMAGES_DIR:-$HOME/.cache/cadenza/images}
list="$dir/images.list"

log() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, Buildah's image store)"
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || "$repo/hack/debian-package.sh" "$tool" "$tool"
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install $tool"
done
command -v gcc >/dev/null || die "gcc is missing: apt-get install gcc libc6-dev"
command -v jar >/dev/null || die "a JDK (java and jar) is needed"

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(jre17 pause operator stream-service client nginx)

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

buildah() { command buildah --root "$dir/storage" --runroot "$dir/run" --storage-driver overlay "$@"; }

work=$(mktemp -d)
cleanup() {
  buildah rm --all >/dev/null 2>&1 || true
  rm -rf "$work" "$dir"/.*.tar.tmp
}
trap cleanup EXIT

# key ARGS...: 16 hex digits of the hash of the arguments' text and, for each that is a file, its bytes
key() {
  local a
  for a in "$@"; do
    printf '%s\n' "${a#"$repo"/}"
    if [[ -f $a ]]; then sha256sum <"$a"; fi
  done | sha256sum | cut -c1-16
}

# record NAME REF ARCHIVE: NAME's line in images.list
record() {
  { grep -v "^$1 " "$list" 2>/dev/null || true; echo "$1 $2 $3"; } >"$list.tmp"
  mv -f "$list.tmp" "$list"
}

# prune NAME ARCHIVE: removes NAME's other archives (an application image's older builds) and
# their references from Buildah's store
prune() {
  local old
  for old in "$dir/$1"-*.tar; do
    [[ -f $old && $old != "$2" ]] || continue
    rm -f "$old"
    old=${old##*/}
    old=${old%.tar}
    buildah rmi "localhost/cadenza/$1:${old#"$1"-}" >/dev/null 2>&1 || true
  done
}

# in_store REF ARCHIVE: REF is in Buildah's store (loaded from ARCHIVE when the store lost it)
in_store() {
  buildah inspect --type image "$1" >/dev/null 2>&1 && return 0
  local id
  id=$(buildah pull --quiet "oci-archive:$2" | tail -n 1)
  buildah tag "$id" "$1"
}

# commit_archive CONTAINER REF ARCHIVE: commits CONTAINER as REF and writes its OCI archive
commit_archive() {
  buildah commit --quiet --format oci --rm "$1" "$2" >/dev/null
  buildah push --quiet "$2" "oci-archive:$3.tmp:$2" >&2
  mv -f "$3.tmp" "$3"
  log "$2: $(du -h "$3" | cut -f1) archive"
}

debian_mirror() {
  [[ -n ${DEBIAN_MIRROR:-} ]] && { echo "$DEBIAN_MIRROR"; return; }
  local uris
  uris=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
    sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p; s/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]*\).*/\2/p' |
    grep -E '/debian/?$' || true)
  echo "${uris%%$'\n'*}"
}

# --- Debian images -------------------------------------------------------------------------------
# build_debian NAME PACKAGES REF ARCHIVE [CONFIG...]: Debian bookworm minbase with PACKAGES (comma
# separated) from debootstrap, without what a runtime does not need, and the user the Dockerfiles
# run as (distroless calls it nonroot, 65532); CONFIG are more `buildah config` options
build_debian() {
  local name=$1 packages=$2 ref=$3 archive=$4 t0=$SECONDS
  shift 4
  if [[ -f $archive ]]; then in_store "$ref" "$archive"; return; fi
  local mirror rootfs="$work/rootfs-$name"
  mirror=$(debian_mirror)
  [[ -n $mirror ]] || die "no Debian mirror found in apt's sources; set DEBIAN_MIRROR"
  log "debootstrap bookworm with $packages from $mirror (about a minute)"
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" >"$work/debootstrap-$name.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap-$name.log" >&2; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc \
    "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/var/log/*.log
  echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  echo 'nonroot:x:65532:' >>"$rootfs/etc/group"
  install -d -o 65532 -g 65532 "$rootfs/home/nonroot"
  tar -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf "$work/rootfs-$name.tar" .
  rm -rf "$rootfs"
  local ctr
  ctr=$(buildah from scratch)
  buildah add --quiet "$ctr" "$work/rootfs-$name.tar" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --user 65532:65532 --workingdir /home/nonroot "$@" "$ctr"
  commit_archive "$ctr" "$ref" "$archive"
  rm -f "$work/rootfs-$name.tar"
  log "$name built in $((SECONDS - t0))s"
}

# the Java runtime base of the application images
jre_recipe="debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm; user nonroot 65532"
jre_key=$(key "$jre_recipe")
jre_ref="localhost/cadenza/jre17:$jre_key"
jre_archive="$dir/jre17-$jre_key.tar"
build_jre17() { build_debian jre17 openjdk-17-jre-headless "$jre_ref" "$jre_archive"; }

# the stream service's base: the Java runtime and Debian's ffmpeg (transcoding, docs/transcoding.md;
# setpriv, which ends a run with the service, is in util-linux, part of every Debian)
stream_base_recipe="debootstrap --variant=minbase --include=openjdk-17-jre-headless,ffmpeg bookworm; user nonroot 65532"
stream_base_key=$(key "$stream_base_recipe")
stream_base_ref="localhost/cadenza/jre17-ffmpeg:$stream_base_key"
stream_base_archive="$dir/jre17-ffmpeg-$stream_base_key.tar"
build_stream_base() {
  build_debian jre17-ffmpeg openjdk-17-jre-headless,ffmpeg "$stream_base_ref" "$stream_base_archive"
}

# Debian's nginx, run with `nginx -c FILE -p PREFIX -e PREFIX/error.log` (nginx-ingress/README.md):
# everything it writes is under PREFIX, so it runs as nonroot on a read-only root file system
nginx_recipe="debootstrap --variant=minbase --include=nginx-light bookworm; user nonroot 65532; entrypoint nginx"
nginx_key=$(key "$nginx_recipe")
nginx_ref="localhost/cadenza/nginx:$nginx_key"
nginx_archive="$dir/nginx-$nginx_key.tar"
build_nginx() { build_debian nginx nginx-light "$nginx_ref" "$nginx_archive" --entrypoint '["nginx"]'; }

# --- the pause image ------------------------------------------------------------------------------
pause_src="$repo/hack/images/pause.c"
pause_key=$(key "gcc -static -O2" "$pause_src")
pause_ref="localhost/cadenza/pause:$pause_key"
pause_archive="$dir/pause-$pause_key.tar"
build_pause() {
  if [[ -f $pause_archive ]]; then in_store "$pause_ref" "$pause_archive"; return; fi
  gcc -static -O2 -o "$work/pause" "$pause_src"
  strip "$work/pause"
  local ctr
  ctr=$(buildah from scratch)
  buildah copy --quiet --chmod 0755 "$ctr" "$work/pause" /pause >/dev/null
  buildah config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
  commit_archive "$ctr" "$pause_ref" "$pause_archive"
}

# --- the application images -----------------------------------------------------------------------
# build_app NAME ARCHIVE REF CONTEXT [BASE]: stream-service/Dockerfile or operator/Dockerfile on the
# base (the Java runtime's unless BASE), with CONTEXT in place of the Dockerfile's build stage
build_app() {
  local name=$1 archive=$2 ref=$3 context=$4 base=${5:-$jre_ref} t0=$SECONDS
  buildah bud --quiet --layers=false --build-arg "BASE_IMAGE=$base" --build-context "build=$context" \
    -f "$repo/$name/Dockerfile" -t "$ref" "$repo" >/dev/null
  buildah push --quiet "$ref" "oci-archive:$archive.tmp:$ref" >&2
  mv -f "$archive.tmp" "$archive"
  log "$ref: $(du -h "$archive" | cut -f1) archive, built in $((SECONDS - t0))s"
}

operator_jar="$repo/operator/target/cadenza-operator.jar"
stream_jar="$repo/stream-service/target/cadenza-stream-service.jar"
client_jar=$(compgen -G "$repo/client/target/cadenza-client-*.jar" | grep -v -e '-sources.jar$' -e '-tests.jar$' | head -n 1 || true)
packaged() { [[ -f $1 ]] || die "${1:-client/target/cadenza-client-*.jar} is missing: ./mvnw -q -DskipTests package -pl operator,stream-service,client -am"; }

for target in "${targets[@]}"; do
  case $target in
    jre17)
      build_jre17
      record jre17 "$jre_ref" "$jre_archive"
      ;;
    pause)
      build_pause
      record pause "$pause_ref" "$pause_archive"
      ;;
    operator)
      packaged "$operator_jar"
      build_jre17
      k=$(key "$jre_key" "$repo/operator/Dockerfile" "$operator_jar")
      ref="localhost/cadenza/operator:$k" archive="$dir/operator-$k.tar"
      if [[ ! -f $archive ]]; then
        mkdir -p "$work/operator/src/operator/target"
        cp "$operator_jar" "$work/operator/src/operator/target/"
        build_app operator "$archive" "$ref" "$work/operator"
      fi
      record operator "$ref" "$archive"
      prune operator "$archive"
      ;;
    stream-service)
      packaged "$stream_jar"
      build_stream_base
      k=$(key "$stream_base_key" "$repo/stream-service/Dockerfile" "$repo/stream-service/image/layers.sh" "$stream_jar")
      ref="localhost/cadenza/stream-service:$k" archive="$dir/stream-service-$k.tar"
      if [[ ! -f $archive ]]; then
        "$repo/stream-service/image/layers.sh" "$stream_jar" "$work/stream-service/layers" >&2
        build_app stream-service "$archive" "$ref" "$work/stream-service" "$stream_base_ref"
      fi
      record stream-service "$ref" "$archive"
      prune stream-service "$archive"
      ;;
    client)
      packaged "$client_jar"
      build_jre17
      k=$(key "$jre_key" "$repo/client/Dockerfile" "$client_jar" "$repo"/client/target/lib/*.jar)
      ref="localhost/cadenza/client:$k" archive="$dir/client-$k.tar"
      if [[ ! -f $archive ]]; then
        mkdir -p "$work/client/src/client/target"
        cp "$client_jar" "$work/client/src/client/target/cadenza-client.jar"
        cp -r "$repo/client/target/lib" "$work/client/src/client/target/"
        build_app client "$archive" "$ref" "$work/client"
      fi
      record client "$ref" "$archive"
      prune client "$archive"
      ;;
    nginx)
      build_nginx
      record nginx "$nginx_ref" "$nginx_archive"
      ;;
    *) die "unknown image $target (jre17, pause, operator, stream-service, client, nginx)" ;;
  esac
done

log "images: $(cut -d' ' -f2 "$list" | tr '\n' ' ')"
echo "$list"
