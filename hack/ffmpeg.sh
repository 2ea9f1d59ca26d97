#!/usr/bin/env bash
# Installs ffmpeg (Debian's package: ffmpeg and ffprobe) for transcoding: the stream service runs
# ffmpeg as a subprocess to serve Opus, MP3 and AAC variants of a track (docs/transcoding.md), and
# its tests check what it made with ffprobe. The stream image installs the same package
# (hack/images.sh). Idempotent; as a user other than root it only says how to install
# (hack/debian-package.sh), and the service then serves originals and says so in its health.
#
#   hack/ffmpeg.sh
exec "$(dirname "$0")/debian-package.sh" ffmpeg ffmpeg -version
