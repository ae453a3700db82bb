/**
 * Data kept by the outbox. Everything here is plain JSON, because it is written to disk and
 * read back by other VS Code windows. No token or other secret is ever part of it: an item names
 * its device, and the target (host, TLS, token) is built again when the item is sent.
 */

import type { Priority, SendErrorCode, TaskInfo } from '../sender/types';

/** A `Notification` as JSON: the timestamp is an ISO 8601 string. */
export interface StoredNotification {
  message: string;
  title?: string;
  priority?: Priority;
  source?: string;
  timestamp?: string;
  task?: TaskInfo;
}

/** Who started a send: `manual`, `task`, `resend`, or any other label a caller passes. */
export type SendOrigin = string;

/** One notification that waits in the outbox for its device. */
export interface OutboxItem {
  /** Random id, unique across windows. */
  id: string;
  /** Position in the whole outbox; a lower number was queued earlier. */
  sequence: number;
  /** Identity of the device definition; see `deviceKeyOf` in `deviceKey.ts`. */
  deviceKey: string;
  /** Device name at the time the item was queued, for messages. */
  deviceName: string;
  notification: StoredNotification;
  origin: SendOrigin;
  /** Epoch milliseconds. */
  queuedAt: number;
  /** Epoch milliseconds after which the item is dropped unsent. */
  expiresAt: number;
}

/** Failure of the last attempt to reach a device, as kept with its queue. */
export interface StoredFailure {
  code: SendErrorCode;
  message: string;
}

/** A device's claim on its queue while one window sends from it. */
export interface DeviceLease {
  /** Id of the `Outbox` instance that holds the lease. */
  owner: string;
  /** Process id of that instance, so a crashed holder can be detected at once. */
  pid: number;
  /** Epoch milliseconds after which any instance may take the lease over. */
  until: number;
}

/** The queue of one device. */
export interface DeviceQueue {
  /** Items in sending order. */
  items: OutboxItem[];
  /** Failed attempts since the last successful send. */
  attempts: number;
  /** Epoch milliseconds of the next automatic attempt. */
  nextAttemptAt: number;
  lastFailure?: StoredFailure;
  lease?: DeviceLease;
}

/** What happened to one notification. */
export type HistoryOutcome = 'delivered' | 'sent' | 'queued' | 'failed' | 'dropped';

/** One line of the send history. */
export interface HistoryEntry {
  /** Epoch milliseconds. */
  at: number;
  deviceKey: string;
  deviceName: string;
  outcome: HistoryOutcome;
  origin: SendOrigin;
  /** Whether the outbox sent (or dropped) it, as opposed to the first, direct send. */
  fromOutbox: boolean;
  /** First characters of the title and message. */
  preview: string;
  /** Failure or drop reason, one sentence. */
  detail?: string;
  /** The whole notification, kept for "Resend" unless it is too long to keep. */
  notification?: StoredNotification;
}

/** Contents of the outbox file. */
export interface OutboxState {
  version: 1;
  /** Next value of `OutboxItem.sequence`. */
  nextSequence: number;
  queues: Record<string, DeviceQueue>;
  /** Newest last. */
  history: HistoryEntry[];
}

/** Why items left the outbox unsent. */
export type DropReason = 'expired' | 'overflow' | 'permanent-failure' | 'device-removed';

export interface OutboxDrop {
  reason: DropReason;
  items: OutboxItem[];
  /** One sentence for the log and for a toast. */
  message: string;
}
