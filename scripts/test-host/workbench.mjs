// Steps in the VS Code workbench that a person would take with mouse and keyboard, for
// playwright-core pages. Every step waits for what it needs and fails with the step's name.
//
// The test host runs with VS Code's smoke-test driver, which keeps notifications out of toasts:
// there they appear only in the Notifications center, so `findNotification` looks in both.

import { chromium } from 'playwright-core';

const STEP_TIMEOUT_MS = 15_000;
const WORKBENCH_TIMEOUT_MS = 60_000;

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const NOTIFICATION =
  '.notifications-toasts .notification-list-item, .notifications-center .notification-list-item';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Launches Debian's headless Chromium and opens a 1280×800 page that reaches 127.0.0.1 only:
 * every other host name fails to resolve and every other request is aborted.
 */
export async function openLoopbackPage() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
  return { browser, page };
}

/** Submits code-server's login form when it shows, and waits for the workbench page. */
export function logIn(page, password) {
  return step('log in to code-server', async () => {
    const field = page.locator('input[type="password"]');
    const workbench = page.locator('.monaco-workbench');
    await Promise.race([
      field.waitFor({ timeout: WORKBENCH_TIMEOUT_MS }),
      workbench.waitFor({ timeout: WORKBENCH_TIMEOUT_MS }),
    ]);
    if (await field.isVisible()) {
      await field.fill(password);
      await field.press('Enter');
    }
  });
}

/** Runs `action`; a failure names `step` so the log says which step broke. */
async function step(step, action) {
  try {
    return await action();
  } catch (error) {
    throw new Error(`${step}: ${error.message.split('\n')[0]}`, { cause: error });
  }
}

/** Waits until the workbench shows and the extensions have had a moment to register views. */
export function waitForWorkbench(page, { activityLabel } = {}) {
  return step('wait for the workbench', async () => {
    await page.locator('.monaco-workbench .part.statusbar').waitFor({
      timeout: WORKBENCH_TIMEOUT_MS,
    });
    if (activityLabel) {
      await activityItem(page, activityLabel).waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
    }
  });
}

function activityItem(page, label) {
  return page.locator(`.part.activitybar .action-item a[aria-label^="${label}"]`).first();
}

/** Opens a view container by clicking its icon in the activity bar. */
export function openActivity(page, label) {
  return step(`open "${label}" in the activity bar`, async () => {
    const item = activityItem(page, label);
    await item.waitFor({ timeout: STEP_TIMEOUT_MS });
    const checked = await item.getAttribute('aria-expanded');
    if (checked !== 'true') {
      await item.click();
    }
    await page
      .locator('.part.sidebar .composite.title', { hasText: label })
      .first()
      .waitFor({ timeout: STEP_TIMEOUT_MS });
  });
}

/** Opens the Command Palette with F1, types `title` and runs the matching command. */
export function runCommand(page, title) {
  return step(`run "${title}" from the Command Palette`, async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 5 } });
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    const row = page.locator(QUICK_INPUT_ROWS, { hasText: title }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    await row.click();
  });
}

/** Clicks the status bar item whose text matches `text` (a string or a RegExp). */
export function clickStatusBarItem(page, text) {
  return step(`click the status bar item "${text}"`, () =>
    page
      .locator('.part.statusbar .statusbar-item', { hasText: text })
      .first()
      .click({ timeout: STEP_TIMEOUT_MS }),
  );
}

/** Opens a file with Quick Open (Ctrl+P); `query` may end in `:line`. */
export function quickOpen(page, query) {
  return step(`open "${query}" with Quick Open`, async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(query);
    await page.locator(QUICK_INPUT_ROWS).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await input.press('Enter');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  });
}

/** Waits for a quick pick whose rows include every label, checks those rows and accepts. */
export function pickItems(page, labels, { many = false } = {}) {
  return step(`pick ${labels.join(', ')}`, async () => {
    for (const label of labels) {
      const row = page.locator(QUICK_INPUT_ROWS, { hasText: label }).first();
      await row.waitFor({ timeout: STEP_TIMEOUT_MS });
      if (!many) {
        await row.click();
        return;
      }
      const box = row.locator('.monaco-checkbox, input[type="checkbox"]').first();
      const checked =
        (await box.getAttribute('aria-checked')) === 'true' || (await box.isChecked?.());
      if (!checked) {
        await row.click();
      }
    }
    await page.locator(QUICK_INPUT_BOX).press('Enter');
  });
}

/**
 * Waits for an input box whose title or prompt contains `expected`, types `text` and presses
 * Enter.
 */
export function submitInput(page, expected, text) {
  return step(`type into the input box "${expected}"`, async () => {
    const widget = page.locator(QUICK_INPUT, { hasText: expected });
    await widget.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const input = page.locator(QUICK_INPUT_BOX);
    await input.fill(text);
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
  });
}

/** Shows the Notifications center, where notifications stay after their toast is gone. */
export async function showNotificationsCenter(page) {
  const center = page.locator('.notifications-center.visible');
  if ((await center.count()) === 0) {
    await runCommand(page, 'Notifications: Show Notifications');
    await center.waitFor({ timeout: STEP_TIMEOUT_MS });
  }
}

/** Waits for a notification (toast or Notifications center) that contains `text`. */
export function findNotification(page, text, { timeoutMs = STEP_TIMEOUT_MS } = {}) {
  return step(`wait for the notification "${text}"`, async () => {
    const deadline = Date.now() + timeoutMs;
    const item = page.locator(NOTIFICATION, { hasText: text }).first();
    while (Date.now() < deadline) {
      if (await item.isVisible()) {
        return item;
      }
      await showNotificationsCenter(page);
      await page.waitForTimeout(200);
    }
    throw new Error(`not shown within ${timeoutMs} ms`);
  });
}

/** Clicks the button `button` of the notification that contains `text`. */
export async function clickNotificationButton(page, text, button) {
  const item = await findNotification(page, text);
  await step(`click "${button}" on the notification "${text}"`, () =>
    item.locator('.monaco-button', { hasText: button }).first().click(),
  );
}

/** Clicks `button` in a modal dialog. */
export function clickDialogButton(page, button) {
  return step(`click "${button}" in the dialog`, () =>
    page
      // Whole label only: "Allow" must not match "Don't Allow".
      .locator('.monaco-dialog-box .dialog-buttons .monaco-button', {
        hasText: new RegExp(`^\\s*${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`),
      })
      .first()
      .click({ timeout: STEP_TIMEOUT_MS }),
  );
}

/** Waits for a row of the tree in the side bar whose text contains `label`. */
export function findTreeItem(page, label) {
  return step(`find "${label}" in the side bar`, async () => {
    const row = page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    return row;
  });
}

/** Clicks a button or link of a view's welcome content. */
export function clickWelcomeButton(page, label) {
  return step(`click "${label}" in the welcome view`, () =>
    page
      .locator(
        '.part.sidebar .welcome-view-content a, .part.sidebar .welcome-view-content .monaco-button',
        {
          hasText: label,
        },
      )
      .first()
      .click({ timeout: STEP_TIMEOUT_MS }),
  );
}
