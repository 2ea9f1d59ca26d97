"""Writes a seeded library of tagged audio files for bench/library-scale.sh.

Usage: library-gen.py SEED_DIR OUT_DIR TRACKS SEED

SEED_DIR holds seed.mp3 and seed.flac, tiny real files made once by ffmpeg without tags. Every
generated file is a copy of one of them with tags of its own, written here directly (an ID3v2.3
tag before the MP3 frames, a VORBIS_COMMENT block in the FLAC metadata): ffmpeg or jaudiotagger per
file would take an hour at 100k, this takes seconds. Same SEED, same library.
"""

import os
import random
import struct
import sys

WORDS = (
    "amber autumn blue broken candle cedar city cloud coral crimson dawn desert distant dream dust "
    "echo ember evening faded falling field fire forest ghost glass gold harbor heart hollow honey "
    "iron island ivory jade lantern light lonely lunar marble meadow midnight mirror morning moon "
    "neon night north ocean paper pearl quiet rain river rose salt scarlet shadow silver sky slow "
    "snow solar spring stone storm summer sun tide velvet violet wander water whisper wild willow "
    "winter wolf yellow young zephyr"
).split()
GENRES = "Rock Jazz Pop Folk Electronic Classical Blues Soul Metal Ambient Funk Reggae Country Punk Hip-Hop Latin Indie Trance House Gospel".split()
TRACKS_PER_ALBUM = 10
ALBUMS_PER_ARTIST = 2


def words(rng, n):
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(n))


def syncsafe(n):
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def id3v23(tags):
    frames = b""
    for fid, value in tags:
        data = b"\x00" + value.encode("latin-1")
        frames += fid.encode() + struct.pack(">I", len(data)) + b"\x00\x00" + data
    return b"ID3\x03\x00\x00" + syncsafe(len(frames)) + frames


def strip_id3(mp3):
    if mp3[:3] == b"ID3":
        size = (mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]
        return mp3[10 + size :]
    return mp3


def flac_parts(flac):
    """The seed's STREAMINFO block (without its header) and its audio frames."""
    assert flac[:4] == b"fLaC", "seed.flac is not FLAC"
    pos, info = 4, None
    while True:
        header = flac[pos]
        length = int.from_bytes(flac[pos + 1 : pos + 4], "big")
        if header & 0x7F == 0:
            info = flac[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if header & 0x80:
            return info, flac[pos:]


def flac_with(info, frames, tags):
    vendor = b"cadenza-bench"
    comment = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(tags))
    for key, value in tags:
        entry = f"{key}={value}".encode("utf-8")
        comment += struct.pack("<I", len(entry)) + entry
    return (
        b"fLaC"
        + bytes([0]) + len(info).to_bytes(3, "big") + info
        + bytes([0x84]) + len(comment).to_bytes(3, "big") + comment
        + frames
    )


def main():
    seed_dir, out, tracks, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    mp3 = strip_id3(open(os.path.join(seed_dir, "seed.mp3"), "rb").read())
    info, frames = flac_parts(open(os.path.join(seed_dir, "seed.flac"), "rb").read())
    n = 0
    artist_no = 0
    while n < tracks:
        artist_no += 1
        artist = f"{words(rng, 2)} {artist_no}"
        for a in range(ALBUMS_PER_ARTIST):
            if n >= tracks:
                break
            album = words(rng, rng.randint(1, 3))
            year = str(rng.randint(1960, 2025))
            genre = rng.choice(GENRES)
            ext = "flac" if rng.random() < 0.3 else "mp3"
            folder = os.path.join(out, artist, f"{year} - {album} ({a + 1})")
            os.makedirs(folder, exist_ok=True)
            for t in range(1, TRACKS_PER_ALBUM + 1):
                if n >= tracks:
                    break
                n += 1
                title = words(rng, rng.randint(1, 4))
                path = os.path.join(folder, f"{t:02d} {title}.{ext}")
                if ext == "mp3":
                    tags = [("TIT2", title), ("TPE1", artist), ("TALB", album), ("TRCK", str(t)),
                            ("TYER", year), ("TCON", genre)]
                    body = id3v23(tags) + mp3
                else:
                    tags = [("TITLE", title), ("ARTIST", artist), ("ALBUM", album),
                            ("TRACKNUMBER", str(t)), ("DATE", year), ("GENRE", genre)]
                    body = flac_with(info, frames, tags)
                with open(path, "wb") as f:
                    f.write(body)
    print(n)


if __name__ == "__main__":
    main()
