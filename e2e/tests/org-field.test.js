'use strict';

// Choosing an organisation where there are too many to list. Over the synthetic
// national data set at a small scale (509 organisations), a platform administrator
// adds a user by typing part of an organisation's name, chooses it from those that
// match, and every state of the form has zero axe-core violations, on a desktop
// window and on a phone.

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer, SYNTHETIC_ADMIN } = require('../lib/server');
const { launch, pageAs, visit, checkA11y, assertNoSidewaysScroll } = require('../lib/browser');

const TIMEOUT = { timeout: 90_000 };
const EMPLOYER = 'North East and Yorkshire System 1 Acute NHS Trust (synthetic)';
const FRAMEWORK = '/frameworks/hee-ahp-support-worker-2021';

describe('an organisation typed rather than chosen from a list', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ datasetScale: 0.001 });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const screen of [
    { name: 'desktop', viewport: { width: 1280, height: 900 } },
    { name: 'phone', viewport: { width: 375, height: 812 } },
  ]) {
    it(`an administrator finds the organisation by part of its name (${screen.name})`, TIMEOUT, async () => {
      const check = async (page, name) => {
        await checkA11y(page, `${name} (${screen.name})`);
        if (screen.name === 'phone') await assertNoSidewaysScroll(page, name);
      };
      const { context, page } = await pageAs(browser, server.baseUrl, SYNTHETIC_ADMIN, { viewport: screen.viewport });
      try {
        await visit(page, server.baseUrl, '/admin/users/new');
        const organisation = page.getByRole('textbox', { name: 'Organisation', exact: true });
        await organisation.waitFor({ state: 'visible' });
        assert.equal(await page.locator('select#org').count(), 0, 'no list of 509 organisations');
        await check(page, 'the new-user form with an organisation box');

        const email = `ada.${screen.name}.${Date.now()}@synthetic.test`;
        const fill = async () => {
          await page.getByLabel('Full name', { exact: true }).fill('Ada Typed');
          await page.getByLabel('Email address', { exact: true }).fill(email);
          await page.getByLabel('Password', { exact: true }).fill('a-long-enough-password-42');
          await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Support worker' });
        };
        await fill();
        await organisation.fill('Yorkshire System 1 Acute');
        await page.getByRole('button', { name: 'Create user', exact: true }).click();
        await page.waitForLoadState();

        // Part of a name: the trust and its teams, to choose from, and nothing saved.
        const summary = page.locator('.nhsuk-error-summary');
        await summary.waitFor({ state: 'visible' });
        assert.match(await summary.innerText(), /No organisation is named “Yorkshire System 1 Acute”, but \d+ have it in their name or code/);
        const matches = page.getByRole('group', { name: 'Organisations that match' });
        await matches.waitFor({ state: 'visible' });
        assert.equal(await organisation.inputValue(), 'Yorkshire System 1 Acute', 'what was typed stays');
        await check(page, 'the organisations that match what was typed');

        // The error summary takes the keyboard to the box.
        await summary.getByRole('link').first().click();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'org');

        await matches.getByRole('radio', { name: EMPLOYER, exact: true }).check();
        await fill();
        await page.getByRole('button', { name: 'Create user', exact: true }).click();
        await page.waitForLoadState();
        assert.equal(await page.locator('.nhsuk-error-summary').count(), 0, await page.content());
        await page.getByRole('heading', { name: 'Ada Typed' }).first().waitFor({ state: 'visible' });
        assert.match(await page.locator('main').innerText(), new RegExp(`Support worker\\s+${EMPLOYER.replace(/[()]/g, '\\$&')}`));
      } finally {
        await context.close();
      }
    });

    it(`an administrator hands a framework to an organisation found by name (${screen.name})`, TIMEOUT, async () => {
      const check = async (page, name) => {
        await checkA11y(page, `${name} (${screen.name})`);
        if (screen.name === 'phone') await assertNoSidewaysScroll(page, name);
      };
      const { context, page } = await pageAs(browser, server.baseUrl, SYNTHETIC_ADMIN, { viewport: screen.viewport });
      try {
        await visit(page, server.baseUrl, FRAMEWORK);
        await page.getByRole('link', { name: 'Change who stewards this framework' }).click();
        await page.waitForLoadState();
        await check(page, 'the steward form');
        const choose = async () => {
          await page.getByRole('radio', { name: 'The organisation below' }).check();
          await page.getByRole('button', { name: 'Change the steward', exact: true }).click();
          await page.waitForLoadState();
        };
        await page.getByRole('textbox', { name: 'Organisation to steward it' }).fill('Yorkshire System 1 Acute');
        await choose();
        await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
        await check(page, 'the steward form with the organisations that match');
        await page.getByRole('group', { name: 'Organisations that match' }).getByRole('radio', { name: EMPLOYER, exact: true }).check();
        await choose();
        assert.equal(new URL(page.url()).pathname, FRAMEWORK);
        assert.match(await page.locator('main').innerText(), new RegExp(`${EMPLOYER.replace(/[()]/g, '\\$&')} stewards this framework`));

        // And back to national.
        await page.getByRole('link', { name: 'Change who stewards this framework' }).click();
        await page.waitForLoadState();
        await page.getByRole('radio', { name: 'No organisation: a national framework' }).check();
        await page.getByRole('button', { name: 'Change the steward', exact: true }).click();
        await page.waitForLoadState();
        assert.match(await page.locator('main').innerText(), /This is a national framework/);
      } finally {
        await context.close();
      }
    });
  }
});
