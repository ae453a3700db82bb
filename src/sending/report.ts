import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import type { Notification } from '../sender/types';
import type { Services } from '../services';
import { showMessage } from '../ui';
import { describeResults } from './summary';
import type { DeviceSendResult, SendOrigin } from './types';

const RETRY = 'Retry';
const SHOW_LOG = 'Show Log';
/** Device names listed in a progress title before the rest are counted instead. */
const MAX_NAMES_IN_TITLE = 3;

/**
 * Which results each entry point shows as a toast. Commands and the selection show every result,
 * because the user is waiting for it. Tasks show failures only. API callers get the results as
 * return values and show what they want; the outbox has its own messages.
 */
const TOAST_POLICY: Record<SendOrigin, 'all' | 'failures' | 'none'> = {
  command: 'all',
  selection: 'all',
  task: 'failures',
  api: 'none',
  outbox: 'none',
};

/** Origins whose sends show a cancellable progress notification. */
const SHOWS_PROGRESS: ReadonlySet<SendOrigin> = new Set(['command', 'selection']);

/**
 * Sends through `services.sending`, with a cancellable progress notification for the entry
 * points where the user waits, then shows the results (see `showResults`). Returns the results.
 */
export async function sendAndReport(
  services: Services,
  entries: readonly DeviceEntry[],
  notification: Notification,
  origin: SendOrigin,
): Promise<DeviceSendResult[]> {
  const results = SHOWS_PROGRESS.has(origin)
    ? await sendWithProgress(services, entries, notification, origin)
    : await services.sending.send(entries, notification, { origin });
  showResults(services, results, notification, origin);
  return results;
}

async function sendWithProgress(
  services: Services,
  entries: readonly DeviceEntry[],
  notification: Notification,
  origin: SendOrigin,
): Promise<DeviceSendResult[]> {
  const title = `Sending to ${listNames(entries)}…`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      let done = 0;
      try {
        return await services.sending.send(entries, notification, {
          origin,
          signal: controller.signal,
          onResult: () => {
            done += 1;
            progress.report({
              increment: 100 / entries.length,
              message: `${done} of ${entries.length}`,
            });
          },
        });
      } finally {
        subscription.dispose();
      }
    },
  );
}

/**
 * Shows one toast for the results of one send, the same way for every entry point: each device
 * with delivered, sent or failed and the reason. On failure the toast offers "Retry", which sends
 * again to the failed devices only, and "Show Log". The toast is not awaited, so a command
 * returns while it is still on screen.
 */
export function showResults(
  services: Services,
  results: readonly DeviceSendResult[],
  notification: Notification,
  origin: SendOrigin,
): void {
  const failed = results.filter(({ result }) => result.outcome === 'failed');
  const policy = TOAST_POLICY[origin];
  if (results.length === 0 || policy === 'none' || (policy === 'failures' && failed.length === 0)) {
    return;
  }
  const { severity, text } = describeResults(results.map(({ result }) => result));
  if (failed.length === 0) {
    void showMessage(severity, text, {});
    return;
  }
  void showMessage(severity, text, {}, RETRY, SHOW_LOG).then(async (choice) => {
    if (choice === SHOW_LOG) {
      services.log.show();
    } else if (choice === RETRY) {
      await retry(services, failed, notification, origin);
    }
  });
}

async function retry(
  services: Services,
  failed: readonly DeviceSendResult[],
  notification: Notification,
  origin: SendOrigin,
): Promise<void> {
  const current = failed
    .map(({ entry }) => services.registry.byId(entry.id))
    .filter((entry): entry is DeviceEntry => entry !== undefined);
  if (current.length === 0) {
    void showMessage(
      'warning',
      'The failed devices are no longer in settings: nothing to retry.',
      {},
    );
    return;
  }
  services.log.info(`Retrying the send to ${listNames(current)} (first sent from ${origin}).`);
  // The user clicked Retry and waits for it, so it reports like a command.
  await sendAndReport(services, current, notification, 'command');
}

function listNames(entries: readonly DeviceEntry[]): string {
  const names = entries.map((entry) => `"${entry.label}"`);
  if (names.length <= MAX_NAMES_IN_TITLE) {
    return names.join(', ');
  }
  const shown = names.slice(0, MAX_NAMES_IN_TITLE).join(', ');
  return `${shown} and ${names.length - MAX_NAMES_IN_TITLE} more`;
}
