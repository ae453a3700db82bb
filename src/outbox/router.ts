/**
 * The outbox's part in every send of the send service: a notification for a device that already
 * has queued ones goes behind them, and one whose send failed for a transient reason is queued.
 */

import type { DeviceEntry } from '../devices/merge';
import type { Notification, SendFailure, SendResult } from '../sender/types';
import type { SendRouter } from '../sending/service';
import type { Services } from '../services';
import { countOf } from './drops';
import { dispositionOf } from './policy';
import { describe, type OutboxService } from './service';

/** Implements the send service's routing hooks for the outbox. */
export class OutboxRouter implements SendRouter {
  /** Results this router returned whose history entry the outbox wrote already. */
  private readonly recordedResults = new WeakSet<SendResult>();
  /**
   * Items queued per notification object and device key. "Retry" on a result toast sends the
   * same object again; the outbox then sends its queue now instead of queueing a second copy.
   */
  private readonly queuedItems = new WeakMap<Notification, Map<string, string>>();

  constructor(
    private readonly services: Services,
    private readonly outbox: OutboxService,
  ) {}

  /** Whether the outbox wrote the history entry of this result already. */
  wasRecorded(result: SendResult): boolean {
    return this.recordedResults.has(result);
  }

  async beforeSend(
    entry: DeviceEntry,
    notification: Notification,
    origin: string,
  ): Promise<SendResult | undefined> {
    const key = this.outbox.keyOf(entry);
    const itemId = this.queuedItems.get(notification)?.get(key);
    if (itemId !== undefined && this.outbox.core.items(key).some((item) => item.id === itemId)) {
      return this.sendQueueNow(entry, itemId);
    }
    // "Retry" on a toast that stayed open after the outbox sent this notification.
    const alreadySent = itemId === undefined ? undefined : this.outbox.core.sentOutcome(itemId);
    if (alreadySent) {
      this.services.log.info(
        `Device "${entry.label}": the outbox sent this notification already, so it is not ` +
          'sent again.',
      );
      const sent: SendResult = {
        device: entry.label,
        outcome: alreadySent,
        durationMs: 0,
        bytes: 0,
        truncated: false,
      };
      this.recordedResults.add(sent);
      return sent;
    }
    if (!this.outbox.enabled || !this.outbox.core.hasPending(key)) {
      return undefined;
    }
    try {
      const item = await this.outbox.enqueue(entry, notification, { origin });
      this.remember(notification, key, item.id);
      const ahead = this.outbox.core.pendingCount(key) - 1;
      const lastFailure = this.outbox
        .queues()
        .find((queue) => queue.deviceKey === key)?.lastFailure;
      const why = lastFailure ? ` The last attempt failed: ${lastFailure.message}` : '';
      return this.queued(entry, {
        code: (lastFailure?.code as SendFailure['code'] | undefined) ?? 'unknown',
        stage: 'validate',
        device: entry.label,
        message:
          `Queued for device "${entry.label}" behind ${countOf(Math.max(0, ahead))} in the ` +
          `outbox; it is sent when the device is back.${why}`,
      });
    } catch (error) {
      this.services.log.error(
        `The outbox could not queue a notification for device "${entry.label}", so it is sent ` +
          `directly: ${describe(error)}`,
      );
      return undefined;
    }
  }

  async afterSend(
    entry: DeviceEntry,
    notification: Notification,
    result: SendResult,
    origin: string,
  ): Promise<SendResult> {
    if (result.outcome !== 'failed' || !result.error || !this.outbox.enabled) {
      return result;
    }
    const disposition = dispositionOf(result);
    if (disposition.kind === 'permanent') {
      return withMessage(
        result,
        `${result.error.message} It was not queued for another attempt because ${disposition.reason}.`,
      );
    }
    try {
      const item = await this.outbox.enqueue(entry, notification, {
        origin,
        failure: result.error,
      });
      this.remember(notification, this.outbox.keyOf(entry), item.id);
    } catch (error) {
      this.services.log.error(
        `The outbox could not keep a failed notification for device "${entry.label}": ` +
          describe(error),
      );
      return withMessage(
        result,
        `${result.error.message} It could not be kept in the outbox; see the log.`,
      );
    }
    const minutes = this.outbox.ttlMinutesFor(entry);
    const queued = withMessage(
      result,
      `${result.error.message} The notification waits in the outbox and is sent again when the ` +
        `device is back (for up to ${minutes} minutes).`,
    );
    this.recordedResults.add(queued);
    return queued;
  }

  /** Sends a device's queue now for a notification that already waits in it. */
  private async sendQueueNow(entry: DeviceEntry, itemId: string): Promise<SendResult> {
    const [summary] = await this.outbox.retryNow([entry]);
    const outcome = summary?.sentItems[itemId];
    if (outcome) {
      const sent: SendResult = {
        device: entry.label,
        outcome,
        durationMs: 0,
        bytes: 0,
        truncated: false,
      };
      this.recordedResults.add(sent);
      return sent;
    }
    const stillQueued = this.outbox.core
      .items(this.outbox.keyOf(entry))
      .some((item) => item.id === itemId);
    const failure = summary?.failure;
    const message = stillQueued
      ? `${failure?.message ?? `Device "${entry.label}" was not reached.`} The notification ` +
        'still waits in the outbox.'
      : `The notification for device "${entry.label}" left the outbox unsent; see the log.`;
    return this.queued(entry, {
      code: failure?.code ?? 'unknown',
      stage: failure?.stage ?? 'validate',
      device: entry.label,
      message,
    });
  }

  private queued(entry: DeviceEntry, error: SendFailure): SendResult {
    const result: SendResult = {
      device: entry.label,
      outcome: 'failed',
      durationMs: 0,
      bytes: 0,
      truncated: false,
      error,
    };
    this.recordedResults.add(result);
    return result;
  }

  private remember(notification: Notification, key: string, itemId: string): void {
    let items = this.queuedItems.get(notification);
    if (!items) {
      items = new Map();
      this.queuedItems.set(notification, items);
    }
    items.set(key, itemId);
  }
}

function withMessage(result: SendResult, message: string): SendResult {
  return { ...result, error: { ...result.error!, message } };
}
