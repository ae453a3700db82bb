// `npm start -- --check`: the browser flavour of `npm start` in headless Chromium. It opens a
// copy of the sample in code-server, then uses the three ways the sample offers to send (Send
// Notification, Send Selection and a finished task) the way a person would, and waits until the
// receiver of this process prints each one.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  clickDialogButton,
  logIn,
  openLoopbackPage,
  pickItems,
  quickOpen,
  runCommand,
  submitInput,
  waitForWorkbench,
} from '../test-host/workbench.mjs';
import { serverDirectories, startCodeServer, stopProcessGroup } from './codeServer.mjs';
import { copySampleWithPort, root, SAMPLE_DEVICE_NAME } from './sample.mjs';

const ARRIVAL_TIMEOUT_MS = 20_000;
/**
 * The first task also starts the workbench's terminal process, which takes several seconds on an
 * idle machine and more than 20 on a busy one.
 */
const TASK_ARRIVAL_TIMEOUT_MS = 90_000;
const ACTIVATION_TIMEOUT_MS = 60_000;
const APPROVAL_BUTTON = 'Allow';
const CHECK_MESSAGE = 'Device Push check';
/** Line 6 of sample/notes.md, which Send Selection sends when the cursor is on it. */
const SELECTION_LINE = 6;
const SELECTION_TEXT = 'The backup finished without errors.';
const TASK_LABEL = 'Build sample';

/** Clicks Allow in the approval dialog if it appears before the notification arrives. */
async function approveUntilArrived(page, arrival) {
  let arrived = false;
  const done = arrival.finally(() => (arrived = true));
  while (!arrived) {
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      await clickDialogButton(page, APPROVAL_BUTTON);
    }
    await Promise.race([done.catch(() => undefined), page.waitForTimeout(250)]);
  }
  return done;
}

async function sendNotification(page, receiver) {
  await runCommand(page, 'Device Push: Send Notification');
  await pickItems(page, [SAMPLE_DEVICE_NAME], { many: true });
  await submitInput(page, 'Message', CHECK_MESSAGE);
  await submitInput(page, 'title', '');
  const arrival = receiver.waitFor((n) => n.message === CHECK_MESSAGE, ARRIVAL_TIMEOUT_MS);
  return approveUntilArrived(page, arrival);
}

async function sendSelection(page, receiver) {
  await quickOpen(page, `notes.md:${SELECTION_LINE}`);
  await runCommand(page, 'Device Push: Send Selection to Device');
  const arrival = receiver.waitFor((n) => n.message === SELECTION_TEXT, ARRIVAL_TIMEOUT_MS);
  return approveUntilArrived(page, arrival);
}

async function runTask(page, receiver) {
  await runCommand(page, 'Tasks: Run Task');
  await pickItems(page, [TASK_LABEL]);
  const arrival = receiver.waitFor((n) => n.task?.name === TASK_LABEL, TASK_ARRIVAL_TIMEOUT_MS);
  return approveUntilArrived(page, arrival);
}

/**
 * Runs the check against `receiver` (from dev/receiver.mjs).
 * Resolves with the exit code: 0 when all three notifications arrived.
 */
export async function runCheck({ receiver, started }) {
  const artifactsDir = join(root, 'test-results');
  mkdirSync(artifactsDir, { recursive: true });
  const folder = copySampleWithPort(receiver.address.port);
  const dirs = serverDirectories({
    persistent: false,
    userSettings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
  });
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let server;
  let browser;
  let page;
  try {
    server = await startCodeServer({ folder, dirs });
    console.log(`code-server listening (${elapsed()}); opening the sample in Chromium ...`);
    ({ browser, page } = await openLoopbackPage());
    await page.goto(server.url);
    await logIn(page, server.password);
    await waitForWorkbench(page, { activityLabel: 'Device Push' });
    // The status bar names the default device once the extension has read the sample's settings.
    // On a busy machine that happens well after the workbench is shown.
    await page
      .locator('.part.statusbar .statusbar-item', { hasText: SAMPLE_DEVICE_NAME })
      .first()
      .waitFor({ timeout: ACTIVATION_TIMEOUT_MS });
    console.log(`Workbench ready (${elapsed()}).`);

    const steps = [
      ['Send Notification', sendNotification],
      ['Send Selection', sendSelection],
      [`task "${TASK_LABEL}"`, runTask],
    ];
    for (const [name, run] of steps) {
      const stepStarted = Date.now();
      await run(page, receiver);
      console.log(`check: ${name} arrived after ${Date.now() - stepStarted} ms (${elapsed()})`);
    }
    await page.screenshot({ path: join(artifactsDir, 'check.png') });
    console.log(`\nCheck passed in ${elapsed()}: 3 notifications arrived.`);
    return 0;
  } catch (error) {
    console.error(`\nCheck failed after ${elapsed()}: ${error.message}`);
    if (page) {
      await page.screenshot({ path: join(artifactsDir, 'check-failure.png') }).catch(() => {});
      console.error(`Screenshot: ${join(artifactsDir, 'check-failure.png')}`);
    }
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    if (server) {
      await stopProcessGroup(server.child, server.exited);
    }
  }
}
