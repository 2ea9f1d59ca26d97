// Where a recorded stretch of audio lies in a decoded track, to the sample: the lag with the highest
// normalised cross-correlation within a search radius of a guess. The player records what its <audio>
// element plays (gapless/tap-processor.js) and aligns it with the same track decoded, because the
// element's own clock (currentTime) is known only to some milliseconds, and its timeline may keep an
// encoder delay that decodeAudioData trims (1,105 samples for an MP3 by LAME). The correlation is
// computed with FFTs: a few milliseconds for a radius of 100 ms, where lag by lag it took hundreds.

/**
 * Below this normalised correlation the recording is not that stretch of the track: the element and
 * decodeAudioData decode the same file (0.96 for AAC, whose two decoders differ a little; 1 within
 * rounding for FLAC and MP3; wrong lags of a non-repeating signal score below 0.5).
 */
const MIN_MATCH = 0.95;
/**
 * Another peak matching within this much of the best makes the answer ambiguous: a steady tone
 * repeats every period. The caller then falls back to the element's clock.
 */
const MIN_LEAD = 0.01;
/** Lags this close to the best are its own peak, not another one. */
const NEIGHBOURHOOD = 8;
/** Quieter than this (RMS, full scale 1) there is nothing to align. */
const MIN_RMS = 1e-3;

/**
 * @param {Float32Array} recorded what was played, oldest first
 * @param {Float32Array} reference the track, decoded
 * @param {number} guess the reference index where `recorded` is thought to start
 * @param {number} radius how far (samples) the truth may be from the guess
 * @returns {{lag: number, match: number} | null} reference index of `recorded[0]`, or null when the
 *   recording is silent, matches nowhere, or matches more than one place
 */
export function align(recorded, reference, guess, radius) {
  const n = recorded.length;
  let recordedEnergy = 0;
  for (let i = 0; i < n; i++) recordedEnergy += recorded[i] * recorded[i];
  if (Math.sqrt(recordedEnergy / n) < MIN_RMS) return null;
  const from = Math.max(0, Math.round(guess - radius));
  const to = Math.min(reference.length - n, Math.round(guess + radius));
  if (to < from) return null;
  const dots = correlate(recorded, reference.subarray(from, to + n));
  // the reference's energy over each window, slid along
  let windowEnergy = 0;
  for (let i = from; i < from + n; i++) windowEnergy += reference[i] * reference[i];
  const scores = new Float64Array(to - from + 1);
  for (let lag = from; lag <= to; lag++) {
    scores[lag - from] = windowEnergy > 0 ? dots[lag - from] / Math.sqrt(recordedEnergy * windowEnergy) : 0;
    if (lag < to) windowEnergy += reference[lag + n] ** 2 - reference[lag] ** 2;
  }
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  if (scores[best] < MIN_MATCH) return null;
  // the highest other peak; the range's ends count as peaks (one may rise to a peak beyond them)
  let runnerUp = -1;
  for (let i = 0; i < scores.length; i++) {
    const peak = (i === 0 || scores[i] >= scores[i - 1]) && (i === scores.length - 1 || scores[i] >= scores[i + 1]);
    if (peak && Math.abs(i - best) > NEIGHBOURHOOD) runnerUp = Math.max(runnerUp, scores[i]);
  }
  return scores[best] - runnerUp >= MIN_LEAD ? { lag: from + best, match: scores[best] } : null;
}

/** Σ recorded[i]·segment[k + i] for every k from 0 to segment.length − recorded.length. */
function correlate(recorded, segment) {
  let size = 1;
  while (size < segment.length) size <<= 1;
  const [sr, si] = [new Float64Array(size), new Float64Array(size)];
  const [rr, ri] = [new Float64Array(size), new Float64Array(size)];
  sr.set(segment);
  rr.set(recorded);
  fft(sr, si, false);
  fft(rr, ri, false);
  // segment × conjugate(recorded), back: the correlation at each circular lag
  for (let i = 0; i < size; i++) {
    const re = sr[i] * rr[i] + si[i] * ri[i];
    si[i] = si[i] * rr[i] - sr[i] * ri[i];
    sr[i] = re;
  }
  fft(sr, si, true);
  const dots = new Float64Array(segment.length - recorded.length + 1);
  for (let k = 0; k < dots.length; k++) dots[k] = sr[k] / size;
  return dots;
}

/** In-place radix-2 FFT (inverse unscaled); the length is a power of two. */
function fft(re, im, inverse) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let length = 2; length <= n; length <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / length;
    const half = length >> 1;
    for (let start = 0; start < n; start += length) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}
