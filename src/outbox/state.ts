/**
 * Conversion between the outbox file and `OutboxState`. The file may have been written by an
 * older version, edited by hand or cut short, so every field is checked and an invalid item is
 * skipped instead of failing the whole outbox.
 */

import type { Notification, Priority, SendErrorCode } from '../sender/types';
import type {
  DeviceQueue,
  HistoryEntry,
  HistoryOutcome,
  OutboxItem,
  OutboxState,
  StoredNotification,
} from './types';

export const STATE_VERSION = 1;

/** Number of characters of title and message kept as a history preview. */
export const PREVIEW_CHARS = 60;

const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high'];
const OUTCOMES: readonly HistoryOutcome[] = ['delivered', 'sent', 'queued', 'failed', 'dropped'];

export function emptyState(): OutboxState {
  return { version: STATE_VERSION, nextSequence: 1, queues: {}, history: [] };
}

export function toStoredNotification(notification: Notification): StoredNotification {
  const stored: StoredNotification = { message: notification.message };
  if (notification.title !== undefined) {
    stored.title = notification.title;
  }
  if (notification.priority !== undefined) {
    stored.priority = notification.priority;
  }
  if (notification.source !== undefined) {
    stored.source = notification.source;
  }
  if (notification.timestamp !== undefined) {
    stored.timestamp = notification.timestamp.toISOString();
  }
  if (notification.task !== undefined) {
    stored.task = { ...notification.task };
  }
  return stored;
}

export function fromStoredNotification(stored: StoredNotification): Notification {
  const notification: Notification = { message: stored.message };
  if (stored.title !== undefined) {
    notification.title = stored.title;
  }
  if (stored.priority !== undefined) {
    notification.priority = stored.priority;
  }
  if (stored.source !== undefined) {
    notification.source = stored.source;
  }
  if (stored.timestamp !== undefined) {
    notification.timestamp = new Date(stored.timestamp);
  }
  if (stored.task !== undefined) {
    notification.task = { ...stored.task };
  }
  return notification;
}

/** Returns the first `PREVIEW_CHARS` characters of `title: message` on one line. */
export function previewOf(notification: StoredNotification): string {
  const text = notification.title
    ? `${notification.title}: ${notification.message}`
    : notification.message;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const characters = Array.from(oneLine);
  return characters.length > PREVIEW_CHARS
    ? `${characters.slice(0, PREVIEW_CHARS).join('')}…`
    : oneLine;
}

/** Result of reading a stored value: the state and how many records were skipped as invalid. */
export interface ParsedState {
  state: OutboxState;
  skipped: number;
}

/** Builds a state from a stored JSON value; `undefined` gives an empty state. */
export function parseState(value: unknown): ParsedState {
  const state = emptyState();
  let skipped = 0;
  if (value === undefined) {
    return { state, skipped };
  }
  if (!isRecord(value) || value.version !== STATE_VERSION) {
    return { state, skipped: 1 };
  }
  let highestSequence = 0;
  const queues = isRecord(value.queues) ? value.queues : {};
  for (const [key, rawQueue] of Object.entries(queues)) {
    const queue = parseQueue(key, rawQueue);
    if (!queue) {
      skipped += 1;
      continue;
    }
    skipped += queue.skipped;
    if (queue.queue.items.length > 0) {
      state.queues[key] = queue.queue;
      for (const item of queue.queue.items) {
        highestSequence = Math.max(highestSequence, item.sequence);
      }
    }
  }
  const nextSequence = isCount(value.nextSequence) ? value.nextSequence : 1;
  state.nextSequence = Math.max(nextSequence, highestSequence + 1);
  for (const rawEntry of Array.isArray(value.history) ? value.history : []) {
    const entry = parseHistoryEntry(rawEntry);
    if (entry) {
      state.history.push(entry);
    } else {
      skipped += 1;
    }
  }
  return { state, skipped };
}

function parseQueue(
  key: string,
  value: unknown,
): { queue: DeviceQueue; skipped: number } | undefined {
  if (!isRecord(value) || !Array.isArray(value.items)) {
    return undefined;
  }
  const queue: DeviceQueue = {
    items: [],
    attempts: isCount(value.attempts) ? value.attempts : 0,
    nextAttemptAt: isFiniteNumber(value.nextAttemptAt) ? value.nextAttemptAt : 0,
  };
  let skipped = 0;
  for (const rawItem of value.items) {
    const item = parseItem(key, rawItem);
    if (item) {
      queue.items.push(item);
    } else {
      skipped += 1;
    }
  }
  queue.items.sort((a, b) => a.sequence - b.sequence);
  if (isRecord(value.lastFailure) && typeof value.lastFailure.message === 'string') {
    queue.lastFailure = {
      code: String(value.lastFailure.code) as SendErrorCode,
      message: value.lastFailure.message,
    };
  }
  const lease = value.lease;
  if (
    isRecord(lease) &&
    typeof lease.owner === 'string' &&
    isCount(lease.pid) &&
    isFiniteNumber(lease.until)
  ) {
    queue.lease = { owner: lease.owner, pid: lease.pid, until: lease.until };
  }
  return { queue, skipped };
}

function parseItem(key: string, value: unknown): OutboxItem | undefined {
  if (
    !isRecord(value) ||
    typeof value.id !== 'string' ||
    !isCount(value.sequence) ||
    value.deviceKey !== key ||
    typeof value.deviceName !== 'string' ||
    typeof value.origin !== 'string' ||
    !isFiniteNumber(value.queuedAt) ||
    !isFiniteNumber(value.expiresAt)
  ) {
    return undefined;
  }
  const notification = parseNotification(value.notification);
  if (!notification) {
    return undefined;
  }
  return {
    id: value.id,
    sequence: value.sequence,
    deviceKey: key,
    deviceName: value.deviceName,
    notification,
    origin: value.origin,
    queuedAt: value.queuedAt,
    expiresAt: value.expiresAt,
  };
}

function parseHistoryEntry(value: unknown): HistoryEntry | undefined {
  if (
    !isRecord(value) ||
    !isFiniteNumber(value.at) ||
    typeof value.deviceKey !== 'string' ||
    typeof value.deviceName !== 'string' ||
    !OUTCOMES.includes(value.outcome as HistoryOutcome) ||
    typeof value.origin !== 'string' ||
    typeof value.preview !== 'string'
  ) {
    return undefined;
  }
  const entry: HistoryEntry = {
    at: value.at,
    deviceKey: value.deviceKey,
    deviceName: value.deviceName,
    outcome: value.outcome as HistoryOutcome,
    origin: value.origin,
    fromOutbox: value.fromOutbox === true,
    preview: value.preview,
  };
  if (typeof value.detail === 'string') {
    entry.detail = value.detail;
  }
  const notification = parseNotification(value.notification);
  if (notification) {
    entry.notification = notification;
  }
  return entry;
}

function parseNotification(value: unknown): StoredNotification | undefined {
  if (!isRecord(value) || typeof value.message !== 'string') {
    return undefined;
  }
  const notification: StoredNotification = { message: value.message };
  if (typeof value.title === 'string') {
    notification.title = value.title;
  }
  if (PRIORITIES.includes(value.priority as Priority)) {
    notification.priority = value.priority as Priority;
  }
  if (typeof value.source === 'string') {
    notification.source = value.source;
  }
  if (typeof value.timestamp === 'string' && !Number.isNaN(Date.parse(value.timestamp))) {
    notification.timestamp = value.timestamp;
  }
  if (isRecord(value.task) && typeof value.task.name === 'string') {
    notification.task = value.task as unknown as StoredNotification['task'];
  }
  return notification;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
