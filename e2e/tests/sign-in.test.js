'use strict';

// Signing in and out through the form, as a person would.

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer, USERS } = require('../lib/server');
const { launch, newPage, visit, submitSignIn, signOut, signOutButton } = require('../lib/browser');

const TIMEOUT = { timeout: 60_000 };

describe('sign in', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an administrator signs in with the form and signs out again', TIMEOUT, async () => {
    const { context, page } = await newPage(browser);
    try {
      await visit(page, server.baseUrl, '/sign-in');
      await page.getByLabel('Email address', { exact: true }).fill(USERS.admin.email);
      await page.getByLabel('Password', { exact: true }).fill(USERS.admin.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForLoadState();

      await signOutButton(page).waitFor({ state: 'visible' });
      assert.equal(await page.locator('.nhsuk-error-summary').count(), 0, 'no error summary after a correct sign-in');

      await signOut(page);
      assert.equal(await signOutButton(page).count(), 0, 'no "Sign out" button once signed out');

      // Signed out for real: an admin page no longer opens.
      const response = await page.goto(`${server.baseUrl}/admin`);
      const stillAdmin = response.status() === 200 && (await signOutButton(page).count()) > 0;
      assert.ok(!stillAdmin, 'after signing out, /admin must not show a signed-in page');
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows an NHS error summary', TIMEOUT, async () => {
    const { context, page } = await newPage(browser);
    try {
      await submitSignIn(page, server.baseUrl, USERS.admin.email, 'wrong-password-for-sure');

      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor({ state: 'visible' });
      assert.match(await summary.innerText(), /email address and password/i);
      assert.equal(await signOutButton(page).count(), 0, 'not signed in after a wrong password');

      // The password is never echoed back into the form.
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
    } finally {
      await context.close();
    }
  });

  it('an unknown email gets the same message (no account enumeration)', TIMEOUT, async () => {
    const { context, page } = await newPage(browser);
    try {
      await submitSignIn(page, server.baseUrl, 'nobody@pathway.demo', USERS.admin.password);
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor({ state: 'visible' });
      assert.match(await summary.innerText(), /email address and password/i);
    } finally {
      await context.close();
    }
  });
});
