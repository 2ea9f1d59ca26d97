// Steps the web player scenarios share (scenarios/player-*.mjs).

/**
 * A listener of its own for one scenario, made through the API as the admin, so scenarios do not
 * see each other's queue, stars or playlists.
 */
export async function freshListener(env, { name = 'listener' } = {}) {
  const username = `${name}-${Math.random().toString(36).slice(2, 7)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const response = await fetch(new URL('/api/v1/users', env.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${env.user}:${env.password}`)}` },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`creating a listener: ${response.status} ${await response.text()}`);
  return { ...env, user: username, password };
}

export async function signIn(page, { url, user, password }) {
  await page.goto(url);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Hello, ${user}` }).waitFor();
}

/** Waits until the audio element's time has moved past `seconds`. */
export async function playedPast(page, seconds, timeout = 15000) {
  await page.waitForFunction((s) => window.cadenza.player.element.currentTime > s, seconds, { timeout });
}

export async function openAlbum(page, title) {
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Albums' }).click();
  await page.getByRole('link', { name: new RegExp(title) }).first().click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
