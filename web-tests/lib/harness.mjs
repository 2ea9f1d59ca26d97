// The web player's browser-test harness: Playwright (playwright-core) driving Debian's Chromium,
// one fresh browser context per scenario, screenshots on failure, and an axe-core check.
// Scenarios (scenarios/*.mjs) export a default async function that takes a Scenario (below).
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));

/** Where screenshots go: CADENZA_SCREENSHOTS, or stream-service/target/web-tests. */
export const outputDir = resolve(
  process.env.CADENZA_SCREENSHOTS ?? join(here, '..', '..', 'stream-service', 'target', 'web-tests'),
);

/** The service under test and who logs in, from the environment WebPlayerBrowserTest sets. */
export function settings() {
  const need = (name) => {
    const value = process.env[name];
    if (!value) {
      throw new Error(`${name} is not set (the service's URL, a user and its password)`);
    }
    return value;
  };
  return {
    url: need('CADENZA_URL').replace(/\/$/, ''),
    user: need('CADENZA_USER'),
    password: need('CADENZA_PASSWORD'),
  };
}

/** Headless Chromium as the tests run it (as root: no sandbox; audio may start without a click). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
}

/** Fails on serious or critical axe-core violations of the page as it is now. */
export async function checkA11y(page, { exclude = [] } = {}) {
  let builder = new AxeBuilder({ page });
  for (const selector of exclude) {
    builder = builder.exclude(selector);
  }
  const result = await builder.analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map(
      (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
    throw new Error(`accessibility violations on ${page.url()}:\n  ${lines.join('\n  ')}`);
  }
  return result;
}

/**
 * What a scenario gets: the first page of a fresh context, the service's settings, and helpers.
 * Contexts and pages opened through it are closed after the scenario.
 */
export class Scenario {
  constructor(name, browser, context, page, config) {
    this.name = name;
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.url = config.url;
    this.user = config.user;
    this.password = config.password;
    this.contexts = [context];
    this.problems = [];
    watch(page, this.problems);
  }

  /**
   * Another fresh context (another browser profile: its own cookies) and its first page;
   * `options` as Playwright's (a phone: `{viewport, isMobile: true, hasTouch: true}`).
   */
  async newContext(options = {}) {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    const page = await context.newPage();
    watch(page, this.problems);
    return { context, page };
  }

  /**
   * Logs in through the API (not the form) in the page's context: its cookie is set and the CSRF
   * token returned, for scenarios about something else than the login.
   */
  async loginByApi(page = this.page) {
    const answer = await page.request.post(`${this.url}/api/v1/auth/session`, {
      data: { username: this.user, password: this.password },
    });
    if (!answer.ok()) {
      throw new Error(`login failed: ${answer.status()} ${await answer.text()}`);
    }
    return (await answer.json()).csrfToken;
  }

  checkA11y(page = this.page, options = {}) {
    return checkA11y(page, options);
  }

  /** A screenshot of the page, as outputDir/<name>.png (for the docs, or to look at). */
  async screenshot(name, page = this.page) {
    await mkdir(outputDir, { recursive: true });
    const path = join(outputDir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  async close() {
    for (const context of this.contexts) {
      await context.close().catch(() => {});
    }
  }
}

/** Collects what the page reports going wrong (uncaught errors), to print with a failure. */
function watch(page, problems) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // a 401 or 404 the page asked for and handles is logged by Chromium too: not a problem
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
}
