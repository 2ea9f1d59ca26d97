// An AudioWorklet processor that keeps the last frames of its input (first channel) with the audio
// clock's frame they were rendered at, and posts them when asked: the player aligns an <audio>
// element's output with the same track decoded (gapless/alignment.js) to learn, to the frame, when
// the element's track ends. Loaded with audioWorklet.addModule (a module of its own: worklets run on
// the audio thread and share nothing with the page).

const QUANTUM = 128;

class TapProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.ring = new Float32Array(options.processorOptions.frames);
    this.written = 0;
    this.endFrame = 0;
    this.port.onmessage = () => this.post();
  }

  process(inputs) {
    const channel = inputs[0]?.[0]; // no channels when nothing plays into it
    const size = this.ring.length;
    for (let i = 0; i < QUANTUM; i++) this.ring[(this.written + i) % size] = channel ? channel[i] : 0;
    this.written += QUANTUM;
    this.endFrame = currentFrame + QUANTUM;
    return true;
  }

  /** The ring in order, oldest first, and the frame just after its newest sample. */
  post() {
    const size = this.ring.length;
    const start = this.written % size;
    const samples = new Float32Array(size);
    samples.set(this.ring.subarray(start), 0);
    samples.set(this.ring.subarray(0, start), size - start);
    this.port.postMessage({ endFrame: this.endFrame, samples }, [samples.buffer]);
  }
}

registerProcessor('cadenza-tap', TapProcessor);
