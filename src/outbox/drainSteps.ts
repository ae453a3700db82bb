/**
 * The two transactions of sending from a device's queue: claim the first item (take the
 * device's lease), then settle its result (remove it or schedule the next attempt) and claim
 * the next one. Each function changes the state in place, inside a transaction.
 */

import type { SendResult } from '../sender/types';
import { countOf, dropExpired, removeQueueIfEmpty } from './drops';
import { appendHistory, type HistoryRecord } from './history';
import type { DrainSummary, OutboxLogger } from './options';
import { dispositionOf, retryDelayMs, type BackoffOptions } from './policy';
import type { TransactionResult } from './store';
import type { DeviceLease, OutboxDrop, OutboxItem, OutboxState } from './types';

export interface DrainRules {
  /** Id of the instance that sends. */
  owner: string;
  leaseMs: number;
  backoff: BackoffOptions;
  historySize: number;
  random: () => number;
  canDeliver: (deviceKey: string) => boolean;
  isProcessAlive: (pid: number) => boolean;
  log: OutboxLogger;
  /** Collects drops, which the caller reports after the transaction. */
  drops: OutboxDrop[];
}

/** A lease of another instance that has not ended and whose process still runs. */
export function isLeasedByOther(
  rules: DrainRules,
  lease: DeviceLease | undefined,
  now: number,
): boolean {
  return (
    lease !== undefined &&
    lease.owner !== rules.owner &&
    lease.until > now &&
    rules.isProcessAlive(lease.pid)
  );
}

/** Takes the lease of a device whose queue may be sent now and returns its first item. */
export function claimHead(
  rules: DrainRules,
  state: OutboxState,
  deviceKey: string,
  now: number,
  force: boolean,
  summary: DrainSummary,
): TransactionResult<OutboxItem | undefined> {
  const drops = dropExpired(state, now, deviceKey);
  rules.drops.push(...drops);
  summary.dropped += drops.reduce((sum, drop) => sum + drop.items.length, 0);
  const changed = drops.length > 0;
  const queue = state.queues[deviceKey];
  if (!queue) {
    return { result: undefined, changed };
  }
  if (isLeasedByOther(rules, queue.lease, now)) {
    summary.stoppedBy = 'other-instance';
    return { result: undefined, changed };
  }
  if (!rules.canDeliver(deviceKey)) {
    summary.stoppedBy = 'cannot-deliver';
    return { result: undefined, changed };
  }
  if (!force && queue.nextAttemptAt > now) {
    return { result: undefined, changed };
  }
  queue.lease = newLease(rules, now);
  return { result: structuredClone(queue.items[0]), changed: true };
}

/**
 * Stores the result of sending `item`. When the queue may go on (success or a permanent
 * failure of this one item), claims the next item in the same transaction and returns it.
 */
export function settle(
  rules: DrainRules,
  state: OutboxState,
  item: OutboxItem,
  result: SendResult,
  now: number,
  summary: DrainSummary,
): TransactionResult<OutboxItem | undefined> {
  const deviceKey = item.deviceKey;
  const queue = state.queues[deviceKey];
  const disposition = dispositionOf(result);
  const record: Omit<HistoryRecord, 'outcome'> = {
    at: now,
    deviceKey,
    deviceName: item.deviceName,
    origin: item.origin,
    fromOutbox: true,
    notification: item.notification,
  };

  if (disposition.kind === 'transient') {
    summary.stoppedBy = 'failure';
    if (result.error) {
      summary.failure = result.error;
    }
    if (queue) {
      scheduleNextAttempt(rules, queue, item, result, now);
    }
    return { result: undefined, changed: true };
  }

  if (queue) {
    // Removed by id: another instance may have cleared or trimmed the queue meanwhile.
    queue.items = queue.items.filter((queued) => queued.id !== item.id);
  }
  if (disposition.kind === 'success') {
    summary.sent += 1;
    if (queue) {
      queue.attempts = 0;
      queue.nextAttemptAt = now;
      delete queue.lastFailure;
    }
    const outcome = result.outcome === 'delivered' ? 'delivered' : 'sent';
    summary.sentItems[item.id] = outcome;
    appendHistory(state, { ...record, outcome }, rules.historySize);
    rules.log.debug?.(`Sent a queued notification to device "${item.deviceName}".`);
  } else {
    summary.dropped += 1;
    const message =
      `Dropped a queued notification for device "${item.deviceName}" because ` +
      `${disposition.reason}. ${result.error?.message ?? ''}`.trim();
    rules.drops.push({ reason: 'permanent-failure', items: [item], message });
    appendHistory(state, { ...record, outcome: 'dropped', detail: message }, rules.historySize);
    if (result.error) {
      summary.failure = result.error;
    }
  }

  if (!queue || queue.items.length === 0 || queue.lease?.owner !== rules.owner) {
    // Stop: the queue is empty, or another instance took the lease over while this one sent.
    if (queue?.lease?.owner === rules.owner) {
      delete queue.lease;
    }
    removeQueueIfEmpty(state, deviceKey);
    return { result: undefined, changed: true };
  }
  queue.lease = newLease(rules, now);
  return { result: structuredClone(queue.items[0]), changed: true };
}

/** Gives the lease back without changing the queue, for example when the instance closes. */
export function releaseLease(
  rules: DrainRules,
  state: OutboxState,
  deviceKey: string,
): TransactionResult<undefined> {
  const queue = state.queues[deviceKey];
  if (queue?.lease?.owner !== rules.owner) {
    return { result: undefined, changed: false };
  }
  delete queue.lease;
  return { result: undefined, changed: true };
}

function scheduleNextAttempt(
  rules: DrainRules,
  queue: OutboxState['queues'][string],
  item: OutboxItem,
  result: SendResult,
  now: number,
): void {
  queue.attempts += 1;
  queue.nextAttemptAt = now + retryDelayMs(queue.attempts, rules.random, rules.backoff);
  if (result.error) {
    queue.lastFailure = { code: result.error.code, message: result.error.message };
  }
  if (queue.lease?.owner === rules.owner) {
    delete queue.lease;
  }
  const waitSeconds = Math.round((queue.nextAttemptAt - now) / 1000);
  rules.log.warn(
    `Device "${item.deviceName}" is still not reachable (${result.error?.code ?? 'unknown'}): ` +
      `${countOf(queue.items.length)} waiting in the outbox; attempt ${queue.attempts + 1} in ` +
      `${waitSeconds} s.`,
  );
}

function newLease(rules: DrainRules, now: number): DeviceLease {
  return { owner: rules.owner, pid: process.pid, until: now + rules.leaseMs };
}
