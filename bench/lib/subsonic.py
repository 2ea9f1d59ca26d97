"""Helpers of bench/subsonic.sh (sourced, never run on its own): the generated library, the URL
lists, the sequential full sync, and the report. Standard library only; talks to 127.0.0.1 only.

  python3 subsonic.py library DIR TRACKS DEMO     generated/ (TRACKS tagged WAVs), demo/, large/
  python3 subsonic.py ...                          (see main() for the other commands)
"""
import hashlib, json, os, random, shutil, struct, sys, time, urllib.parse, urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
TRACKS_PER_ALBUM, ALBUMS_PER_ARTIST = 25, 16
GENRES = ["Rock", "Jazz", "Electronic", "Folk", "Classical", "Hip-Hop", "Ambient", "Pop"]


def info_chunk(tags):
    """A RIFF LIST/INFO chunk (title INAM, artist IART, album IPRD, track ITRK, genre IGNR, year
    ICRD). The values are not NUL-terminated: the service keeps a terminating NUL in the tag."""
    body = b"INFO"
    for key, value in tags:
        data = value.encode()
        body += key.encode() + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")
    return b"LIST" + struct.pack("<I", len(body)) + body


def wav(path, samples, tags):
    """A valid 44.1 kHz 16-bit stereo PCM WAV with an INFO chunk (what jaudiotagger reads from WAVs)."""
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 44100, 44100 * 4, 4, 16)
    data = b"data" + struct.pack("<I", len(samples)) + samples
    info = info_chunk(tags) if tags else b""
    body = b"WAVE" + fmt + data + info
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def library(dest, tracks, demo):
    """dest/demo (the demo library), dest/large (4 x 16 MiB WAVs of noise) and dest/generated:
    TRACKS tagged WAVs of 1 KiB of samples, 25 per album, 16 albums per artist. Kept between runs
    (dest/.complete-TRACKS)."""
    mark = os.path.join(dest, f".complete-{tracks}")
    if os.path.exists(mark):
        print(f"library {dest} already generated ({tracks} tracks)", file=sys.stderr)
        return
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(demo, os.path.join(dest, "demo"), ignore=shutil.ignore_patterns("INDEX"))
    rnd = random.Random(42)
    os.makedirs(os.path.join(dest, "large"))
    for i in range(1, 5):
        wav(os.path.join(dest, "large", f"large-{i}.wav"), rnd.randbytes(16 << 20),
            [("INAM", f"Large {i}"), ("IART", "Cadenza Bench"), ("IPRD", "Large Files"), ("ITRK", str(i))])
    samples = rnd.randbytes(1024)
    start = time.time()
    for n in range(tracks):
        a, rest = divmod(n, TRACKS_PER_ALBUM * ALBUMS_PER_ARTIST)
        b, t = divmod(rest, TRACKS_PER_ALBUM)
        folder = os.path.join(dest, "generated", f"Artist {a:04d}", f"Album {a:04d}-{b:02d}")
        if t == 0:
            os.makedirs(folder)
        wav(os.path.join(folder, f"{t + 1:02d} Song {n:06d}.wav"), samples,
            [("INAM", f"Song {n:06d}"), ("IART", f"Artist {a:04d}"), ("IPRD", f"Album {a:04d}-{b:02d}"),
             ("ITRK", str(t + 1)), ("IGNR", GENRES[a % len(GENRES)]), ("ICRD", str(1960 + a % 60))])
    open(mark, "w").close()
    print(f"generated {tracks} tracks in {time.time() - start:.1f} s", file=sys.stderr)



class Server:
    """A running service: GETs with keep-alive-less urllib (setup only, never measured)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, headers=None, method="GET", body=None):
        req = urllib.request.Request(self.base + path, headers=headers or {}, method=method, data=body)
        with OPENER.open(req, timeout=60) as r:
            return r.read()

    def json(self, path, headers=None, method="GET", body=None):
        return json.loads(self.get(path, headers, method, body))


def basic(user, password):
    import base64
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def token_params(user, password, salt):
    return {"u": user, "t": hashlib.md5((password + salt).encode()).hexdigest(), "s": salt}


def q(params):
    return urllib.parse.urlencode(params)


def write_list(path, lines):
    with open(path, "w") as f:
        f.writelines(f"{u}\t{n}\n" for u, n in lines)


def prepare(port, name, auth, user, password, dest, page, stars, salts):
    """Setup of one service: an API key, stars on every (songs / stars)-th song, and the URL lists
    (URL<TAB>exact body size, sizes read once here) of every scenario: dest/<name>-<list>.txt.
    Prints the key (or "-" without auth) on stdout."""
    s = Server(port)
    key, hdr = "-", {}
    if auth:
        body = json.dumps({"name": "bench"}).encode()
        key = s.json("/api/v1/me/keys", {**basic(user, password), "Content-Type": "application/json"},
                     "POST", body)["key"]
        hdr = {"Authorization": "Bearer " + key}
    sub = {"apiKey": key} if auth else None

    # search3 pages (apiKey) in catalogue order, with each page's song ids
    lists = {"search3": [], "annotations": []}
    pages, songs = [], 0
    while auth:
        params = {"query": "", "artistCount": 0, "albumCount": 0, "songCount": page,
                  "songOffset": songs, "f": "json", **sub}
        url = f"{s.base}/rest/search3?{q(params)}"
        raw = s.get(url[len(s.base):])
        reply = json.loads(raw)["subsonic-response"]
        assert reply["status"] == "ok", reply
        ids = [x["id"] for x in reply["searchResult3"].get("song", [])]
        if not ids:
            break
        pages.append((url, len(raw), ids))
        songs += len(ids)
    starred = []
    if auth and stars > 0:
        every = max(1, songs // stars)
        all_ids = [i for _, _, ids in pages for i in ids]
        for i in all_ids[::every][:stars]:
            s.get(f"/api/v1/me/stars/track/{i}", hdr, "PUT")
            starred.append(i)
        # the pages' sizes once more: today search3 does not show stars, later it will
        pages = [(u, len(s.get(u[len(s.base):])), ids) for u, _, ids in pages]
    for url, size, ids in pages:
        lists["search3"].append((url, size))
        path = f"/api/v1/me/annotations?{q({'kind': 'track', 'ids': ','.join(ids)})}"
        lists["annotations"].append((s.base + path, len(s.get(path, hdr))))

    # a small catalogue request: the native first page of one track, and getSong of an unstarred song
    path = "/api/v1/tracks?limit=1"
    lists["native"] = [(s.base + path, len(s.get(path, hdr)))]
    first = json.loads(s.get(path, hdr))["items"][0]["id"]
    if auth:
        song = f"/rest/getSong?{q({'id': first, 'f': 'json'})}"
        lists["getsong-apikey"] = [(f"{s.base}{song}&{q(sub)}", len(s.get(f"{song}&{q(sub)}")))]
        lists["getsong-password"] = [(f"{s.base}{song}&{q({'u': user, 'p': password})}",
                                      len(s.get(f"{song}&{q({'u': user, 'p': password})}")))]
        size = len(s.get(f"{song}&{q(token_params(user, password, 'x0'))}"))
        rnd = random.Random(7)  # a fresh salt per request, as players send them
        lists["getsong-token"] = [
            (f"{s.base}{song}&{q(token_params(user, password, rnd.randbytes(6).hex()))}", size)
            for _ in range(salts)]
        for name_, lines in lists.items():
            if name_.startswith("getsong"):
                reply = json.loads(s.get(lines[0][0][len(s.base):]))["subsonic-response"]
                assert reply["status"] == "ok", (name_, reply)
    # the stream: the same files through both routes (demo: whole files; large: ranges)
    tracks, cursor = [], None
    while True:
        r = s.json("/api/v1/tracks?" + q({"limit": 500, **({"cursor": cursor} if cursor else {})}), hdr)
        tracks += [t for t in r["items"] if not t["path"].startswith("generated/")]
        cursor = r.get("next")
        if not cursor:
            break
    for kind in ("demo", "large"):
        chosen = sorted((t for t in tracks if t["path"].startswith(kind + "/")), key=lambda t: t["path"])
        lists[f"stream-native-{kind}"] = [(f"{s.base}/api/v1/tracks/{t['id']}/stream", t["size"]) for t in chosen]
        if auth:
            lists[f"stream-rest-{kind}"] = [(f"{s.base}/rest/stream?{q({'id': t['id'], **sub})}", t["size"])
                                            for t in chosen]
    for list_name, lines in lists.items():
        if lines:
            write_list(os.path.join(dest, f"{name}-{list_name}.txt"), lines)
    with open(os.path.join(dest, f"{name}-setup.json"), "w") as f:
        json.dump({"songs": songs, "pages": len(pages), "starred": len(starred)}, f)
    print(f"{name}: {songs} songs in {len(pages)} pages of {page}, {len(starred)} starred; lists in {dest}",
          file=sys.stderr)
    print(key)


def sync(search_list, annotations_list, key):
    """One full sync, sequential as a player does it: every search3 page in order (and, with an
    annotations list, each page's annotations right after it). Prints a JSON line."""
    def urls(path):
        with open(path) as f:
            return [line.split("\t") for line in f.read().splitlines() if line]
    search = urls(search_list)
    annotations = urls(annotations_list) if annotations_list != "-" else []
    hdr = {"Authorization": "Bearer " + key}
    import http.client
    port = urllib.parse.urlsplit(search[0][0]).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # one keep-alive connection

    def fetch(url, size, headers):
        u = urllib.parse.urlsplit(url)
        conn.request("GET", u.path + "?" + u.query, headers=headers)
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200 and len(body) == int(size), (url, r.status, len(body), size)
        return len(body)

    start, cpu0, nbytes = time.time(), time.process_time(), 0
    for i, (url, size) in enumerate(search):
        nbytes += fetch(url, size, {})
        if annotations:
            nbytes += fetch(annotations[i][0], annotations[i][1], hdr)
    seconds = time.time() - start
    print(json.dumps({"pages": len(search), "seconds": round(seconds, 3), "MB": round(nbytes / 1e6, 1),
                      "client_cpu_s": round(time.process_time() - cpu0, 3)}))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "library":
        library(args[0], int(args[1]), args[2])
    elif cmd == "prepare":
        port, name, auth, user, password, dest, page, stars, salts = args
        prepare(int(port), name, auth == "true", user, password, dest, int(page), int(stars), int(salts))
    elif cmd == "sync":
        sync(*args)
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
