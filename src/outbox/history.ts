/**
 * The send history: the last sends with their outcome, kept in the outbox file so that every
 * window shows the same list and "Resend" works after a restart.
 */

import { previewOf } from './state';
import type {
  HistoryEntry,
  HistoryOutcome,
  OutboxDrop,
  OutboxState,
  SendOrigin,
  StoredNotification,
} from './types';

/** Number of history entries kept; older ones are removed first. */
export const DEFAULT_HISTORY_SIZE = 100;

/**
 * Longest message, in characters, that the history keeps whole for "Resend". A longer one keeps
 * only its preview, so 100 entries cannot grow the file past about a megabyte.
 */
export const HISTORY_MESSAGE_MAX_CHARS = 8192;

export interface HistoryRecord {
  at: number;
  deviceKey: string;
  deviceName: string;
  outcome: HistoryOutcome;
  origin: SendOrigin;
  fromOutbox: boolean;
  notification: StoredNotification;
  detail?: string;
}

/** Appends one entry and removes the oldest ones beyond `limit`. */
export function appendHistory(state: OutboxState, record: HistoryRecord, limit: number): void {
  const entry: HistoryEntry = {
    at: record.at,
    deviceKey: record.deviceKey,
    deviceName: record.deviceName,
    outcome: record.outcome,
    origin: record.origin,
    fromOutbox: record.fromOutbox,
    preview: previewOf(record.notification),
  };
  if (record.detail !== undefined) {
    entry.detail = record.detail;
  }
  if (record.notification.message.length <= HISTORY_MESSAGE_MAX_CHARS) {
    entry.notification = record.notification;
  }
  state.history.push(entry);
  if (state.history.length > limit) {
    state.history.splice(0, state.history.length - limit);
  }
}

/**
 * Adds a `dropped` entry for each item of an expiry or overflow drop, so the history does not
 * keep calling them queued. A permanent failure is recorded where its send is settled.
 */
export function appendDropHistory(
  state: OutboxState,
  drop: OutboxDrop,
  at: number,
  limit: number,
): void {
  if (drop.reason === 'permanent-failure') {
    return;
  }
  for (const item of drop.items) {
    appendHistory(
      state,
      {
        at,
        deviceKey: item.deviceKey,
        deviceName: item.deviceName,
        outcome: 'dropped',
        origin: item.origin,
        fromOutbox: true,
        notification: item.notification,
        detail: drop.message,
      },
      limit,
    );
  }
}
