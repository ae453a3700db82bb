/**
 * What the outbox core is built from and what it reports. The environment (clock, timers,
 * storage, lock, send function) is injected so unit tests can replace each part.
 */

import type { SendFailure, SendResult } from '../sender/types';
import type { OutboxLock } from './lock';
import type { BackoffOptions } from './policy';
import type { OutboxStorage } from './storage';
import type { OutboxItem, SendOrigin } from './types';

/**
 * How long a lease protects a device's queue. It must outlast one send, whose deadline is the
 * device's `timeoutMs` (at most 120 s in settings), plus the time to build the target.
 */
export const DEFAULT_LEASE_MS = 150_000;
/** Default of `devicePush.outbox.maxSize`. */
export const DEFAULT_MAX_SIZE = 1000;

export interface OutboxClock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface OutboxTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OutboxLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** The device an item is queued for. */
export interface OutboxDevice {
  /** Identity of the device definition; see `deviceKeyOf`. */
  key: string;
  name: string;
  /** Time-to-live of items queued now. */
  ttlMs: number;
}

/**
 * Sends one queued item. Resolves with the send's result, also for failures; a rejection
 * counts as a transient failure with code `unknown`.
 */
export type DeliverFunction = (item: OutboxItem, signal: AbortSignal) => Promise<SendResult>;

export interface OutboxOptions {
  storage: OutboxStorage;
  deliver: DeliverFunction;
  /** Mutual exclusion with other instances on the same storage; in-process only by default. */
  lock?: OutboxLock;
  /**
   * Whether this instance can send to the device now. Items of other devices wait for an
   * instance that can, or until they expire. True for every device by default.
   */
  canDeliver?: (deviceKey: string) => boolean;
  /** Whether due items are sent by timer. Off means only `retryNow` sends them. */
  automaticRetry?: () => boolean;
  maxSize?: () => number;
  historySize?: number;
  backoff?: BackoffOptions;
  leaseMs?: number;
  clock?: OutboxClock;
  /** Returns a number in [0, 1); used for jitter. */
  random?: () => number;
  timers?: OutboxTimers;
  log?: OutboxLogger;
  isProcessAlive?: (pid: number) => boolean;
}

export interface EnqueueOptions {
  origin: SendOrigin;
  /** Failure of the direct send that sends the item here; it counts as the first attempt. */
  failure?: SendFailure;
}

/** What one drain of one device achieved. */
export interface DrainSummary {
  deviceKey: string;
  deviceName: string;
  /** Items sent successfully. */
  sent: number;
  /** Outcome of each item sent in this drain, by item id. */
  sentItems: Record<string, 'sent' | 'delivered'>;
  /** Items dropped: expired, or failed for a permanent reason. */
  dropped: number;
  /** Items still queued when the drain stopped. */
  remaining: number;
  /** Why the drain stopped before the queue was empty, when it did. */
  stoppedBy?: 'failure' | 'other-instance' | 'cannot-deliver' | 'closed';
  failure?: SendFailure;
}

/** Pending items of one device, for views and commands. */
export interface QueueSummary {
  deviceKey: string;
  deviceName: string;
  count: number;
  attempts: number;
  nextAttemptAt: number;
  lastFailure?: { code: string; message: string };
}

/** Node's timers, unref'd so that a pending retry never keeps a process alive. */
export const realTimers: OutboxTimers = {
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export const silentLog: OutboxLogger = { info() {}, warn() {}, error() {} };
