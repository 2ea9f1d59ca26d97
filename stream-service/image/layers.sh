#!/usr/bin/env bash
# Splits the stream service's Spring Boot jar into the layers its image copies (dependencies,
# spring-boot-loader, snapshot-dependencies, application) and keeps only onnxruntime's native
# libraries for the image's platform: the onnxruntime jar carries them for six platforms (with
# macOS debug symbols), about 200 MB of which a Linux x86-64 image uses 22 MB.
# Run by stream-service/Dockerfile's build stage and by hack/images.sh; needs java and jar (a JDK).
#
#   stream-service/image/layers.sh JAR DESTINATION [NATIVE_PLATFORM]   (default linux-x64)
set -euo pipefail

jar_file=${1:?usage: layers.sh JAR DESTINATION [NATIVE_PLATFORM]}
dest=${2:?usage: layers.sh JAR DESTINATION [NATIVE_PLATFORM]}
platform=${3:-linux-x64}

# Jars rather than the launcher's exploded BOOT-INF: class-data sharing archives classes from jars
# on the class path only (the image's AppCDS archive, stream-service/Dockerfile).
java -Djarmode=tools -jar "$jar_file" extract --layers --destination "$dest"

shopt -s nullglob
for onnx in "$dest"/dependencies/lib/onnxruntime-*.jar; do
  unpacked=$(mktemp -d)
  (cd "$unpacked" && jar xf "$onnx")
  [[ -d $unpacked/ai/onnxruntime/native/$platform ]] || {
    echo "layers.sh: $onnx has no natives for $platform" >&2
    exit 1
  }
  for dir in "$unpacked"/ai/onnxruntime/native/*/; do
    [[ $(basename "$dir") == "$platform" ]] || rm -rf "$dir"
  done
  # repacked with its own manifest
  jar --create --file "$onnx" --manifest "$unpacked/META-INF/MANIFEST.MF" -C "$unpacked" .
  rm -rf "$unpacked"
done
