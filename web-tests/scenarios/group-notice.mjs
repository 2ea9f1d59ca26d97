// A member of a group session on another page than the group view: when the session ends (the
// owner ends it, or the server forgets it) or the member is removed, that page says so once, with a notice that stays until
// dismissed, and the player is the listener's again, paused where it was. While the page cannot
// reach the session's event stream for a while (connections refused, then a 503), nothing is said:
// a reconnect is not an end.
import assert from 'node:assert/strict';
import { openAlbum } from '../lib/player.mjs';

const ENDED = 'Your group session ended. Your player is yours again.';
const REMOVED = 'You were removed from the group session. Your player is yours again.';

async function newSession(t, page, csrf, name) {
  const answer = await page.request.post(`${t.url}/api/v1/sessions`, { data: { name }, headers: { 'X-Cadenza-CSRF': csrf } });
  assert.equal(answer.status(), 201);
  return (await answer.json()).id;
}

/** B joins the session by its link, then goes to an album page: the membership stays. */
async function joinAndBrowse(t, b, sessionId) {
  await b.goto(`${t.url}/#/group/${sessionId}`);
  await b.getByRole('button', { name: 'Join and listen' }).click();
  await b.getByRole('heading', { name: 'Members' }).waitFor();
  await openAlbum(b, 'Tides');
  assert.equal(await b.evaluate(() => window.cadenza.player.suspended), true, 'the group has the sound');
  await b.getByRole('region', { name: 'Player' }).getByText('Group playback').waitFor();
}

/** Counts the times a notice is shown (filled), from now on. */
function countNotices(page) {
  return page.evaluate(() => {
    window.noticesShown = 0;
    new MutationObserver((records) => {
      window.noticesShown += records.filter((r) => r.addedNodes.length > 0).length;
    }).observe(document.querySelector('.notice'), { childList: true });
  });
}

/** The player bar is the listener's own: its transport enabled, paused, no "Group playback". */
async function playerIsBack(page) {
  await page.waitForFunction(() => !window.cadenza.player.suspended);
  const bar = page.getByRole('region', { name: 'Player' });
  assert.equal(await bar.getByText('Group playback').count(), 0, 'the bar no longer says Group playback');
  assert.equal(await bar.getByRole('button', { name: 'Play', exact: true }).isEnabled(), true, 'its Play is enabled');
  assert.equal(await page.evaluate(() => window.cadenza.player.playing), false, 'nothing plays by itself');
}

export default async function groupNotice(t) {
  const a = t.page;
  const csrf = await t.loginByApi(a);
  const { page: b } = await t.newContext();
  b.context().setDefaultTimeout(15_000);
  await t.loginByApi(b);

  // B cannot reach the event stream for a while: its first request hangs until B is on an album
  // page, then is refused, so is the next, then one answers 503; the one after gets through
  let phase = 'hold';
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let refused = 0;
  let failed = 0;
  let answered503;
  const blackedOut = new Promise((resolve) => { answered503 = resolve; });
  await b.route('**/api/v1/sessions/*/events', async (route) => {
    if (phase === 'hold') await released;
    if (phase !== 'blackout') return route.continue();
    if (refused < 2) {
      refused += 1;
      return route.abort('connectionrefused');
    }
    failed += 1;
    answered503();
    return route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' });
  });

  // B plays a track of its own, then joins: its player is handed over, paused
  await b.goto(t.url);
  await openAlbum(b, 'Tides');
  await b.getByRole('list', { name: 'Tracks' }).getByRole('button', { name: /^Play / }).first().click();
  await b.waitForFunction(() => window.cadenza.player.element.currentTime > 0.2);
  const first = await newSession(t, a, csrf, 'Porch');
  await joinAndBrowse(t, b, first);
  await countNotices(b);

  phase = 'blackout';
  release();
  await blackedOut;
  assert.equal(refused, 2, 'two connections refused');
  const back = b.waitForResponse((r) => r.url().includes(`/sessions/${first}/events`) && r.status() === 200);
  phase = 'live';
  await back;
  assert.equal(await b.locator('.notice:not([hidden])').count(), 0, 'a reconnect is not an end');
  assert.equal(await b.evaluate(() => window.cadenza.player.suspended), true, 'still a member');
  await b.getByRole('heading', { level: 1, name: 'Tides' }).waitFor();

  // the owner ends the session: B, on the album page, is told once and gets its player back
  const ended = await a.request.delete(`${t.url}/api/v1/sessions/${first}`, { headers: { 'X-Cadenza-CSRF': csrf } });
  assert.equal(ended.status(), 204);
  const notice = b.getByRole('status').filter({ hasText: ENDED });
  await notice.waitFor();
  await playerIsBack(b);
  await b.getByRole('heading', { level: 1, name: 'Tides' }).waitFor();
  await t.checkA11y(b, { exclude: ['.player-bar'] });
  await t.screenshot('group-notice', b);
  // another page and the group view: the notice stays, nothing is said again, no session is shown
  await b.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Group' }).click();
  await b.getByRole('heading', { name: 'Listen together' }).waitFor();
  assert.equal(await b.evaluate(() => window.noticesShown), 1, 'told exactly once');
  // the notice's action: the listener's own music plays again, from where it was
  await notice.getByRole('button', { name: 'Play your music' }).click();
  await notice.waitFor({ state: 'detached' });
  await b.waitForFunction(() => window.cadenza.player.playing);
  await b.evaluate(() => window.cadenza.player.pause());

  // removed by the owner: the same, with the reason
  const second = await newSession(t, a, csrf, 'Attic');
  await joinAndBrowse(t, b, second);
  const { members } = await (await a.request.get(`${t.url}/api/v1/sessions/${second}`)).json();
  assert.equal(members.length, 1);
  const removed = await a.request.delete(`${t.url}/api/v1/sessions/${second}/members/${members[0].id}`, { headers: { 'X-Cadenza-CSRF': csrf } });
  assert.equal(removed.status(), 204);
  const removedNotice = b.getByRole('status').filter({ hasText: REMOVED });
  await removedNotice.waitFor();
  await playerIsBack(b);
  await removedNotice.getByRole('button', { name: 'Dismiss' }).click();
  await removedNotice.waitFor({ state: 'detached' });
  assert.equal(await b.evaluate(() => window.noticesShown), 2, 'one notice for each end');

  // the server forgets the session (an in-memory store restarted): its stream and the session
  // answer 404. A stream that answers 404 alone is not an end (the session still answers);
  // both are
  const third = await newSession(t, a, csrf, 'Cellar');
  let forgotten = false;
  const notFound = { status: 404, contentType: 'application/problem+json', body: '{"title":"Not Found","status":404}' };
  await b.route(`**/api/v1/sessions/${third}/events`, (route) => route.fulfill(notFound));
  await b.route(`**/api/v1/sessions/${third}`, (route) => (forgotten && route.request().method() === 'GET' ? route.fulfill(notFound) : route.continue()));
  const asked = b.waitForResponse((r) => r.url().endsWith(`/api/v1/sessions/${third}`) && r.request().method() === 'GET' && r.status() === 200);
  await joinAndBrowse(t, b, third);
  await asked;
  assert.equal(await b.locator('.notice:not([hidden])').count(), 0, 'a stream answering 404 alone is not an end');
  forgotten = true;
  await b.getByRole('status').filter({ hasText: ENDED }).waitFor();
  await playerIsBack(b);
  assert.equal(await b.evaluate(() => window.noticesShown), 3, 'one notice for each end');
  assert.deepEqual(t.problems, [], 'the pages reported no errors');
}
