'use strict';

// Every page, as the user who would see it, must have zero axe-core
// violations for WCAG 2.0, 2.1 and 2.2 levels A and AA.

const { describe, it, before, after } = require('node:test');
const { startServer, USERS } = require('../lib/server');
const { launch, pageAs, checkA11y, visit, submitSignIn } = require('../lib/browser');

const FRAMEWORK = '/frameworks/hee-ahp-support-worker-2021';

// [path, expected HTTP status]
const PAGES = {
  anonymous: [
    ['/', 200],
    ['/sign-in', 200],
    ['/frameworks', 200],
    [FRAMEWORK, 200],
    [`${FRAMEWORK}/domains/3`, 200],
    [`${FRAMEWORK}/items/3.9`, 200],
    [`${FRAMEWORK}/levels/intermediate`, 200],
    [`${FRAMEWORK}/expectations`, 200],
    [`${FRAMEWORK}/expectations?level=assistant-practitioner`, 200],
    [`${FRAMEWORK}/expectations?level=band-12`, 422],
    ['/api/docs', 200],
    ['/frameworks/no-such-framework', 404],
  ],
  admin: [
    ['/admin', 200],
    ['/admin/organisations', 200],
    ['/admin/organisations/new', 200],
    ['/admin/users', 200],
    ['/admin/users/new', 200],
    ['/admin/audit', 200],
  ],
  author: [['/frameworks/import', 200]],
  worker: [
    ['/account', 200],
    ['/account/password', 200],
  ],
};

const TIMEOUT = { timeout: 60_000 };

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
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

  for (const [who, pages] of Object.entries(PAGES)) {
    describe(who === 'anonymous' ? 'signed out' : `as ${USERS[who].role}`, () => {
      let context;
      let page;

      before(async () => {
        ({ context, page } = await pageAs(browser, server.baseUrl, who === 'anonymous' ? null : USERS[who]));
      });

      after(async () => {
        await context?.close();
      });

      for (const [path, status] of pages) {
        it(`${path} has no violations`, TIMEOUT, async () => {
          await visit(page, server.baseUrl, path, status);
          await checkA11y(page, `${path} (${who})`);
        });
      }
    });
  }

  describe('error states', () => {
    it('sign-in page after a failed sign-in (error summary)', TIMEOUT, async () => {
      const { context, page } = await pageAs(browser, server.baseUrl, null);
      try {
        await submitSignIn(page, server.baseUrl, USERS.admin.email, 'definitely-not-the-password');
        await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
        await checkA11y(page, 'sign-in with error');
      } finally {
        await context.close();
      }
    });

    it('change-password form with errors, and a password reset shown to an administrator', TIMEOUT, async () => {
      const { context, page } = await pageAs(browser, server.baseUrl, USERS.lead);
      try {
        await visit(page, server.baseUrl, '/account/password');
        await page.getByRole('button', { name: 'Change password', exact: true }).click();
        await page.waitForLoadState();
        await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
        await checkA11y(page, 'change-password form with errors');

        await visit(page, server.baseUrl, '/admin/users');
        await page.getByRole('link', { name: 'Sam Supervisor' }).click();
        await page.waitForLoadState();
        await checkA11y(page, 'a user page with account actions');
      } finally {
        await context.close();
      }
    });

    it('new-user form submitted empty (error summary)', TIMEOUT, async () => {
      const { context, page } = await pageAs(browser, server.baseUrl, USERS.admin);
      try {
        await visit(page, server.baseUrl, '/admin/users/new');
        await page.getByRole('button', { name: 'Create user', exact: true }).click();
        await page.waitForLoadState();
        await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
        await checkA11y(page, 'new user form with errors');
      } finally {
        await context.close();
      }
    });
  });
});
