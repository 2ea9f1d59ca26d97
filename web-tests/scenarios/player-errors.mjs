// Errors a person can act on: a server that goes away (a banner, then it recovers), a track whose
// file left the library (a message, not a stuck player), and a session that ended (the login says so).

import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { assert, freshListener, openAlbum, signIn } from '../lib/player.mjs';

const REMOVED = ['The Quiet Modes', 'Seven Modes', '03 Phrygian Dusk.ogg'];

export default async function (t) {
  const { page } = t;
  const listener = await freshListener(t);
  await signIn(page, listener);

  // The server goes away: every API request fails at the network level.
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Albums' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'The server is unreachable' });
  await banner.waitFor();
  await page.getByRole('heading', { level: 1, name: 'The server is unreachable' }).waitFor();
  // ... and comes back: Retry hides the banner and shows the page that failed.
  await page.unroute('**/api/**');
  await banner.getByRole('button', { name: 'Retry' }).click();
  await banner.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { level: 1, name: 'Albums' }).waitFor();

  // A removed track: its file is deleted and the library rescanned while its album is shown.
  const library = process.env.CADENZA_LIBRARY;
  assert(library, 'CADENZA_LIBRARY (the library directory the service under test reads) is not set');
  await openAlbum(page, 'Seven Modes');
  const row = page.getByRole('listitem').filter({ hasText: 'Phrygian Dusk' });
  const trackId = await row.getAttribute('data-track-id');
  const file = join(library, ...REMOVED);
  const aside = join(library, '..', `removed-by-scenario-${Date.now()}.ogg`);
  await rename(file, aside);
  try {
    await rescanUntil(t, trackId, 404);
    await row.getByRole('button', { name: 'Play Phrygian Dusk' }).click();
    await page.getByRole('status').getByText('this track was removed from the library').waitFor();
    assert(await page.evaluate(() => window.cadenza.player.element.paused), 'the player is not playing a removed track');
  } finally {
    await rename(aside, file);
    await rescanUntil(t, trackId, 200);
  }

  // The session ends (here: the cookie is gone): the next request leads to the login, which says so.
  await page.context().clearCookies();
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Artists' }).click();
  await page.getByText('Your session ended. Sign in again.').waitFor();
  await page.getByLabel('Username').waitFor();
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}

/** Asks for a rescan as the admin until the track's route answers `status`. */
async function rescanUntil(t, trackId, status) {
  const auth = { Authorization: `Basic ${btoa(`${t.user}:${t.password}`)}` };
  for (let attempt = 0; attempt < 50; attempt++) {
    const scan = await fetch(`${t.url}/api/v1/library/scan`, { method: 'POST', headers: auth });
    assert(scan.status === 202, `rescan: ${scan.status}`);
    const track = await fetch(`${t.url}/api/v1/tracks/${trackId}`, { headers: auth });
    if (track.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`track ${trackId} did not answer ${status} after rescans`);
}
