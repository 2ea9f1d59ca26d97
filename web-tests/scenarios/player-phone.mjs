// The player on phones (320×568 and 360×640, touch), with a finger (touch events, as a phone sends
// them): the page is never wider than the screen (a wider page is zoomed out, or pans sideways);
// the row of tabs swiped to its end shows the Group tab whole; the group view fits the width and a
// finger scrolls it to its Leave button; a finger drags a queue row by its handle, up and down.

import { assert, freshListener, openAlbum, signIn } from '../lib/player.mjs';

const PHONES = [{ width: 320, height: 568 }, { width: 360, height: 640 }];

/** A finger from `from` to `to` ({x, y} in CSS pixels), in `steps` moves. */
async function swipe(page, from, to, steps = 12) {
  const cdp = await page.context().newCDPSession(page);
  const at = (i) => [{ x: Math.round(from.x + ((to.x - from.x) * i) / steps), y: Math.round(from.y + ((to.y - from.y) * i) / steps) }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let i = 1; i <= steps; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

const centre = async (locator) => {
  const box = await locator.boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** Whether all of the element is on the screen and it is what a finger touches at its centre. */
const inSight = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  const screen = document.documentElement;
  const whole = r.left >= 0 && r.top >= 0 && r.right <= screen.clientWidth && r.bottom <= screen.clientHeight;
  return whole && el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
});

const pageWidth = (page) => page.evaluate(() => ({
  screen: window.innerWidth,
  page: document.documentElement.scrollWidth,
  main: [document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth],
}));

async function notWiderThanTheScreen(page, phone, where) {
  const width = await pageWidth(page);
  assert(width.screen === phone.width && width.page <= phone.width, `${where} at ${phone.width} px: the page is ${width.page} px wide, shown ${width.screen} px wide`);
  assert(width.main[0] <= width.main[1], `${where} at ${phone.width} px: the main area scrolls sideways (${width.main[0]} px in ${width.main[1]})`);
}

export default async function (t) {
  const listener = await freshListener(t, { name: 'phone' });
  for (const phone of PHONES) {
    const { page } = await t.newContext({ viewport: phone, isMobile: true, hasTouch: true });
    await signIn(page, listener);
    await notWiderThanTheScreen(page, phone, 'home');

    // The tabs: swiped to their end, the last one (Group) is whole on the screen.
    const tabs = page.getByRole('navigation', { name: 'Library' });
    const row = await tabs.boundingBox();
    await swipe(page, { x: phone.width - 10, y: row.y + row.height / 2 }, { x: 10, y: row.y + row.height / 2 });
    const groupTab = tabs.getByRole('link', { name: 'Group' });
    await page.waitForFunction(() => {
      const nav = document.querySelector('.sidebar');
      return nav.scrollLeft + nav.clientWidth >= nav.scrollWidth - 1;
    });
    assert(await inSight(groupTab), `at ${phone.width} px the tabs swiped to their end show the Group tab whole`);
    await groupTab.tap();
    await page.getByRole('heading', { level: 1, name: 'Listen together' }).waitFor();
    await notWiderThanTheScreen(page, phone, 'the group page');

    // In a session: the view fits the width, and a finger scrolls it to its end.
    await page.getByLabel('Name (optional)').fill(`Pocket ${phone.width}`);
    await page.getByRole('button', { name: 'Start', exact: true }).tap();
    await page.getByRole('button', { name: 'Join and listen' }).tap();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await notWiderThanTheScreen(page, phone, 'a session');
    const leave = page.getByRole('button', { name: 'Leave' });
    const main = await page.locator('main').boundingBox();
    for (let i = 0; i < 6 && !(await inSight(leave)); i++) {
      await swipe(page, { x: 12, y: main.y + main.height - 12 }, { x: 12, y: main.y + 12 });
      await page.waitForFunction(() => document.querySelector('main').scrollTop > 0);
    }
    assert(await inSight(leave), `at ${phone.width} px a finger scrolls the session to its Leave button`);
    await leave.tap();
    await page.getByRole('heading', { level: 1, name: 'Listen together' }).waitFor();
    await page.close();
  }

  // The queue: a finger drags a row by its handle, up, then down.
  const phone = PHONES[0];
  const { page } = await t.newContext({ viewport: phone, isMobile: true, hasTouch: true });
  await signIn(page, listener);
  await openAlbum(page, 'Seven Modes');
  await page.getByRole('button', { name: 'Add to queue' }).tap();
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Queue' }).tap();
  const queue = page.getByRole('list', { name: 'Queue' });
  const titles = () => queue.locator('.track-title').allTextContents();
  await queue.getByRole('listitem').nth(2).waitFor();
  await notWiderThanTheScreen(page, phone, 'the queue');
  const rowOf = (title) => queue.getByRole('listitem').filter({ hasText: title });
  const drag = async (title, onto) => {
    await queue.evaluate((list) => list.scrollIntoView({ block: 'end' })); // every row in sight
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/queue') && r.request().method() === 'PUT' && r.ok());
    await swipe(page, await centre(rowOf(title).locator('.drag-handle')), await centre(rowOf(onto)));
    await saved;
  };
  assert((await titles()).join('|') === 'Dorian Walk|Lydian Rise|Phrygian Dusk', `queue: ${await titles()}`);
  await drag('Phrygian Dusk', 'Dorian Walk');
  assert((await titles()).join('|') === 'Phrygian Dusk|Dorian Walk|Lydian Rise', `after dragging up: ${await titles()}`);
  await drag('Phrygian Dusk', 'Lydian Rise');
  assert((await titles()).join('|') === 'Dorian Walk|Lydian Rise|Phrygian Dusk', `after dragging down: ${await titles()}`);
  await t.checkA11y(page);
  assert(t.problems.length === 0, `the page reported errors: ${t.problems.join('; ')}`);
}
