// The server goes away for real: the service is a process of its own (the packaged jar, authentication
// on, the embedded store in its data directory), killed with SIGKILL twice, and started again on the
// same port and data each time.
//
//  1. While the player plays: the page keeps its shell, its queue and the player bar; the next thing
//     the user does says "The server is unreachable." (a banner, no blank page, no stack trace). Back
//     up, the banner goes by itself, the view that failed shows, the cookie session is still valid
//     (web sessions are in the store; a reload stays signed in), and a track plays again.
//  2. In a group session (two browser profiles): both pages say the server is unreachable. Back up,
//     the session is gone with the process (without DynamoDB, group sessions live in memory,
//     docs/sessions.md): both pages say it ended and their players are their own again.
//
//   CADENZA_LIBRARY=/copy/of/the/demo-library CADENZA_WORK=/tmp/gone node web-tests/server-gone.mjs
//
// Also CADENZA_JAR (stream-service/target/cadenza-stream-service.jar), JAVA, CHROMIUM, CADENZA_SCREENSHOTS.
// Run by WebPlayerServerGoneIT after `package`. Exits 0 when it passed.
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scenario, launch, outputDir } from './lib/harness.mjs';
import { assert, openAlbum, playedPast } from './lib/player.mjs';
import { ServiceProcess, freePort } from './lib/service.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const need = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const work = resolve(need('CADENZA_WORK'));
const password = `pw-${randomBytes(12).toString('hex')}`;
await rm(join(work, 'data'), { recursive: true, force: true });
await mkdir(work, { recursive: true });
const service = new ServiceProcess({
  jar: resolve(process.env.CADENZA_JAR ?? join(here, '..', 'stream-service', 'target', 'cadenza-stream-service.jar')),
  library: resolve(need('CADENZA_LIBRARY')),
  dataDir: join(work, 'data'),
  log: join(work, 'service.log'),
  port: await freePort(),
  managementPort: await freePort(),
  env: { CADENZA_AUTH_ENABLED: 'true', CADENZA_AUTH_ADMIN_PASSWORD: password },
});

const banner = (page) => page.locator('.banner');
const unreachable = (page) => banner(page).getByText('The server is unreachable.');

/** What a user must never see: a blank page, or an error's insides. */
async function noBlankPageNoStackTrace(page, when) {
  const text = await page.locator('body').innerText();
  assert(text.trim().length > 0, `${when}: the page is blank`);
  assert(!/\n\s+at .+:\d+:\d+|TypeError|ReferenceError|Something went wrong|\bnull\b|\bundefined\b|\[object /.test(text), `${when}: the page shows an error's or a value's insides:\n${text}`);
}

async function signIn(page) {
  await page.goto(service.url);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hello, admin' }).waitFor();
}

async function whilePlaying(t) {
  const { page } = t;
  await signIn(page);
  await openAlbum(page, 'Dawn Sketches');
  await page.getByRole('button', { name: /^Play / }).first().click();
  await playedPast(page, 0.3);
  const queued = await page.evaluate(() => window.cadenza.player.queue.length);

  await service.kill();
  // the user picks another track (its stream needs the server), then another page (so does it)
  await page.getByRole('button', { name: 'Play Café Nocturne — Été' }).click();
  await unreachable(page).waitFor();
  await page.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Artists' }).click();
  await noBlankPageNoStackTrace(page, 'server gone, while playing');
  assert(await unreachable(page).isVisible(), 'the banner says the server is unreachable');
  assert(await page.getByRole('navigation', { name: 'Library' }).isVisible(), 'the shell is still there');
  assert(await page.evaluate(() => window.cadenza.player.queue.length) === queued, 'the queue is kept');
  assert((await page.locator('.player-bar .bar-title').textContent()).trim() === 'Café Nocturne — Été', 'the player bar shows the track chosen');
  await t.screenshot('server-gone-playing', page);

  await service.start();
  // the page finds the server again on its own (it probes), and shows the view that had failed
  await banner(page).waitFor({ state: 'hidden', timeout: 30_000 });
  await page.getByRole('heading', { level: 1, name: 'Artists' }).waitFor();
  await noBlankPageNoStackTrace(page, 'server back');
  // Play in the player bar plays the track that could not load while the server was gone
  await page.locator('.player-bar').getByRole('button', { name: 'Play', exact: true }).click();
  await playedPast(page, 0.3);
  assert(await page.evaluate(() => window.cadenza.player.current.title) === 'Café Nocturne — Été', 'the track chosen plays');
  // the cookie session survived the kill: a reload is still signed in, and plays
  await page.reload();
  await page.getByRole('navigation', { name: 'Library' }).waitFor();
  assert(await page.getByLabel('Password').count() === 0, 'still signed in after the restart');
  await openAlbum(page, 'Dawn Sketches');
  await page.getByRole('button', { name: /^Play / }).nth(1).click();
  await playedPast(page, 0.3);
}

async function inGroupSession(t) {
  const a = t.page;
  const { page: b } = await t.newContext();
  b.context().setDefaultTimeout(30_000);
  await signIn(a);
  await signIn(b);
  await a.goto(`${service.url}/#/group`);
  await a.getByLabel('Name (optional)').fill('Gone');
  await a.getByRole('button', { name: 'Start', exact: true }).click();
  await a.waitForURL(/#\/group\/[A-Za-z0-9_-]{22}$/);
  const link = a.url();
  await b.goto(link);
  await b.getByRole('button', { name: 'Join and listen' }).waitFor();
  await noBlankPageNoStackTrace(b, 'the join view');
  for (const page of [a, b]) {
    await page.getByRole('button', { name: 'Join and listen' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
  }
  await a.getByLabel('Play a track for everyone').fill('first light');
  await a.getByRole('button', { name: /First Light/ }).click();
  for (const page of [a, b]) await page.locator('.view-group[data-state="PLAYING"][data-scheduled]').waitFor();

  await service.kill();
  for (const page of [a, b]) {
    await page.locator('.view-group[data-connection="unreachable"]').waitFor();
    await page.getByText('The server is unreachable; reconnecting…').waitFor();
    await noBlankPageNoStackTrace(page, 'server gone, in a group session');
  }
  await t.screenshot('server-gone-group', b);

  await service.start();
  // the session lived in the killed process's memory: both pages say it ended, and play on their own
  for (const page of [a, b]) {
    await page.getByText('Your session ended.').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !window.cadenza.player.suspended);
    await noBlankPageNoStackTrace(page, 'server back, session gone');
    await banner(page).waitFor({ state: 'hidden', timeout: 30_000 });
  }
  // the view drawn again (as the page does when the server answers again, or going away and back):
  // the link still says the session ended, and offers no join to a session that is gone
  await b.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Albums' }).click();
  await b.getByRole('heading', { level: 1, name: 'Albums' }).waitFor();
  await b.goBack();
  await b.getByText('Your session ended.').waitFor();
  assert(await b.getByRole('button', { name: 'Join and listen' }).count() === 0, 'no join offered for a session that ended');
  await noBlankPageNoStackTrace(b, 'the link of a session that ended');
}

await service.start();
const browser = await launch();
let failed = 0;
try {
  for (const [name, run] of [['server-gone-playing', whilePlaying], ['server-gone-group', inGroupSession]]) {
    const context = await browser.newContext();
    context.setDefaultTimeout(30_000);
    const t = new Scenario(name, browser, context, await context.newPage(), { url: service.url, user: 'admin', password });
    const started = performance.now();
    try {
      await run(t);
      assert(t.problems.length === 0, `the pages reported errors:\n  ${t.problems.join('\n  ')}`);
      console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name} (${Math.round(performance.now() - started)} ms)`);
      console.log(error?.stack ?? String(error));
      for (const problem of t.problems) console.log(`  ${problem}`);
      await mkdir(outputDir, { recursive: true });
      for (const [i, p] of t.contexts.flatMap((c) => c.pages()).entries()) {
        await p.screenshot({ path: join(outputDir, `${name}-failure-${i}.png`), fullPage: true }).catch(() => {});
      }
      if (!(await fetch(`${service.url}/api/v1/time`).then(() => true, () => false))) await service.start();
    } finally {
      await t.close();
    }
  }
} finally {
  await browser.close();
  await service.kill();
}
process.exit(failed === 0 ? 0 : 1);
