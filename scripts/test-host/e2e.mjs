// The `e2e` suite: a first run in the real workbench, driven in headless Chromium the way a
// person would use it. With no device set up, it starts the local receiver from the Devices
// view's welcome content, accepts the offer to add "This computer", sends a notification from
// the Command Palette and waits until the receiver inside the extension host shows it.
//
// The extension host side (out/test/integration/e2e) waits for the result file that these
// steps write, so the mocha summary reports their outcome.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  clickNotificationButton,
  clickStatusBarItem,
  clickWelcomeButton,
  findNotification,
  findTreeItem,
  openActivity,
  pickItems,
  runCommand,
  submitInput,
  waitForWorkbench,
} from './workbench.mjs';

const root = resolve(import.meta.dirname, '../..');
const DEVICE_NAME = 'This computer';
const TITLE = 'Device Push';
const MESSAGE = 'Build finished in 42 s';
const STATUS_BAR_MESSAGE = 'Sent from the status bar';
/** Screenshots in media/ change only when this variable is 1, or when they are missing. */
const UPDATE_SCREENSHOTS = process.env.DEVICE_PUSH_UPDATE_SCREENSHOTS === '1';

/** A small project folder to open, so the window looks like a real one in the screenshots. */
function createProjectFolder() {
  const folder = join(mkdtempSync(join(tmpdir(), 'device-push-e2e-')), 'my-project');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'README.md'), '# My project\n');
  return folder;
}

async function saveScreenshot(page, artifactsDir, name, clip) {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `e2e-${name}.png`);
  await page.screenshot({ path, clip });
  const media = join(root, 'media', `screenshot-${name}.png`);
  if (UPDATE_SCREENSHOTS || !existsSync(media)) {
    copyFileSync(path, media);
  }
  return path;
}

async function firstRun(page, artifactsDir) {
  await waitForWorkbench(page, { activityLabel: 'Device Push' });
  await openActivity(page, 'Device Push');
  await clickWelcomeButton(page, 'Start Local Receiver');
  await clickNotificationButton(page, 'Local receiver listening on', 'Add Device');
  await findTreeItem(page, DEVICE_NAME);
  await saveScreenshot(page, artifactsDir, 'devices');

  await runCommand(page, 'Device Push: Send Notification');
  await pickItems(page, [DEVICE_NAME], { many: true });
  await submitInput(page, 'Message', MESSAGE);
  await submitInput(page, 'title', TITLE);
  await findNotification(page, `${TITLE}: ${MESSAGE}`);
  await saveScreenshot(page, artifactsDir, 'received');

  // The status bar item names the default device (or Device Push) and opens the same flow.
  await clickStatusBarItem(page, new RegExp(`${DEVICE_NAME}|Device Push`));
  await pickItems(page, [DEVICE_NAME], { many: true });
  await submitInput(page, 'Message', STATUS_BAR_MESSAGE);
  await submitInput(page, 'title', '');
  await findNotification(page, STATUS_BAR_MESSAGE);
}

export function e2eSuite({ artifactsDir }) {
  return ({ runHostSession, grep, timeoutMs }) => {
    const resultFile = join(mkdtempSync(join(tmpdir(), 'device-push-e2e-result-')), 'result.json');
    return runHostSession({
      suite: 'e2e',
      folder: createProjectFolder(),
      timeoutMs,
      artifactsDir,
      // Port 0: the system chooses a free port, so the run never collides with another receiver.
      userSettings: { 'devicePush.localReceiver.port': 0 },
      env: {
        DEVICE_PUSH_E2E_RESULT: resultFile,
        DEVICE_PUSH_E2E_MESSAGES: JSON.stringify([`${TITLE}: ${MESSAGE}`, STATUS_BAR_MESSAGE]),
        ...(grep ? { DEVICE_PUSH_TEST_GREP: grep } : {}),
      },
      drive: async (page) => {
        try {
          await firstRun(page, artifactsDir);
          writeFileSync(resultFile, JSON.stringify({ ok: true }));
        } catch (error) {
          await page.screenshot({ path: join(artifactsDir, 'e2e-failure.png') }).catch(() => {});
          writeFileSync(resultFile, JSON.stringify({ ok: false, error: error.message }));
          throw error;
        }
      },
    });
  };
}
