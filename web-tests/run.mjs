// Runs the web player's browser scenarios against a running service:
//
//   CADENZA_URL=http://127.0.0.1:8080 CADENZA_USER=admin CADENZA_PASSWORD=... \
//     node web-tests/run.mjs [scenarios/smoke.mjs ...]
//
// Without arguments every scenarios/*.mjs runs, each in a fresh browser context. Exits 0 when all
// passed; a failed scenario leaves a screenshot in stream-service/target/web-tests/ (docs/testing.md).
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { Scenario, launch, outputDir, settings } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ACTION_TIMEOUT_MS = Number(process.env.CADENZA_ACTION_TIMEOUT_MS ?? 15000);

async function scenarioFiles(args) {
  if (args.length > 0) {
    return args.map((a) => resolve(a));
  }
  const dir = join(here, 'scenarios');
  return (await readdir(dir))
    .filter((f) => f.endsWith('.mjs'))
    .sort()
    .map((f) => join(dir, f));
}

async function runOne(browser, file, config) {
  const name = basename(file, '.mjs');
  const context = await browser.newContext();
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const scenario = new Scenario(name, browser, context, page, config);
  const started = performance.now();
  try {
    const { default: run } = await import(pathToFileURL(file).href);
    if (typeof run !== 'function') {
      throw new Error(`${file} has no default export function`);
    }
    await run(scenario);
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)`);
    return true;
  } catch (error) {
    console.log(`FAIL ${name} (${Math.round(performance.now() - started)} ms)`);
    console.log(error?.stack ?? String(error));
    for (const problem of scenario.problems) {
      console.log(`  ${problem}`);
    }
    await mkdir(outputDir, { recursive: true });
    for (const [i, p] of scenario.contexts.flatMap((c) => c.pages()).entries()) {
      const shot = join(outputDir, `${name}-failure-${i}.png`);
      try {
        await p.screenshot({ path: shot, fullPage: true });
        console.log(`  screenshot: ${shot} (${p.url()})`);
      } catch {
        // a closed page has nothing to show
      }
    }
    return false;
  } finally {
    await scenario.close();
  }
}

const config = settings();
const files = await scenarioFiles(process.argv.slice(2));
if (files.length === 0) {
  console.log('no scenarios found');
  process.exit(1);
}
const browser = await launch();
let failed = 0;
try {
  for (const file of files) {
    if (!(await runOne(browser, file, config))) {
      failed++;
    }
  }
} finally {
  await browser.close();
}
console.log(`${files.length - failed} of ${files.length} scenarios passed`);
process.exit(failed === 0 ? 0 : 1);
