// Two pages (two browser profiles, one user) in one group session: one starts it and shares the
// link, the other joins by the link; both see both members, both schedule the track when one plays
// it (the second after its event stream dropped and came back), both pause when the other pauses,
// both show their offset to the media clock. A goes to another page and comes back: still a member
// (no leave was sent), its player still handed over, the session shown as it is. B leaves with its
// Leave button: A sees one member, B's player is its own again. When the session is ended, A says
// "Your session ended". How close together they start is a benchmark (bench/web-sync.sh), not
// asserted here.
import assert from 'node:assert/strict';

const view = (page) => page.locator('.view-group');
// this scenario checks its own view; the shell around it (the player bar) has scenarios of its own
const a11y = { exclude: ['.player-bar'] };

async function join(page) {
  await page.getByRole('button', { name: 'Join and listen' }).click();
  await page.getByRole('heading', { name: 'Members' }).waitFor();
}

export default async function group(t) {
  const a = t.page;
  const csrf = await t.loginByApi(a);
  await a.goto(`${t.url}/#/group`);
  await a.getByLabel('Name (optional)').fill('Kitchen');
  await a.getByRole('button', { name: 'Start', exact: true }).click();
  await a.waitForURL(/#\/group\/[A-Za-z0-9_-]{22}$/);
  const link = a.url();
  const sessionId = link.slice(link.lastIndexOf('/') + 1);
  await t.checkA11y(a, a11y);
  await join(a);

  // B's event stream drops at once (an empty stream), and comes back only after A has played:
  // B says it is reconnecting, and catches up from the snapshot when it is back
  const { page: b } = await t.newContext();
  b.context().setDefaultTimeout(15_000);
  let played;
  const afterPlay = new Promise((resolve) => { played = resolve; });
  let streams = 0;
  await b.route('**/api/v1/sessions/*/events', async (route) => {
    if (streams++ === 0) {
      await route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 200\n\n' });
    } else {
      await afterPlay;
      await route.continue();
    }
  });
  await t.loginByApi(b);
  await b.goto(link);
  await join(b);
  await view(b).and(b.locator('[data-connection="reconnecting"]')).waitFor();
  await b.getByText('Reconnecting…').waitFor();

  for (const page of [a, b]) {
    await page.getByRole('heading', { name: 'Kitchen' }).waitFor();
    await page.locator('.group-members li').nth(1).waitFor();
    assert.equal(await page.locator('.group-members li').count(), 2, 'both members are listed');
    await page.getByText(/Offset to the media clock: -?\d+\.\d ms ± \d+\.\d ms/).waitFor();
  }
  await t.checkA11y(b, a11y);

  // A plays a track for everyone: both pages schedule it on Web Audio
  await a.getByLabel('Play a track for everyone').fill('first light');
  await a.getByRole('button', { name: /First Light/ }).click();
  await view(a).and(a.locator('[data-state="PLAYING"]')).waitFor();
  played();
  await view(b).and(b.locator('[data-connection="live"]')).waitFor();
  for (const page of [a, b]) {
    await view(page).and(page.locator('[data-scheduled]')).waitFor();
    await view(page).and(page.locator('[data-state="PLAYING"]')).waitFor();
    await page.getByText('Playing: First Light').waitFor();
  }

  // B pauses it for everyone
  await b.getByRole('button', { name: 'Pause' }).click();
  for (const page of [a, b]) {
    await view(page).and(page.locator('[data-state="PAUSED"]')).waitFor();
  }
  await t.screenshot('group', a);

  // A goes to another page and back: the membership outlives the view
  const leaves = [];
  a.on('request', (r) => r.method() === 'DELETE' && r.url().includes('/members/') && leaves.push(r.url()));
  const library = a.getByRole('navigation', { name: 'Library' });
  await library.getByRole('link', { name: 'Albums' }).click();
  await a.getByRole('heading', { level: 1, name: 'Albums' }).waitFor();
  assert.equal(await a.evaluate(() => window.cadenza.player.suspended), true, 'the player stays handed over');
  await library.getByRole('link', { name: 'Group' }).click();
  await view(a).and(a.locator('[data-state="PAUSED"]')).waitFor();
  await a.getByRole('heading', { name: 'Kitchen' }).waitFor();
  await a.getByText('Paused: First Light').waitFor();
  assert.equal(await a.locator('.group-members li').count(), 2, 'A is still listed with B');
  assert.equal(await a.getByRole('button', { name: 'Join and listen' }).count(), 0, 'no second join');
  assert.deepEqual(leaves, [], 'going to another page sent no leave');
  const onServer = await (await a.request.get(`${t.url}/api/v1/sessions/${sessionId}`)).json();
  assert.equal(onServer.members.length, 2, 'both are members on the server');

  // B leaves explicitly: it is gone from A's list, and B's player is its own again
  await b.getByRole('button', { name: 'Leave' }).click();
  await b.getByRole('heading', { name: 'Listen together' }).waitFor();
  assert.equal(await b.evaluate(() => window.cadenza.player.suspended), false, 'B\'s player resumed');
  await a.locator('.group-members li').nth(1).waitFor({ state: 'detached' });
  await a.getByText('(you)').waitFor();

  // the owner ends the session: A says so, and its player is its own again
  const ended = await a.request.delete(`${t.url}/api/v1/sessions/${sessionId}`, {
    headers: { 'X-Cadenza-CSRF': csrf },
  });
  assert.equal(ended.status(), 204);
  await a.getByText('Your session ended.').waitFor();
  await a.waitForFunction(() => !window.cadenza.player.suspended);
  assert.deepEqual(t.problems, [], 'the pages reported no errors');
}
