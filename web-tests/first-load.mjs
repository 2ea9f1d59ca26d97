// Measures the web player's first load: opens / in Chromium (signed out: the login page; then signed
// in: the home page), lists every static file the page loaded (not the API's answers), and fetches
// each again with Accept-Encoding: gzip to count the bytes that cross the network.
//
//   CADENZA_URL=http://127.0.0.1:8080 CADENZA_USER=admin CADENZA_PASSWORD=... node web-tests/first-load.mjs
import { launch, settings } from './lib/harness.mjs';

const config = settings();
const browser = await launch();
try {
  const page = await (await browser.newContext()).newPage();
  const loaded = new Set();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (!path.startsWith('/api/')) loaded.add(response.url());
  });
  await page.goto(`${config.url}/`);
  await page.getByLabel('Username').waitFor();
  const signedOut = [...loaded];
  await page.getByLabel('Username').fill(config.user);
  await page.getByLabel('Password').fill(config.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello, / }).waitFor();
  await page.waitForLoadState('networkidle');
  const signedIn = [...loaded];

  const sizes = new Map();
  for (const url of signedIn) {
    const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
    // fetch decompresses; the transferred size is the Content-Length of the encoded answer.
    const raw = (await response.arrayBuffer()).byteLength;
    const sent = Number(response.headers.get('Content-Length') ?? raw);
    sizes.set(url, { raw, sent, encoding: response.headers.get('Content-Encoding') ?? 'identity' });
  }
  const sum = (urls) => urls.reduce((acc, u) => ({ raw: acc.raw + sizes.get(u).raw, sent: acc.sent + sizes.get(u).sent }), { raw: 0, sent: 0 });
  console.log('| file | bytes | sent (gzip) |');
  console.log('|---|---:|---:|');
  for (const url of signedIn) {
    const { raw, sent, encoding } = sizes.get(url);
    console.log(`| ${new URL(url).pathname.replace(/^\/app\/[0-9a-f]+/, '/app/<version>')} | ${raw} | ${sent}${encoding === 'gzip' ? '' : ` (${encoding})`} |`);
  }
  const out = sum(signedOut);
  const all = sum(signedIn);
  console.log(`\nlogin page (signed out): ${signedOut.length} files, ${out.raw} bytes, ${out.sent} bytes sent`);
  console.log(`home page (signed in, every file so far): ${signedIn.length} files, ${all.raw} bytes, ${all.sent} bytes sent`);
} finally {
  await browser.close();
}
