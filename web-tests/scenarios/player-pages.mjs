// Every main page passes axe (no serious or critical violations), in the light and the dark theme,
// and the screenshots of the docs: login, albums, an album, now playing (light and dark, desktop
// 1280x800 and phone 390x844). They go to CADENZA_SCREENSHOTS (stream-service/target/web-tests);
// CADENZA_DOCS_SCREENSHOTS=docs/screenshots refreshes the ones in the docs.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assert, freshListener, openAlbum, playedPast, signIn } from '../lib/player.mjs';

const PAGES = [
  ['Home', '#/', /^Hello, /],
  ['Artists', '#/artists', 'Artists'],
  ['Albums', '#/albums', 'Albums'],
  ['Playlists', '#/playlists', 'Playlists'],
  ['Starred', '#/starred', 'Starred'],
  ['Queue', '#/queue', 'Queue'],
  ['Search', '#/search?q=aurora', 'Search: aurora'],
  ['Group', '#/group', /./], // its own title (web/views/group.js)
];

export default async function (t) {
  const { page } = t;
  const dir = process.env.CADENZA_DOCS_SCREENSHOTS ? resolve(process.env.CADENZA_DOCS_SCREENSHOTS) : null;
  const shot = async (name, target = page) => {
    if (!dir) return t.screenshot(name, target);
    await mkdir(dir, { recursive: true });
    return target.screenshot({ path: join(dir, `${name}.png`) });
  };
  const listener = await freshListener(t, { name: 'ann' });

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(t.url);
  await page.getByLabel('Username').waitFor();
  await t.checkA11y(page);
  await shot('login');
  await signIn(page, listener);

  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [, hash, heading] of PAGES) {
      await page.goto(`${t.url}/${hash}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await t.checkA11y(page);
    }
  }

  // A playing album, its now-playing page, a menu and the shortcuts dialog: also checked.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${t.url}/#/albums`);
  await page.getByRole('heading', { level: 1, name: 'Albums' }).waitFor();
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  await shot('albums');
  await openAlbum(page, 'Dawn Sketches');
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  await playedPast(page, 0.2);
  await page.getByRole('button', { name: 'Pause' }).click();
  await t.checkA11y(page);
  await shot('album');
  await page.getByRole('button', { name: 'More for Morning Fog' }).click();
  await page.getByRole('menu').waitFor();
  await t.checkA11y(page);
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: 'Now playing' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'First Light' }).waitFor();
  await t.checkA11y(page);
  await shot('now-playing-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await t.checkA11y(page);
  await shot('now-playing-dark');
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await t.checkA11y(page);
  await page.keyboard.press('Escape');

  // The phone layout.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'light' });
  await t.checkA11y(page);
  await shot('now-playing-phone');
  await page.goto(`${t.url}/#/albums`);
  await page.getByRole('heading', { level: 1, name: 'Albums' }).waitFor();
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  await shot('albums-phone');
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
