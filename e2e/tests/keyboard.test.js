'use strict';

// Keyboard only: skip link, tabbing to an item, following it with Enter, and
// a visible focus indicator at every stop. Nothing here clicks.

const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer } = require('../lib/server');
const { launch, newPage, visit } = require('../lib/browser');

const FRAMEWORK = '/frameworks/hee-ahp-support-worker-2021';
const MAX_TABS = 200;
const TIMEOUT = { timeout: 90_000 };

/** What has focus now, with its accessible name (approximated) and focus styles. */
function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const labelledBy = (el.getAttribute('aria-labelledby') || '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.innerText || '')
      .join(' ');
    const name = (labelledBy.trim() || el.getAttribute('aria-label') || el.innerText || el.value || el.title || '')
      .replace(/\s+/g, ' ')
      .trim();
    const s = getComputedStyle(el);
    const outlineShown =
      s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/rgba\(.*,\s*0\)$|transparent/.test(s.outlineColor);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      href: el.getAttribute('href'),
      name,
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
      boxShadow: s.boxShadow,
      focusVisible: outlineShown || s.boxShadow !== 'none',
    };
  });
}

function label(f) {
  return f ? `<${f.tag}${f.id ? `#${f.id}` : ''}> "${f.name.slice(0, 80)}"` : '<body>';
}

function assertFocusVisible(f) {
  assert.ok(
    f.focusVisible,
    `focus is not visibly indicated on ${label(f)} (outline: ${f.outline}; box-shadow: ${f.boxShadow})`,
  );
}

/** Press Tab until `matches(focus)`; checks the focus indicator at every stop. */
async function tabUntil(page, matches, what) {
  const seen = [];
  for (let i = 0; i < MAX_TABS; i += 1) {
    await page.keyboard.press('Tab');
    const f = await describeFocus(page);
    if (f) {
      assertFocusVisible(f);
      seen.push(label(f));
      if (matches(f)) return f;
    }
  }
  assert.fail(`pressed Tab ${MAX_TABS} times without reaching ${what}; focus went through:\n  ${seen.join('\n  ')}`);
}

/** Matches an accessible name that contains the item code, e.g. "3.9" but not "3.90" or "13.9". */
function hasCode(code) {
  const re = new RegExp(`(^|[^\\d.])${code.replace('.', '\\.')}(?![\\d])`);
  return (f) => f.tag === 'a' && re.test(f.name);
}

/** From the top of the framework page: skip link, then Tab to the item link and press Enter. */
async function openItemByKeyboard(page, baseUrl, code) {
  await visit(page, baseUrl, FRAMEWORK);

  await page.keyboard.press('Tab');
  const first = await describeFocus(page);
  assert.ok(first && /skip to main content/i.test(first.name), `first Tab should focus "Skip to main content", got ${label(first)}`);
  assertFocusVisible(first);

  await page.keyboard.press('Enter');
  const afterSkip = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), id: el.id };
  });
  assert.ok(
    afterSkip.tag === 'main' || afterSkip.id === 'maincontent',
    `Enter on the skip link should move focus to <main>, got <${afterSkip.tag}${afterSkip.id ? `#${afterSkip.id}` : ''}>`,
  );

  await tabUntil(page, hasCode(code), `the link to item ${code}`);
  const from = page.url();
  await Promise.all([page.waitForURL((url) => url.href !== from), page.keyboard.press('Enter')]);
  await page.waitForLoadState();
}

describe('keyboard only', () => {
  let server;
  let browser;
  let context;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launch();
    ({ context, page } = await newPage(browser));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('skip link, then Tab and Enter open item 3.9 with its three level descriptors', TIMEOUT, async () => {
    await openItemByKeyboard(page, server.baseUrl, '3.9');

    await page
      .getByRole('heading', { name: /Reporting, Referring and Escalating Concerns/i })
      .first()
      .waitFor({ state: 'visible' });

    const levels = ['Entry', 'Intermediate', 'Assistant Practitioner'];
    const containers = page.locator('main').locator('table, ul, ol, dl, .app-level-grid');
    const texts = await containers.allInnerTexts();
    const all = texts.find((t) => levels.every((level) => t.includes(level)));
    assert.ok(all, `expected a table or list in <main> naming all of ${levels.join(', ')}`);
  });

  it('chooses a level with the keyboard and sees what is expected there', TIMEOUT, async () => {
    await visit(page, server.baseUrl, `${FRAMEWORK}/expectations`);
    const select = await tabUntil(page, (f) => f.tag === 'select' && f.id === 'level', 'the level select');
    assertFocusVisible(select);
    // Arrow keys change a focused select's value without opening it: Entry, then Intermediate.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#level').inputValue(), 'intermediate');
    await tabUntil(page, (f) => f.tag === 'button' && /show what is expected/i.test(f.name), 'the submit button');
    const from = page.url();
    await Promise.all([page.waitForURL((url) => url.href !== from), page.keyboard.press('Enter')]);
    assert.match(page.url(), /level=intermediate/);
    await page.getByRole('heading', { name: /Domain 3: .* at Intermediate/ }).waitFor({ state: 'visible' });
  });

  it('item 3.3, reached the same way, shows "Works under close supervision."', TIMEOUT, async () => {
    await openItemByKeyboard(page, server.baseUrl, '3.3');
    const text = page.locator('main').getByText('Works under close supervision.').first();
    await text.waitFor({ state: 'visible' });
    assert.ok(await text.isVisible());
  });
});
