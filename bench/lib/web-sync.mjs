// The web player's start spread (issue 18's goal), run by bench/web-sync.sh: two headless Chromium
// pages (two browser contexts) join one group session on a running service, and one of them sends
// --starts plays in turn. Every page schedules each start with web/sync/group.js on Web Audio, by its
// own estimate of the media clock (web/sync/clock.js). Per start and page it records:
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
//   node bench/lib/web-sync.mjs --base http://127.0.0.1:8080 [--starts 50] [--track ID]
//
// Needs playwright-core (PLAYWRIGHT_MODULE: where to import it from) and /usr/bin/chromium
// (CHROMIUM). The service must accept requests without a login (cadenza.auth.enabled=false).

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
  },
});
if (!args.base) throw new Error('--base http://host:port is required');
const base = args.base.replace(/\/+$/, '');
const starts = Number(args.starts);
const gapMs = Number(args['gap-ms']);
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

/** Runs in each page: a MediaClock, an AudioContext and a GroupPlayback joined to the session. */
async function pageJoin({ sessionId, name }) {
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
  const scheduled = [];
  const problems = [];
  group.addEventListener('problem', (e) => problems.push(String(e.detail?.message ?? e.detail)));
  group.addEventListener('scheduled', ({ detail }) => {
    const estimate = clock.estimate();
    scheduled.push({ ...detail, offsetAtSchedule: estimate.offsetMicros, latestAtSchedule: clock.latestSample().offset });
  });
  await group.join(sessionId, name);
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
  window.bench = {
    group, clock, audioContext, scheduled, problems, realtimeMinusLocal,
    outputLatency: audioContext.outputLatency, baseLatency: audioContext.baseLatency, sampleRate: audioContext.sampleRate,
  };
  return { baseLatency: audioContext.baseLatency, outputLatency: audioContext.outputLatency, sampleRate: audioContext.sampleRate, resolution: clock.resolutionMicros, isolated: crossOriginIsolated };
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

const trackId = args.track ?? (await json('/api/v1/tracks?q=first%20light&limit=1')).items[0]?.id;
if (!trackId) throw new Error('no track to play: pass --track ID');
const track = await json(`/api/v1/tracks/${trackId}`);
const truth = await mediaMinusSystem();
log(`media clock minus system clock: ${msText(truth.offset)} ms (delay ${msText(truth.delay)} ms, stratum ${truth.stratum})`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
const results = [];
try {
  const session = await json('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ name: 'web-sync bench' }) });
  const pages = [];
  const info = [];
  for (const name of ['A', 'B']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && log(`page ${name}: ${m.text()}`));
    page.on('pageerror', (e) => log(`page ${name}: ${e.message}`));
    await page.route(`${base}/bench-sync/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.replace('/bench-sync/', '');
      if (path === 'index.html') return route.fulfill({ contentType: 'text/html', body: harness });
      if (!/^sync\/[a-z]+\.js$/.test(path)) return route.fulfill({ status: 404 });
      return route.fulfill({ contentType: 'text/javascript', body: await readFile(join(webRoot, path)) });
    });
    await page.goto(`${base}/bench-sync/index.html`);
    info.push({ name, ...(await page.evaluate(pageJoin, { sessionId: session.id, name: `bench ${name}` })) });
    pages.push(page);
  }
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
  await pages[0].evaluate(() => window.bench.group.leave());
  await pages[1].evaluate(() => window.bench.group.leave());
  await json(`/api/v1/sessions/${session.id}`, { method: 'DELETE' });
  report(info, track);
} finally {
  await browser.close();
}

function report(info, track) {
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
    `# Web player start spread: 2 Chromium pages, ${n} starts`,
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
