// Where a recorded stretch of audio lies in a decoded track, to the sample: the lag with the highest
// normalised cross-correlation within a search radius of a guess. The player records what its <audio>
// element plays (gapless/tap-processor.js) and aligns it with the same track decoded, because the
// element's own clock (currentTime) is known only to some milliseconds.

/**
 * Below this normalised correlation the recording is not that stretch of the track: the element and
 * decodeAudioData decode the same file, so the true match is within rounding (or resampling) of 1.
 */
const MIN_MATCH = 0.98;
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
 * @param {number} radius how far (samples) the truth may be from the guess; the cost is
 *   recorded.length × 2 × radius multiplications, on the page's thread
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
  // the reference's energy over each window, slid along
  let windowEnergy = 0;
  for (let i = from; i < from + n; i++) windowEnergy += reference[i] * reference[i];
  const scores = new Float64Array(to - from + 1);
  for (let lag = from; lag <= to; lag++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += recorded[i] * reference[lag + i];
    scores[lag - from] = windowEnergy > 0 ? dot / Math.sqrt(recordedEnergy * windowEnergy) : 0;
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
