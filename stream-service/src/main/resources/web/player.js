// The player: one queue, one <audio> element playing and a second one loading the next track, so
// that the switch on `ended` costs no network round trip. The stream is the original or a variant
// the service transcodes to at the chosen quality (quality.js); a variant being made has no length
// and no byte ranges, see #seekByReload. At Original, when the next track is the next one of the
// same album, it is decoded instead and joined gaplessly on the Web Audio clock: it starts on the
// frame after the current one's last sample, and plays from its decoded copy (docs/web.md,
// "Gapless playback"; a variant keeps the elements' switch).
//
// Events (all on the Player, an EventTarget):
//   queuechange  the queue, the current index, shuffle or repeat changed
//   trackchange  another track became current (detail: the track or null)
//   statechange  playing, paused, loading or suspended changed
//   timeupdate   the position moved (throttled by the browser, ~4 per second)
//   trackerror   the current track could not be played (detail: {track, removed})
//   qualitychange  the streaming quality changed (detail: the quality)

import { QUALITIES, streamFormat, streamUrl } from './quality.js';

import { align } from './gapless/alignment.js';
import { AudioOutput } from './gapless/audio-output.js';
import { BufferVoice } from './gapless/buffer-voice.js';
import { DecodedTracks, followsOnAlbum, short } from './gapless/decoded-tracks.js';

const RESTART_THRESHOLD_S = 3; // "previous" within the first seconds goes back, later it restarts
// A seek into a variant being made waits for it to be complete (HEAD every 0.5 s), at most 20 s;
// after that the seek is dropped and the track plays on.
const MADE_POLL_MS = 500;
const MADE_POLLS = 40;
/** A join is scheduled this long before the track ends: time to align, and to spare. */
const JOIN_LEAD_S = 2;
/** A join that would start sooner than this from now is left to the elements (it would be late). */
const JOIN_MARGIN_S = 0.05;
/**
 * How far an element's clock (currentTime) may be from what it plays, for the alignment's search:
 * an element may keep an encoder delay that decodeAudioData trims (25 ms for an MP3, 48 ms for AAC).
 */
const ALIGN_RADIUS_S = 0.1;
/** Position updates while a decoded track plays (an element sends its own, about as often). */
const TICK_MS = 250;

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
  #volume;
  #output = null; // AudioOutput, from the first play() on: Web Audio needs a gesture to start
  #decoded = null; // DecodedTracks for the joins
  #voice = null; // BufferVoice while the current track plays decoded (after a join)
  #join = null; // {track, voice, timer}: the next track, scheduled to start where this one ends
  #joinGeneration = 0; // bumped by whatever makes a join being computed obsolete
  #ticker = null;

  constructor({ volume = 1, quality = QUALITIES[0] } = {}) {
    super();
    this.#audio = this.#createAudio();
    this.#preload = this.#createAudio();
    this.#volume = volume;
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
    audio.addEventListener('timeupdate', () => {
      if (audio !== this.#audio || this.#voice) return;
      this.#emit('timeupdate');
      this.#prepareJoin();
    });
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
    audio.addEventListener('ended', () => {
      if (audio !== this.#audio) return;
      if (this.#join) this.#adoptJoin();
      else if (!this.#voice) this.#advance();
    });
    audio.addEventListener('error', () => audio === this.#audio && !this.#voice && this.#failed());
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
    if (this.#voice) return this.#voice.playing;
    return !this.#audio.paused && !this.#audio.ended && !this.#audio.error;
  }
  get loading() {
    return !this.#voice && this.playing && this.#audio.readyState < HTMLMediaElement.HAVE_FUTURE_DATA;
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
    if (this.#voice) return this.#voice.position;
    return this.#pendingSeek ?? this.#audio.currentTime;
  }
  /**
   * Seconds. The catalogue's duration for a variant (one being made has no length: Infinity or NaN;
   * a made one may be an encoder's padding longer); for the original, the browser's once it knows.
   */
  get duration() {
    if (this.#voice) return this.#voice.duration;
    const catalogue = (this.current?.durationMs ?? 0) / 1000;
    if (catalogue > 0 && this.#audio.dataset.variant) return catalogue;
    const d = this.#audio.duration;
    if (Number.isFinite(d) && d > 0) return d;
    return catalogue;
  }
  get volume() {
    return this.#volume;
  }
  set volume(value) {
    this.#volume = value;
    if (this.#output) this.#output.volume = value;
    else this.#audio.volume = this.#preload.volume = value;
  }
  /** The streaming quality (quality.js QUALITIES). */
  get quality() {
    return this.#quality;
  }
  /** The format variants are asked in: {format, label}. */
  get format() {
    return this.#format;
  }
  /**
   * Streams at `quality` from now on; the current track goes on from where it is, on its element
   * (a decoded track playing after a join is dropped: it was decoded at the old quality).
   */
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
  /**
   * The element playing now, or that played last while a joined track plays decoded (tests and the
   * group view read it).
   */
  get element() {
    return this.#audio;
  }
  /** The node everything heard goes through (null until the first play): the browser tests record it. */
  get output() {
    return this.#output?.master ?? null;
  }

  // --- transport ----------------------------------------------------------------------------

  play() {
    if (this.#suspended || !this.current) return;
    this.#connectOutput();
    if (this.#voice) {
      this.#voice.resume();
      this.#emit('statechange');
      return;
    }
    if (!this.#audio.src) {
      this.#load(this.current);
    } else if (this.#audio.error) {
      // it failed to load (the server was gone): an element in error plays nothing until loaded again
      const position = this.#audio.currentTime;
      this.#load(this.current);
      if (position > 0) this.#pendingSeek = position;
    }
    this.#audio.play().catch((error) => {
      // NotAllowedError: the browser wants a gesture first; AbortError: another src was set.
      if (error.name !== 'AbortError') this.#emit('statechange');
    });
  }

  pause() {
    this.#cancelJoin();
    if (this.#voice) {
      this.#voice.pause();
      this.#emit('statechange');
    } else {
      this.#audio.pause();
    }
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  seek(seconds) {
    if (!this.current) return;
    const target = Math.max(0, Math.min(seconds, this.duration || seconds));
    this.#seekReloads++;
    this.#cancelJoin();
    if (this.#voice) {
      this.#voice.seek(target);
    } else if (this.#audio.readyState < HTMLMediaElement.HAVE_METADATA) {
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
    this.#dropVoice();
    this.#decoded?.keep([]);
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
    this.#changed(); // "one" calls off a join to the next track
  }

  #changed() {
    this.#preloadNext();
    this.#emit('queuechange');
  }

  // --- loading ------------------------------------------------------------------------------

  #load(track, { preload = 'auto' } = {}) {
    this.#pendingSeek = null;
    this.#seekReloads++;
    this.#cancelJoin();
    this.#dropVoice();
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
    this.#output?.unsilence(this.#audio);
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
    if (this.#join && this.#join.track !== next) this.#cancelJoin();
    if (this.#joinsGaplessly(next)) {
      // the current track too while its element plays it: to align the element with it
      this.#decoded.keep(this.#voice ? [next] : [this.current, next]);
      if (!this.#decoded.failed(next)) return;
    } else {
      this.#decoded?.keep([]);
    }
    const url = next && this.#urlOf(next);
    if (!next || !this.playing || this.#preload.dataset.url === url) return;
    this.#setSource(this.#preload, next, url);
  }

  #advance() {
    if (this.#repeat === 'one') {
      this.seek(0);
      this.play();
    } else if (this.#index + 1 < this.#queue.length || this.#repeat === 'all') {
      this.next();
    } else {
      this.#emit('statechange');
    }
  }

  // --- gapless joins ------------------------------------------------------------------------

  /** Routes the elements through Web Audio, once; without Web Audio they play on their own. */
  #connectOutput() {
    if (!this.#output && typeof AudioContext === 'function') {
      this.#output = new AudioOutput([this.#audio, this.#preload], this.#volume);
      this.#audio.volume = this.#preload.volume = 1;
      this.#decoded = new DecodedTracks(this.#output.context, (track) => this.#urlOf(track), () => this.#preloadNext());
    }
    this.#output?.resume();
  }

  /**
   * At Original only: a variant keeps the elements' switch (docs/web.md, "Gapless playback": the
   * first join fetches the current track a second time, which a quality chosen to save data should
   * not, and joins are measured on originals only).
   */
  #joinsGaplessly(next) {
    return this.#decoded != null && this.#quality.kbps == null
      && followsOnAlbum(this.current, next) && short(this.current) && short(next);
  }

  /** Near the end of the current track, schedules the next one (decoded) to start where it ends. */
  #prepareJoin() {
    const next = this.#repeat === 'one' ? null : this.#queue[this.#index + 1];
    if (this.#join || !this.playing || !this.#joinsGaplessly(next)) return;
    const buffer = this.#decoded.get(next);
    if (!buffer || this.duration - this.position > JOIN_LEAD_S) return;
    const generation = ++this.#joinGeneration;
    this.#endTime().then(({ when, exact }) => {
      if (generation !== this.#joinGeneration || this.#join || !this.playing) return;
      const context = this.#output.context;
      // too late, or an element that does not know its duration: the elements take over
      if (!(when >= context.currentTime + JOIN_MARGIN_S)) return;
      const voice = this.#newVoice(buffer);
      voice.start(when);
      // what an element plays past its track's last sample is padding, when that sample is known
      if (exact && !this.#voice) this.#output.silenceAt(this.#audio, when);
      const timer = setTimeout(() => this.#adoptJoin(), (when - context.currentTime) * 1000);
      this.#join = { track: next, voice, timer };
    });
  }

  /**
   * The context time at which the current track's last sample has played (`when`), and whether that
   * is `exact`: for a decoded track, and for an element whose last frames align with the track
   * decoded. Else the element's own clock says, within some milliseconds, and as it counts its
   * padding too the join errs towards a short gap, never towards cutting the track's end.
   */
  async #endTime() {
    if (this.#voice) return { when: this.#voice.endTime, exact: true };
    const { context } = this.#output;
    const rate = context.sampleRate;
    const element = this.#audio;
    const decoded = this.#decoded.get(this.current);
    const recording = decoded && (await this.#output.record());
    if (recording) {
      const { endFrame, samples } = recording;
      const sinceRecorded = context.currentTime * rate - endFrame;
      const guess = element.currentTime * rate - sinceRecorded - samples.length;
      const found = align(samples, decoded.getChannelData(0), guess, ALIGN_RADIUS_S * rate);
      // samples[0] is the decoded track's sample `lag`, played at frame endFrame - samples.length
      if (found) return { when: (endFrame - samples.length + decoded.length - found.lag) / rate, exact: true };
    }
    const remaining = (element.duration - element.currentTime) / (element.playbackRate || 1);
    return { when: context.currentTime + remaining, exact: false };
  }

  #newVoice(buffer) {
    const voice = new BufferVoice(this.#output.context, buffer, this.#output.master);
    voice.addEventListener('ended', () => {
      if (voice !== this.#voice) return;
      if (this.#join) return this.#adoptJoin();
      this.#emit('statechange');
      this.#advance();
    });
    return voice;
  }

  /** The joined track is current now: the one before ends on its own (an element silenced). */
  #adoptJoin() {
    const join = this.#join;
    if (!join) return;
    clearTimeout(join.timer);
    this.#join = null;
    this.#voice = join.voice;
    this.#index++;
    this.#ticker ??= setInterval(() => {
      if (!this.#voice?.playing) return;
      this.#emit('timeupdate');
      this.#prepareJoin();
    }, TICK_MS);
    this.#emit('trackchange', this.current);
    this.#emit('queuechange');
    this.#emit('statechange');
    this.#preloadNext();
  }

  #cancelJoin() {
    this.#joinGeneration++;
    const join = this.#join;
    if (!join) return;
    this.#join = null;
    clearTimeout(join.timer);
    join.voice.stop();
    if (!this.#voice) this.#output.unsilence(this.#audio);
  }

  #dropVoice() {
    this.#voice?.stop();
    this.#voice = null;
    clearInterval(this.#ticker);
    this.#ticker = null;
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
