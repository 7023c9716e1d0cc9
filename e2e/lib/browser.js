'use strict';

// Headless Chromium (Debian's /usr/bin/chromium) via playwright-core, plus
// helpers shared by the tests: axe-core checks and signing in through the form.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// Time allowed for any single page action or wait.
const ACTION_TIMEOUT_MS = Number(process.env.E2E_ACTION_TIMEOUT_MS || 15_000);

async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (own cookies) and page. */
async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  return { context, page };
}

async function injectAxe(page) {
  if (await page.evaluate(() => typeof window.axe !== 'undefined')) return;
  try {
    await page.addScriptTag({ path: AXE_PATH });
  } catch {
    // A strict Content-Security-Policy blocks inline <script> tags; fall through.
  }
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    // DevTools evaluation is not subject to the page's CSP.
    await page.evaluate(fs.readFileSync(AXE_PATH, 'utf8'));
  }
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const html = n.html.length > 300 ? `${n.html.slice(0, 300)}…` : n.html;
          const summary = n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : '';
          return `      - target: ${JSON.stringify(n.target)}\n        html: ${html}${summary}`;
        })
        .join('\n');
      return `  * ${v.id} [${v.impact}] ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the current page and fail
 * with a readable list of violations if there are any.
 */
async function checkA11y(page, name) {
  await injectAxe(page);
  const violations = await page.evaluate(async (tags) => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  if (violations.length > 0) {
    assert.fail(
      `${violations.length} accessibility violation(s) on ${name} (${page.url()}):\n${formatViolations(violations)}`,
    );
  }
}

/** Fail if the page is wider than the window, i.e. it scrolls sideways. */
async function assertNoSidewaysScroll(page, name) {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const over = [...document.querySelectorAll('body *')].filter(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('[role="region"][tabindex="0"]'),
    );
    const last = over[over.length - 1];
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      widest: last ? last.outerHTML.slice(0, 200) : '',
    };
  });
  assert.ok(
    scrollWidth <= innerWidth,
    `${name} scrolls sideways: ${scrollWidth}px wide in a ${innerWidth}px window; it sticks out at ${widest}`,
  );
}

/** Go to path and check the HTTP status. Returns the response. */
async function visit(page, baseUrl, path, expectedStatus = 200) {
  const response = await page.goto(baseUrl + path);
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), expectedStatus, `GET ${path}: expected HTTP ${expectedStatus}, got ${response.status()}`);
  return response;
}

/** Fill and submit the sign-in form (does not check the outcome). */
async function submitSignIn(page, baseUrl, email, password) {
  await visit(page, baseUrl, '/sign-in');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  // exact: NHS.UK's password input also has a "Show password" button.
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForLoadState();
}

/** Sign in and wait until a "Sign out" button is shown. */
async function signIn(page, baseUrl, user) {
  await submitSignIn(page, baseUrl, user.email, user.password);
  await signOutButton(page).waitFor({ state: 'visible' });
}

function signOutButton(page) {
  return page.getByRole('button', { name: 'Sign out', exact: true });
}

async function signOut(page) {
  await signOutButton(page).click();
  await page.waitForLoadState();
  await signOutButton(page).waitFor({ state: 'detached' });
}

/** A browser with a signed-in page for `user` (or anonymous if user is null). */
async function pageAs(browser, baseUrl, user, options = {}) {
  const { context, page } = await newPage(browser, options);
  if (user) await signIn(page, baseUrl, user);
  return { context, page };
}

module.exports = {
  launch,
  newPage,
  pageAs,
  checkA11y,
  assertNoSidewaysScroll,
  visit,
  submitSignIn,
  signIn,
  signOut,
  signOutButton,
  AXE_TAGS,
};
