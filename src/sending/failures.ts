/**
 * Results for devices that were never contacted: turned off, not approved, or settings that could
 * not be turned into a target. They have the same shape as the sender's results, so every entry
 * point reports them the same way.
 */

import type { DeviceEntry } from '../devices/merge';
import type { SendErrorCode, SendResult, SendStage } from '../sender/types';

export function uncontactedResult(
  entry: DeviceEntry,
  code: SendErrorCode,
  stage: SendStage,
  message: string,
): SendResult {
  return {
    device: entry.config?.name ?? entry.label,
    outcome: 'failed',
    durationMs: 0,
    bytes: 0,
    truncated: false,
    error: { code, stage, device: entry.config?.name ?? entry.label, message },
  };
}

export function disabledResult(entry: DeviceEntry): SendResult {
  return uncontactedResult(
    entry,
    'invalid-device',
    'validate',
    `Device "${entry.label}" is turned off ("enabled": false in its settings). ` +
      'Turn it on to send to it.',
  );
}

export function invalidResult(entry: DeviceEntry): SendResult {
  return uncontactedResult(
    entry,
    'invalid-device',
    'validate',
    `Device "${entry.label}" has invalid settings: ${entry.problems.join(' ')}`,
  );
}

export function notApprovedResult(entry: DeviceEntry): SendResult {
  return uncontactedResult(
    entry,
    'cancelled',
    'validate',
    `Sending to "${entry.label}" is not allowed: the workspace defines this device and it was ` +
      'not approved. Approve it when asked, or define it in your user settings.',
  );
}
