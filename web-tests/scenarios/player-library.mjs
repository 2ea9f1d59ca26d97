// Stars (a starred track shows in Starred), ratings (kept), and playlists (create, add a track,
// play it).

import { assert, freshListener, openAlbum, playedPast, signIn } from '../lib/player.mjs';

export default async function (t) {
  const { page } = t;
  await signIn(page, await freshListener(t));
  await openAlbum(page, 'Tides');
  const row = page.getByRole('listitem').filter({ hasText: 'Low Water' });
  const star = row.getByRole('button', { name: 'Star Low Water' });
  await star.click();
  await page.waitForFunction(() => document.querySelector('.track-list .star-button[aria-pressed="true"]'));
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Starred' }).click();
  await page.getByRole('list', { name: 'Starred tracks' }).getByText('Low Water').waitFor();

  // A rating: four stars for the album, still there after a reload.
  await openAlbum(page, 'Tides');
  const rated = page.waitForResponse((r) => r.url().includes('/api/v1/me/ratings/album/') && r.ok());
  await page.getByRole('group', { name: 'Rating of Tides' }).locator('label', { hasText: '4 stars' }).click();
  await rated;
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Tides' }).waitFor();
  await page.waitForFunction(() => document.querySelector('.rating input[value="4"]')?.checked);

  // A playlist: create it from the track's menu, then play it from its page.
  const name = `Scenario ${Date.now()}`;
  await openAlbum(page, 'Tides');
  await page.getByRole('listitem').filter({ hasText: 'Spring Tide' }).getByRole('button', { name: 'More for Spring Tide' }).click();
  await page.getByRole('menuitem', { name: 'Add to playlist…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('New playlist').fill(name);
  await dialog.getByRole('button', { name: 'Create and add' }).click();
  await dialog.waitFor({ state: 'detached' });

  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Playlists' }).click();
  await page.getByRole('link', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  const entries = await page.getByRole('list', { name: `Tracks of ${name}` }).locator('.track-title').allTextContents();
  assert(entries.join('|') === 'Spring Tide', `playlist entries: ${entries}`);
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  await playedPast(page, 0.3);
  const playing = await page.evaluate(() => window.cadenza.player.current.title);
  assert(playing === 'Spring Tide', `playing ${playing}`);
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
