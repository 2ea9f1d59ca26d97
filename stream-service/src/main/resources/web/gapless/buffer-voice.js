// One decoded track playing on the Web Audio clock: what the player uses once a track was joined
// gaplessly to the one before (gapless/joins in player.js). A source node plays once, so pausing and
// seeking make a new one from the position; the position is computed from the audio clock.
//
// Dispatches `ended` when the track played to its end (not when stopped, paused or seeked).

export class BufferVoice extends EventTarget {
  #context;
  #buffer;
  #output;
  #source = null;
  #startedAt = 0; // context time at which #offset plays
  #offset = 0; // seconds into the track
  #playing = false;

  constructor(context, buffer, output) {
    super();
    this.#context = context;
    this.#buffer = buffer;
    this.#output = output;
  }

  get duration() {
    return this.#buffer.duration;
  }

  get playing() {
    return this.#playing;
  }

  /** Seconds into the track (before a scheduled start: where it will start). */
  get position() {
    if (!this.#playing) return this.#offset;
    const elapsed = Math.max(0, this.#context.currentTime - this.#startedAt);
    return Math.min(this.#offset + elapsed, this.duration);
  }

  /** The context time the last sample ends at, when playing. */
  get endTime() {
    return this.#startedAt + this.duration - this.#offset;
  }

  /**
   * Plays from `offset` seconds, starting at context time `when`, both rounded to whole frames: a
   * source started between frames is interpolated for as long as it plays, softening the highs.
   */
  start(when, offset = 0) {
    const rate = this.#context.sampleRate;
    when = Math.round(when * rate) / rate;
    offset = Math.round(offset * rate) / rate;
    this.#stopSource();
    const source = this.#context.createBufferSource();
    source.buffer = this.#buffer;
    source.connect(this.#output);
    source.onended = () => {
      if (source !== this.#source) return;
      this.#source = null;
      this.#playing = false;
      this.#offset = this.duration;
      this.dispatchEvent(new Event('ended'));
    };
    source.start(when, offset);
    this.#source = source;
    this.#startedAt = when;
    this.#offset = offset;
    this.#playing = true;
  }

  resume() {
    if (this.#playing) return;
    this.start(this.#context.currentTime, this.#offset >= this.duration ? 0 : this.#offset);
  }

  pause() {
    if (!this.#playing) return;
    this.#offset = this.position;
    this.#stopSource();
  }

  seek(seconds) {
    const target = Math.max(0, Math.min(seconds, this.duration));
    if (this.#playing) this.start(this.#context.currentTime, target);
    else this.#offset = target;
  }

  /** Silences it for good: no `ended`. */
  stop() {
    this.#stopSource();
  }

  #stopSource() {
    const source = this.#source;
    this.#source = null;
    this.#playing = false;
    if (source) {
      source.onended = null;
      source.stop();
      source.disconnect();
    }
  }
}
