// Open the page, log in through the form, see the username, pass axe, log out.
import assert from 'node:assert/strict';

export default async function smoke(t) {
  const { page } = t;
  const response = await page.goto(`${t.url}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);

  await page.getByLabel('Username').waitFor();
  // what the first load of the page and its files cost on the wire (compressed bodies)
  const load = await page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .filter((e) => new URL(e.name).pathname === '/' || new URL(e.name).pathname.startsWith('/app/'))
      .reduce((sum, e) => ({ files: sum.files + 1, bytes: sum.bytes + e.encodedBodySize }), {
        files: 0,
        bytes: 0,
      }),
  );
  console.log(`first load: ${load.bytes} bytes compressed in ${load.files} files`);

  await page.getByLabel('Username').fill(t.user);
  await page.getByLabel('Password').fill(t.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Hello, ${t.user}` }).waitFor();
  await t.checkA11y(page);

  // the cookie authenticates what the browser fetches: the catalogue, a range of a stream, a cover
  const tracks = await (await page.request.get(`${t.url}/api/v1/tracks?limit=50`)).json();
  assert.ok(tracks.items.length > 0, 'the demo library has tracks');
  const withCover = tracks.items.find((track) => track.coverUrl) ?? tracks.items[0];
  const range = await page.request.get(`${t.url}/api/v1/tracks/${withCover.id}/stream`, {
    headers: { Range: 'bytes=0-1023' },
  });
  assert.equal(range.status(), 206);
  assert.equal((await range.body()).length, 1024);
  if (withCover.coverUrl) {
    assert.equal((await page.request.get(`${t.url}${withCover.coverUrl}`)).status(), 200);
  }

  // a reload keeps the session (the cookie) and recovers the CSRF token
  await page.reload();
  await page.getByRole('heading', { name: `Hello, ${t.user}` }).waitFor();

  await page.getByRole('button', { name: t.user }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
  const me = await page.request.get(`${t.url}/api/v1/auth/session`);
  assert.equal(me.status(), 401, 'the session ends at logout');
  await t.checkA11y(page);
  assert.deepEqual(t.problems, [], 'the page reported no errors');
}
