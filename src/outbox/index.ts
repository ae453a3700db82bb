/**
 * Wires the outbox into the extension: the outbox file in global storage, the send service's
 * routing hooks, the history of every send, the pending counts of the Devices view, the drop
 * warnings and the commands "Retry Now", "Clear Outbox" and "Show Send History".
 */

import * as vscode from 'vscode';
import { registerOutboxCommands } from '../commands/outbox';
import { registerHistoryCommand } from '../commands/outboxHistory';
import { toStoredNotification } from './state';
import type { Services } from '../services';
import type { DidSendEvent } from '../sending/types';
import { showWarning } from '../ui';
import { OutboxRouter } from './router';
import { describe, OutboxService } from './service';
import { affectsOutbox } from './settings';
import { OutboxTestEnvironment, type OutboxTestHooks } from './testing';
import type { OutboxDrop } from './types';

export { OutboxService } from './service';

/** The outbox part of the API that `activate()` returns. */
export interface OutboxApi {
  /** Hooks for integration tests; present only in test mode. */
  testing?: OutboxTestHooks;
}

/** A warning toast about dropped notifications is shown at most this often; the log has all. */
export const DROP_TOAST_INTERVAL_MS = 60_000;

export function registerOutbox(services: Services): OutboxApi {
  const testing =
    services.context.extensionMode === vscode.ExtensionMode.Test
      ? new OutboxTestEnvironment(services.log)
      : undefined;
  const outbox = new OutboxService(services, testing ?? {});
  const router = new OutboxRouter(services, outbox);
  const subscriptions = services.context.subscriptions;
  subscriptions.push(outbox);

  services.sending.router = router;
  subscriptions.push(
    new vscode.Disposable(() => {
      if (services.sending.router === router) {
        services.sending.router = undefined;
      }
    }),
  );

  services.pending.setCounter((entryId) => outbox.pendingCount(entryId));
  subscriptions.push(
    outbox.onDidChange(() => services.pending.changed()),
    outbox.onDidDrop(createDropNotice(services)),
    services.sending.onDidSend((event) => recordSend(services, outbox, router, event)),
    services.registry.onDidChange(() => outbox.reload()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsOutbox(event)) {
        outbox.reload();
      }
    }),
  );

  registerOutboxCommands(services, outbox);
  registerHistoryCommand(services, outbox);
  void outbox.start();
  return testing ? { testing: testing.hooks(outbox) } : {};
}

/** Adds a direct send to the history; the outbox records its own sends and queued ones. */
function recordSend(
  services: Services,
  outbox: OutboxService,
  router: OutboxRouter,
  event: DidSendEvent,
): void {
  if (event.origin === 'outbox' || router.wasRecorded(event.result)) {
    return;
  }
  const { entry, result } = event;
  const record = {
    at: Date.now(),
    deviceKey: outbox.keyOf(entry),
    deviceName: entry.label,
    outcome: result.outcome,
    origin: event.origin,
    fromOutbox: false,
    notification: toStoredNotification(event.notification),
  };
  const detail = result.error?.message;
  outbox.core.record(detail ? { ...record, detail } : record).catch((error: unknown) => {
    services.log.warn(
      `A send to "${entry.label}" could not be added to the history: ${describe(error)}`,
    );
  });
}

/**
 * Returns a listener that logs each drop (the outbox does) and shows a warning toast at most
 * once per `DROP_TOAST_INTERVAL_MS`, counting the drops it did not show.
 */
function createDropNotice(services: Services): (drop: OutboxDrop) => void {
  let lastShownAt = Number.NEGATIVE_INFINITY;
  let unshown = 0;
  return (drop) => {
    const now = Date.now();
    if (now - lastShownAt < DROP_TOAST_INTERVAL_MS) {
      unshown += drop.items.length;
      return;
    }
    lastShownAt = now;
    // Suppressed drops are mentioned with the next toast, which may come much later, so the
    // text names no time span.
    const more = unshown === 1 ? '1 more notification was' : `${unshown} more notifications were`;
    const earlier = unshown > 0 ? ` Since the last warning, ${more} dropped.` : '';
    unshown = 0;
    void showWarning(`${drop.message}${earlier}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') {
        services.log.show();
      }
    });
  };
}
