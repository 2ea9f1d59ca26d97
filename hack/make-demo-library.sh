#!/usr/bin/env bash
# Generates the bundled demo library: 8 short tagged tracks by 2 artists on 3 albums, in MP3, FLAC,
# Opus, Ogg Vorbis and M4A, synthesised with ffmpeg (no samples, nothing downloaded).
# The output is committed; re-run only to change it:  hack/make-demo-library.sh [OUT_DIR]
set -euo pipefail

out=${1:-"$(cd "$(dirname "$0")/.." && pwd)/stream-service/src/main/resources/demo-library"}
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed: apt-get install ffmpeg" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# cover NAME COLOR: a small PNG cover for an album
cover() { ff -f lavfi -i "color=c=$2:s=160x160,drawbox=x=40:y=40:w=80:h=80:color=white@0.6:t=fill" -frames:v 1 "$work/$1.png"; }

# A short melody: a sum of a few partials of notes that change every beat.
melody() { # FREQ1 FREQ2 FREQ3 FREQ4 BEAT_SECONDS
  local f="if(lt(mod(t,4*$5),$5),$1,if(lt(mod(t,4*$5),2*$5),$2,if(lt(mod(t,4*$5),3*$5),$3,$4)))"
  echo "0.35*sin(2*PI*($f)*t)*exp(-2*mod(t,$5))+0.12*sin(4*PI*($f)*t)*exp(-3*mod(t,$5))+0.05*sin(2*PI*55*t)"
}

cover dawn steelblue
cover tides darkorange
cover modes seagreen

render() { # FILE SECS F1 F2 F3 F4 BEAT then key=value tags
  local file=$1 secs=$2 f1=$3 f2=$4 f3=$5 f4=$6 beat=$7; shift 7
  local md=(); for kv in "$@"; do md+=(-metadata "$kv"); done
  local ext=${file##*.} cov=()
  mkdir -p "$(dirname "$out/$file")"
  case $ext in
    mp3) codec=(-c:a libmp3lame -b:a 96k) ;;
    flac) codec=(-c:a flac -sample_fmt s16 -ar 22050) ;;
    opus) codec=(-c:a libopus -b:a 48k) ;;
    ogg) codec=(-c:a libvorbis -q:a 2) ;;
    m4a) codec=(-c:a aac -b:a 96k) ;;
  esac
  if [ -n "${COVER:-}" ] && [[ $ext =~ ^(mp3|flac|m4a)$ ]]; then
    cov=(-i "$work/$COVER.png" -map 0:a -map 1:v -c:v png -disposition:v attached_pic)
    [ "$ext" = mp3 ] && cov+=(-id3v2_version 3)
  fi
  ff -f lavfi -i "aevalsrc=exprs='$(melody "$f1" "$f2" "$f3" "$f4" "$beat")':s=44100:c=stereo:d=$secs" \
    "${cov[@]}" "${codec[@]}" "${md[@]}" "$out/$file"
}

common_dawn=(artist="Aurora Lane" album_artist="Aurora Lane" album="Dawn Sketches" date=2024 genre=Ambient)
COVER=dawn render "Aurora Lane/Dawn Sketches/01 First Light.mp3" 14 220 277 330 440 0.5 \
  title="First Light" track=1/3 disc=1/1 "${common_dawn[@]}"
COVER=dawn render "Aurora Lane/Dawn Sketches/02 Morning Fog.flac" 10 196 247 294 392 0.75 \
  title="Morning Fog" track=2/3 disc=1/1 "${common_dawn[@]}"
COVER=dawn render "Aurora Lane/Dawn Sketches/03 Café Nocturne — Été.opus" 16 262 330 392 523 0.4 \
  title="Café Nocturne — Été" track=3/3 disc=1/1 "${common_dawn[@]}"

common_tides=(artist="Aurora Lane" album_artist="Aurora Lane" album="Tides" date=2025 genre=Electronic)
COVER=tides render "Aurora Lane/Tides/01 Low Water.ogg" 12 147 185 220 294 0.3 \
  title="Low Water" track=1/2 disc=1/1 "${common_tides[@]}"
COVER=tides render "Aurora Lane/Tides/02 Spring Tide.m4a" 15 165 208 247 330 0.35 \
  title="Spring Tide" track=2/2 disc=1/1 "${common_tides[@]}"

common_modes=(artist="The Quiet Modes" album_artist="The Quiet Modes" album="Seven Modes" date=2023 genre=Jazz)
COVER=modes render "The Quiet Modes/Seven Modes/01 Dorian Walk.mp3" 13 294 330 349 392 0.6 \
  title="Dorian Walk" track=1/3 disc=1/1 "${common_modes[@]}"
COVER=modes render "The Quiet Modes/Seven Modes/02 Lydian Rise.m4a" 11 349 392 440 494 0.45 \
  title="Lydian Rise" track=2/3 disc=1/1 "${common_modes[@]}"
COVER=modes render "The Quiet Modes/Seven Modes/03 Phrygian Dusk.ogg" 18 330 349 392 440 0.55 \
  title="Phrygian Dusk" track=3/3 disc=1/1 "${common_modes[@]}"

# The index lets the service extract the library from its jar without listing jar directories.
(cd "$out" && find . -type f ! -name INDEX | sed 's|^\./||' | LC_ALL=C sort > INDEX)
du -sh "$out"
cat "$out/INDEX"
