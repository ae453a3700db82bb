import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { countOf } from '../outbox/drops';
import type { DrainSummary } from '../outbox/options';
import type { OutboxService } from '../outbox/service';
import type { Services } from '../services';
import { showError, showInfo, showMessage } from '../ui';
import { resolveDevices } from './deviceArgs';

export const RETRY_OUTBOX_COMMAND = 'devicePush.retryOutbox';
export const CLEAR_OUTBOX_COMMAND = 'devicePush.clearOutbox';
const RETRY_ACTION = 'Retry Now';
const CLEAR_ACTION = 'Clear Outbox';
const SHOW_LOG = 'Show Log';

/** Result of "Retry Now" for one device, as plain data for keybindings and tests. */
export interface RetryReport {
  device: string;
  sent: number;
  dropped: number;
  remaining: number;
  stoppedBy?: DrainSummary['stoppedBy'];
  error?: { code: string; message: string };
}

/**
 * Registers "Retry Now" and "Clear Outbox". Both take the devices the way every device command
 * does (tree item, `"name"`, `{ device }`, `{ devices }`); without a device they act on all
 * devices. "Clear Outbox" asks for confirmation unless its argument has `confirm: false`.
 */
export function registerOutboxCommands(services: Services, outbox: OutboxService): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(RETRY_OUTBOX_COMMAND, (first?: unknown, second?: unknown) =>
      retryOutboxCommand(services, outbox, [first, second]),
    ),
    vscode.commands.registerCommand(CLEAR_OUTBOX_COMMAND, (first?: unknown, second?: unknown) =>
      clearOutboxCommand(services, outbox, [first, second]),
    ),
  );
}

/** Sends queued notifications now. Returns one report per device, or undefined when cancelled. */
export async function retryOutboxCommand(
  services: Services,
  outbox: OutboxService,
  args: unknown[],
): Promise<RetryReport[] | undefined> {
  try {
    const devices = await devicesOf(services, args, RETRY_ACTION);
    if (!devices) {
      return undefined;
    }
    await outbox.core.refresh();
    if (countPending(outbox, devices) === 0) {
      void showInfo(emptyText(devices));
      return [];
    }
    const summaries = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Sending queued notifications…' },
      () => outbox.retryNow(devices === 'all' ? undefined : devices),
    );
    reportRetry(services, summaries);
    return summaries.map(toReport);
  } catch (error) {
    services.log.error(`${RETRY_ACTION} failed: ${String(error)}`);
    void showError(`${RETRY_ACTION} failed unexpectedly. See the log for details.`, SHOW_LOG);
    return undefined;
  }
}

/** Removes queued notifications after a modal confirmation. Returns how many were removed. */
export async function clearOutboxCommand(
  services: Services,
  outbox: OutboxService,
  args: unknown[],
): Promise<number | undefined> {
  try {
    const devices = await devicesOf(services, args, CLEAR_ACTION);
    if (!devices) {
      return undefined;
    }
    await outbox.core.refresh();
    const count = countPending(outbox, devices);
    if (count === 0) {
      void showInfo(emptyText(devices));
      return 0;
    }
    const skipConfirmation = isRecord(args[0]) && args[0].confirm === false;
    if (!skipConfirmation) {
      const choice = await showMessage(
        'warning',
        `Clear the outbox of ${namesOf(devices)}? ${countOf(count)} will not be sent.`,
        { modal: true },
        CLEAR_ACTION,
      );
      if (choice !== CLEAR_ACTION) {
        return undefined;
      }
    }
    const removed = await outbox.clear(devices === 'all' ? undefined : devices);
    void showInfo(`Cleared ${countOf(removed)} from the outbox of ${namesOf(devices)}.`);
    return removed;
  } catch (error) {
    services.log.error(`${CLEAR_ACTION} failed: ${String(error)}`);
    void showError(`${CLEAR_ACTION} failed unexpectedly. See the log for details.`, SHOW_LOG);
    return undefined;
  }
}

/** The devices the arguments name, `'all'` when they name none, or undefined when cancelled. */
async function devicesOf(
  services: Services,
  args: unknown[],
  action: string,
): Promise<DeviceEntry[] | 'all' | undefined> {
  const [first] = args;
  const namesNone =
    first === undefined ||
    (isRecord(first) &&
      first.entryId === undefined &&
      first.device === undefined &&
      first.devices === undefined);
  if (namesNone) {
    return 'all';
  }
  return resolveDevices(services, args, {
    multi: true,
    placeHolder: `${action}: which devices?`,
    action,
  });
}

function countPending(outbox: OutboxService, devices: DeviceEntry[] | 'all'): number {
  if (devices === 'all') {
    return outbox.size();
  }
  return devices.reduce((sum, entry) => sum + outbox.core.pendingCount(outbox.keyOf(entry)), 0);
}

function namesOf(devices: DeviceEntry[] | 'all'): string {
  if (devices === 'all') {
    return 'all devices';
  }
  const names = devices.map((entry) => `"${entry.label}"`);
  return names.length <= 1
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function emptyText(devices: DeviceEntry[] | 'all'): string {
  return devices === 'all'
    ? 'The outbox is empty: no notification waits for a device.'
    : `No notification waits in the outbox for ${namesOf(devices)}.`;
}

/** Shows one toast for the result of "Retry Now". */
function reportRetry(services: Services, summaries: readonly DrainSummary[]): void {
  const sent = summaries.reduce((sum, summary) => sum + summary.sent, 0);
  const stuck = summaries.filter((summary) => summary.remaining > 0);
  const sentText = sent > 0 ? `Sent ${countOf(sent)} from the outbox.` : '';
  if (stuck.length === 0) {
    void showInfo(sentText || 'The outbox is empty.');
    return;
  }
  const reasons = stuck.map(stuckReason);
  const text = [sentText, ...reasons].filter((part) => part).join(' ');
  void showMessage('warning', text, {}, SHOW_LOG).then((choice) => {
    if (choice === SHOW_LOG) {
      services.log.show();
    }
  });
}

function stuckReason(summary: DrainSummary): string {
  const queued = `Waiting for "${summary.deviceName}": ${countOf(summary.remaining)}`;
  switch (summary.stoppedBy) {
    case 'other-instance':
      return (
        `Another VS Code window is sending to "${summary.deviceName}" now ` +
        `(${countOf(summary.remaining)} waiting).`
      );
    case 'cannot-deliver':
      return (
        `${queued}. This window does not have that device in its settings, ` +
        'or the device is turned off.'
      );
    case 'failure':
      return `${queued}. ${summary.failure?.message ?? 'The device was not reached.'}`;
    default:
      return `${queued}.`;
  }
}

function toReport(summary: DrainSummary): RetryReport {
  const report: RetryReport = {
    device: summary.deviceName,
    sent: summary.sent,
    dropped: summary.dropped,
    remaining: summary.remaining,
  };
  if (summary.stoppedBy) {
    report.stoppedBy = summary.stoppedBy;
  }
  if (summary.failure) {
    report.error = { code: summary.failure.code, message: summary.failure.message };
  }
  return report;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
