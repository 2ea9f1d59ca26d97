// The web player's start spread (issue 18's goal), run by bench/web-sync.sh: two headless Chromium
// pages (two browser contexts) in one group session on a running service, one of them sending
// --starts plays in turn. Every page schedules each start with web/sync/group.js on Web Audio, by its
// own estimate of the media clock (web/sync/clock.js).
//
// Two modes:
//
//   app   (the default) the app as served: its CSP, authentication on. Each page logs in through the
//         login form; A starts a session in the group view and joins it, B opens the shared link and
//         joins with "Join and listen" (the view makes the AudioContext, MediaClock and GroupPlayback
//         it plays with). The plays are the app's own GroupPlayback.play, reached through the module
//         views/group.js as the page loaded it (joinedMembership()); nothing is injected into the page.
//   bare  a blank page that imports only web/sync/clock.js and group.js from the tree (served by a
//         Playwright route), on a service with authentication off: the clock and the audio without the
//         app around them, to tell the app's share of a spread from the sync code's.
//
// Per start and page it records:
//
//   computed  the media instant its AudioBufferSourceNode starts at, by the page's own estimate and
//             the output timestamp read after the start (what the page believes); for a start the
//             page heard of too late, which begins further into the track, the instant it would
//             have played the commanded position (so every figure measures being in step);
//   true      the same source start converted with the page's *true* offset instead: both pages and
//             the service run on this machine, where the media clock is the system clock (the service
//             has no NTP servers; checked below), and the page relates its clock to the system clock
//             by the instants Date.now() ticks over (each tick edge is a whole millisecond of it);
//   error     the page's estimated offset minus its true offset, at the start.
//
// and prints the spread between the two pages (|A - B| per start) p50/p99/max as Markdown, next to a
// baseline from the same starts: the offset of the newest single exchange instead of the filter's.
//
//   node bench/lib/web-sync.mjs --base http://127.0.0.1:8080 [--mode app|bare] [--starts 50] [--track ID]
//
// Needs playwright-core (PLAYWRIGHT_MODULE: where to import it from) and /usr/bin/chromium
// (CHROMIUM). app: the user and password in CADENZA_USER (admin) and CADENZA_PASSWORD (environment,
// never the command line). bare: the service must accept requests without a login.

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = resolve(here, '../../stream-service/src/main/resources/web');
const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    starts: { type: 'string', default: '50' },
    track: { type: 'string' },
    'gap-ms': { type: 'string', default: '1500' },
    mode: { type: 'string', default: 'app' },
  },
});
if (!args.base) throw new Error('--base http://host:port is required');
const base = args.base.replace(/\/+$/, '');
const starts = Number(args.starts);
const gapMs = Number(args['gap-ms']);
const mode = args.mode;
if (mode !== 'app' && mode !== 'bare') throw new Error(`--mode app or bare, not ${mode}`);
const user = process.env.CADENZA_USER ?? 'admin';
const password = process.env.CADENZA_PASSWORD;
if (mode === 'app' && !password) throw new Error('CADENZA_PASSWORD is not set (the app mode logs in)');
const playwrightModule = process.env.PLAYWRIGHT_MODULE ?? 'playwright-core';
const { chromium } = await import(playwrightModule.startsWith('/') ? pathToFileURL(playwrightModule).href : playwrightModule);

const log = (...m) => console.error('>>', ...m);

async function json(path, init) {
  const response = await fetch(base + path, { ...init, headers: { 'Content-Type': 'application/json', ...init?.headers } });
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** The media clock minus the system clock, seen from node: lowest-delay of 32 exchanges (µs). */
async function mediaMinusSystem() {
  const edge = realtimeMinusLocal(() => (performance.timeOrigin + performance.now()) * 1000);
  let best = null;
  for (let i = 0; i < 33; i++) {
    const t1 = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const answer = await json(`/api/v1/time?t1=${t1}`);
    const t4 = (performance.timeOrigin + performance.now()) * 1000;
    const delay = t4 - t1 - (answer.transmitMicros - answer.receiveMicros);
    const offset = (answer.receiveMicros - t1 + (answer.transmitMicros - t4)) / 2;
    if (i > 0 && (!best || delay < best.delay)) best = { delay, offset, synchronised: answer.synchronised, stratum: answer.stratum };
  }
  return { ...best, offset: best.offset - edge };
}

/** System clock minus `local()` (µs), from the instants Date.now() ticks over: median of 25 edges. */
function realtimeMinusLocal(local) {
  const edges = [];
  for (let i = 0; i < 25; i++) {
    const start = Date.now();
    let now;
    let at;
    do {
      at = local();
      now = Date.now();
    } while (now === start);
    edges.push(now * 1000 - at);
  }
  edges.sort((a, b) => a - b);
  return edges[edges.length >> 1];
}

// ---- in the page -----------------------------------------------------------------------------------

const harness = `<!doctype html><meta charset="utf-8"><title>web-sync bench</title><p>web-sync bench</p>`;

/** bare: runs in each page, a MediaClock, an AudioContext and a GroupPlayback joined to the session. */
async function pageJoinBare({ sessionId, name }) {
  const { MediaClock } = await import('/bench-sync/sync/clock.js');
  const { GroupPlayback } = await import('/bench-sync/sync/group.js');
  const request = async (method, path, body, options = {}) => {
    const response = await fetch(path, { method, keepalive: options.keepalive, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw Object.assign(new Error(problem.detail ?? String(response.status)), { status: response.status, detail: problem.detail });
    }
    return response.status === 204 ? null : response.json();
  };
  const api = { get: (p) => request('GET', p), post: (p, b) => request('POST', p, b ?? {}), delete: (p, o) => request('DELETE', p, undefined, o) };
  const audioContext = new AudioContext({ latencyHint: 'playback' });
  await audioContext.resume();
  const clock = new MediaClock();
  await clock.start();
  const group = new GroupPlayback({ api, clock, audioContext });
  await group.join(sessionId, name);
  window.benchJoined = { group, clock, audioContext };
}

/** app: runs in each page once the group view has joined, the membership the view made. */
async function pageFindMembership() {
  const base = new URL('.', document.querySelector('script[type="module"]').src).href;
  // the module instance the page's router loaded (one per URL), not a copy
  const { joinedMembership } = await import(`${base}views/group.js`);
  const membership = joinedMembership();
  if (!membership) throw new Error('the page is in no group session');
  window.benchJoined = membership;
}

/** Runs in each page after joining: records every start the page schedules and what it knew then. */
function pageInstrument() {
  const { group, clock, audioContext } = window.benchJoined;
  const scheduled = [];
  const problems = [];
  group.addEventListener('problem', (e) => problems.push(String(e.detail?.message ?? e.detail)));
  group.addEventListener('scheduled', ({ detail }) => {
    const estimate = clock.estimate();
    scheduled.push({ ...detail, offsetAtSchedule: estimate.offsetMicros, latestAtSchedule: clock.latestSample().offset });
  });
  // the same as realtimeMinusLocal above, in the page: a function run by page.evaluate cannot reach
  // the module's scope
  const realtimeMinusLocal = (count = 25) => {
    const local = () => (performance.timeOrigin + performance.now()) * 1000;
    const edges = [];
    for (let i = 0; i < count; i++) {
      const start = Date.now();
      let now;
      let at;
      do {
        at = local();
        now = Date.now();
      } while (now === start);
      edges.push(now * 1000 - at);
    }
    edges.sort((a, b) => a - b);
    return edges[edges.length >> 1];
  };
  window.bench = { group, clock, audioContext, scheduled, problems, realtimeMinusLocal };
  return { baseLatency: audioContext.baseLatency, outputLatency: audioContext.outputLatency, sampleRate: audioContext.sampleRate, resolution: clock.resolutionMicros, isolated: crossOriginIsolated, contextState: audioContext.state };
}

/** Runs in the page once the start of `atMicros` has passed: what it believes and what is true. */
function pageMeasure({ atMicros, positionMicros, mediaMinusSystemMicros }) {
  const { clock, audioContext, scheduled } = window.bench;
  // the newest source of this start: a restart after a drift replaces the first
  const entry = scheduled.findLast((s) => s.atMicros === atMicros);
  if (!entry) return null;
  const stamp = audioContext.getOutputTimestamp();
  // the page-clock instant the source starts at, by the output timestamp read now (after the start)
  const localStart = (performance.timeOrigin + stamp.performanceTime + (entry.when - stamp.contextTime) * 1000) * 1000;
  const trueOffset = window.bench.realtimeMinusLocal(9) + mediaMinusSystemMicros;
  const estimate = clock.estimate();
  // a late start begins further into the track: count from the instant it plays the anchor's position
  const intoTrack = entry.offsetSeconds * 1e6 - positionMicros;
  return {
    late: scheduled.find((s) => s.atMicros === atMicros).late,
    restarts: scheduled.filter((s) => s.atMicros === atMicros && s.restart).length,
    computed: clock.fromContextTime(audioContext, entry.when) - intoTrack,
    true: localStart + trueOffset - intoTrack,
    latestTrue: localStart + trueOffset - intoTrack + (entry.latestAtSchedule - entry.offsetAtSchedule),
    error: estimate.offsetMicros - trueOffset,
    errorBound: estimate.errorMicros,
    delay: estimate.delayMicros,
    stampFresh: stamp.performanceTime > 0,
  };
}

// ---- the run ----------------------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function stats(values) {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] };
}

const msText = (micros) => (micros / 1000).toFixed(3);

const truth = await mediaMinusSystem();
log(`media clock minus system clock: ${msText(truth.offset)} ms (delay ${msText(truth.delay)} ms, stratum ${truth.stratum})`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
const results = [];
try {
  const pages = [];
  for (const name of ['A', 'B']) {
    const context = await browser.newContext();
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    // the page's own check for a session answers 401 before the login: not a problem
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && log(`page ${name}: ${m.text()}`));
    page.on('pageerror', (e) => log(`page ${name}: ${e.message}`));
    pages.push(page);
  }
  const { trackId, track, end, csp } = mode === 'app' ? await joinInApp(pages) : await joinBare(pages);
  const info = [];
  for (const [i, page] of pages.entries()) info.push({ name: 'AB'[i], ...(await page.evaluate(pageInstrument)) });
  for (const i of info) log(`page ${i.name}: sample rate ${i.sampleRate}, baseLatency ${i.baseLatency}, outputLatency ${i.outputLatency}, timer ${i.resolution} µs`);

  for (let n = 0; n < starts; n++) {
    const sender = pages[n % 2];
    const positionMicros = (n % 5) * 1_000_000;
    const view = await sender.evaluate(({ trackId, positionMicros }) => window.bench.group.play({ trackId, positionMicros }), { trackId, positionMicros });
    const atMicros = view.playback.atMicros;
    // until both pages scheduled it and its instant (plus a margin) has passed on the media clock
    await Promise.all(pages.map((p) => p.waitForFunction((at) => window.bench.scheduled.some((s) => s.atMicros === at), atMicros, { timeout: 10_000 })));
    const untilMs = (afterMs) => Math.max(0, (atMicros - Date.now() * 1000 - truth.offset) / 1000 + afterMs);
    const measure = () => Promise.all(pages.map((p) => p.evaluate(pageMeasure, { atMicros, positionMicros, mediaMinusSystemMicros: truth.offset })));
    await sleep(untilMs(150)); // just after the start
    const [a, b] = await measure();
    await sleep(untilMs(1000)); // and once the drift check had time to act
    const [a1, b1] = await measure();
    results.push({ atMicros, a, b, a1, b1 });
    log(`start ${n + 1}/${starts}: A-B computed ${msText(a.computed - b.computed)} ms, true ${msText(a.true - b.true)} ms, 1 s in ${msText(a1.true - b1.true)} ms; error A ${msText(a.error)} B ${msText(b.error)} ms; computed-at A ${msText(a.computed - atMicros)} B ${msText(b.computed - atMicros)}; restarts ${a1.restarts}/${b1.restarts}`);
    await sleep(untilMs(gapMs));
  }
  const problems = await Promise.all(pages.map((p) => p.evaluate(() => window.bench.problems)));
  for (const [i, list] of problems.entries()) for (const p of list) log(`page ${'AB'[i]} problem: ${p}`);
  await end();
  report(info, track, csp);
} finally {
  await browser.close();
}

/**
 * app: both pages log in through the form; A starts a session in the group view and joins it, B
 * joins by the link A's view shows. Returns the track to play and how to leave.
 */
async function joinInApp(pages) {
  let csp;
  for (const page of pages) {
    const served = await page.goto(`${base}/`);
    csp = served.headers()['content-security-policy'];
    if (!csp) throw new Error(`${base}/ came without a Content-Security-Policy: not the app as served`);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Library' }).waitFor();
  }
  const [a, b] = pages;
  await a.getByRole('navigation', { name: 'Library' }).getByRole('link', { name: 'Group' }).click();
  await a.getByLabel('Name (optional)').fill('web-sync bench');
  await a.getByRole('button', { name: 'Start', exact: true }).click();
  await a.waitForURL(/#\/group\/[A-Za-z0-9_-]{22}$/);
  const link = a.url();
  for (const [i, page] of pages.entries()) {
    if (page === b) await b.goto(link);
    await page.getByLabel('Your name in the session').fill(`bench ${'AB'[i]}`);
    await page.getByRole('button', { name: 'Join and listen' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await page.evaluate(pageFindMembership);
  }
  await a.locator('.group-members li').nth(1).waitFor();
  log(`both pages logged in through the form and joined ${link} in the group view`);
  // the track as the app finds it, with A's cookie
  const found = await a.evaluate(async (id) => {
    const get = async (path) => (await fetch(path, { headers: { Accept: 'application/json' } })).json();
    const trackId = id ?? (await get('/api/v1/tracks?q=first%20light&limit=1')).items[0]?.id;
    return trackId && { trackId, track: await get(`/api/v1/tracks/${trackId}`) };
  }, args.track ?? null);
  if (!found) throw new Error('no track to play: pass --track ID');
  const end = async () => {
    for (const page of pages) {
      await page.getByRole('button', { name: 'Leave' }).click();
      await page.getByRole('heading', { name: 'Listen together' }).waitFor();
    }
  };
  return { ...found, end, csp };
}

/** bare: a blank page on the service's origin that imports web/sync/ from the tree, no login. */
async function joinBare(pages) {
  const trackId = args.track ?? (await json('/api/v1/tracks?q=first%20light&limit=1')).items[0]?.id;
  if (!trackId) throw new Error('no track to play: pass --track ID');
  const track = await json(`/api/v1/tracks/${trackId}`);
  const session = await json('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ name: 'web-sync bench' }) });
  for (const [i, page] of pages.entries()) {
    await page.route(`${base}/bench-sync/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.replace('/bench-sync/', '');
      if (path === 'index.html') return route.fulfill({ contentType: 'text/html', body: harness });
      if (!/^sync\/[a-z]+\.js$/.test(path)) return route.fulfill({ status: 404 });
      return route.fulfill({ contentType: 'text/javascript', body: await readFile(join(webRoot, path)) });
    });
    await page.goto(`${base}/bench-sync/index.html`);
    await page.evaluate(pageJoinBare, { sessionId: session.id, name: `bench ${'AB'[i]}` });
  }
  const end = async () => {
    for (const page of pages) await page.evaluate(() => window.bench.group.leave());
    await json(`/api/v1/sessions/${session.id}`, { method: 'DELETE' });
  };
  return { trackId, track, end };
}

function report(info, track, csp) {
  const n = results.length;
  const spread = (key, a = 'a', b = 'b') => stats(results.map((r) => r[a][key] - r[b][key]));
  const rows = [
    ['computed by each page (its own estimate), at the start', spread('computed')],
    ['true, at the start: with the newest single exchange (baseline)', spread('latestTrue')],
    ['**true, at the start: with MediaClock\'s lowest-delay filter**', spread('true')],
    ['true, 1 s in (after the drift check)', spread('true', 'a1', 'b1')],
  ];
  const errors = ['a', 'b'].map((k) => stats(results.map((r) => r[k].error)));
  const bounds = ['a', 'b'].map((k) => stats(results.map((r) => r[k].errorBound)));
  const late = results.reduce((c, r) => c + r.a.late + r.b.late, 0);
  const restarts = results.reduce((c, r) => c + r.a1.restarts + r.b1.restarts, 0);
  const stale = results.reduce((c, r) => c + !r.a.stampFresh + !r.b.stampFresh, 0);
  const filtered = rows[2][1].p99;
  const baseline = rows[1][1].p99;
  const lines = [
    `# Web player start spread: 2 Chromium pages, ${n} starts (${mode === 'app' ? 'the app as served' : 'bare page'})`,
    '',
    mode === 'app'
      ? `The app as the service serves it (its CSP, authentication on): each page logged in through the login form; A started the session in the group view, B joined by its link ("Join and listen"); the plays are the app's own \`GroupPlayback.play\`, reached through \`views/group.js\` as the page loaded it. Content-Security-Policy as served: \`${csp}\`.`
      : 'A bare page that imports `web/sync/clock.js` and `group.js` from the tree, authentication off: the sync code without the app around it.',
    '',
    `Two browser contexts of one headless Chromium, one group session on loopback; each start is a \`play\` sent by the pages in turn, \`atMicros\` = now + 300 ms by the sender's estimate. Track: ${track.format}, ${track.sampleRate ?? '?'} Hz. AudioContext: ${info[0].sampleRate} Hz, baseLatency ${(info[0].baseLatency * 1000).toFixed(1)} ms, outputLatency ${(info[0].outputLatency * 1000).toFixed(1)} ms; timer resolution ${info[0].resolution} µs${info[0].isolated ? ' (cross-origin isolated)' : ''}. Media clock minus system clock (node, lowest delay of 32): ${msText(truth.offset)} ms.`,
    '',
    '| start instant on the media clock, spread between the pages | p50 ms | p99 ms | max ms |',
    '|---|--:|--:|--:|',
    ...rows.map(([name, s]) => `| ${name} | ${msText(s.p50)} | ${msText(s.p99)} | ${msText(s.max)} |`),
    '',
    '| page | estimate error p50 ms | p99 ms | max ms | error bound it showed p50 ms |',
    '|---|--:|--:|--:|--:|',
    ...errors.map((s, i) => `| ${'AB'[i]} | ${msText(s.p50)} | ${msText(s.p99)} | ${msText(s.max)} | ${msText(bounds[i].p50)} |`),
    '',
    `Starts a page heard of too late to start on time: ${late} of ${2 * n}. Sources restarted by the drift check within 1 s: ${restarts}. Measurements without a fresh output timestamp: ${stale}.`,
    `p99 true spread: ${(filtered / Math.max(baseline, 1)).toFixed(2)}x the newest-exchange baseline.`,
    '',
    `Verdict: p99 ${msText(filtered)} ms ${filtered <= 5000 ? 'meets' : 'misses'} the goal of 5 ms.`,
  ];
  console.log(lines.join('\n'));
}
