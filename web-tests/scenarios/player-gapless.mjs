// Gapless joins: three tracks of one album cut from one continuous signal (a 441 Hz sine with noise
// over it, so that no stretch repeats another) play with nothing lost or added at either cut: the
// first from its <audio> element to the second decoded, the second decoded to the third decoded. The
// page's output (player.output) is recorded on the audio thread, and the recording is aligned with
// the signal before and after each cut: the difference of the two alignments is the gap, in samples
// of the recording. The first cut played as tracks of two albums (the elements' switch, no join) is
// measured as the baseline. The figures are printed; the joins must leave 0 samples. Then the
// transport works on a joined track: pause, seek, play, next; and a streaming quality chosen while
// a joined track plays moves it to an element at its position, after which there is no join.

import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assert, freshListener, signIn } from '../lib/player.mjs';

const run = promisify(execFile);
const ROOT = 'Gapless Test';
const SECONDS = [4, 3, 2]; // the three tracks
const WINDOW = 4096;

export default async function (t) {
  const { page } = t;
  const library = process.env.CADENZA_LIBRARY;
  assert(library, 'CADENZA_LIBRARY (the library directory the service under test reads) is not set');
  await signIn(page, await freshListener(t));
  // the files at the rate the page's audio runs at: the recording is then the signal, sample for sample
  const rate = await page.evaluate(() => {
    const context = new AudioContext();
    const r = context.sampleRate;
    context.close();
    return r;
  });
  const signal = continuousSignal(SECONDS.reduce((a, b) => a + b) * rate, rate);
  const cuts = [SECONDS[0] * rate, (SECONDS[0] + SECONDS[1]) * rate];
  await writeTracks(library, rate, signal, cuts);
  try {
    const tracks = await scanFor(t, 4);
    const byPath = (p) => tracks.find((track) => track.path.endsWith(p));
    const album = ['01 First Part', '02 Second Part', '03 Third Part'].map((name) => byPath(`One Signal/${name}.flac`));
    const elsewhere = byPath('Elsewhere/01 Second Part.flac');

    // the recording ends a second (or a little more) after the last cut it covers
    const baseline = measure(await record(page, [album[0], elsewhere], 1), signal, cuts[0], 2.5, rate);
    console.log(`first cut, tracks of two albums (the <audio> elements' switch): ${describe(baseline, rate)}`);
    const recording = await record(page, album, 2);
    const joins = [measure(recording, signal, cuts[0], 2.5 + SECONDS[1], rate), measure(recording, signal, cuts[1], 2.5, rate)];
    console.log(`first cut, next track of the album (element to decoded): ${describe(joins[0], rate)}`);
    console.log(`second cut, next track of the album (decoded to decoded): ${describe(joins[1], rate)}`);
    for (const [i, { gap, deviation }] of joins.entries()) {
      assert(gap === 0, `cut ${i + 1}: the join left a gap of ${gap} samples`);
      assert(deviation < 1e-3, `cut ${i + 1}: the recording departs from the signal by ${deviation} around it`);
    }

    // The joined track is current everywhere, and the transport works on it.
    const bar = page.getByRole('region', { name: 'Player' });
    await bar.getByText('Third Part').waitFor();
    assert(await page.evaluate(() => navigator.mediaSession.metadata?.title) === 'Third Part', 'the media session shows the joined track');
    assert(await page.evaluate(() => !window.cadenza.player.playing), 'paused');
    await page.evaluate(() => window.cadenza.player.seek(0.25));
    assert(await page.evaluate(() => window.cadenza.player.position) === 0.25, 'a paused seek moves the position');
    await page.evaluate(() => window.cadenza.player.play());
    await page.waitForFunction(() => window.cadenza.player.playing && window.cadenza.player.position > 0.6);
    await page.evaluate(() => window.cadenza.player.previous()); // within 3 s: the track before
    await page.waitForFunction(() => window.cadenza.player.current.title === 'Second Part' && window.cadenza.player.element.currentTime > 0.2);

    // A quality chosen while a joined track plays decoded: the element plays it on at that position,
    // as the variant; and at a variant the next track of the album is the elements' switch, no join.
    const app = await page.evaluate(() => new URL('.', document.querySelector('script[type="module"]').src).href);
    const { decoded, position: at } = await page.evaluate(async ({ album, app }) => {
      const { player } = window.cadenza;
      player.pause();
      player.playTracks(album);
      await new Promise((resolve) => {
        const check = () => (player.index === 1 && player.position > 0.3 ? resolve() : setTimeout(check, 20));
        check();
      });
      const { QUALITIES } = await import(`${app}quality.js`);
      const decoded = player.element.dataset.trackId === album[0].id; // the element still has the first
      const position = player.position;
      player.setQuality(QUALITIES.find((q) => q.id === 'low'));
      return { decoded, position };
    }, { album, app });
    assert(decoded, 'the second track was joined (it played decoded) when the quality changed');
    await page.waitForFunction(({ id, at }) => {
      const { player } = window.cadenza;
      const element = player.element;
      return element.dataset.trackId === id && element.src.includes('bitrate=96') && !element.paused && element.currentTime >= at;
    }, { id: album[1].id, at });
    assert(await page.evaluate(() => window.cadenza.player.duration) === album[1].durationMs / 1000, 'a variant has the catalogue\'s duration');
    await page.waitForFunction((id) => {
      const element = window.cadenza.player.element;
      return window.cadenza.player.index === 2 && element.dataset.trackId === id && !element.paused && element.currentTime > 0.1;
    }, album[2].id);
    console.log(`a quality chosen at ${at.toFixed(2)} s into a decoded track: the element played on from there; the next track followed on an element`);
    await page.evaluate(() => window.cadenza.player.pause());
    assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
  } finally {
    await rm(join(library, ROOT), { recursive: true, force: true });
    await scanFor(t, 0);
  }
}

/** A 441 Hz sine with uniform noise over it (seeded: the same every run), as 16-bit samples. */
function continuousSignal(length, rate) {
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const samples = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    samples[i] = Math.round(32767 * (0.3 * Math.sin((2 * Math.PI * 441 * i) / rate) + 0.2 * (2 * random() - 1)));
  }
  return samples;
}

/** One Signal/01 to 03 (the signal cut in three), and Elsewhere/01 (the second part, on another album). */
async function writeTracks(library, rate, signal, cuts) {
  const files = [
    ['One Signal', '01 First Part.flac', 'First Part', 1, signal.subarray(0, cuts[0])],
    ['One Signal', '02 Second Part.flac', 'Second Part', 2, signal.subarray(cuts[0], cuts[1])],
    ['One Signal', '03 Third Part.flac', 'Third Part', 3, signal.subarray(cuts[1])],
    ['Elsewhere', '01 Second Part.flac', 'Second Part', 1, signal.subarray(cuts[0], cuts[1])],
  ];
  for (const [album, file, title, number, samples] of files) {
    const dir = join(library, ROOT, album);
    await mkdir(dir, { recursive: true });
    const raw = join(dir, `${file}.raw`);
    await writeFile(raw, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', raw,
      '-metadata', `title=${title}`, '-metadata', `album=${album}`, '-metadata', `artist=${ROOT}`,
      '-metadata', `track=${number}`, '-c:a', 'flac', join(dir, file)]).catch((error) => {
      throw new Error(`ffmpeg wrote no ${file} (hack/ffmpeg.sh installs it): ${error.stderr || error.message}`);
    });
    await rm(raw);
  }
}

/** Rescans as the admin until `count` tracks of the test's albums are listed; returns them. */
async function scanFor(t, count) {
  const auth = { Authorization: `Basic ${btoa(`${t.user}:${t.password}`)}` };
  for (let attempt = 0; attempt < 50; attempt++) {
    const scan = await fetch(`${t.url}/api/v1/library/scan`, { method: 'POST', headers: auth });
    assert(scan.status === 202, `rescan: ${scan.status}`);
    const listing = await fetch(`${t.url}/api/v1/tracks?limit=500`, { headers: auth }).then((r) => r.json());
    const ours = listing.items.filter((track) => track.path.startsWith(`${ROOT}/`));
    if (ours.length === count) return ours;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the library did not list ${count} tracks under ${ROOT}/ after rescans`);
}

/** Plays `tracks` from the start and records the output until the one at `last` has played for a second. */
async function record(page, tracks, last) {
  // The player's own tap (gapless/tap-processor.js), on the audio thread: every frame, in order.
  const samples = await page.evaluate(async ({ tracks, last, seconds }) => {
    const { player } = window.cadenza;
    player.playTracks(tracks);
    const { context } = player.output;
    let recorder = null;
    while (!recorder) {
      try {
        recorder = new AudioWorkletNode(context, 'cadenza-tap', { numberOfOutputs: 0, processorOptions: { frames: seconds * context.sampleRate } });
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20)); // the player is still loading the module
      }
    }
    player.output.connect(recorder);
    await new Promise((resolve) => {
      const check = () => (player.index === last && player.position > 1 ? resolve() : setTimeout(check, 50));
      check();
    });
    const { samples } = await new Promise((resolve) => {
      recorder.port.onmessage = (e) => resolve(e.data);
      recorder.port.postMessage('read');
    });
    player.output.disconnect(recorder);
    player.pause();
    return Array.from(samples);
  }, { tracks, last, seconds: SECONDS.reduce((a, b) => a + b) + 2 });
  return Float32Array.from(samples);
}

/**
 * Aligns the recording with the signal `secondsBeforeEnd` before the recording's end (before the
 * cut) and half a second after the cut: recording[i] is signal[i + before] on one side and
 * signal[i + after] on the other, so the later track came `before - after` samples late (a gap) or
 * early (negative: the earlier one cut short).
 */
function measure(recording, signal, cut, secondsBeforeEnd, rate) {
  const reference = Float32Array.from(signal, (s) => s / 32768);
  const half = Math.round(rate / 2);
  const early = recording.length - Math.round(secondsBeforeEnd * rate);
  const before = bestLag(recording, early, reference, Math.max(0, cut - 4 * rate), cut - WINDOW) - early;
  const seam = cut - before; // where the cut is in the recording
  const after = bestLag(recording, seam + half, reference, cut, Math.min(reference.length, cut + 2 * rate) - WINDOW) - (seam + half);
  let deviation = 0;
  for (let i = seam - half; i < seam + half; i++) deviation = Math.max(deviation, Math.abs(recording[i] - reference[i + before]));
  return { gap: before - after, deviation };
}

/** The reference index in [from, to] that recording[at..at+WINDOW) matches best (cross-correlation). */
function bestLag(recording, at, reference, from, to) {
  let best = from;
  let bestScore = -Infinity;
  for (let lag = from; lag <= to; lag++) {
    let dot = 0;
    for (let i = 0; i < WINDOW; i++) dot += recording[at + i] * reference[lag + i];
    if (dot > bestScore) {
      bestScore = dot;
      best = lag;
    }
  }
  return best;
}

function describe({ gap, deviation }, rate) {
  return `gap ${gap} samples (${((gap * 1000) / rate).toFixed(2)} ms at ${rate} Hz), largest departure from the signal within 0.5 s of the cut ${deviation.toFixed(4)}`;
}
