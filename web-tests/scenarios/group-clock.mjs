// The group playback's arithmetic in the browser, against a simulated server (no network, no audio
// device): MediaClock keeps the exchange with the smallest error bound and is right within the bound
// it shows, a burst of slow exchanges does not replace a good one, media instants map to the audio
// clock through the output timestamp (or the reported latencies before there is one), the anchor
// model's position, and the view's reading of a shared link.
import assert from 'node:assert/strict';

export default async function groupClock(t) {
  const { page } = t;
  await page.goto(`${t.url}/`);
  const app = await page.evaluate(() => new URL('.', document.querySelector('script[type="module"]').src).href);

  const result = await page.evaluate(async (base) => {
    const { MediaClock, sampleOf } = await import(`${base}sync/clock.js`);
    const { positionAt } = await import(`${base}sync/group.js`);
    const { sessionIdOf } = await import(`${base}views/group.js`);

    // a server 2.5 s ahead of the page; each exchange has its own way out and way back (µs)
    const trueOffset = 2_500_000;
    let local = 1_800_000_000_000_000;
    let legs = [];
    const fetchLike = async (url) => {
      const t1 = Number(new URL(url, location.href).searchParams.get('t1'));
      const [out, back] = legs.shift() ?? [3000, 3000];
      local += out;
      const receiveMicros = local + trueOffset;
      local += 40;
      const transmitMicros = local + trueOffset;
      local += back;
      return { ok: true, status: 200, json: async () => ({ originateMicros: t1, receiveMicros, transmitMicros, synchronised: true, stratum: 2, maxErrorMicros: 0 }) };
    };
    const clock = new MediaClock({ fetch: fetchLike, now: () => local, burst: 8, spacingMs: 0 });
    // warm-up (ignored), then 8 exchanges: the fourth is quick and nearly symmetric
    legs = [[50_000, 50_000], [9000, 1000], [7000, 2000], [800, 12_000], [300, 200], [4000, 4000], [1500, 9000], [6000, 500], [3000, 7000]];
    const first = await clock.sync(8);
    const best = sampleOf(0, 300 + trueOffset, 340 + trueOffset, 540); // the quick exchange alone
    // a burst of slow exchanges, all lopsided: the quick one is still the estimate
    legs = [[1, 1], [40_000, 2000], [35_000, 1000], [30_000, 3000], [45_000, 500]];
    const later = await clock.sync(4);

    // the audio clock: the output timestamp pairs audio time 10 s with performance.now() 5000 ms
    const audio = { currentTime: 9.9, baseLatency: 0.01, outputLatency: 0.05, getOutputTimestamp: () => ({ contextTime: 10, performanceTime: 5000 }) };
    const media = (performanceMs) => (performance.timeOrigin + performanceMs) * 1000 + later.offsetMicros;
    const when = clock.toContextTime(audio, media(5500));
    const back = clock.fromContextTime(audio, 10.25);
    // before the context has rendered: currentTime's frame is heard after both latencies
    const silent = { ...audio, getOutputTimestamp: () => ({ contextTime: 0, performanceTime: 0 }) };
    const nowMs = performance.now();
    const silentWhen = clock.toContextTime(silent, media(nowMs + 1000));

    const playing = { state: 'PLAYING', trackId: 'x', positionMicros: 5_000_000, atMicros: 100_000_000, durationMicros: 8_000_000 };
    return {
      trueOffset, first, later, bestOffset: best.offset, when, back, expectedBack: media(5250), silentWhen,
      silentExpected: 9.9 + 1 - 0.06,
      positions: [positionAt(playing, 99_000_000), positionAt(playing, 101_000_000), positionAt(playing, 200_000_000),
        positionAt({ ...playing, state: 'PAUSED' }, 101_000_000)],
      ids: [sessionIdOf('http://host:8080/#/group/Jc7gKgpnAbRsV-Yyd_Dr9A'), sessionIdOf(' Jc7gKgpnAbRsV-Yyd_Dr9A '),
        sessionIdOf('Jc7gKgpnAbRsV'), sessionIdOf('http://host/#/group/Jc7gKgpnAbRsV-Yyd_Dr9A/extra')],
    };
  }, app);

  assert.equal(result.first.samples, 8, 'the warm-up exchange is not kept');
  assert.equal(result.first.delayMicros, 500, 'the quickest exchange is the estimate');
  assert.equal(result.first.offsetMicros, result.bestOffset);
  assert.ok(Math.abs(result.first.offsetMicros - result.trueOffset) <= result.first.errorMicros,
    `the true offset lies within the bound: ${JSON.stringify(result.first)}`);
  assert.equal(result.later.offsetMicros, result.first.offsetMicros, 'slow exchanges do not replace a good one');
  assert.ok(result.later.errorMicros >= result.first.errorMicros, 'the bound grows with age');

  assert.ok(Math.abs(result.when - 10.5) < 1e-6, `media instant to audio time: ${result.when}`);
  assert.ok(Math.abs(result.back - result.expectedBack) < 1, `audio time to media instant: ${result.back}`);
  assert.ok(Math.abs(result.silentWhen - result.silentExpected) < 0.005, `without an output timestamp: ${result.silentWhen}`);

  assert.deepEqual(result.positions, [5_000_000, 6_000_000, 8_000_000, 5_000_000]);
  assert.deepEqual(result.ids, ['Jc7gKgpnAbRsV-Yyd_Dr9A', 'Jc7gKgpnAbRsV-Yyd_Dr9A', null, null]);
  assert.deepEqual(t.problems, [], 'the page reported no errors');
}
