// Open the page, log in through the form, see the username, pass axe, log out.
import assert from 'node:assert/strict';

export default async function smoke(t) {
  const { page } = t;
  const response = await page.goto(`${t.url}/`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);

  await page.getByLabel('Username').fill(t.user);
  await page.getByLabel('Password').fill(t.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Hello, ${t.user}` }).waitFor();
  await t.checkA11y(page);

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
