// The player's way out to the speakers from its first play() on: one AudioContext, both <audio>
// elements through MediaElementAudioSourceNodes (each with a gain of its own, to silence one at a
// given frame), decoded tracks (gapless/buffer-voice.js) beside them, and a master gain for the
// volume. A tap records what the elements play, with the frame it was played at, so that an
// element's track can be aligned with its decoded copy (gapless/alignment.js).

/** What the tap keeps: enough to align against, small enough to correlate quickly. */
const TAP_FRAMES = 4096;

export class AudioOutput {
  context;
  /** Everything heard goes through it (the browser tests record from it). */
  master;
  #elements;
  #gains = new Map();
  #tap = null;
  #tapReady;

  /** @param {HTMLAudioElement[]} elements */
  constructor(elements, volume) {
    this.context = new AudioContext({ latencyHint: 'playback' });
    this.master = this.context.createGain();
    this.master.gain.value = volume;
    this.master.connect(this.context.destination);
    this.#elements = this.context.createGain();
    this.#elements.connect(this.master);
    for (const element of elements) {
      const gain = this.context.createGain();
      this.context.createMediaElementSource(element).connect(gain);
      gain.connect(this.#elements);
      this.#gains.set(element, gain);
    }
    // No worklets outside a secure context (a page on plain HTTP at a LAN address): no tap then, and
    // joins from an element fall back to its clock.
    this.#tapReady = !this.context.audioWorklet ? Promise.resolve() : this.context.audioWorklet
      .addModule(new URL('./tap-processor.js', import.meta.url))
      .then(() => {
        this.#tap = new AudioWorkletNode(this.context, 'cadenza-tap', {
          numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { frames: TAP_FRAMES },
        });
        this.#elements.connect(this.#tap);
      }, () => {});
  }

  set volume(value) {
    this.master.gain.value = value;
  }

  /** Lets the context run (a browser starts it suspended without a gesture). */
  resume() {
    if (this.context.state === 'suspended') this.context.resume().catch(() => {});
  }

  /** The elements' last TAP_FRAMES frames and the frame after the newest; null without a tap. */
  async record() {
    await this.#tapReady;
    if (!this.#tap) return null;
    return new Promise((resolve) => {
      this.#tap.port.onmessage = ({ data }) => resolve(data);
      this.#tap.port.postMessage('read');
    });
  }

  /** Silences `element` from context time `when` on: what it plays after its track's last sample. */
  silenceAt(element, when) {
    this.#gains.get(element).gain.setValueAtTime(0, when);
  }

  /** Lets `element` be heard again (it plays another track). */
  unsilence(element) {
    const gain = this.#gains.get(element).gain;
    gain.cancelScheduledValues(0);
    gain.value = 1;
  }
}
