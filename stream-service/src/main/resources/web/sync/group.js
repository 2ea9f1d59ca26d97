// Group playback in the browser: create or join a session, follow its event stream, and play what
// the session says on Web Audio at the media-clock instant it says (docs/sessions.md has the
// anchor model; docs/web.md, "Group playback", how this page keeps to it).

/** How far ahead of now (media clock) a command takes effect: time for every member to hear of it. */
export const DEFAULT_LEAD_MS = 300;
/** A start sooner than this from now is moved to now + this, at the position the anchor gives then. */
const SCHEDULE_MARGIN_MICROS = 40_000;
/** Decoded tracks kept: the one playing and the one before (a seek back, a replay). */
const DECODED_TRACKS = 2;
/**
 * A source heard further than this from where the anchor says is restarted at the right position.
 * The audio clock stalls when its thread misses a deadline (a busy machine) and drifts from the
 * system clock on real hardware (tens of ppm): either moves a scheduled source away from the others.
 */
const DRIFT_LIMIT_MICROS = 3_000;
const DRIFT_CHECK_MS = 250;

/** Position (µs) of a session's playback at media instant `t` (Playback.positionAt in the protocol module). */
export function positionAt(playback, t) {
  if (playback.state !== 'PLAYING' || t <= playback.atMicros) return playback.positionMicros;
  const position = playback.positionMicros + (t - playback.atMicros);
  return playback.durationMicros > 0 ? Math.min(position, playback.durationMicros) : position;
}

function sameAnchor(a, b) {
  return a && b && a.state === b.state && a.trackId === b.trackId
    && a.positionMicros === b.positionMicros && a.atMicros === b.atMicros;
}

/**
 * One page's membership of one session. Dispatches:
 * - `change` (detail: the session view) on every new version;
 * - `scheduled` (detail: {trackId, atMicros, startMicros, when, offsetSeconds, late, restart}) when a
 *   source is set to start: `startMicros` is the media instant it is heard at, `when` its
 *   AudioContext time; `late` when that is after the anchor's instant, `restart` after a drift;
 * - `drift` (detail: {driftMicros}) when the playing source had drifted from the anchor and restarts;
 * - `connection` (detail: 'live' | 'reconnecting' | 'unreachable');
 * - `ended` (detail: {reason}) once, when this page's membership is over: `reason` is 'ended' (ended
 *   by its owner, expired, or unknown to the server) or 'removed' (this member was removed by another);
 * - `problem` (detail: an Error) when a track cannot be fetched or decoded.
 */
export class GroupPlayback extends EventTarget {
  #api;
  #clock;
  #audio;
  #output;
  #fetch;
  #EventSource;
  #leadMicros;
  #decoded = new Map();
  #events = null;
  #retry = null;
  #source = null;
  #playing = null;
  #watch = null;
  #anchor = null;
  #generation = 0;
  #closed = false;
  #ended = false;
  #listed = false; // a session view has listed this member: one that no longer does means removed
  #sessionId = null;
  session = null;
  member = null;
  /** The event stream: 'connecting', 'live', 'reconnecting' or 'unreachable'. */
  connection = 'connecting';

  /**
   * @param {object} options
   * @param {{get: Function, post: Function, delete: Function}} options.api JSON requests that throw
   *   on a refusal ({status, detail}; status 0: no answer), as web/api.js makes them
   * @param {import('./clock.js').MediaClock} options.clock
   * @param {AudioContext} options.audioContext
   * @param {(url: string, init?: object) => Promise<Response>} [options.fetch] fetches the tracks
   */
  constructor({ api, clock, audioContext, fetch: fetchLike = globalThis.fetch.bind(globalThis),
    EventSource: EventSourceImpl = globalThis.EventSource, leadMs = DEFAULT_LEAD_MS }) {
    super();
    this.#api = api;
    this.#clock = clock;
    this.#audio = audioContext;
    this.#output = audioContext.destination;
    this.#fetch = fetchLike;
    this.#EventSource = EventSourceImpl;
    this.#leadMicros = leadMs * 1000;
  }

  /** Creates a session (this page is not a member yet: join it). */
  static create(api, name) {
    return api.post('/api/v1/sessions', name ? { name } : {});
  }

  /** Joins the session as `name`, and follows it. */
  async join(sessionId, name) {
    this.member = await this.#api.post(`/api/v1/sessions/${encodeURIComponent(sessionId)}/members`, { name });
    this.#sessionId = sessionId;
    this.#follow(sessionId);
    this.#clock.start().catch(() => {}); // the view shows the clock's own errors
    return this.member;
  }

  /** Leaves the session: stops the audio, the event stream and the membership. */
  async leave({ keepalive = false } = {}) {
    const { member } = this;
    this.close();
    if (member) {
      await this.#api.delete(`/api/v1/sessions/${encodeURIComponent(this.#sessionId)}/members/${member.id}`, { keepalive })
        .catch(() => {}); // gone already, or the server is away: the member expires with the session
    }
  }

  /** Stops following without leaving (the page goes away). */
  close() {
    this.#closed = true;
    this.#events?.close();
    clearTimeout(this.#retry);
    clearInterval(this.#watch);
    this.#stopAt(null);
  }

  /**
   * Plays `trackId` from `positionMicros`, or resumes the current track without one. A new track is
   * fetched and decoded first (for at most 2 s), so that at least the page that asks is ready in time.
   */
  async play({ trackId, positionMicros } = {}) {
    if (trackId) await Promise.race([this.#decode(trackId).catch(() => {}), sleep(2000)]);
    return this.#command('play', { trackId, positionMicros });
  }

  pause() {
    return this.#command('pause', {});
  }

  seek(positionMicros) {
    return this.#command('seek', { positionMicros: Math.max(0, Math.round(positionMicros)) });
  }

  /** The session's position now, by this page's media clock (µs); null before a session. */
  positionNow() {
    if (!this.session) return null;
    const now = this.#clock.synced ? this.#clock.nowMicros() : this.session.playback.atMicros;
    return positionAt(this.session.playback, now);
  }

  async #command(name, fields) {
    if (!this.session) throw new Error('Not in a session yet.');
    const path = `/api/v1/sessions/${encodeURIComponent(this.session.id)}/${name}`;
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v != null));
    if (this.#clock.synced) {
      // a little ahead on the media clock, so that every member hears of it before it happens
      const at = Math.round(this.#clock.nowMicros() + this.#leadMicros);
      try {
        return this.#apply(await this.#api.post(path, { ...body, atMicros: at }));
      } catch (error) {
        // our estimate is further off than the lead: let the server pick now + its own lead
        if (error.status !== 400 || !/atMicros/.test(error.detail ?? '')) throw error;
      }
    }
    return this.#apply(await this.#api.post(path, body));
  }

  #follow(sessionId) {
    if (this.#closed) return;
    const url = `/api/v1/sessions/${encodeURIComponent(sessionId)}/events`;
    const events = new this.#EventSource(url, { withCredentials: true });
    this.#events = events;
    const onSession = (message) => this.#apply(JSON.parse(message.data).session);
    for (const type of ['snapshot', 'joined', 'left', 'play', 'pause', 'seek']) events.addEventListener(type, onSession);
    events.addEventListener('ended', (message) => {
      this.#apply(JSON.parse(message.data).session);
      this.#end();
    });
    events.addEventListener('open', () => this.#connection('live'));
    events.addEventListener('error', () => {
      if (this.#closed) return;
      // CONNECTING: the stream dropped and the browser reopens it with Last-Event-ID by itself;
      // meanwhile ask whether the server is there at all, and whether the session still is
      if (events.readyState !== this.#EventSource.CLOSED) {
        this.#connection('reconnecting');
        this.#api.get(`/api/v1/sessions/${encodeURIComponent(sessionId)}`).then(
          (session) => this.#apply(session),
          (error) => {
            if (error.status === 404) this.#end();
            else if (error.status === 0 && !this.#closed) this.#connection('unreachable');
          });
        return;
      }
      this.#recover(sessionId);
    });
  }

  /** The browser gave the stream up (an error status): ask why, then reopen, or end. */
  async #recover(sessionId) {
    let delay = 2000;
    try {
      this.#apply(await this.#api.get(`/api/v1/sessions/${encodeURIComponent(sessionId)}`));
      this.#connection('reconnecting');
    } catch (error) {
      if (error.status === 404) return this.#end();
      if (error.status === 401 || error.status === 403) return this.#end(); // the login ended: api.js says so
      this.#connection(error.status === 0 ? 'unreachable' : 'reconnecting');
      if (error.status === 429) delay = 10_000;
    }
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#follow(sessionId), delay);
  }

  /**
   * Once (the `ended` event and a 404 to the question asked while reconnecting may both come), and
   * not after the page left: an answer still on its way then changes nothing.
   */
  #end(reason = 'ended') {
    if (this.#ended || this.#closed) return;
    this.#ended = true;
    this.close();
    this.dispatchEvent(new CustomEvent('ended', { detail: { reason } }));
  }

  #connection(state) {
    this.connection = state;
    this.dispatchEvent(new CustomEvent('connection', { detail: state }));
  }

  /**
   * Takes a newer session view; reschedules the audio when its anchor changed. An answer that
   * arrives after the page stopped following (left, ended) changes nothing.
   */
  #apply(session) {
    if (this.#closed || !session || (this.session && session.version < this.session.version)) return this.session;
    this.session = session;
    this.dispatchEvent(new CustomEvent('change', { detail: session }));
    const listed = session.members?.some((m) => m.id === this.member?.id);
    if (this.#listed && !listed) {
      this.#end('removed');
      return session;
    }
    this.#listed ||= listed;
    if (!sameAnchor(this.#anchor, session.playback)) {
      this.#anchor = session.playback;
      this.#schedule(session.playback).catch((error) => this.#problem(error));
    }
    return session;
  }

  /** Plays `playback` (a new anchor; or, with `restart`, the current one again after a drift). */
  async #schedule(playback, restart = false) {
    const generation = ++this.#generation;
    await this.#clock.ready();
    if (generation !== this.#generation || this.#closed) return;
    // whatever plays stops at the command's instant: a pause, a seek and a new track alike
    if (!restart) this.#stopAt(playback.atMicros);
    if (playback.state !== 'PLAYING' || !playback.trackId) return;
    const buffer = await this.#decode(playback.trackId);
    if (generation !== this.#generation || this.#closed) return;
    if (this.#audio.state === 'suspended') await this.#audio.resume();
    // a late joiner (or a slow decode) starts where the others are by then
    const startMicros = Math.max(playback.atMicros, this.#clock.nowMicros() + SCHEDULE_MARGIN_MICROS);
    const offsetSeconds = positionAt(playback, startMicros) / 1e6;
    if (offsetSeconds >= buffer.duration) return; // the others are past its end
    const when = this.#clock.toContextTime(this.#audio, startMicros);
    if (restart) this.#stopSource(when); // the drifted source hands over without a gap
    const source = this.#audio.createBufferSource();
    source.buffer = buffer;
    source.connect(this.#output);
    source.start(when, offsetSeconds);
    this.#source = source;
    this.#playing = { source, when, startMicros, playback };
    this.#watch ??= setInterval(() => this.#checkDrift(), DRIFT_CHECK_MS);
    this.dispatchEvent(new CustomEvent('scheduled', {
      detail: { trackId: playback.trackId, atMicros: playback.atMicros, startMicros, when, offsetSeconds,
        late: !restart && startMicros > playback.atMicros, restart },
    }));
  }

  /**
   * Where the playing source is heard, by the audio clock and the media clock as they relate now,
   * against where it was scheduled; past the limit it starts again where the anchor is by then.
   */
  #checkDrift() {
    const playing = this.#playing;
    if (!playing || playing.source !== this.#source || this.#audio.state !== 'running') return;
    const drift = this.#clock.fromContextTime(this.#audio, playing.when) - playing.startMicros;
    if (Math.abs(drift) <= DRIFT_LIMIT_MICROS) return;
    this.dispatchEvent(new CustomEvent('drift', { detail: { driftMicros: drift } }));
    this.#schedule(playing.playback, true).catch((error) => this.#problem(error));
  }

  /** Stops the current source at media instant `atMicros` (null: now). */
  #stopAt(atMicros) {
    this.#stopSource(atMicros != null && this.#clock.synced ? this.#clock.toContextTime(this.#audio, atMicros) : 0);
  }

  /** Stops the current source at AudioContext time `when` (now if that has passed). */
  #stopSource(when) {
    const source = this.#source;
    if (!source) return;
    this.#source = null;
    this.#playing = null;
    try {
      source.stop(Math.max(when, this.#audio.currentTime));
    } catch {
      // never started: nothing to stop
    }
  }

  /**
   * The whole track, decoded. Whole, not ranges: decodeAudioData takes complete files (an MP4 may
   * hold its index at the end; FLAC and Ogg pages need their headers), and a decoded buffer starts
   * at any sample, which is what a seek or a late join needs. The cost is memory (about 10 MB a
   * minute of stereo) and, on a slow link, the first start of a long track.
   */
  #decode(trackId) {
    let decoded = this.#decoded.get(trackId);
    if (!decoded) {
      decoded = this.#fetch(`/api/v1/tracks/${encodeURIComponent(trackId)}/stream`, { credentials: 'same-origin' })
        .then((response) => {
          if (!response.ok) {
            throw Object.assign(new Error(response.status === 404 ? 'This track was removed.' : `The track could not be fetched (${response.status}).`), { status: response.status });
          }
          return response.arrayBuffer();
        })
        .then((bytes) => this.#audio.decodeAudioData(bytes));
      decoded.catch(() => this.#decoded.delete(trackId));
    }
    this.#decoded.delete(trackId); // re-inserted last: the map is in order of use
    this.#decoded.set(trackId, decoded);
    while (this.#decoded.size > DECODED_TRACKS) this.#decoded.delete(this.#decoded.keys().next().value);
    return decoded;
  }

  #problem(error) {
    this.dispatchEvent(new CustomEvent('problem', { detail: error }));
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
