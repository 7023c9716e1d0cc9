'use strict';

// Administration: creating a user, and who may reach the admin pages.

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer, USERS } = require('../lib/server');
const { launch, pageAs, visit, signIn, signOut, signOutButton } = require('../lib/browser');

const TIMEOUT = { timeout: 90_000 };

/** Choose the option of `select` whose visible text is `text` (or, failing that, contains it). */
async function chooseOption(select, text) {
  const options = (await select.locator('option').allInnerTexts()).map((t) => t.trim());
  const label = options.find((t) => t === text) ?? options.find((t) => t.includes(text));
  assert.ok(label, `no option "${text}" in the select; options are: ${JSON.stringify(options)}`);
  await select.selectOption({ label });
}

describe('administering users', () => {
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

  it('an administrator creates a support worker who can then sign in', TIMEOUT, async () => {
    const newUser = {
      name: 'Priya Test-Worker',
      email: `priya.e2e.${Date.now()}@north-trust.pathway.demo`,
      password: 'a-long-enough-password-42',
    };

    const { context, page } = await pageAs(browser, server.baseUrl, USERS.admin);
    try {
      await visit(page, server.baseUrl, '/admin/users/new');
      await page.getByLabel('Full name', { exact: true }).fill(newUser.name);
      await page.getByLabel('Email address', { exact: true }).fill(newUser.email);
      await page.getByLabel('Password', { exact: true }).fill(newUser.password);
      await chooseOption(page.getByLabel('Organisation', { exact: true }), 'North Trust');
      await chooseOption(page.getByLabel('Role', { exact: true }), 'Support worker');
      await page.getByRole('button', { name: 'Create user', exact: true }).click();
      await page.waitForLoadState();

      assert.equal(
        await page.locator('.nhsuk-error-summary').count(),
        0,
        `creating the user showed errors: ${await page.locator('.nhsuk-error-summary').allInnerTexts()}`,
      );
      assert.doesNotMatch(page.url(), /\/admin\/users\/new\/?$/, 'should leave the new-user form');
      await page.getByRole('heading', { name: newUser.name }).first().waitFor({ state: 'visible' });

      await signOut(page);

      // The administrator chose the password, so the new user must choose their own first.
      await signIn(page, server.baseUrl, { email: newUser.email, password: newUser.password });
      assert.equal(await signOutButton(page).count(), 1, 'the new user is signed in');
      assert.match(page.url(), /\/account\/password$/, 'sent to choose their own password');
      await page.getByText('Your password was set by someone else').waitFor({ state: 'visible' });
      const ownPassword = 'my very own passphrase';
      await page.getByLabel('Current password', { exact: true }).fill(newUser.password);
      await page.getByLabel('New password', { exact: true }).fill(ownPassword);
      await page.getByLabel('Confirm new password', { exact: true }).fill(ownPassword);
      await page.getByRole('button', { name: 'Change password', exact: true }).click();
      await page.waitForLoadState();
      await page.getByText('Your password has been changed').waitFor({ state: 'visible' });
      assert.match(page.url(), /\/account\?changed=password$/);

      // Now the rest of Pathway is open to them.
      await visit(page, server.baseUrl, '/frameworks');
      assert.equal(await page.locator('.nhsuk-error-summary').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('an employer lead can see organisations but cannot create a top-level region', TIMEOUT, async () => {
    const regionName = `Rogue Region ${Date.now()}`;
    const { context, page } = await pageAs(browser, server.baseUrl, USERS.lead);
    try {
      await visit(page, server.baseUrl, '/admin/organisations');
      await page.getByRole('heading', { level: 1 }).waitFor({ state: 'visible' });

      // Try it. The form may be refused outright (403), may not offer "no
      // parent"; either way we also forge the choice in the page, as a crafted
      // request would, so the server itself must refuse.
      const response = await page.goto(`${server.baseUrl}/admin/organisations/new`);
      if (response.status() === 200) {
        await page.getByLabel(/^(organisation )?name\b/i).first().fill(regionName);

        const kind = page.getByLabel(/^(type|kind)/i);
        if ((await kind.count()) === 1 && (await kind.evaluate((el) => el.tagName)) === 'SELECT') {
          const texts = await kind.locator('option').allInnerTexts();
          const region = texts.map((t) => t.trim()).find((t) => /region/i.test(t));
          if (region) await kind.selectOption({ label: region });
        }

        const parent = page.getByLabel(/parent/i);
        if ((await parent.count()) === 1 && (await parent.evaluate((el) => el.tagName)) === 'SELECT') {
          await parent.evaluate((select) => {
            let none = Array.from(select.options).find((o) => o.value === '');
            if (!none) {
              none = new Option('(no parent)', '');
              select.add(none);
            }
            select.value = '';
          });
        }

        await page.getByRole('button', { name: /^(create|save|add)/i }).first().click();
        await page.waitForLoadState();
        const body = await page.locator('body').innerText();
        const refused =
          (await page.locator('.nhsuk-error-summary').count()) > 0 || /do not have permission/i.test(body);
        assert.ok(refused, `creating a top-level region as an employer lead was not refused (at ${page.url()})`);
      } else {
        assert.equal(response.status(), 403, 'the new-organisation page is either a form or refused with 403');
      }

      // Whatever was shown, no such organisation exists.
      for (const user of [USERS.lead, USERS.admin]) {
        const { context: c, page: p } = await pageAs(browser, server.baseUrl, user);
        try {
          await visit(p, server.baseUrl, '/admin/organisations');
          assert.equal(await p.getByText(regionName).count(), 0, `"${regionName}" was created (seen by ${user.email})`);
        } finally {
          await c.close();
        }
      }
    } finally {
      await context.close();
    }
  });

  it('a support worker gets a 403 page for /admin', TIMEOUT, async () => {
    const { context, page } = await pageAs(browser, server.baseUrl, USERS.worker);
    try {
      const response = await page.goto(`${server.baseUrl}/admin`);
      assert.equal(response.status(), 403);
      await page.getByText(/You do not have permission/).first().waitFor({ state: 'visible' });
    } finally {
      await context.close();
    }
  });
});
