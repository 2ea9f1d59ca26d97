// The streaming quality: chosen in its dialog (axe, both themes), kept on the device across a
// reload; the stream request carries format and bitrate; the variant, being made on the first
// request (no length, no ranges), plays; the bar shows the catalogue's duration; a seek past the
// start works once the variant is complete; Original again drops the parameters and plays on.

import { assert, freshListener, playedPast, signIn } from '../lib/player.mjs';

const TRACK = 'Phrygian Dusk'; // Vorbis, 18 s in the catalogue: transcoded to Opus
const TRACK_DURATION = '0:18';

export default async function (t) {
  const { page } = t;
  await signIn(page, await freshListener(t, { name: 'quality' }));
  const bar = page.getByRole('region', { name: 'Player' });

  // Debian's Chromium plays Opus: the player asks for it.
  const format = await page.evaluate(() => window.cadenza.player.format.format);
  assert(format === 'opus', `the format asked for: ${format}`);

  // Choose Low in the dialog; the bar's button says it, and so does it after a reload.
  await bar.getByRole('button', { name: 'Streaming quality: Original' }).click();
  const dialog = page.getByRole('dialog', { name: 'Streaming quality' });
  await dialog.getByRole('radio', { name: 'Original' }).waitFor();
  assert(await dialog.getByRole('radio', { name: 'Original' }).isChecked(), 'Original is the default');
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await t.checkA11y(page);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await dialog.getByRole('radio', { name: 'Low (Opus, 96 kb/s)' }).check();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await bar.getByRole('button', { name: 'Streaming quality: Low (Opus, 96 kb/s)' }).waitFor();
  await page.reload();
  await bar.getByRole('button', { name: 'Streaming quality: Low (Opus, 96 kb/s)' }).waitFor();

  const streams = [];
  page.on('response', (response) => {
    if (response.url().includes('/stream') && response.request().method() === 'GET') {
      const headers = response.headers();
      streams.push({ url: response.url(), range: response.request().headers().range ?? '', status: response.status(), acceptRanges: headers['accept-ranges'], transcoding: headers['x-transcoding'] ?? '' });
    }
  });

  // Play: the request asks for Opus at 96 kb/s, the service answers with that variant, and it plays.
  await page.getByRole('searchbox', { name: 'Search artists, albums and tracks' }).fill('phrygian');
  const row = page.getByRole('list', { name: 'Tracks' }).getByRole('listitem').filter({ hasText: TRACK });
  await row.getByRole('button', { name: /^Play / }).click();
  await playedPast(page, 1);
  const src = await page.evaluate(() => window.cadenza.player.element.currentSrc);
  assert(new URL(src).search === '?format=opus&bitrate=96', `the audio element's src: ${src}`);
  const first = streams[0];
  assert(first && first.url === src && first.transcoding.startsWith('opus-96'), `the first stream answer: ${JSON.stringify(first)}`);
  console.log(`first answer: ${first.status}, Accept-Ranges: ${first.acceptRanges}, X-Transcoding: ${first.transcoding}`);
  // While it is being made, Chromium says Infinity (and calls it all seekable): the player does not rely on it.
  console.log('the element while playing:', await page.evaluate(() => {
    const a = window.cadenza.player.element;
    const r = (x) => [...Array(x.length).keys()].map((i) => `${x.start(i).toFixed(2)}-${x.end(i).toFixed(2)}`).join(',');
    return `duration ${a.duration}, seekable ${r(a.seekable)}, buffered ${r(a.buffered)}`;
  }));

  // The bar shows the catalogue's duration, whatever the element says of a stream without a length.
  const seek = bar.getByRole('slider', { name: 'Seek' });
  assert(await bar.getByText(TRACK_DURATION, { exact: true }).isVisible(), `the total shows ${TRACK_DURATION}`);
  assert((await seek.getAttribute('max')) === '18', `the slider's end: ${await seek.getAttribute('max')}`);
  assert((await seek.getAttribute('aria-valuetext')).endsWith(`of ${TRACK_DURATION}`), await seek.getAttribute('aria-valuetext'));

  // Seek to 12 s. A variant being made cannot be read by ranges: the player waits until the service
  // has it complete, requests it again and seeks; a made variant seeks with a Range request.
  await seek.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.cadenza.player.element.currentTime >= 12.5 && !window.cadenza.player.element.paused);
  const after = streams.slice(1);
  console.log(`stream answers: ${streams.map((s) => `${s.status} ${s.range || 'whole'} ${s.acceptRanges} ${s.transcoding}`).join(' | ')}`);
  if (first.acceptRanges === 'none') {
    assert(after.some((s) => s.acceptRanges === 'bytes' && s.transcoding === 'opus-96'), 'the seek reloaded the complete variant');
  }
  assert((await seek.getAttribute('aria-valuetext')).endsWith(`of ${TRACK_DURATION}`), 'still the catalogue duration');

  // Original again: the element goes on from about where it was, from the original's URL.
  const before = await page.evaluate(() => window.cadenza.player.element.currentTime);
  await bar.getByRole('button', { name: /^Streaming quality: / }).click();
  await dialog.getByRole('radio', { name: 'Original' }).check();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.waitForFunction(() => !new URL(window.cadenza.player.element.currentSrc).search);
  await playedPast(page, before);
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
