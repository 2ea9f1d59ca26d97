// The streaming quality: chosen in its dialog (axe, both themes), kept on the device across a
// reload; the stream request carries format and bitrate and is answered by that variant, being
// made (no length, no ranges); it plays, and the bar shows the catalogue's duration. Then a
// 10-minute track, added to the library for this (CADENZA_LIBRARY, ffmpeg): a seek far past what
// the browser has of its variant being made waits until the variant is made (HEAD), requests it
// again and plays on from there; Original again drops the parameters and plays on.

import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, freshListener, playedPast, signIn } from '../lib/player.mjs';

const SHORT = { title: 'Phrygian Dusk', query: 'phrygian', shown: '0:18' }; // Vorbis: becomes Opus
const LONG = { title: 'Quality Drone', query: 'quality drone', shown: '10:00', seconds: 600 };
const SEEK_TO = 540;

export default async function (t) {
  const { page } = t;
  const library = process.env.CADENZA_LIBRARY;
  assert(library, 'CADENZA_LIBRARY (the library directory the service under test reads) is not set');
  await signIn(page, await freshListener(t, { name: 'quality' }));
  const bar = page.getByRole('region', { name: 'Player' });
  const seek = bar.getByRole('slider', { name: 'Seek' });

  // Debian's Chromium plays Opus: the player asks for it.
  const format = await page.evaluate(() => window.cadenza.player.format.format);
  assert(format === 'opus', `the format asked for: ${format}`);

  // Choose Low in the dialog; the bar's button says it, and so does it after a reload.
  await bar.getByRole('button', { name: 'Streaming quality: Original' }).click();
  const dialog = page.getByRole('dialog', { name: 'Streaming quality' });
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
    if (response.url().includes('/stream')) {
      const headers = response.headers();
      streams.push({
        method: response.request().method(), url: response.url(), status: response.status(), range: response.request().headers().range ?? 'whole',
        acceptRanges: headers['accept-ranges'], transcoding: headers['x-transcoding'] ?? '',
      });
    }
  });
  const shown = (list) => list.map((s) => `${s.method} ${s.status} ${s.range} ${s.acceptRanges} ${s.transcoding}`).join(' | ');

  // Play: the request asks for Opus at 96 kb/s, the service answers with that variant, and it plays.
  await play(page, SHORT);
  await playedPast(page, 1);
  const src = await page.evaluate(() => window.cadenza.player.element.currentSrc);
  assert(new URL(src).search === '?format=opus&bitrate=96', `the audio element's src: ${src}`);
  const first = streams[0];
  assert(first?.url === src && first.transcoding.startsWith('opus-96'), `the first stream answer: ${JSON.stringify(first)}`);
  console.log(`first answer: ${shown([first])}`);
  // While it is being made Chromium says Infinity (and calls it all seekable): the bar does not rely on it.
  console.log('the element while playing:', await page.evaluate(describeElement));
  await shows(bar, seek, SHORT.shown);

  // A long track, whose variant takes ffmpeg a few seconds to make.
  const file = join(library, `quality-drone-${Date.now()}.flac`);
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=8000:duration=${LONG.seconds}`,
    '-ac', '1', '-metadata', `title=${LONG.title}`, '-metadata', 'artist=Cadenza Tests', file]);
  try {
    await rescanUntil(t, LONG.query, true);
    streams.length = 0;
    // Seek as soon as it plays, far past what the browser has read of the variant being made.
    const atSeek = page.evaluate((to) => new Promise((resolve) => {
      const { player } = window.cadenza;
      const onTrack = () => {
        player.element.addEventListener('playing', () => {
          const b = player.element.buffered;
          const buffered = b.length ? b.end(b.length - 1) : 0;
          player.seek(to);
          resolve({ buffered, duration: player.element.duration });
        }, { once: true });
      };
      player.addEventListener('trackchange', onTrack, { once: true });
    }), SEEK_TO);
    await play(page, LONG);
    const { buffered, duration } = await atSeek;
    console.log(`seek to ${SEEK_TO} s with ${buffered.toFixed(1)} s buffered, the element's duration ${duration}`);
    assert(streams[0]?.acceptRanges === 'none' && buffered < SEEK_TO, `a variant being made, not read up to ${SEEK_TO} s: ${shown(streams)}, ${buffered} s buffered`);
    await shows(bar, seek, LONG.shown);
    await playedPast(page, SEEK_TO + 0.5, 30000);
    console.log(`stream answers: ${shown(streams)}`);
    const reload = streams.findIndex((s) => s.method === 'GET' && s.acceptRanges === 'bytes');
    assert(reload > 0 && streams.slice(1, reload).every((s) => s.method === 'HEAD'), 'HEADs until the variant was made, then a request of the made variant');
    assert(streams.slice(reload).every((s) => s.transcoding === 'opus-96' && (s.method === 'HEAD' || s.status === 206)), 'the made variant, read by ranges');
    await shows(bar, seek, LONG.shown);

    // Original again: the original's URL, from about where it was.
    const before = await page.evaluate(() => window.cadenza.player.element.currentTime);
    await bar.getByRole('button', { name: /^Streaming quality: / }).click();
    await dialog.getByRole('radio', { name: 'Original' }).check();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.waitForFunction(() => !new URL(window.cadenza.player.element.currentSrc).search);
    await playedPast(page, before);
  } finally {
    await page.evaluate(() => window.cadenza.player.clear());
    await rm(file, { force: true });
    await rescanUntil(t, LONG.query, false);
  }
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}

async function play(page, { title, query }) {
  await page.getByRole('searchbox', { name: 'Search artists, albums and tracks' }).fill(query);
  const row = page.getByRole('list', { name: 'Tracks' }).getByRole('listitem').filter({ hasText: title });
  await row.getByRole('button', { name: /^Play / }).click();
}

/** The total, the slider's end and its value text say the catalogue's duration. */
async function shows(bar, seek, total) {
  const [minutes, seconds] = total.split(':').map(Number);
  assert(await bar.getByText(total, { exact: true }).isVisible(), `the total shows ${total}`);
  assert(Number(await seek.getAttribute('max')) === minutes * 60 + seconds, `the slider's end: ${await seek.getAttribute('max')}`);
  const text = await seek.getAttribute('aria-valuetext');
  assert(text.endsWith(`of ${total}`), `the slider says ${text}`);
}

function describeElement() {
  const a = window.cadenza.player.element;
  const r = (x) => [...Array(x.length).keys()].map((i) => `${x.start(i).toFixed(2)}-${x.end(i).toFixed(2)}`).join(',');
  return `duration ${a.duration}, seekable ${r(a.seekable)}, buffered ${r(a.buffered)}`;
}

/** Asks for a rescan as the admin until a search for `query` finds a track (or none). */
async function rescanUntil(t, query, present) {
  const auth = { Authorization: `Basic ${btoa(`${t.user}:${t.password}`)}` };
  for (let attempt = 0; attempt < 50; attempt++) {
    const scan = await fetch(`${t.url}/api/v1/library/scan`, { method: 'POST', headers: auth });
    assert(scan.status === 202, `rescan: ${scan.status}`);
    const found = await (await fetch(`${t.url}/api/v1/tracks?q=${encodeURIComponent(query)}`, { headers: auth })).json();
    if ((found.items.length > 0) === present) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`a search for "${query}" did not ${present ? 'find' : 'lose'} it after rescans`);
}
