// The queue: add, reorder (buttons, dragging a handle with the mouse), and after a reload it is restored from the server (PUT/GET /me/queue);
// then it plays on from one track to the next, which was loaded in advance.

import { assert, freshListener, openAlbum, signIn } from '../lib/player.mjs';

const titles = (page) => page.getByRole('list', { name: 'Queue' }).locator('.track-title').allTextContents();

export default async function (t) {
  const { page } = t;
  await signIn(page, await freshListener(t));
  await openAlbum(page, 'Seven Modes');
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await openAlbum(page, 'Dawn Sketches');
  const row = page.getByRole('listitem').filter({ hasText: 'Morning Fog' });
  await row.getByRole('button', { name: 'More for Morning Fog' }).click();
  await page.getByRole('menuitem', { name: 'Add to queue' }).click();

  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Queue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  const before = await titles(page);
  assert(before.join('|') === 'Dorian Walk|Lydian Rise|Phrygian Dusk|Morning Fog', `queue: ${before}`);

  // Reorder with the keyboard-reachable buttons: Morning Fog up twice, then remove Dorian Walk.
  await page.getByRole('button', { name: 'Move Morning Fog up' }).click();
  await page.getByRole('button', { name: 'Move Morning Fog up' }).click();
  // The save is debounced: the last change is followed by one PUT.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/queue') && r.request().method() === 'PUT' && r.request().postDataJSON().trackIds.length === 3 && r.ok());
  await page.getByRole('button', { name: 'Remove Dorian Walk from the queue' }).click();
  const after = await titles(page);
  assert(after.join('|') === 'Morning Fog|Lydian Rise|Phrygian Dusk', `reordered queue: ${after}`);

  // After the save, a reload finds the same queue.
  await saved;
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
  await page.waitForFunction(() => window.cadenza.player.queue.length === 3);
  const restored = await titles(page);
  assert(restored.join('|') === after.join('|'), `restored queue: ${restored}`);

  // Dragging a row by its handle moves it too (with a finger: player-phone.mjs).
  const rows = page.getByRole('list', { name: 'Queue' }).getByRole('listitem');
  await rows.filter({ hasText: 'Phrygian Dusk' }).locator('.drag-handle').dragTo(rows.filter({ hasText: 'Morning Fog' }));
  const dragged = await titles(page);
  assert(dragged.join('|') === 'Phrygian Dusk|Morning Fog|Lydian Rise', `queue after dragging: ${dragged}`);

  // Play on: the next track is fetched while the current one plays, and follows it on `ended`.
  const nextId = await rows.nth(2).getAttribute('data-track-id');
  const preloaded = page.waitForRequest((r) => r.url().includes(`/tracks/${nextId}/stream`));
  await page.getByRole('button', { name: 'Play Morning Fog' }).click();
  await preloaded;
  assert(await page.evaluate(() => window.cadenza.player.current.title) === 'Morning Fog', 'the next one was fetched before it played');
  // From the first track's `ended` to the next one's `playing`: a figure, printed, not asserted.
  const gap = page.evaluate(() => new Promise((resolve) => {
    const { player } = window.cadenza;
    player.element.addEventListener('ended', () => {
      const ended = performance.now();
      player.element.addEventListener('playing', () => resolve(performance.now() - ended), { once: true });
    }, { once: true });
  }));
  await page.evaluate(() => window.cadenza.player.seek(window.cadenza.player.duration - 0.5));
  await page.waitForFunction(() => window.cadenza.player.current.title === 'Lydian Rise' && window.cadenza.player.element.currentTime > 0.2);
  console.log(`from ended to the next track playing: ${(await gap).toFixed(1)} ms`);
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
