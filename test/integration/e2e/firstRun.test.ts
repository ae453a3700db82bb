// Host side of the `e2e` suite: the steps run in the browser (scripts/test-host/e2e.mjs) while
// this test waits for the result file they write, then checks what the extension host saw.

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DevicePushApi } from '../../../src/extension';

const EXTENSION_ID = 'device-push.device-push';
const BROWSER_STEPS_TIMEOUT_MS = 150_000;
const POLL_INTERVAL_MS = 250;

interface BrowserResult {
  ok: boolean;
  error?: string;
}

async function waitForResult(path: string): Promise<BrowserResult> {
  const deadline = Date.now() + BROWSER_STEPS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      return JSON.parse(readFileSync(path, 'utf8')) as BrowserResult;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return { ok: false, error: `no result from the browser within ${BROWSER_STEPS_TIMEOUT_MS} ms` };
}

describe('first run', function () {
  this.timeout(BROWSER_STEPS_TIMEOUT_MS + 10_000);

  it('palette and status bar send', async () => {
    const resultPath = process.env.DEVICE_PUSH_E2E_RESULT;
    assert.ok(resultPath, 'DEVICE_PUSH_E2E_RESULT is not set: run this suite with --suite e2e');
    const extension = vscode.extensions.getExtension<DevicePushApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
    const api = await extension.activate();
    const received: string[] = [];
    const listener = api.localReceiver.onDidReceive((notification) => {
      received.push(
        notification.title
          ? `${notification.title}: ${notification.message}`
          : notification.message,
      );
    });
    try {
      const result = await waitForResult(resultPath);
      assert.equal(result.error, undefined);
      assert.equal(result.ok, true);
      assert.deepEqual(received, JSON.parse(process.env.DEVICE_PUSH_E2E_MESSAGES ?? '[]'));
      const devices = vscode.workspace.getConfiguration('devicePush').inspect('devices');
      const saved = devices?.globalValue as { name: string; port: number }[] | undefined;
      assert.equal(saved?.[0]?.name, 'This computer');
      assert.equal(saved?.[0]?.port, api.localReceiver.address?.port);
    } finally {
      listener.dispose();
      await vscode.commands.executeCommand('devicePush.stopReceiver');
    }
  });
});
