// The `restricted` suite: opens test/fixtures/restricted with workspace trust on, so the folder
// starts in Restricted Mode. Its .vscode/settings.json defines a device "Phone" aimed at
// 127.0.0.1:47311, where the tests listen, and turns on task notifications to it.
//
// No extension API grants workspace trust, so the browser side plays the user: once a test opens
// the Workspace Trust editor (`workbench.trust.manage`), it clicks Trust there and appends the line
// `trusted workspace` to the file named by DEVICE_PUSH_TRUST_ACTIONS.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(import.meta.dirname, '../..');
const POLL_INTERVAL_MS = 250;
const CLICK_TIMEOUT_MS = 5_000;

// The editor's button container has the aria-label "Trust, Keyboard Shortcut: Ctrl+Enter"; the
// click listener sits on the `.monaco-button` inside it.
const TRUST_BUTTON =
  '.workspace-trust-editor .workspace-trust-buttons-row [aria-label^="Trust,"] .monaco-button';

/** Clicks Trust whenever the Workspace Trust editor offers it, until the suite has ended. */
async function grantTrustWhenAsked(page, actionsFile, signal) {
  const trust = page.locator(TRUST_BUTTON).first();
  while (!signal.aborted) {
    if (await trust.isVisible().catch(() => false)) {
      await trust.click({ timeout: CLICK_TIMEOUT_MS });
      appendFileSync(actionsFile, 'trusted workspace\n');
    }
    await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
  }
}

export function restrictedSuite({ artifactsDir }) {
  return ({ runHostSession, grep, timeoutMs }) => {
    const scratch = mkdtempSync(join(tmpdir(), 'device-push-trust-'));
    const actionsFile = join(scratch, 'actions.log');
    const session = runHostSession({
      suite: 'restricted',
      folder: join(root, 'test/fixtures/restricted'),
      trust: false,
      timeoutMs,
      artifactsDir,
      env: {
        DEVICE_PUSH_TRUST_ACTIONS: actionsFile,
        ...(grep ? { DEVICE_PUSH_TEST_GREP: grep } : {}),
      },
      drive: (page, { signal }) => grantTrustWhenAsked(page, actionsFile, signal),
    });
    return session.finally(() => rmSync(scratch, { recursive: true, force: true }));
  };
}
