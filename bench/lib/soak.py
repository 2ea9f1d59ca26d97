"""The driver and sampler of bench/soak.sh (run by it, after it started the instances and the front).
Standard library only; talks to 127.0.0.1 only.

  python3 soak.py --front PORT --library DIR --out DIR --duration SECONDS --concurrency N
                  --interval SECONDS --gc-interval SECONDS --seed N --instance NAME:API_PORT:MANAGEMENT_PORT:PID ...
                  [--process NAME:PID ...]

Sets up users and API keys through the front (the admin's password in CADENZA_AUTH_ADMIN_PASSWORD),
then runs --concurrency workers through the front for --duration seconds while a sampler records,
every --interval seconds, each instance's RSS, open fds, threads, heap and requests by status, and
every --gc-interval seconds its heap after a full GC. Writes to --out: samples.jsonl (one line per sample and process), requests.json (counts
by kind and status, latencies, unexpected errors with examples) and setup.json.
"""
import argparse, base64, http.client, json, os, queue, random, re, signal, socket, sys, threading, time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from meters import parse_text, total  # noqa: E402
from subsonic import basic  # noqa: E402

BINARY = "application/vnd.cadenza.catalog+binary"
PROBLEM = "application/problem+json"
USERS = 4
EVENT_WAIT = 5.0  # a session change reaches an event stream (maybe on the other instance) within this
AUDIO = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".wav")


class Unexpected(Exception):
    """A request that did not get what it should: its category and a one-line example."""

    def __init__(self, category, detail):
        super().__init__(detail)
        self.category, self.detail = category, detail


# --- results shared by the workers ----------------------------------------------------------------
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}  # kind -> status -> n
        self.latency = {}  # kind -> [ms]
        self.unexpected = {}  # category -> {"count", "examples"}
        self.retries = 0  # requests retried once on a fresh connection (a kept-alive one was closed)
        self.closed_reused = []  # at such a close: (requests the connection had carried, seconds idle, method, the previous request: method, path, status, range)
        self.window = [0, 0]  # requests, unexpected since the last sample

    def count(self, kind, status, ms):
        with self.lock:
            by = self.counts.setdefault(kind, {})
            by[str(status)] = by.get(str(status), 0) + 1
            self.latency.setdefault(kind, []).append(round(ms, 2))
            self.window[0] += 1

    def fail(self, kind, category, detail):
        with self.lock:
            u = self.unexpected.setdefault(category, {"count": 0, "examples": []})
            u["count"] += 1
            if len(u["examples"]) < 5:
                u["examples"].append(f"{time.strftime('%H:%M:%S')} {kind}: {detail}"[:400])
            self.window[1] += 1

    def take_window(self):
        with self.lock:
            w, self.window = self.window, [0, 0]
            return w


# --- one worker's connection to the front -----------------------------------------------------------
class Client:
    def __init__(self, port, address, stats):
        self.port, self.address, self.stats = port, address, stats
        self.conn, self.used = None, 0
        self.last = time.monotonic()

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn, self.used = None, 0

    def open(self):
        if not self.conn:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.used = 0
        return self.conn

    def send(self, method, path, headers, body):
        """Sends a request and returns the response with its head read (the body is the caller's).
        A request on a kept-alive connection that the front closed in between is sent again once on
        a new connection, as browsers do (GET and HEAD only)."""
        headers = {"X-Forwarded-For": self.address, **headers}
        for attempt in (0, 1):
            reused = self.used > 0
            conn = self.open()
            try:
                conn.request(method, path, body=body, headers=headers)
                self.used += 1
                r = conn.getresponse()
                self.last = time.monotonic()
                self.prev = (method, re.sub(r"[A-Za-z0-9_-]{16,}", "ID", path)[:60], r.status, headers.get("Range", "")[:20])
                return r
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if reused:
                    with self.stats.lock:
                        if len(self.stats.closed_reused) < 1000:
                            self.stats.closed_reused.append((self.used, round(time.monotonic() - self.last, 2), method, getattr(self, 'prev', None)))
                self.close()
                if attempt or not reused or method not in ("GET", "HEAD"):
                    raise
                with self.stats.lock:
                    self.stats.retries += 1
            except Exception:
                self.close()
                raise

    def call(self, kind, method, path, headers=None, body=None, expect=(200,), read=True):
        """One request: counted under kind with its status; a status outside expect, a transport
        error or a timeout raises Unexpected. Returns (response, body bytes)."""
        t0 = time.perf_counter()
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        try:
            r = self.send(method, path, headers or {}, body)
            data = r.read() if read else b""
        except socket.timeout:
            self.close()
            raise Unexpected("timeout", f"{method} {path}: no answer within 30 s")
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise Unexpected("connection error", f"{method} {path}: {type(e).__name__}: {e}")
        if r.will_close and read:
            self.close()
        self.stats.count(kind, r.status, (time.perf_counter() - t0) * 1000)
        if r.status not in expect and not read:
            self.close()  # the unread body must not stay in front of the next request
        if r.status == 503 and re.search(rb'problems/(sessions|accounts|listening)-unavailable"', data):
            # the instance could not reach DynamoDB within cadenza.dynamodb.timeout: here, dynalite
            raise Unexpected("503 DynamoDB unavailable", f"{method} {path} -> {r.status} {data[:200]!r}")
        if r.status >= 500:
            raise Unexpected("5xx", f"{method} {path} -> {r.status} {data[:200]!r}")
        if r.status not in expect:
            raise Unexpected("wrong status", f"{method} {path} -> {r.status}, expected {expect}: {data[:200]!r}")
        if r.status >= 400 and method != "HEAD" and not r.getheader("Content-Type", "").startswith(PROBLEM):
            raise Unexpected("not a problem body", f"{method} {path} -> {r.status} {r.getheader('Content-Type')}")
        return r, data


# --- the library as the driver knows it: the catalogue plus each file's bytes ------------------------
class Library:
    def __init__(self, root, tracks):
        self.root = root
        self.tracks = tracks  # the catalogue's tracks
        self.small = [t for t in tracks if t["size"] < 1 << 20]
        self.large = [t for t in tracks if t["size"] >= 1 << 20]
        self.bytes = {}
        for t in tracks:
            with open(os.path.join(root, t["path"]), "rb") as f:
                self.bytes[t["id"]] = f.read()
            if len(self.bytes[t["id"]]) != t["size"]:
                sys.exit(f"{t['path']}: the catalogue says {t['size']} bytes, the file has {len(self.bytes[t['id']])}")
        words = set()
        for t in tracks:
            for field in ("title", "artist", "album"):
                words.update(w for w in re.findall(r"[A-Za-z]{4,}", t.get(field) or ""))
        self.words = sorted(words)
        self.etags = {}  # track id -> the strong ETag first seen
        self.lock = threading.Lock()

    def check_etag(self, track, r):
        etag = r.getheader("ETag")
        if not etag:
            raise Unexpected("missing validator", f"{track['path']}: no ETag")
        with self.lock:
            first = self.etags.setdefault(track["id"], etag)
        if first != etag:  # the files never change during a soak: every instance must say the same
            raise Unexpected("ETag changed", f"{track['path']}: {first} then {etag}")


def decode_varint(b, i):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        if c < 0x80:
            return n, i
        shift += 7


def binary_page_count(data):
    """The number of tracks in a compact catalogue page (docs/catalog-format.md), walking it whole."""
    if data[:5] != b"CDZC\x01":
        raise ValueError(f"magic/version {data[:5]!r}")
    n, i = decode_varint(data, 5)
    for _ in range(n):  # the dictionary
        h, i = decode_varint(data, i)
        i += 12 if h == 0 else h - 1
    count, i = decode_varint(data, i)
    for _ in range(count):
        length, i = decode_varint(data, i)
        i += length
    if i >= len(data) or data[i] not in (0, 1):
        raise ValueError("no next marker after the tracks")
    return count


# --- the scenarios ------------------------------------------------------------------------------------
class Worker(threading.Thread):
    def __init__(self, n, ctx):
        super().__init__(name=f"worker-{n}", daemon=True)
        self.n, self.ctx = n, ctx
        self.rnd = random.Random(ctx.seed * 1000 + n)
        self.user = ctx.users[n % len(ctx.users)]
        self.auth = {"Authorization": "Bearer " + self.user["key"]}
        # each worker is a player of its own: its address in X-Forwarded-For, which the front
        # appends to and the instances believe (the front is a trusted proxy)
        self.client = Client(ctx.front, f"10.77.{n // 250}.{n % 250 + 1}", ctx.stats)

    def run(self):
        scenarios = [(self.catalogue, 12), (self.binary, 6), (self.search, 8), (self.whole, 8),
                     (self.ranges, 20), (self.multirange, 2), (self.conditional, 8), (self.session, 6),
                     (self.abort, 4), (self.bad, 5), (self.clock, 3), (self.me, 2)]
        funcs, weights = zip(*scenarios)
        while time.monotonic() < self.ctx.deadline:
            f = self.rnd.choices(funcs, weights)[0]
            try:
                f()
            except Unexpected as e:
                self.ctx.stats.fail(f.__name__, e.category, e.detail)
            except Exception as e:  # a bug of the driver is reported as such, not hidden
                self.ctx.stats.fail(f.__name__, "driver error", f"{type(e).__name__}: {e}")
                self.client.close()
        self.client.close()

    def get(self, kind, path, expect=(200,), headers=None, method="GET", body=None, read=True):
        return self.client.call(kind, method, path, {**self.auth, **(headers or {})}, body, expect, read)

    def track(self, large_share=0.0):
        lib = self.ctx.library
        pool = lib.large if lib.large and self.rnd.random() < large_share else lib.small
        return self.rnd.choice(pool)

    def catalogue(self):
        r = self.rnd.random()
        limit = self.rnd.choice((1, 10, 50, 200, 500))
        if r < 0.5:  # a page, sometimes the next one too
            _, data = self.get("catalogue", f"/api/v1/tracks?limit={limit}")
            page = json.loads(data)
            if len(page["items"]) > limit or not page["items"]:
                raise Unexpected("wrong body", f"tracks?limit={limit}: {len(page['items'])} items")
            if page.get("next") and self.rnd.random() < 0.5:
                cursor = urllib.parse.quote(page["next"], safe="")
                self.get("catalogue", f"/api/v1/tracks?limit={limit}&cursor={cursor}")
        elif r < 0.7:
            self.get("catalogue", f"/api/v1/{self.rnd.choice(('albums', 'artists'))}?limit={limit}")
        elif r < 0.85:
            t = self.track()
            _, data = self.get("catalogue", f"/api/v1/tracks/{t['id']}")
            if json.loads(data)["path"] != t["path"]:
                raise Unexpected("wrong body", f"tracks/{t['id']} is not {t['path']}")
        else:
            t = self.track()
            self.get("catalogue", f"/api/v1/albums/{t['albumId']}")

    def binary(self):
        limit = self.rnd.choice((1, 50, 500))
        _, data = self.get("catalogue-binary", f"/api/v1/tracks?limit={limit}", headers={"Accept": BINARY})
        try:
            count = binary_page_count(data)
        except (ValueError, IndexError) as e:
            raise Unexpected("wrong body", f"compact page of limit={limit}: {e}")
        if not 0 < count <= limit:
            raise Unexpected("wrong body", f"compact page of limit={limit}: {count} tracks")

    def search(self):
        word = self.rnd.choice(self.ctx.library.words)
        _, data = self.get("search", f"/api/v1/tracks?q={urllib.parse.quote(word)}&limit=50")
        for t in json.loads(data)["items"]:
            text = " ".join(str(t.get(k) or "") for k in ("title", "artist", "albumArtist", "album", "genre", "path"))
            if word.lower() not in text.lower():
                raise Unexpected("wrong body", f"q={word} found {t['path']!r}")

    def whole(self):
        t = self.track(large_share=0.05)
        r, data = self.get("stream-whole", f"/api/v1/tracks/{t['id']}/stream")
        self.ctx.library.check_etag(t, r)
        if data != self.ctx.library.bytes[t["id"]]:
            raise Unexpected("wrong bytes", f"{t['path']}: {len(data)} bytes, not the file's {t['size']}")

    def ranges(self):
        t = self.track(large_share=0.7)
        size, rnd = t["size"], self.rnd
        length = rnd.randint(1, min(size, 256 << 10))
        start = rnd.randint(0, size - length)
        form = rnd.random()
        if form < 0.8:
            spec, first, last = f"{start}-{start + length - 1}", start, start + length - 1
        elif form < 0.9:
            spec, first, last = f"-{length}", size - length, size - 1
        else:  # open-ended from near the end
            spec, first, last = f"{size - length}-", size - length, size - 1
        r, data = self.get("stream-range", f"/api/v1/tracks/{t['id']}/stream", (206,),
                           {"Range": f"bytes={spec}"})
        want = f"bytes {first}-{last}/{size}"
        if r.getheader("Content-Range") != want:
            raise Unexpected("wrong range", f"{t['path']} bytes={spec}: Content-Range {r.getheader('Content-Range')}, not {want}")
        if data != self.ctx.library.bytes[t["id"]][first:last + 1]:
            raise Unexpected("wrong bytes", f"{t['path']} bytes={spec}: {len(data)} bytes differ from the file's")

    def multirange(self):
        t = self.track()
        size = t["size"]
        a = sorted(self.rnd.sample(range(size), 4))
        spans = [(a[0], a[1]), (a[2], a[3])]
        if a[1] + 1 >= a[2]:  # touching or overlapping ranges are coalesced: keep them apart
            spans = [(a[0], a[1])]
        spec = ",".join(f"{s}-{e}" for s, e in spans)
        r, data = self.get("stream-multirange", f"/api/v1/tracks/{t['id']}/stream", (206,), {"Range": f"bytes={spec}"})
        body = self.ctx.library.bytes[t["id"]]
        ctype = r.getheader("Content-Type", "")
        if len(spans) == 1:
            ok = data == body[spans[0][0]:spans[0][1] + 1]
        else:
            m = re.search(r"boundary=([^;\s]+)", ctype)
            if not ctype.startswith("multipart/byteranges") or not m:
                raise Unexpected("wrong range", f"{t['path']} bytes={spec}: Content-Type {ctype}")
            parts = [p for p in data.split(b"--" + m.group(1).encode())[1:] if not p.startswith(b"--")]
            got = []
            for p in parts:
                head, _, rest = p.partition(b"\r\n\r\n")
                cr = re.search(rb"Content-Range: bytes (\d+)-(\d+)/(\d+)", head, re.I)
                got.append((int(cr.group(1)), int(cr.group(2)), rest[:-2]) if cr else None)
            ok = [(s, e) for s, e, _ in got if got and None not in got] == spans and all(
                part == body[s:e + 1] for s, e, part in got)
        if not ok:
            raise Unexpected("wrong bytes", f"{t['path']} bytes={spec}: the parts differ from the file")

    def conditional(self):
        lib, t = self.ctx.library, self.track(large_share=0.2)
        path = f"/api/v1/tracks/{t['id']}/stream"
        r, _ = self.get("conditional", path, method="HEAD")
        lib.check_etag(t, r)
        etag, modified = r.getheader("ETag"), r.getheader("Last-Modified")
        if r.getheader("Content-Length") != str(t["size"]):
            raise Unexpected("wrong body", f"HEAD {t['path']}: Content-Length {r.getheader('Content-Length')}")
        case = self.rnd.randrange(6)
        if case == 0:
            self.get("conditional", path, (304,), {"If-None-Match": etag})
        elif case == 1:
            self.get("conditional", path, (304,), {"If-Modified-Since": modified})
        elif case == 2:
            n = min(t["size"], 1000)
            r, data = self.get("conditional", path, (206,), {"Range": f"bytes=0-{n - 1}", "If-Range": etag})
            if data != lib.bytes[t["id"]][:n]:
                raise Unexpected("wrong bytes", f"If-Range {t['path']}: the range differs")
        elif case == 3 and t["size"] < 1 << 20:  # a stale If-Range: the whole file
            r, data = self.get("conditional", path, (200,), {"Range": "bytes=0-99", "If-Range": '"stale"'})
            if data != lib.bytes[t["id"]]:
                raise Unexpected("wrong bytes", f"stale If-Range {t['path']}: not the whole file")
        elif case == 4:
            self.get("conditional", path, (412,), {"If-Match": '"not-this-one"'})
        else:
            r, _ = self.get("conditional", path, (416,), {"Range": f"bytes={t['size'] + 10}-"})
            if r.getheader("Content-Range") != f"bytes */{t['size']}":
                raise Unexpected("wrong range", f"416 {t['path']}: Content-Range {r.getheader('Content-Range')}")

    def abort(self):
        """A player that goes away mid-body: reads a little of a large response, then closes."""
        t = self.track(large_share=0.9)
        headers = {} if self.rnd.random() < 0.5 else {"Range": f"bytes={self.rnd.randrange(t['size'] // 2)}-"}
        r, _ = self.get("abort", f"/api/v1/tracks/{t['id']}/stream", (200, 206), headers, read=False)
        r.read(self.rnd.choice((1, 4096, 65536)))
        self.client.close()

    def bad(self):
        t = self.track()
        cases = [
            ("GET", "/api/v1/tracks/AAAAAAAAAAAAAAAA/stream", {}, None, (404,)),
            ("GET", "/api/v1/tracks/AAAAAAAAAAAAAAAA", {}, None, (404,)),
            ("GET", "/api/v1/tracks?limit=0", {}, None, (400,)),
            ("GET", "/api/v1/tracks?limit=5&limit=7", {}, None, (400,)),
            ("GET", "/api/v1/tracks?cursor=not-a-cursor", {}, None, (400,)),
            ("GET", "/api/v1/tracks?q=%zz", {}, None, (400,)),
            ("GET", "/api/v1/tracks", {"Accept": "text/html"}, None, (406,)),
            ("POST", "/api/v1/sessions", {"Content-Type": "text/plain"}, b"{}", (415,)),
            ("POST", "/api/v1/sessions", {"Content-Type": "application/json"}, b"{", (400,)),
            ("POST", f"/api/v1/tracks/{t['id']}/stream", {}, None, (405,)),
            ("GET", "/api/v1/no-such-route", {}, None, (404,)),
            ("GET", "/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA", {}, None, (404,)),
            ("POST", "/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA/pause", {}, None, (404,)),
            ("GET", "/api/v1/users", {}, None, (403,)),
            ("GET", "/actuator/prometheus", {}, None, (404,)),
        ]
        method, path, headers, body, expect = self.rnd.choice(cases)
        self.get("bad-request", path, expect, headers, method, body)
        if self.rnd.random() < 0.2:  # no credentials, and a key nobody issued (a failed login: 429 once locked out)
            self.client.call("bad-request", "GET", "/api/v1/tracks?limit=1", {}, None, (401,))
            bogus = Client(self.ctx.front, "10.77.255.1", self.ctx.stats)
            try:
                bogus.call("bad-request", "GET", "/api/v1/me", {"Authorization": "Bearer cdz_not-a-key"}, None, (401, 429))
            finally:
                bogus.close()

    def clock(self):
        _, data = self.client.call("clock", "GET", f"/api/v1/time?t1={time.time_ns() // 1000}")
        if "receiveMicros" not in json.loads(data):
            raise Unexpected("wrong body", f"time: {data[:100]!r}")

    def me(self):
        if self.rnd.random() < 0.5:
            headers = basic(self.user["username"], self.user["password"])
        else:
            headers = self.auth
        _, data = self.client.call("me", "GET", "/api/v1/me", headers)
        if json.loads(data)["username"] != self.user["username"]:
            raise Unexpected("wrong body", f"me: {data[:100]!r}")

    def session(self):
        """A group session from creation to its end, followed by an event stream held open meanwhile
        (on a connection of its own, which the front may hash to the other instance). At most a
        quarter of the workers are in one at a time."""
        if not self.ctx.session_slots.acquire(blocking=False):
            return self.ranges()
        sid, events = None, None
        try:
            _, data = self.get("session", "/api/v1/sessions", (201,), method="POST", body={"name": f"soak {self.n}"})
            sid = json.loads(data)["id"]
            events = EventStream(self.ctx, self.client.address, self.auth, sid)
            events.wait(1, "snapshot")
            base = f"/api/v1/sessions/{sid}"
            r, data = self.get("session", base + "/members", (201,), method="POST", body={"name": f"player {self.n}"})
            member = json.loads(data)["id"]
            events.wait(etag_version(r), "joined")
            t = self.rnd.choice([t for t in self.ctx.library.tracks if t.get("durationMs")] or self.ctx.library.tracks)
            r, _ = self.get("session", base + "/play", method="POST", body={"trackId": t["id"]})
            events.wait(etag_version(r), "play")
            time.sleep(self.rnd.uniform(0.5, 8))  # listening; the stream stays open
            duration = max(1, (t.get("durationMs") or 1000) * 1000)
            r, _ = self.get("session", base + "/seek", method="POST",
                            body={"positionMicros": self.rnd.randrange(duration)})
            events.wait(etag_version(r), "seek")
            r, _ = self.get("session", base + "/pause", method="POST")
            version = etag_version(r)
            events.wait(version, "pause")
            self.get("session", base, (304,), {"If-None-Match": f'"{version}"'})
            self.get("session", base + "/play", (412,), {"If-Match": f'"{version - 1}"'}, "POST")
            r, _ = self.get("session", base + "/play", method="POST")
            events.wait(etag_version(r), "play")
            if self.rnd.random() < 0.3:  # the player closes its stream first (a client abort)
                events.close()
                events = None
            else:
                time.sleep(self.rnd.uniform(0, 5))
            self.get("session", f"{base}/members/{member}", (204,), method="DELETE")
            self.get("session", base, (204,), method="DELETE")
            sid = None
            if events:
                events.wait_end()
        finally:
            if events:
                events.close()
            if sid:  # failed half-way: end it anyway, so that the user's quota of live sessions holds
                try:
                    self.get("session", f"/api/v1/sessions/{sid}", (204, 404), method="DELETE")
                except Unexpected:
                    pass
            self.ctx.session_slots.release()


def etag_version(r):
    return int(r.getheader("ETag", '"0"').strip('W/"'))


class EventStream:
    """GET /api/v1/sessions/{id}/events on a connection of its own, read by a thread into a queue."""

    def __init__(self, ctx, address, auth, sid):
        self.ctx, self.sid, self.events, self.closing = ctx, sid, queue.Queue(), False
        self.client = Client(ctx.front, address, ctx.stats)
        self.response, _ = self.client.call("session-events", "GET", f"/api/v1/sessions/{sid}/events",
                                            {**auth, "Accept": "text/event-stream"}, read=False)
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()
        self.last = 0

    def read(self):
        kind, version = None, None
        try:
            while True:
                line = self.response.readline()
                if not line:
                    self.events.put(("eof", None))
                    return
                line = line.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("id:"):
                    version = int(line[3:].strip())
                elif line == "" and kind:
                    self.events.put((kind, version))
                    kind, version = None, None
        except Exception as e:
            if not self.closing:
                self.events.put(("error", f"{type(e).__name__}: {e}"))

    def wait(self, version, kind):
        """Until an event of at least version arrives (versions may be coalesced: the newest counts)."""
        deadline = time.monotonic() + EVENT_WAIT
        while self.last < version:
            try:
                got, v = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise Unexpected("event missing", f"session {self.sid[:6]}…: no {kind} event (version {version}) "
                                                  f"within {EVENT_WAIT:.0f} s; last {self.last}")
            if got in ("eof", "error", "ended"):
                raise Unexpected("event stream ended", f"session {self.sid[:6]}…: {got} {v or ''} "
                                                       f"while waiting for {kind} (version {version})")
            self.last = max(self.last, v or 0)

    def wait_end(self):
        """After the session was deleted: `ended`, then the stream completes."""
        deadline = time.monotonic() + EVENT_WAIT
        seen = False
        while True:
            try:
                got, _ = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise Unexpected("event missing", f"session {self.sid[:6]}…: "
                                                  f"{'the stream did not complete' if seen else 'no ended event'} "
                                                  f"within {EVENT_WAIT:.0f} s of DELETE")
            if got == "ended":
                seen = True
            elif got == "eof" and seen:
                return
            elif got in ("eof", "error"):
                raise Unexpected("event stream ended", f"session {self.sid[:6]}…: {got} without ended")

    def close(self):
        self.closing = True
        try:
            if self.client.conn and self.client.conn.sock:
                self.client.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.client.close()
        self.thread.join(timeout=5)


# --- the sampler --------------------------------------------------------------------------------------
def attach_command(pid, command):
    """Runs a diagnostic command in a HotSpot JVM through its attach socket, as `jcmd` does, without
    starting a JVM for it (jcmd's own start costs more CPU than the command). Returns its output."""
    sock_path = f"/tmp/.java_pid{pid}"
    if not os.path.exists(sock_path):
        trigger = f"/tmp/.attach_pid{pid}"  # HotSpot looks in its working directory, then in /tmp
        open(trigger, "w").close()
        try:
            os.kill(pid, signal.SIGQUIT)  # with the trigger file present: start the attach listener
            for _ in range(100):
                if os.path.exists(sock_path):
                    break
                time.sleep(0.1)
        finally:
            os.unlink(trigger)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(60)
        s.connect(sock_path)
        s.sendall(b"1\0jcmd\0" + command.encode() + b"\0\0\0")
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    code, _, text = out.decode(errors="replace").partition("\n")
    if code.strip() != "0":
        raise RuntimeError(f"{command}: {out[:200]!r}")
    return text


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_status(pid):
    """RSS, threads, open fds and CPU seconds (user + system) so far of a process"""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read().rsplit(")", 1)[1].split()
    return {"rss_bytes": int(fields["VmRSS"].split()[0]) * 1024, "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")), "cpu_s": (int(stat[11]) + int(stat[12])) / CLK_TCK}


def http_get(port, path, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def sample_instance(inst, full_gc):
    s = {"heap_after_gc_bytes": None}
    if full_gc:
        # heap used after a full GC: the figure a leak moves (the raw heap saws with every young
        # GC). A full GC pauses the instance (tens to hundreds of ms on 2 busy cores), so it runs
        # every --gc-interval seconds, not at every sample.
        attach_command(inst["pid"], "GC.run")
        used = re.search(r"used (\d+)K", attach_command(inst["pid"], "GC.heap_info"))
        s["heap_after_gc_bytes"] = int(used.group(1)) * 1024 if used else None
        # where the rest of the RSS is, by the JVM's own account (when it runs with
        # -XX:NativeMemoryTracking=summary, as bench/soak.sh starts it)
        nmt = attach_command(inst["pid"], "VM.native_memory summary")
        s["nmt_committed_bytes"] = {
            m.group(1).strip(): int(m.group(2)) * (1024 if m.group(3) else 1)
            for m in re.finditer(r"^-\s*(.+?) \(reserved=\d+(?:KB)?, committed=(\d+)(KB)?\)", nmt, re.M)}
    status, text = http_get(inst["mport"], "/actuator/prometheus")
    m = parse_text(text.decode()) if status == 200 else {}
    s["heap_used_bytes"] = total(m, "jvm_memory_used_bytes", area="heap")
    s.update(proc_status(inst["pid"]))
    by_status = {}
    for (name, labels), v in m.items():
        d = dict(labels)
        if name == "cadenza_stream_requests_seconds_count" or (
                name == "http_server_requests_seconds_count" and not d.get("uri", "").startswith("/actuator")):
            by_status[d.get("status", "?")] = by_status.get(d.get("status", "?"), 0) + v
    s["requests_by_status"] = {k: round(v) for k, v in sorted(by_status.items())}
    for key, name, want in [
        ("direct_buffer_bytes", "jvm_buffer_memory_used_bytes", {"id": "direct"}),
        ("metaspace_bytes", "jvm_memory_used_bytes", {"id": "Metaspace"}),
        ("heap_committed_bytes", "jvm_memory_committed_bytes", {"area": "heap"}),
        ("l2_write_queue", "cadenza_cache_l2_write_queue", {}),
        ("l1_bytes", "cadenza_cache_size_bytes", {"tier": "l1"}),
        ("connections_open", "cadenza_connections_open", {}),
        ("event_streams_open", "cadenza_event_streams_open", {}),
        ("client_aborts", "cadenza_stream_client_aborts_total", {}),
        ("gc_pause_count", "jvm_gc_pause_seconds_count", {}),
        ("gc_pause_seconds", "jvm_gc_pause_seconds_sum", {}),
    ]:
        s[key] = total(m, name, **want)
    s["gc_pause_max_seconds"] = max((v for (n, _), v in m.items() if n == "jvm_gc_pause_seconds_max"), default=0)
    return s


def sampler(ctx, instances, processes, path, interval, gc_interval, stop):
    start = time.monotonic()
    last_gc = None
    with open(path, "w") as out:
        n = 0
        while True:
            t = time.monotonic() - start
            full_gc = last_gc is None or t - last_gc >= gc_interval - interval / 2
            if full_gc:
                last_gc = t
            requests, unexpected = ctx.stats.take_window()
            with open("/proc/loadavg") as f:
                load = float(f.read().split()[0])
            line = {"t": round(t, 1), "time": time.strftime("%H:%M:%S"), "load1": load, "driver": {
                "requests": requests, "unexpected": unexpected, **proc_status(os.getpid())}}
            for inst in instances:
                try:
                    line[inst["name"]] = sample_instance(inst, full_gc)
                except Exception as e:
                    line[inst["name"]] = {"error": f"{type(e).__name__}: {e}"}
                    ctx.stats.fail("sampler", "sampler error", f"{inst['name']}: {type(e).__name__}: {e}")
            for name, pid in processes:
                try:
                    line[name] = proc_status(pid)
                except OSError as e:
                    line[name] = {"error": str(e)}
                    ctx.stats.fail("sampler", "process gone", f"{name} (pid {pid}): {e}")
            out.write(json.dumps(line) + "\n")
            out.flush()
            if full_gc:
                print(f"   {line['time']} t={t:5.0f}s  {requests / interval:6.1f} req/s, {unexpected} unexpected; "
                      + "; ".join(f"{i['name']}: heap after GC {(line[i['name']].get('heap_after_gc_bytes') or 0) / 2**20:.0f} MiB, "
                                  f"RSS {line[i['name']].get('rss_bytes', 0) / 2**20:.0f} MiB, "
                                  f"{line[i['name']].get('fds')} fds, {line[i['name']].get('threads')} threads"
                                  for i in instances), file=sys.stderr)
            n += 1
            if stop.wait(max(0, start + n * interval - time.monotonic())):
                return


# --- set-up -------------------------------------------------------------------------------------------
def setup(front, lib_root, instances):
    """Users and their API keys through the front; the catalogue, once both instances list every file."""
    admin = basic("admin", os.environ["CADENZA_AUTH_ADMIN_PASSWORD"])
    stats = Stats()
    c = Client(front, "10.77.254.1", stats)
    users = []
    for i in range(1, USERS + 1):
        u = {"username": f"soak-{i}", "password": base64.urlsafe_b64encode(os.urandom(18)).decode()}
        c.call("setup", "POST", "/api/v1/users", admin, {"username": u["username"], "password": u["password"]}, (201,))
        _, data = c.call("setup", "POST", "/api/v1/me/keys", basic(u["username"], u["password"]), {"name": "soak"}, (201,))
        u["key"] = json.loads(data)["key"]
        users.append(u)
    files = sum(1 for _, _, fs in os.walk(lib_root) for f in fs if f.lower().endswith(AUDIO))
    key = {"Authorization": "Bearer " + users[0]["key"]}
    deadline = time.monotonic() + 300
    for inst in instances:  # each instance directly: the follower serves the shared catalogue too
        direct = Client(inst["port"], "10.77.254.2", stats)
        while True:
            tracks, cursor = [], None
            while True:
                q = "limit=500" + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else "")
                _, data = direct.call("setup", "GET", f"/api/v1/tracks?{q}", key)
                page = json.loads(data)
                tracks += page["items"]
                cursor = page.get("next")
                if not cursor:
                    break
            if len(tracks) >= files:
                break
            if time.monotonic() > deadline:
                sys.exit(f"{inst['name']} lists {len(tracks)} of {files} files after 300 s")
            time.sleep(2)
        direct.close()
        print(f"   {inst['name']} lists {len(tracks)} tracks", file=sys.stderr)
    c.close()
    return users, tracks


def warm_up(ctx, instances, threads=8):
    """Every track once, whole and checked, through the front, then until the instances' L2 write
    queues are empty: the soak starts on the steady state of the cache instead of on the burst of
    first reads and L2 writes (which dynalite, one Node.js process on the same cores, takes seconds
    to absorb: DynamoDB calls time out meanwhile). A 503 here is waited out (Retry-After) and
    counted; anything else unexpected counts as in the soak."""
    todo = queue.Queue()
    for t in sorted(ctx.library.tracks, key=lambda t: -t["size"]):
        todo.put(t)
    waited = [0]
    lock = threading.Lock()

    def run(n):
        c = Client(ctx.front, f"10.77.253.{n + 1}", Stats())
        auth = {"Authorization": "Bearer " + ctx.users[n % len(ctx.users)]["key"]}
        while True:
            try:
                t = todo.get_nowait()
            except queue.Empty:
                c.close()
                return
            for attempt in range(30):
                try:
                    _, data = c.call("warm-up", "GET", f"/api/v1/tracks/{t['id']}/stream", auth)
                    if data != ctx.library.bytes[t["id"]]:
                        ctx.stats.fail("warm-up", "wrong bytes", f"{t['path']}: {len(data)} bytes differ from the file")
                    break
                except Unexpected as e:
                    if " -> 503 " in e.detail and attempt < 29:
                        with lock:
                            waited[0] += 1
                        time.sleep(1)
                        continue
                    ctx.stats.fail("warm-up", e.category, e.detail)
                    break

    start = time.monotonic()
    workers = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    read_s = time.monotonic() - start
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        queued = 0
        for inst in instances:
            status, text = http_get(inst["mport"], "/actuator/prometheus")
            queued += total(parse_text(text.decode()), "cadenza_cache_l2_write_queue") if status == 200 else 1
        if not queued:
            break
        time.sleep(1)
    return {"tracks": len(ctx.library.tracks), "read_s": round(read_s, 1),
            "drain_s": round(time.monotonic() - start - read_s, 1), "waited_503": waited[0]}


class Context:
    pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--front", type=int, required=True)
    p.add_argument("--library", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--duration", type=int, required=True)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--gc-interval", type=int, default=60)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--instance", action="append", required=True)
    p.add_argument("--process", action="append", default=[])
    a = p.parse_args()
    instances = []
    for spec in a.instance:
        name, port, mport, pid = spec.split(":")
        instances.append({"name": name, "port": int(port), "mport": int(mport), "pid": int(pid)})
    processes = [(s.split(":")[0], int(s.split(":")[1])) for s in a.process]

    users, tracks = setup(a.front, a.library, instances)
    ctx = Context()
    ctx.front, ctx.seed, ctx.users, ctx.stats = a.front, a.seed, users, Stats()
    ctx.library = Library(a.library, tracks)
    ctx.session_slots = threading.BoundedSemaphore(max(1, a.concurrency // 4))
    print(f"   warm-up: every track once through the front, then until the L2 write queues are empty",
          file=sys.stderr)
    warm = warm_up(ctx, instances)
    print(f"   warm-up: {warm}", file=sys.stderr)
    with open(os.path.join(a.out, "setup.json"), "w") as f:
        json.dump({"users": len(users), "tracks": len(tracks), "small": len(ctx.library.small),
                   "large": len(ctx.library.large), "search_words": len(ctx.library.words),
                   "warm_up": warm}, f)

    stop = threading.Event()
    started = time.time()
    ctx.deadline = time.monotonic() + a.duration
    sampling = threading.Thread(target=sampler, name="sampler", daemon=True,
                                args=(ctx, instances, processes, os.path.join(a.out, "samples.jsonl"), a.interval,
                                      a.gc_interval, stop))
    sampling.start()
    workers = [Worker(n, ctx) for n in range(a.concurrency)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.time() - started
    time.sleep(max(0.0, a.interval - (elapsed % a.interval)) if elapsed % a.interval > 1 else 0)
    stop.set()
    sampling.join()
    s = ctx.stats
    with open(os.path.join(a.out, "requests.json"), "w") as f:
        json.dump({"seconds": round(elapsed, 1), "counts": s.counts, "unexpected": s.unexpected,
                   "retries": s.retries, "closed_reused": s.closed_reused, "latency": s.latency}, f)
    print(f"   {sum(sum(v.values()) for v in s.counts.values())} requests in {elapsed:.0f} s, "
          f"{sum(u['count'] for u in s.unexpected.values())} unexpected", file=sys.stderr)


if __name__ == "__main__":
    main()
