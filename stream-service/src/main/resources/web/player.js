// The player: one queue, one <audio> element playing and a second one loading the next track, so
// that the switch on `ended` costs no network round trip (close to gapless, not sample-accurate:
// docs/web.md). The stream is the original or a variant the service transcodes to at the chosen
// quality (quality.js); a variant being made has no length and no byte ranges, see #seekByReload.
//
// Events (all on the Player, an EventTarget):
//   queuechange  the queue, the current index, shuffle or repeat changed
//   trackchange  another track became current (detail: the track or null)
//   statechange  playing, paused, loading or suspended changed
//   timeupdate   the position moved (throttled by the browser, ~4 per second)
//   trackerror   the current track could not be played (detail: {track, removed})
//   qualitychange  the streaming quality changed (detail: the quality)

import { QUALITIES, streamFormat, streamUrl } from './quality.js';

const RESTART_THRESHOLD_S = 3; // "previous" within the first seconds goes back, later it restarts
// A seek into a variant being made waits for it to be complete (HEAD every 0.5 s), at most 20 s;
// after that the seek is dropped and the track plays on.
const MADE_POLL_MS = 500;
const MADE_POLLS = 40;

export class Player extends EventTarget {
  #audio;
  #preload;
  #queue = []; // tracks, in play order
  #index = -1;
  #unshuffled = null; // the order before shuffling, to restore it
  #repeat = 'off'; // off | all | one
  #suspended = false;
  #pendingSeek = null;
  #failures = 0;
  #quality;
  #format;
  #seekReloads = 0; // bumped by every seek and load: a reload for an older seek is dropped

  constructor({ volume = 1, quality = QUALITIES[0] } = {}) {
    super();
    this.#audio = this.#createAudio();
    this.#preload = this.#createAudio();
    this.#audio.volume = volume;
    this.#quality = quality;
    this.#format = streamFormat(this.#audio);
  }

  #createAudio() {
    const audio = new Audio();
    audio.preload = 'auto';
    for (const type of ['play', 'playing', 'pause', 'waiting', 'canplay']) {
      audio.addEventListener(type, () => audio === this.#audio && this.#emit('statechange'));
    }
    audio.addEventListener('timeupdate', () => audio === this.#audio && this.#emit('timeupdate'));
    audio.addEventListener('durationchange', () => audio === this.#audio && this.#emit('timeupdate'));
    audio.addEventListener('loadedmetadata', () => {
      if (audio !== this.#audio || this.#pendingSeek == null) return;
      if (this.#reachable(this.#pendingSeek)) {
        audio.currentTime = this.#pendingSeek;
        this.#pendingSeek = null;
      } else if (audio.dataset.seekReload === audio.src) {
        this.#dropSeek(); // made, then gone again (evicted) before the reload: it plays from the start
      } else {
        this.#seekByReload(this.#pendingSeek);
      }
    });
    audio.addEventListener('playing', () => {
      if (audio === this.#audio) {
        this.#failures = 0;
        this.#preloadNext();
      }
    });
    audio.addEventListener('ended', () => audio === this.#audio && this.#advance());
    audio.addEventListener('error', () => audio === this.#audio && this.#failed());
    return audio;
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // --- state --------------------------------------------------------------------------------

  get queue() {
    return this.#queue.slice();
  }
  get index() {
    return this.#index;
  }
  get current() {
    return this.#queue[this.#index] ?? null;
  }
  get playing() {
    return !this.#audio.paused && !this.#audio.ended && !this.#audio.error;
  }
  get loading() {
    return this.playing && this.#audio.readyState < HTMLMediaElement.HAVE_FUTURE_DATA;
  }
  get suspended() {
    return this.#suspended;
  }
  get shuffle() {
    return this.#unshuffled != null;
  }
  get repeat() {
    return this.#repeat;
  }
  /** Seconds. */
  get position() {
    return this.#pendingSeek ?? this.#audio.currentTime;
  }
  /**
   * Seconds. The catalogue's duration for a variant (one being made has no length: Infinity or NaN;
   * a made one may be an encoder's padding longer); for the original, the browser's once it knows.
   */
  get duration() {
    const catalogue = (this.current?.durationMs ?? 0) / 1000;
    if (catalogue > 0 && this.#audio.dataset.variant) return catalogue;
    const d = this.#audio.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return catalogue;
  }
  get volume() {
    return this.#audio.volume;
  }
  set volume(value) {
    this.#audio.volume = value;
    this.#preload.volume = value;
  }
  /** The streaming quality (quality.js QUALITIES). */
  get quality() {
    return this.#quality;
  }
  /** The format variants are asked in: {format, label}. */
  get format() {
    return this.#format;
  }
  /** Streams at `quality` from now on; the current track goes on from where it is. */
  setQuality(quality) {
    if (quality.id === this.#quality.id) return;
    this.#quality = quality;
    this.#emit('qualitychange', quality);
    const track = this.current;
    if (!track || this.#suspended || !this.#audio.src) return;
    const position = this.position;
    const playing = this.playing;
    this.#load(track, { preload: this.#audio.preload });
    if (position > 0) this.#pendingSeek = position;
    if (playing) this.play();
  }
  /** The element playing now (tests and the group view read it). */
  get element() {
    return this.#audio;
  }

  // --- transport ----------------------------------------------------------------------------

  play() {
    if (this.#suspended || !this.current) return;
    if (!this.#audio.src) this.#load(this.current);
    this.#audio.play().catch((error) => {
      // NotAllowedError: the browser wants a gesture first; AbortError: another src was set.
      if (error.name !== 'AbortError') this.#emit('statechange');
    });
  }

  pause() {
    this.#audio.pause();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  seek(seconds) {
    if (!this.current) return;
    const target = Math.max(0, Math.min(seconds, this.duration || seconds));
    this.#seekReloads++;
    if (this.#audio.readyState < HTMLMediaElement.HAVE_METADATA) {
      this.#pendingSeek = target;
    } else if (this.#reachable(target)) {
      this.#pendingSeek = null;
      this.#audio.currentTime = target;
    } else {
      this.#seekByReload(target);
    }
    this.#emit('timeupdate');
  }

  /**
   * Whether the element can seek to `seconds` itself: anywhere in an original or a made variant; in
   * a variant being made (no length) only within what it has read, although Chromium calls all of
   * it seekable (a Range request there would get the variant from its first byte).
   */
  #reachable(seconds) {
    const audio = this.#audio;
    const ranges = audio.dataset.variant && !Number.isFinite(audio.duration) ? audio.buffered : audio.seekable;
    for (let i = 0; i < ranges.length; i++) {
      if (seconds >= ranges.start(i) && seconds <= ranges.end(i)) return true;
    }
    return false;
  }

  /**
   * A seek in a variant being made: its answer has no byte ranges (Accept-Ranges: none), so the
   * browser cannot seek past the start. The run goes on after this request ends and the variant is
   * then served whole with ranges; so wait until a HEAD says it is made (Accept-Ranges: bytes), then
   * request the src again and seek on loadedmetadata. Meanwhile the track plays on. Never a seek
   * past the buffered part of the stream without ranges: Chromium would ask for a Range, get the
   * variant from its first byte, and fail the element.
   */
  async #seekByReload(target) {
    const audio = this.#audio;
    const src = audio.src;
    const token = ++this.#seekReloads;
    const current = () => token === this.#seekReloads && audio === this.#audio && audio.src === src; // no other seek or track since
    this.#pendingSeek = target;
    let complete = false;
    for (let i = 0; i < MADE_POLLS && current() && !(complete = await made(src)); i++) {
      await new Promise((resolve) => setTimeout(resolve, MADE_POLL_MS));
    }
    if (!current()) return;
    if (!complete) return this.#dropSeek();
    const playing = this.playing;
    audio.dataset.seekReload = src;
    audio.src = src;
    if (playing) this.play();
  }

  #dropSeek() {
    this.#pendingSeek = null;
    this.#emit('timeupdate');
  }

  seekBy(seconds) {
    this.seek(this.position + seconds);
  }

  next() {
    if (this.#index + 1 < this.#queue.length) this.jump(this.#index + 1);
    else if (this.#repeat === 'all' && this.#queue.length) this.jump(0);
  }

  previous() {
    if (this.position > RESTART_THRESHOLD_S || this.#index <= 0) this.seek(0);
    else this.jump(this.#index - 1);
  }

  /** Makes the entry at `index` current and plays it. */
  jump(index, { autoplay = true } = {}) {
    if (index < 0 || index >= this.#queue.length) return;
    this.#index = index;
    this.#load(this.#queue[index]);
    this.#emit('trackchange', this.current);
    this.#emit('queuechange');
    if (autoplay) this.play();
  }

  /** Hands audio to someone else (group playback): stops, and ignores play() until resume(). */
  suspend() {
    this.pause();
    this.#suspended = true;
    this.#emit('statechange');
  }

  resume() {
    this.#suspended = false;
    this.#emit('statechange');
  }

  // --- queue --------------------------------------------------------------------------------

  /** Replaces the queue with `tracks` and plays the one at `start`. */
  playTracks(tracks, start = 0) {
    this.#queue = tracks.slice();
    this.#unshuffled = null;
    this.jump(Math.min(Math.max(start, 0), this.#queue.length - 1));
  }

  /** Puts the queue back as it was saved, without playing. */
  restore(tracks, index, positionMs = 0) {
    this.#queue = tracks.slice();
    this.#unshuffled = null;
    if (!tracks.length) return this.#emit('queuechange');
    this.#index = Math.min(Math.max(index, 0), tracks.length - 1);
    this.#load(this.current, { preload: 'metadata' });
    if (positionMs > 0) this.#pendingSeek = positionMs / 1000;
    this.#emit('trackchange', this.current);
    this.#emit('queuechange');
  }

  enqueue(tracks) {
    const wasEmpty = this.#queue.length === 0;
    this.#queue.push(...tracks);
    this.#unshuffled?.push(...tracks);
    if (wasEmpty) this.jump(0, { autoplay: false });
    else this.#changed();
  }

  playNext(tracks) {
    if (this.#queue.length === 0) return this.enqueue(tracks);
    this.#queue.splice(this.#index + 1, 0, ...tracks);
    this.#unshuffled?.push(...tracks);
    this.#changed();
  }

  remove(index) {
    if (index < 0 || index >= this.#queue.length) return;
    const [removed] = this.#queue.splice(index, 1);
    if (this.#unshuffled) this.#unshuffled.splice(this.#unshuffled.indexOf(removed), 1);
    if (index < this.#index) {
      this.#index--;
    } else if (index === this.#index) {
      const wasPlaying = this.playing;
      if (this.#queue.length === 0) return this.clear();
      this.jump(Math.min(index, this.#queue.length - 1), { autoplay: wasPlaying });
      return;
    }
    this.#changed();
  }

  move(from, to) {
    if (from === to || from < 0 || to < 0 || from >= this.#queue.length || to >= this.#queue.length) return;
    const current = this.current;
    const [track] = this.#queue.splice(from, 1);
    this.#queue.splice(to, 0, track);
    this.#index = this.#queue.indexOf(current);
    this.#changed();
  }

  clear() {
    this.pause();
    this.#queue = [];
    this.#unshuffled = null;
    this.#index = -1;
    this.#audio.removeAttribute('src');
    this.#audio.load();
    this.#preload.removeAttribute('src');
    delete this.#preload.dataset.url;
    this.#emit('trackchange', null);
    this.#emit('queuechange');
  }

  /** Shuffles what comes after the current track; turning it off restores the order. */
  setShuffle(on) {
    if (on === this.shuffle) return;
    const current = this.current;
    if (on) {
      this.#unshuffled = this.#queue.slice();
      const rest = this.#queue.splice(this.#index + 1);
      for (let i = rest.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [rest[i], rest[j]] = [rest[j], rest[i]];
      }
      this.#queue.push(...rest);
    } else {
      this.#queue = this.#unshuffled;
      this.#unshuffled = null;
      this.#index = this.#queue.indexOf(current);
    }
    this.#changed();
  }

  /** off → all → one → off. */
  cycleRepeat() {
    this.#repeat = { off: 'all', all: 'one', one: 'off' }[this.#repeat];
    this.#emit('queuechange');
  }

  #changed() {
    this.#preloadNext();
    this.#emit('queuechange');
  }

  // --- loading ------------------------------------------------------------------------------

  #load(track, { preload = 'auto' } = {}) {
    this.#pendingSeek = null;
    this.#seekReloads++;
    const url = this.#urlOf(track);
    if (this.#preload.dataset.trackId === track.id && this.#preload.dataset.url === url && !this.#preload.error) {
      // The next track is already loading: swap the elements instead of starting over.
      const old = this.#audio;
      this.#audio = this.#preload;
      this.#preload = old;
      old.pause();
    } else {
      this.#audio.preload = preload;
      this.#setSource(this.#audio, track, url);
    }
    this.#preload.removeAttribute('src');
    delete this.#preload.dataset.trackId;
    delete this.#preload.dataset.url;
    this.#preload.load();
  }

  #urlOf(track) {
    return streamUrl(track.streamUrl, this.#quality, this.#format);
  }

  #setSource(audio, track, url) {
    audio.src = url;
    audio.dataset.trackId = track.id;
    audio.dataset.url = url;
    if (this.#quality.kbps == null) delete audio.dataset.variant;
    else audio.dataset.variant = `${this.#format.format}-${this.#quality.kbps}`;
    delete audio.dataset.seekReload;
  }

  #preloadNext() {
    const next = this.#repeat === 'one' ? null : this.#queue[this.#index + 1];
    const url = next && this.#urlOf(next);
    if (!next || !this.playing || this.#preload.dataset.url === url) return;
    this.#setSource(this.#preload, next, url);
  }

  #advance() {
    if (this.#repeat === 'one') {
      this.#audio.currentTime = 0;
      this.play();
    } else if (this.#index + 1 < this.#queue.length || this.#repeat === 'all') {
      this.next();
    } else {
      this.#emit('statechange');
    }
  }

  #failed() {
    const track = this.current;
    if (!track) return;
    this.#audio.pause(); // an element that failed to load still says it is not paused
    this.#emit('statechange');
    this.#emit('trackerror', { track, error: this.#audio.error });
  }

  /** Called by whoever explained the failure: skips on, unless every track failed in a row. */
  skipFailed() {
    this.#failures++;
    if (this.#failures < this.#queue.length && (this.#index + 1 < this.#queue.length || this.#repeat === 'all')) this.next();
    else this.#emit('statechange');
  }
}

/** Whether the stream at `src` is complete: HEAD answers a variant being made without ranges. */
async function made(src) {
  try {
    const answer = await fetch(src, { method: 'HEAD' });
    return answer.headers.get('Accept-Ranges') === 'bytes';
  } catch {
    return false; // unreachable for now: the reload will tell
  }
}
