/**
 * Removal of items that will not be sent: expired ones and the oldest ones of a full outbox.
 * These functions change the state in place and return what they removed.
 */

import type { OutboxDrop, OutboxState } from './types';

/** Removes every item whose time-to-live has ended, grouped into one drop per device. */
export function dropExpired(state: OutboxState, now: number, onlyKey?: string): OutboxDrop[] {
  const drops: OutboxDrop[] = [];
  const keys = onlyKey === undefined ? Object.keys(state.queues) : [onlyKey];
  for (const key of keys) {
    const queue = state.queues[key];
    if (!queue) {
      continue;
    }
    const expired = queue.items.filter((item) => item.expiresAt <= now);
    if (expired.length === 0) {
      continue;
    }
    queue.items = queue.items.filter((item) => item.expiresAt > now);
    removeQueueIfEmpty(state, key);
    const minutes = Math.round((expired[0].expiresAt - expired[0].queuedAt) / 60_000);
    const duration = minutes === 1 ? '1 minute' : `${minutes} minutes`;
    drops.push({
      reason: 'expired',
      items: expired,
      message:
        `Dropped ${countOf(expired.length)} for device "${expired[0].deviceName}" after ` +
        `${duration} in the outbox: the device was not reachable in that time. Raise its ` +
        '"outboxTtlMinutes" or "devicePush.outbox.ttlMinutes" to keep notifications longer.',
    });
  }
  return drops;
}

/** Removes the oldest items, whatever their device, until at most `maxSize` remain. */
export function dropOverflow(state: OutboxState, maxSize: number): OutboxDrop[] {
  const all = Object.values(state.queues).flatMap((queue) => queue.items);
  const excess = all.length - Math.max(0, maxSize);
  if (excess <= 0) {
    return [];
  }
  const oldest = all.sort((a, b) => a.sequence - b.sequence).slice(0, excess);
  const removed = new Set(oldest.map((item) => item.id));
  for (const [key, queue] of Object.entries(state.queues)) {
    queue.items = queue.items.filter((item) => !removed.has(item.id));
    removeQueueIfEmpty(state, key);
  }
  const devices = [...new Set(oldest.map((item) => `"${item.deviceName}"`))].join(', ');
  return [
    {
      reason: 'overflow',
      items: oldest,
      message:
        `The outbox is full (${maxSize} notifications): dropped the oldest ${countOf(oldest.length)}, ` +
        `for ${devices}. Raise "devicePush.outbox.maxSize" to keep more.`,
    },
  ];
}

/** Deletes a device's queue once it has no items, so the file does not grow with old devices. */
export function removeQueueIfEmpty(state: OutboxState, key: string): void {
  if (state.queues[key]?.items.length === 0) {
    delete state.queues[key];
  }
}

/** Returns "1 notification" or "N notifications". */
export function countOf(count: number): string {
  return count === 1 ? '1 notification' : `${count} notifications`;
}
