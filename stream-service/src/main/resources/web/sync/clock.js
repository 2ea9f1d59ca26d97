// The media clock as this page knows it: NTP-style exchanges with GET /api/v1/time give the offset
// of the service's media clock from the page's own clock (performance.timeOrigin + performance.now(),
// in µs), and the Web Audio output timestamp relates that clock to an AudioContext's, so that a
// media-clock instant becomes the `when` of an AudioBufferSourceNode (docs/web.md, "Group playback").

/** How fast two clocks may drift apart (RFC 5905's PHI, 15 ppm): an estimate's error grows with its age. */
const MAX_DRIFT_PPM = 15;
/** Exchanges the filter remembers: the best of them is the estimate (NTP keeps 8; a burst is 8). */
const WINDOW = 32;

/** The page's clock in µs since the epoch: monotonic, sub-millisecond (100 µs in Chromium unless cross-origin isolated). */
export function localMicros() {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/**
 * One exchange's four instants as an NTP sample: the media clock is `offset` ahead of the page's
 * clock, within ± delay / 2 (the time the request and the answer spent on the way, RFC 5905 §8).
 */
export function sampleOf(t1, t2, t3, t4) {
  return { offset: (t2 - t1 + (t3 - t4)) / 2, delay: t4 - t1 - (t3 - t2), t4 };
}

/**
 * The media clock as seen from this page. `start()` sends a burst of exchanges (8, 50 ms apart),
 * then a shorter one every `intervalMs`; of the last 32 exchanges the one whose error bound is now
 * the smallest (half its delay, the server's own bound, our timer's resolution, grown by 15 ppm of
 * its age) gives the offset. Dispatches `update` after each burst and `error` when a burst gave
 * nothing usable (the previous estimate stays).
 */
export class MediaClock extends EventTarget {
  #fetch;
  #url;
  #now;
  #burst;
  #spacingMs;
  #intervalMs;
  #samples = [];
  #timings = new ResourceTimings();
  #timer = null;
  #running = false;
  #firstBurst = null;

  /**
   * @param {object} [options]
   * @param {(url: string, init?: object) => Promise<Response>} [options.fetch] a fetch-like function
   * @param {string} [options.baseUrl] where the service is ('' : this page's origin)
   * @param {() => number} [options.now] the page's clock in µs (tests replace it)
   */
  constructor({ fetch: fetchLike = globalThis.fetch.bind(globalThis), baseUrl = '', now = localMicros,
    burst = 8, spacingMs = 50, intervalMs = 10_000 } = {}) {
    super();
    this.#fetch = fetchLike;
    this.#url = `${baseUrl.replace(/\/+$/, '')}/api/v1/time`;
    this.#now = now;
    this.#burst = burst;
    this.#spacingMs = spacingMs;
    this.#intervalMs = intervalMs;
  }

  /** Starts exchanging; resolves once the first burst is in (rejects when it gave nothing). */
  start() {
    if (!this.#running) {
      this.#running = true;
      this.#firstBurst = this.sync(this.#burst).finally(() => this.#scheduleNext());
    }
    return this.#firstBurst;
  }

  /**
   * Resolves to an estimate: at once when there is one, else after the first burst, else after one
   * more burst (the first failed: the server was away); rejects when that gives nothing either.
   */
  async ready() {
    if (!this.synced) await this.start().catch(() => {});
    return this.synced ? this.estimate() : this.sync(this.#burst);
  }

  stop() {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  #scheduleNext() {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      // later bursts are short: the window still holds the good samples of earlier ones
      this.sync(Math.max(2, this.#burst >> 1)).catch(() => {}).finally(() => this.#scheduleNext());
    }, this.#intervalMs);
  }

  /**
   * One burst of `count` exchanges after a warm-up exchange (it pays for a new connection); resolves
   * to the estimate. Exchanges are sequential, so they never queue behind each other.
   */
  async sync(count = this.#burst) {
    let usable = 0;
    let failure = null;
    for (let i = 0; i <= count; i++) {
      if (i > 1) await sleep(this.#spacingMs);
      try {
        const sample = await this.#exchange();
        if (i > 0 && sample) {
          this.#remember(sample);
          usable++;
        }
      } catch (error) {
        failure = error;
      }
    }
    if (usable === 0) {
      const error = failure ?? new Error('no usable time exchange');
      this.dispatchEvent(new CustomEvent('error', { detail: error }));
      throw error;
    }
    const estimate = this.estimate();
    this.dispatchEvent(new CustomEvent('update', { detail: estimate }));
    return estimate;
  }

  async #exchange() {
    const t1 = Math.round(this.#now());
    const url = new URL(`${this.#url}?t1=${t1}`, globalThis.location?.href).href;
    const timing = this.#timings.expect(url);
    const response = await this.#fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    // t4 as soon as the head is in: the few body bytes came in the same packet
    const t4 = this.#now();
    if (!response.ok) throw new Error(`GET /api/v1/time answered ${response.status}`);
    const answer = await response.json();
    if (answer.originateMicros !== t1) return null; // an answer to some other request
    // Resource Timing's instants are taken in the network stack, when the request went out and the
    // answer's first byte came in: without the hops to and from this page's thread (a few ms in
    // Chromium, and not the same both ways), so the delay is shorter and the offset truer.
    const entry = await timing;
    const sent = entry ? (performance.timeOrigin + entry.requestStart) * 1000 : t1;
    const received = entry ? (performance.timeOrigin + entry.responseStart) * 1000 : t4;
    let sample = sampleOf(sent, answer.receiveMicros, answer.transmitMicros, received);
    if (!entry || sample.delay < 0) sample = sampleOf(t1, answer.receiveMicros, answer.transmitMicros, t4);
    if (sample.delay < 0) return null; // a negative round trip is a broken clock, not luck
    return {
      ...sample,
      serverError: Math.max(0, answer.maxErrorMicros ?? 0),
      synchronised: Boolean(answer.synchronised),
      stratum: answer.stratum,
    };
  }

  #remember(sample) {
    this.#samples.push(sample);
    if (this.#samples.length > WINDOW) this.#samples.shift();
  }

  /** Error bound of a sample at local instant `now`, in µs. */
  #errorOf(sample, now) {
    const age = Math.max(0, now - sample.t4);
    return sample.delay / 2 + sample.serverError + this.resolutionMicros + (age * MAX_DRIFT_PPM) / 1e6;
  }

  /** The timer resolution this page has (5 µs cross-origin isolated, else 100 µs in Chromium). */
  get resolutionMicros() {
    return globalThis.crossOriginIsolated ? 5 : 100;
  }

  /**
   * The current estimate, or null before the first exchange: `offsetMicros` (media = local + offset),
   * `errorMicros` (the true offset lies within ± this), `delayMicros` of the sample it came from,
   * `samples` remembered, `synchronised` and `stratum` of the media clock.
   */
  estimate() {
    if (this.#samples.length === 0) return null;
    const now = this.#now();
    let best = this.#samples[0];
    for (const s of this.#samples) if (this.#errorOf(s, now) < this.#errorOf(best, now)) best = s;
    return {
      offsetMicros: best.offset,
      errorMicros: this.#errorOf(best, now),
      delayMicros: best.delay,
      samples: this.#samples.length,
      synchronised: best.synchronised,
      stratum: best.stratum,
    };
  }

  /** The newest exchange alone ({offset, delay} in µs), or null: what a page without the filter would use. */
  latestSample() {
    const last = this.#samples.at(-1);
    return last ? { offset: last.offset, delay: last.delay } : null;
  }

  get synced() {
    return this.#samples.length > 0;
  }

  #offset() {
    const estimate = this.estimate();
    if (!estimate) throw new Error('the media clock is not synchronised yet');
    return estimate.offsetMicros;
  }

  /** The media clock now, µs since the epoch. */
  nowMicros() {
    return this.#now() + this.#offset();
  }

  /** The page-clock instant (µs) at which the media clock shows `mediaMicros`. */
  toLocalMicros(mediaMicros) {
    return mediaMicros - this.#offset();
  }

  toMediaMicros(localMicrosValue) {
    return localMicrosValue + this.#offset();
  }

  /** performance.now() (ms) at the media instant `mediaMicros`. */
  toPerformanceMs(mediaMicros) {
    return this.toLocalMicros(mediaMicros) / 1000 - performance.timeOrigin;
  }

  /**
   * The AudioContext time at which a sample frame must be scheduled to be *heard* at the media
   * instant `mediaMicros`: what `AudioBufferSourceNode.start(when)` takes.
   */
  toContextTime(audioContext, mediaMicros) {
    const { contextTime, performanceTime } = outputTimestamp(audioContext);
    return contextTime + (this.toPerformanceMs(mediaMicros) - performanceTime) / 1000;
  }

  /** The media instant (µs) at which the frame scheduled at AudioContext time `when` is heard. */
  fromContextTime(audioContext, when) {
    const { contextTime, performanceTime } = outputTimestamp(audioContext);
    const performanceMs = performanceTime + (when - contextTime) * 1000;
    return this.toMediaMicros((performance.timeOrigin + performanceMs) * 1000);
  }
}

/**
 * A pair of simultaneous instants on the audio clock (s) and on performance.now() (ms), for the
 * frame the output device plays: `getOutputTimestamp()` already counts the output latency. Before
 * the context has rendered anything it answers zeros; then the frame rendered now (currentTime) is
 * heard after the latencies the context reports.
 */
export function outputTimestamp(audioContext) {
  const stamp = audioContext.getOutputTimestamp?.();
  if (stamp && stamp.performanceTime > 0) return stamp;
  const latency = (audioContext.outputLatency || 0) + (audioContext.baseLatency || 0);
  return { contextTime: audioContext.currentTime, performanceTime: performance.now() + latency * 1000 };
}

/**
 * The Resource Timing entries of the time exchanges, from a PerformanceObserver (the page's own
 * buffer of entries may be full). An entry is queued after the response: wait for it briefly; none
 * (no Resource Timing, or a timing-allow policy that hides it: requestStart is 0) means JS stamps.
 */
class ResourceTimings {
  #waiting = new Map();

  constructor() {
    if (typeof PerformanceObserver === 'undefined') return;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const resolve = this.#waiting.get(entry.name);
          if (resolve) resolve(entry.requestStart > 0 && entry.responseStart > 0 ? entry : null);
        }
      }).observe({ type: 'resource' });
      this.available = true;
    } catch {
      // no Resource Timing here
    }
  }

  /** A promise of the entry for `url` (absolute), or null after 100 ms. */
  expect(url) {
    if (!this.available) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (entry) => {
        clearTimeout(timer);
        this.#waiting.delete(url);
        resolve(entry);
      };
      const timer = setTimeout(() => done(null), 100);
      this.#waiting.set(url, done);
    });
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
