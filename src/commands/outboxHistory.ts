import * as vscode from 'vscode';
import { HISTORY_MESSAGE_MAX_CHARS } from '../outbox/history';
import type { OutboxService } from '../outbox/service';
import { fromStoredNotification } from '../outbox/state';
import type { HistoryEntry, HistoryOutcome } from '../outbox/types';
import { sendAndReport } from '../sending/report';
import { summarizeResult, type SendResultSummary } from '../sending/summary';
import type { Services } from '../services';
import { showError, showInfo } from '../ui';

export const SHOW_HISTORY_COMMAND = 'devicePush.showHistory';
const ACTION = 'Show Send History';

const OUTCOME_LABELS: Record<HistoryOutcome, { icon: string; text: string }> = {
  delivered: { icon: '$(check-all)', text: 'delivered' },
  sent: { icon: '$(check)', text: 'sent' },
  queued: { icon: '$(clock)', text: 'queued' },
  failed: { icon: '$(error)', text: 'failed' },
  dropped: { icon: '$(trash)', text: 'dropped' },
};

interface HistoryPickItem extends vscode.QuickPickItem {
  entry: HistoryEntry;
}

/**
 * Registers "Show Send History": a quick pick of the last sends, newest first. Picking one sends
 * it again through the send service. The argument `{ resend: N }` resends the N-th entry (0 is
 * the newest) without showing the list, for keybindings and tests.
 */
export function registerHistoryCommand(services: Services, outbox: OutboxService): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_HISTORY_COMMAND, (args?: unknown) =>
      showHistoryCommand(services, outbox, args),
    ),
  );
}

/** Returns the results of the resend, or undefined when nothing was sent. Never throws. */
export async function showHistoryCommand(
  services: Services,
  outbox: OutboxService,
  args: unknown,
): Promise<SendResultSummary[] | undefined> {
  try {
    await outbox.core.refresh();
    const history = outbox.history();
    if (history.length === 0) {
      void showInfo('The send history is empty: nothing was sent from this VS Code yet.');
      return undefined;
    }
    const entry = await pickEntry(history, args);
    return entry ? await resend(services, outbox, entry) : undefined;
  } catch (error) {
    services.log.error(`${ACTION} failed: ${String(error)}`);
    void showError(`${ACTION} failed unexpectedly. See the log for details.`);
    return undefined;
  }
}

async function pickEntry(
  history: HistoryEntry[],
  args: unknown,
): Promise<HistoryEntry | undefined> {
  const index = (args as { resend?: unknown } | undefined)?.resend;
  if (typeof index === 'number') {
    const entry = history[index];
    if (!entry) {
      void showError(
        `${ACTION}: there is no history entry ${index}; the history has ${history.length}.`,
      );
    }
    return entry;
  }
  const items: HistoryPickItem[] = history.map((entry) => {
    const outcome = OUTCOME_LABELS[entry.outcome];
    const from = entry.fromOutbox ? ' from the outbox' : '';
    const item: HistoryPickItem = {
      label: `${outcome.icon} ${entry.deviceName}: ${entry.preview}`,
      description: `${outcome.text}${from} · ${new Date(entry.at).toLocaleString()} · ${entry.origin}`,
      entry,
    };
    if (entry.detail) {
      item.detail = entry.detail;
    }
    return item;
  });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Last sends, newest first. Pick one to send it again.',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.entry;
}

/** Sends a history entry again, to the same device, as a new notification. */
async function resend(
  services: Services,
  outbox: OutboxService,
  entry: HistoryEntry,
): Promise<SendResultSummary[] | undefined> {
  if (!entry.notification) {
    void showError(
      `This notification to "${entry.deviceName}" is longer than ${HISTORY_MESSAGE_MAX_CHARS} ` +
        'characters, so the history kept only its beginning and cannot send it again.',
    );
    return undefined;
  }
  const device = outbox.entryForKey(entry.deviceKey);
  if (!device) {
    void showError(
      `Device "${entry.deviceName}" is not in the settings of this window, so the notification ` +
        'cannot be sent again. Add the device, or open the window where it is defined.',
    );
    return undefined;
  }
  const notification = fromStoredNotification(entry.notification);
  // A resend is a new notification: the sender stamps it with the current time.
  delete notification.timestamp;
  services.log.info(`Resending a notification from the history to device "${device.label}".`);
  const results = await sendAndReport(services, [device], notification, 'command');
  return results.map(({ result }) => summarizeResult(result));
}
