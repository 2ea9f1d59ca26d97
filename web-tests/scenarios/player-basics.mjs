// Sign in, search as you type, play (the audio element's time advances; the media session and the
// now-playing report follow), seek (a Range request), and the shortcuts Space, ← and s.

import { assert, freshListener, playedPast, signIn } from '../lib/player.mjs';

export default async function (t) {
  const { page } = t;
  await signIn(page, await freshListener(t));

  // Search as you type: the results follow the field without pressing Enter.
  // Typed slower than the debounce, so each letter is a search: the focus stays in the field.
  await page.keyboard.press('/');
  await page.keyboard.type('noct', { delay: 400 });
  await page.getByRole('heading', { level: 1, name: 'Search: noct' }).waitFor();
  assert(await page.evaluate(() => document.activeElement?.id === 'search'), 'the search field kept the focus');
  const row = page.getByRole('list', { name: 'Tracks' }).getByRole('listitem').filter({ hasText: 'Café Nocturne' });
  await row.waitFor();

  // Chromium fetches media with Range requests; the service answers them 206.
  const partial = [];
  page.on('response', (response) => {
    const range = response.request().headers().range;
    if (response.url().includes('/stream') && range) partial.push(`${range} → ${response.status()}`);
  });

  const nowPlaying = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/scrobbles') && r.request().postDataJSON()?.submission === false && r.ok());

  // Play: from the click to the first `playing` event of the audio element.
  const started = await page.evaluate(() => performance.now());
  await row.getByRole('button', { name: /^Play / }).click();
  const firstAudioMs = await page.evaluate(
    (t0) => new Promise((resolve) => {
      const audio = window.cadenza.player.element;
      if (!audio.paused && audio.readyState >= 3) resolve(performance.now() - t0);
      else audio.addEventListener('playing', () => resolve(performance.now() - t0), { once: true });
    }),
    started,
  );
  console.log(`click to first audio: ${firstAudioMs.toFixed(0)} ms`);
  await playedPast(page, 0.5);

  // The lock screen knows the track, and the server that it is playing (a now-playing report).
  await nowPlaying;
  const session = await page.evaluate(() => ({ title: navigator.mediaSession.metadata?.title, state: navigator.mediaSession.playbackState }));
  assert(session.title === 'Café Nocturne — Été' && session.state === 'playing', `media session: ${JSON.stringify(session)}`);

  // Seek: the slider is a keyboard control; End jumps to the end, Home back to the start.
  const seek = page.getByRole('slider', { name: 'Seek' });
  await seek.focus();
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => window.cadenza.player.element.currentTime >= 7);
  assert(partial.some((r) => r.endsWith('206')), `no Range request answered 206: ${partial.join(', ')}`);
  console.log(`stream requests: ${partial.join(', ')}`);

  // Shortcuts: Space pauses, ← seeks back 5 s, s stars the track playing.
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press(' ');
  await page.waitForFunction(() => window.cadenza.player.element.paused);
  const before = await page.evaluate(() => window.cadenza.player.element.currentTime);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((t) => Math.abs(window.cadenza.player.element.currentTime - (t - 5)) < 0.5, before);
  await page.keyboard.press('s');
  await page.getByRole('region', { name: 'Player' }).getByRole('button', { name: 'Star Café Nocturne — Été', pressed: true }).waitFor();
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
