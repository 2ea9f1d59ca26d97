// Notices over a modal dialog: with "Add to playlist" open, an error toast is drawn above the
// dialog's backdrop (nothing covers it where it shows), the banner's Retry can be pressed, and both
// pass axe-core there; after the dialog closes, toasts show on the page again.

import { assert, freshListener, openAlbum, signIn } from '../lib/player.mjs';

/**
 * Whether the element is the topmost at its centre: not under a backdrop, nor inert. (Toasts let
 * pointers through; for the question they are made hit-testable for a moment.)
 */
const onTop = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  const before = el.style.pointerEvents;
  el.style.pointerEvents = 'auto';
  const top = el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
  el.style.pointerEvents = before;
  return top;
});

export default async function (t) {
  const { page } = t;
  await signIn(page, await freshListener(t));
  await openAlbum(page, 'Dawn Sketches');
  const openPicker = async () => {
    await page.getByRole('listitem').filter({ hasText: 'Morning Fog' }).getByRole('button', { name: 'More for Morning Fog' }).click();
    await page.getByRole('menuitem', { name: 'Add to playlist…' }).click();
    const dialog = page.getByRole('dialog', { name: /to a playlist/ });
    await dialog.waitFor();
    return dialog;
  };
  const dialog = await openPicker();

  // The server refuses the new playlist: the error toast comes while the dialog stays open.
  await page.route('**/api/v1/playlists', (route) => (route.request().method() === 'POST'
    ? route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'https://cadenza.dev/problems/accounts-busy', title: 'Busy', status: 503, detail: 'Try again in a moment.' }),
    })
    : route.continue()));
  await dialog.getByLabel('New playlist').fill('Evening');
  await dialog.getByRole('button', { name: 'Create and add' }).click();
  const refused = page.getByRole('status').getByText('Could not create the playlist: Try again in a moment.');
  await refused.waitFor();
  assert(await dialog.isVisible(), 'the dialog stays open');
  assert(await onTop(refused), 'the toast is above the dialog\'s backdrop');
  await t.checkA11y(page);

  // The server goes away: the banner says so over the dialog, and its Retry is pressed there.
  await page.unroute('**/api/v1/playlists');
  await page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
  await dialog.getByRole('button', { name: 'Create and add' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'The server is unreachable.' });
  await banner.waitFor();
  assert(await onTop(banner.getByRole('button', { name: 'Retry' })), 'the banner\'s Retry is above the backdrop');
  await page.unroute('**/api/v1/**');
  await banner.getByRole('button', { name: 'Retry' }).click();
  await page.getByRole('status').getByText('Connected again.').waitFor();
  assert(await banner.count() === 0 || !(await banner.isVisible()), 'the banner goes when the server answers');

  // Closed, the dialog takes nothing with it: the next toast shows on the page.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('listitem').filter({ hasText: 'Morning Fog' }).getByRole('button', { name: 'More for Morning Fog' }).click();
  await page.getByRole('menuitem', { name: 'Add to queue' }).click();
  const added = page.getByRole('status').getByText('Added "Morning Fog" to the queue');
  await added.waitFor();
  assert(await onTop(added), 'a toast after the dialog closed is on top');

  // And a dialog opened while a toast shows lifts it above its backdrop too.
  await openPicker();
  assert(await onTop(added), 'a toast shown before the dialog opened is above its backdrop');
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
