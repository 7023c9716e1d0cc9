'use strict';

// Every page, as the user who would see it, must have zero axe-core
// violations for WCAG 2.0, 2.1 and 2.2 levels A and AA: on a desktop window,
// and again on a phone (375 x 812), where the page must not scroll sideways.
//
// Not checked here, and why:
// - /api/... other than /api/docs, /healthz, /readyz, /metrics and the CASE
//   provider API answer JSON or plain text, not pages.
// - Disabling an account or removing a role once confirmed: it changes demo data other
//   tests rely on, and each ends on a user page already checked. Their questions are
//   checked, and a confirmed password reset (of Sam Supervisor, whom no test signs in as).
// - The sign-in page refusing a burst of guesses (429) and the password page a
//   person must fill in before anything else are the sign-in and change-password
//   templates already checked below, with a different message.

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer, USERS } = require('../lib/server');
const { launch, pageAs, checkA11y, assertNoSidewaysScroll, visit, submitSignIn } = require('../lib/browser');

const FRAMEWORK = '/frameworks/hee-ahp-support-worker-2021';
// A CASE package from another tool; the keywords on its provider mapping have nowhere to be kept.
const FOREIGN_CASE = require('node:path').join(
  __dirname,
  '../../crates/domain/tests/fixtures/case-foreign-dysphagia-rubric.json',
);

const DESKTOP = { name: 'desktop', viewport: { width: 1280, height: 900 } };
const PHONE = { name: 'phone', viewport: { width: 375, height: 812 } };

// [path, expected HTTP status], or [list path, patterns of links to follow in turn]
// for pages whose address holds an id the demo data chooses.
const A_WORKER = ['/admin/users?q=worker%40north-trust', /^\/admin\/users\/\d+$/];
const PAGES = {
  anonymous: [
    ['/', 200],
    ['/sign-in', 200],
    ['/frameworks', 200],
    [FRAMEWORK, 200],
    [`${FRAMEWORK}/domains/3`, 200],
    // 3.9 is rewritten from level to level; 2.8 changes a few words, shown as a word diff.
    [`${FRAMEWORK}/items/3.9`, 200],
    [`${FRAMEWORK}/items/2.8`, 200],
    [`${FRAMEWORK}/levels/intermediate`, 200],
    [`${FRAMEWORK}/expectations`, 200],
    [`${FRAMEWORK}/expectations?level=assistant-practitioner`, 200],
    [`${FRAMEWORK}/expectations?level=band-12`, 422],
    [`${FRAMEWORK}/changes`, 200],
    [`${FRAMEWORK}/expectations?level=`, 422],
    [`${FRAMEWORK}?code=9.9`, 422],
    ['/api/docs', 200],
    ['/accessibility', 200],
    ['/privacy', 200],
    ['/frameworks/no-such-framework', 404],
  ],
  admin: [
    ['/admin', 200],
    ['/admin/organisations', 200],
    ['/admin/organisations', /^\/admin\/organisations\/\d+$/],
    ['/admin/organisations/new', 200],
    ['/admin/users', 200],
    ['/admin/users', /^\/admin\/users\/\d+$/],
    ['/admin/users/new', 200],
    ['/admin/audit', 200],
    ['/admin/audit?page=2', 200],
    ['/admin/users?q=north', 200],
    ['/admin/users?q=nobody-has-this-name', 200],
    ['/admin/organisations?q=trust', 200],
    ['/admin/organisations?q=North%20Trust', /^\/admin\/organisations\/\d+$/, /^\/admin\/organisations\/\d+\/edit$/],
    [...A_WORKER, /^\/admin\/users\/\d+\/edit$/],
    [...A_WORKER, /^\/admin\/users\/\d+\/password$/],
    [...A_WORKER, /^\/admin\/users\/\d+\/disable$/],
    [...A_WORKER, /^\/admin\/users\/\d+\/grants\/\d+\/revoke$/],
    [...A_WORKER, /^\/admin\/users\/\d+\/erase$/],
    [...A_WORKER, /^\/admin\/audit\?user=\d+$/],
  ],
  author: [['/frameworks/import', 200], [`${FRAMEWORK}/steward`, 200]],
  worker: [
    ['/account', 200],
    ['/account/password', 200],
    ['/account/name', 200],
    ['/admin', 403],
  ],
};

// On a phone, every page signed out, and every page an administrator can see.
const PHONE_PAGES = {
  anonymous: PAGES.anonymous,
  admin: [...PAGES.anonymous, ...PAGES.admin, ...PAGES.author, ...PAGES.worker.filter(([, s]) => s === 200)],
};

// [who, a form, its button]: forms whose errors show when they are sent empty.
const EMPTY_FORMS = [
  [USERS.admin, '/admin/users/new', 'Create user'],
  [USERS.author, '/frameworks/import', 'Import'],
];

// [page, where its back link goes]: NHS.UK frontend hides the breadcrumb trail on a
// phone, so each framework page offers its back link there instead.
const BACK_LINKS = [
  [FRAMEWORK, '/frameworks'],
  [`${FRAMEWORK}/domains/3`, FRAMEWORK],
  [`${FRAMEWORK}/items/3.9`, FRAMEWORK],
  [`${FRAMEWORK}/levels/intermediate`, FRAMEWORK],
  [`${FRAMEWORK}/expectations`, FRAMEWORK],
];

/** Visit a page as listed in PAGES; returns a name for it in messages. */
async function open(page, baseUrl, [path, ...follow]) {
  if (typeof follow[0] === 'number') {
    await visit(page, baseUrl, path, follow[0]);
    return path;
  }
  await visit(page, baseUrl, path);
  let at = path;
  for (const pattern of follow) {
    const hrefs = await page.locator('main a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    const href = hrefs.find((h) => pattern.test(h));
    assert.ok(href, `no link matching ${pattern} on ${at}: ${hrefs.join(', ')}`);
    await visit(page, baseUrl, href);
    at = href;
  }
  return at;
}

/** The axe check, and on a phone the check that the page does not scroll sideways. */
async function checkPage(page, screen, name) {
  await checkA11y(page, `${name} (${screen.name})`);
  if (screen === PHONE) await assertNoSidewaysScroll(page, name);
}

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

  for (const [screen, byUser] of [
    [DESKTOP, PAGES],
    [PHONE, PHONE_PAGES],
  ]) {
    for (const [who, pages] of Object.entries(byUser)) {
      describe(`${who === 'anonymous' ? 'signed out' : `as ${USERS[who].role}`} on a ${screen.name}`, () => {
        let context;
        let page;

        before(async () => {
          const user = who === 'anonymous' ? null : USERS[who];
          ({ context, page } = await pageAs(browser, server.baseUrl, user, { viewport: screen.viewport }));
        });

        after(async () => {
          await context?.close();
        });

        for (const entry of pages) {
          const [path, expected] = entry;
          const what = typeof expected === 'number' ? path : `a page reached from ${path} by ${entry.slice(1).join(' then ')}`;
          it(`${what} has no violations`, TIMEOUT, async () => {
            const name = await open(page, server.baseUrl, entry);
            await checkPage(page, screen, `${name} (${who})`);
          });
        }
      });
    }
  }

  /** Submit the form whose button is named `button` and wait for its error summary. */
  async function submitForErrors(page, button) {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForLoadState();
    await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
    assert.match(await page.title(), /^Error: /, 'a page showing errors says so first in its title');
  }

  /** The framework's draft version, made from the published one if there is none yet. */
  async function openDraft(page) {
    await visit(page, server.baseUrl, FRAMEWORK);
    const draft = await page
      .locator('main tr', { has: page.locator('.nhsuk-tag', { hasText: 'Draft' }) })
      .locator('a')
      .first();
    if (await draft.count()) {
      await draft.click();
    } else {
      await page.getByRole('button', { name: 'Create a new draft version', exact: true }).click();
    }
    await page.waitForLoadState();
    await page.getByRole('heading', { name: 'Edit', exact: true }).waitFor();
    return new URL(page.url()).search;
  }

  for (const screen of [DESKTOP, PHONE]) {
    describe(`error states and pages reached by a form, on a ${screen.name}`, () => {
      const as = (user) => pageAs(browser, server.baseUrl, user, { viewport: screen.viewport });

      it('sign-in page after a failed sign-in (error summary)', TIMEOUT, async () => {
        const { context, page } = await as(null);
        try {
          await submitSignIn(page, server.baseUrl, USERS.admin.email, 'definitely-not-the-password');
          await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
          await checkPage(page, screen, 'sign-in with error');
        } finally {
          await context.close();
        }
      });

      it('change-password form with errors, and a password reset shown to an administrator', TIMEOUT, async () => {
        const { context, page } = await as(USERS.lead);
        try {
          await visit(page, server.baseUrl, '/account/password');
          await submitForErrors(page, 'Change password');
          await checkPage(page, screen, 'change-password form with errors');

          await visit(page, server.baseUrl, '/admin/users');
          await page.getByRole('link', { name: 'Sam Supervisor' }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'a user page with account actions');
          await page.getByRole('link', { name: /^Reset password/ }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'the question before a password reset');
          await page.getByRole('button', { name: 'Reset password', exact: true }).click();
          await page.waitForLoadState();
          await page.locator('#new-password').waitFor({ state: 'visible' });
          await checkPage(page, screen, 'a user page showing a new password');
        } finally {
          await context.close();
        }
      });

      it('the forms that change a user, an organisation and your own name, with errors', TIMEOUT, async () => {
        const { context, page } = await as(USERS.lead);
        try {
          await visit(page, server.baseUrl, '/admin/users?q=Sam');
          await page.getByRole('link', { name: 'Sam Supervisor' }).click();
          await page.waitForLoadState();
          await page.getByRole('link', { name: /^Change name or email address/ }).click();
          await page.waitForLoadState();
          await page.getByLabel('Full name', { exact: true }).fill('');
          await page.getByLabel('Email address', { exact: true }).fill('sam@');
          await submitForErrors(page, 'Save changes');
          await checkPage(page, screen, 'a user edit form with errors');

          await visit(page, server.baseUrl, '/admin/organisations?q=North%20Trust');
          await page.getByRole('link', { name: 'North Trust', exact: true }).click();
          await page.waitForLoadState();
          await page.getByRole('link', { name: /^Change the name or ODS code/ }).click();
          await page.waitForLoadState();
          await page.getByLabel('ODS code (optional)', { exact: true }).fill('R-8');
          await submitForErrors(page, 'Save changes');
          await checkPage(page, screen, 'an organisation edit form with errors');

          await visit(page, server.baseUrl, '/account/name');
          await page.getByLabel('Full name', { exact: true }).fill('');
          await submitForErrors(page, 'Save name');
          await checkPage(page, screen, 'your name with errors');
        } finally {
          await context.close();
        }
      });

      for (const [user, path, button] of EMPTY_FORMS) {
        it(`${path} submitted empty (error summary)`, TIMEOUT, async () => {
          const { context, page } = await as(user);
          try {
            await visit(page, server.baseUrl, path);
            await submitForErrors(page, button);
            await checkPage(page, screen, `${path} with errors`);
          } finally {
            await context.close();
          }
        });
      }

      it('an item found by its code, and a code not in the framework (error summary)', TIMEOUT, async () => {
        const { context, page } = await as(null);
        try {
          const find = async (code) => {
            await visit(page, server.baseUrl, FRAMEWORK);
            await page.getByLabel('Find an item by its code', { exact: true }).fill(code);
            await page.getByRole('button', { name: 'Go to the item', exact: true }).click();
            await page.waitForLoadState();
          };
          await find('3.9');
          assert.equal(new URL(page.url()).pathname, `${FRAMEWORK}/items/3.9`);
          await find('9.9');
          await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
          assert.match(await page.title(), /^Error: /);
          await checkPage(page, screen, 'the overview with an unknown item code');
        } finally {
          await context.close();
        }
      });

      it('a CASE file imported with what was not kept listed', TIMEOUT, async () => {
        const { context, page } = await as(USERS.author);
        try {
          await visit(page, server.baseUrl, '/frameworks/import');
          await page.getByLabel('Framework file', { exact: true }).setInputFiles(FOREIGN_CASE);
          // Under an id of its own on each screen, so the second is not the same version again.
          await page.getByLabel('Framework id', { exact: true }).fill(`dysphagia-${screen.name}`);
          await page.getByRole('button', { name: 'Import', exact: true }).click();
          await page.waitForLoadState();
          await page.getByRole('heading', { name: 'Not kept' }).waitFor();
          await checkPage(page, screen, 'a framework imported with notes of what was not kept');
        } finally {
          await context.close();
        }
      });

      it('a draft version, one of its items, and its edit form with errors', TIMEOUT, async () => {
        const { context, page } = await as(USERS.author);
        try {
          const version = await openDraft(page);
          await checkPage(page, screen, 'a draft version');
          await visit(page, server.baseUrl, `${FRAMEWORK}/items/3.9${version}`);
          await checkPage(page, screen, 'an item of a draft');
          await page.getByRole('link', { name: 'Edit this item' }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'the edit form');
          await page.getByLabel('Title', { exact: true }).fill('');
          await submitForErrors(page, 'Save the item');
          await checkPage(page, screen, 'the edit form with errors');
        } finally {
          await context.close();
        }
      });

      it("a draft's other forms, its review before publishing, and what changed", TIMEOUT, async () => {
        const { context, page } = await as(USERS.author);
        try {
          const version = await openDraft(page);
          await page.getByRole('link', { name: "Edit the framework's title, publisher and description" }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, "the form for the framework's details");
          await visit(page, server.baseUrl, `${FRAMEWORK}/domains/2${version}`);
          await page.getByRole('link', { name: "Edit the domain's title and description" }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'the form for a domain');
          await page.getByLabel('Title', { exact: true }).fill('');
          await submitForErrors(page, 'Save the domain');
          await checkPage(page, screen, 'the form for a domain with errors');

          // A new item: first sent empty, then completed; each screen adds its own.
          await visit(page, server.baseUrl, `${FRAMEWORK}/domains/2${version}`);
          await page.getByRole('link', { name: 'Add an item to domain 2' }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'the form for a new item');
          await submitForErrors(page, 'Save the item');
          await checkPage(page, screen, 'the form for a new item with errors');
          const code = screen.name === 'phone' ? '2.91' : '2.90';
          await page.getByLabel('Code', { exact: true }).fill(code);
          await page.getByLabel('Title', { exact: true }).fill('Uses digital care records');
          await page.getByLabel('Entry', { exact: true }).fill('Records care in the electronic record.');
          await page.getByRole('button', { name: 'Save the item', exact: true }).click();
          await page.waitForLoadState();
          await page.getByRole('heading', { name: `${code} Uses digital care records` }).waitFor();

          await visit(page, server.baseUrl, `${FRAMEWORK}/items/3.9${version}`);
          await page.getByRole('link', { name: 'Remove this item' }).click();
          await page.waitForLoadState();
          await checkPage(page, screen, 'the question before an item is removed');

          await visit(page, server.baseUrl, `${FRAMEWORK}${version}`);
          await page.getByRole('link', { name: 'Review the changes and publish' }).click();
          await page.waitForLoadState();
          await page.getByRole('heading', { name: 'Items added' }).waitFor();
          await checkPage(page, screen, 'the review of a draft before it is published');
          await visit(page, server.baseUrl, `${FRAMEWORK}/changes?to=${version.replace('?version=', '')}`);
          await page.getByRole('heading', { name: 'Items added' }).waitFor();
          await checkPage(page, screen, 'what changed from the published version to the draft');
          await visit(page, server.baseUrl, `${FRAMEWORK}/discard${version}`);
          await checkPage(page, screen, 'the question before a draft is discarded');
        } finally {
          await context.close();
        }
      });
    });
  }

  describe('a way back on every framework page', () => {
    const trail = (page) => page.locator('.nhsuk-breadcrumb__list');
    const back = (page) => page.locator('.nhsuk-breadcrumb .nhsuk-back-link');

    it('on a phone, a back link to the page above instead of the trail', TIMEOUT, async () => {
      const { context, page } = await pageAs(browser, server.baseUrl, null, { viewport: PHONE.viewport });
      try {
        for (const [path, parent] of BACK_LINKS) {
          await visit(page, server.baseUrl, path);
          assert.ok(await back(page).isVisible(), `${path} shows no back link on a phone`);
          assert.equal(await back(page).getAttribute('href'), parent, `${path}'s back link`);
          assert.ok(!(await trail(page).isVisible()), `${path} shows the trail too`);
        }
      } finally {
        await context.close();
      }
    });

    it('on a desktop, the trail and no back link', TIMEOUT, async () => {
      const { context, page } = await pageAs(browser, server.baseUrl, null);
      try {
        for (const [path] of BACK_LINKS) {
          await visit(page, server.baseUrl, path);
          assert.ok(await trail(page).isVisible(), `${path} shows no trail`);
          assert.ok(!(await back(page).isVisible()), `${path} shows the back link too`);
        }
      } finally {
        await context.close();
      }
    });
  });
});
