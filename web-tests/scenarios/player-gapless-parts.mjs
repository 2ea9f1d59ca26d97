// The gapless joins' rules and arithmetic in the browser, without audio (docs/web.md, "Gapless
// playback"): which next track is joined (followsOnAlbum, short), and align() finding a recording in a
// track to the sample, and refusing silence, a steady tone (it repeats every period), and a
// recording that is not in the searched range.
import assert from 'node:assert/strict';

export default async function gaplessParts(t) {
  const { page } = t;
  await page.goto(`${t.url}/`);
  const app = await page.evaluate(() => new URL('.', document.querySelector('script[type="module"]').src).href);

  const result = await page.evaluate(async (base) => {
    const { followsOnAlbum, short, MAX_DURATION_MS } = await import(`${base}gapless/decoded-tracks.js`);
    const { align } = await import(`${base}gapless/alignment.js`);
    const track = (albumId, discNumber, trackNumber, durationMs = 180_000) => ({ albumId, discNumber, trackNumber, durationMs });

    // noise over a tone, seeded: no stretch of it repeats another
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const music = Float32Array.from({ length: 44_100 * 3 }, (_, i) => 0.3 * Math.sin(i * 0.0628) + 0.2 * random());
    const tone = Float32Array.from({ length: 44_100 * 3 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 441 * i) / 44_100));
    const at = 50_000;
    const stretch = (signal) => signal.slice(at, at + 4096);
    return {
      nextOnDisc: followsOnAlbum(track('a', 1, 4), track('a', 1, 5)),
      firstOfNextDisc: followsOnAlbum(track('a', 1, 12), track('a', 2, 1)),
      noDiscNumbers: followsOnAlbum({ albumId: 'a', trackNumber: 1 }, { albumId: 'a', trackNumber: 2 }),
      skipsOne: followsOnAlbum(track('a', 1, 4), track('a', 1, 6)),
      backwards: followsOnAlbum(track('a', 1, 5), track('a', 1, 4)),
      otherAlbum: followsOnAlbum(track('a', 1, 4), track('b', 1, 5)),
      noNumbers: followsOnAlbum({ albumId: 'a' }, { albumId: 'a' }),
      laterDiscNotFirst: followsOnAlbum(track('a', 1, 12), track('a', 2, 2)),
      twentyMinutes: short(track('a', 1, 1, MAX_DURATION_MS)),
      longer: short(track('a', 1, 1, MAX_DURATION_MS + 1)),
      unknownLength: short({ albumId: 'a' }),
      exact: align(stretch(music), music, at + 300, 4410),
      guessedRight: align(stretch(music), music, at, 4410),
      outOfRange: align(stretch(music), music, at + 5000, 4410),
      steadyTone: align(stretch(tone), tone, at + 30, 4410),
      silence: align(new Float32Array(4096), music, at, 4410),
    };
  }, app);

  assert.equal(result.nextOnDisc, true);
  assert.equal(result.firstOfNextDisc, true);
  assert.equal(result.noDiscNumbers, true, 'no disc numbers: one disc');
  assert.equal(result.skipsOne, false);
  assert.equal(result.backwards, false);
  assert.equal(result.otherAlbum, false);
  assert.equal(result.noNumbers, false);
  assert.equal(result.laterDiscNotFirst, false);
  assert.equal(result.twentyMinutes, true);
  assert.equal(result.longer, false);
  assert.equal(result.unknownLength, false);
  assert.equal(result.exact?.lag, 50_000, `align, guess 300 samples off: ${JSON.stringify(result.exact)}`);
  assert.equal(result.guessedRight?.lag, 50_000);
  assert.equal(result.outOfRange, null, 'a recording outside the searched range is not matched elsewhere');
  assert.equal(result.steadyTone, null, 'a steady tone matches every period: ambiguous');
  assert.equal(result.silence, null);
  assert.equal(t.problems.length, 0, `the page reported errors: ${t.problems.join('; ')}`);
}
