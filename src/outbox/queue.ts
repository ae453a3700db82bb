/**
 * The outbox: notifications that failed for a transient reason wait here, per device and in
 * order, and are sent again with exponential backoff until they succeed or expire.
 *
 * No `vscode` import: the clock, the random source, the timers, the storage, the lock and the
 * send function are injected, so unit tests run in plain Node with a fake clock.
 *
 * Delivery guarantee: at least once, with at most one duplicate per interruption. Each device
 * sends one item at a time and removes it from the stored queue right after the send succeeded.
 * When VS Code stops between those two steps, that one item is sent again by the next instance.
 * A send that times out or is reset after the device read the notification is retried too.
 *
 * Several instances (VS Code windows) share one store: a lock serializes every read-modify-write
 * of the store, and a lease per device lets only one instance send from a device's queue. A lease
 * ends when its holder finishes, when its process is gone, or after `leaseMs`.
 */

import { randomUUID } from 'node:crypto';
import type { Notification, SendResult } from '../sender/types';
import { claimHead, isLeasedByOther, releaseLease, settle, type DrainRules } from './drainSteps';
import { countOf, dropExpired, dropOverflow } from './drops';
import { isProcessAlive } from './errors';
import {
  appendDropHistory,
  appendHistory,
  DEFAULT_HISTORY_SIZE,
  type HistoryRecord,
} from './history';
import { Listeners, type ListenerHandle } from './listeners';
import { MemoryLock } from './lock';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_SIZE,
  realTimers,
  silentLog,
  type DeliverFunction,
  type DrainSummary,
  type EnqueueOptions,
  type OutboxClock,
  type OutboxDevice,
  type OutboxLogger,
  type OutboxOptions,
  type OutboxTimers,
  type QueueSummary,
} from './options';
import { DEFAULT_BACKOFF, retryDelayMs } from './policy';
import { toStoredNotification } from './state';
import { StateStore, type TransactionResult } from './store';
import type { HistoryEntry, OutboxDrop, OutboxItem, OutboxState } from './types';

/** Wait before the outbox tries again after its own store failed (lock or file). */
export const STORE_RETRY_MS = 5_000;
/** How many sent item ids an instance remembers, so a stale Retry does not send twice. */
const RECENTLY_SENT_LIMIT = 1000;

/** Largest delay Node's timers accept. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Outbox {
  /** Id of this instance in device leases. */
  readonly owner = randomUUID();

  private readonly store: StateStore;
  private readonly rules: DrainRules;
  private readonly deliverItem: DeliverFunction;
  private readonly canDeliver: (deviceKey: string) => boolean;
  private readonly automaticRetry: () => boolean;
  private readonly maxSize: () => number;
  private readonly clock: OutboxClock;
  private readonly timers: OutboxTimers;
  private readonly log: OutboxLogger;

  private loaded = false;
  private closed = false;
  private timer: unknown;
  private storeBlockedUntil = 0;
  private readonly draining = new Map<string, Promise<DrainSummary>>();
  /** Outcomes of the items this instance sent lately, by item id, oldest first. */
  private readonly recentlySent = new Map<string, 'sent' | 'delivered'>();
  private readonly abort = new AbortController();
  private readonly changed = new Listeners<void>();
  private readonly dropped = new Listeners<OutboxDrop>();

  /** Fires after the pending items or the history changed. */
  readonly onDidChange = (listener: () => void): ListenerHandle => this.changed.add(listener);
  /** Fires once per group of items that left the outbox unsent, after it was logged. */
  readonly onDidDrop = (listener: (drop: OutboxDrop) => void): ListenerHandle =>
    this.dropped.add(listener);

  constructor(options: OutboxOptions) {
    this.log = options.log ?? silentLog;
    this.store = new StateStore(options.storage, options.lock ?? new MemoryLock(), this.log);
    this.deliverItem = options.deliver;
    this.canDeliver = options.canDeliver ?? (() => true);
    this.automaticRetry = options.automaticRetry ?? (() => true);
    this.maxSize = options.maxSize ?? (() => DEFAULT_MAX_SIZE);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? realTimers;
    this.rules = {
      owner: this.owner,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      historySize: options.historySize ?? DEFAULT_HISTORY_SIZE,
      random: options.random ?? Math.random,
      canDeliver: this.canDeliver,
      isProcessAlive: options.isProcessAlive ?? isProcessAlive,
      log: this.log,
      drops: [],
    };
  }

  // ---- Reading (from the state of the last transaction or refresh) ---------------------------

  /** Returns how this instance sent an item that has left the queue, if it sent it lately. */
  sentOutcome(itemId: string): 'sent' | 'delivered' | undefined {
    return this.recentlySent.get(itemId);
  }

  pendingCount(deviceKey: string): number {
    return this.state.queues[deviceKey]?.items.length ?? 0;
  }

  hasPending(deviceKey: string): boolean {
    return this.pendingCount(deviceKey) > 0;
  }

  /** Total number of queued items. */
  size(): number {
    return Object.values(this.state.queues).reduce((sum, queue) => sum + queue.items.length, 0);
  }

  /** Copies of the queued items of one device, or of all devices, oldest first. */
  items(deviceKey?: string): OutboxItem[] {
    const queues =
      deviceKey === undefined ? Object.values(this.state.queues) : [this.state.queues[deviceKey]];
    return queues
      .flatMap((queue) => queue?.items ?? [])
      .sort((a, b) => a.sequence - b.sequence)
      .map((item) => structuredClone(item));
  }

  /** One summary per device with queued items. */
  queues(): QueueSummary[] {
    return Object.entries(this.state.queues).map(([deviceKey, queue]) => {
      const summary: QueueSummary = {
        deviceKey,
        deviceName: queue.items[0]?.deviceName ?? deviceKey,
        count: queue.items.length,
        attempts: queue.attempts,
        nextAttemptAt: queue.nextAttemptAt,
      };
      if (queue.lastFailure) {
        summary.lastFailure = { ...queue.lastFailure };
      }
      return summary;
    });
  }

  /** Copies of the send history, newest first. */
  history(): HistoryEntry[] {
    return this.state.history.map((entry) => structuredClone(entry)).reverse();
  }

  private get state(): OutboxState {
    return this.store.state;
  }

  // ---- Loading -------------------------------------------------------------------------------

  /** Reads the store and starts the timer. Call once before anything else. */
  async load(): Promise<void> {
    await this.transact(() => ({ result: undefined, changed: false }));
    this.loaded = true;
    this.schedule();
  }

  /**
   * Reads the store again if another instance changed it, and fires `onDidChange` then. Cheap
   * when nothing changed: one `stat` of the file.
   */
  async refresh(): Promise<void> {
    if (this.closed) {
      return;
    }
    if (await this.store.refresh()) {
      this.changed.fire();
      this.schedule();
    }
  }

  // ---- Changing ------------------------------------------------------------------------------

  /**
   * Appends a notification to its device's queue, behind the items already there, and drops the
   * oldest items of the whole outbox beyond `maxSize`. Without `failure` and with an empty queue,
   * the item is sent right away.
   */
  async enqueue(
    device: OutboxDevice,
    notification: Notification,
    options: EnqueueOptions,
  ): Promise<OutboxItem> {
    const { item, sendNow } = await this.transact((state, now) => {
      const stored = toStoredNotification(notification);
      // The device shows when the event happened, not when the outbox finally sent it.
      stored.timestamp ??= new Date(now).toISOString();
      const queue = (state.queues[device.key] ??= { items: [], attempts: 0, nextAttemptAt: now });
      const ahead = queue.items.length;
      const newItem: OutboxItem = {
        id: randomUUID(),
        sequence: state.nextSequence,
        deviceKey: device.key,
        deviceName: device.name,
        notification: stored,
        origin: options.origin,
        queuedAt: now,
        expiresAt: now + device.ttlMs,
      };
      state.nextSequence += 1;
      queue.items.push(newItem);
      if (options.failure) {
        queue.lastFailure = { code: options.failure.code, message: options.failure.message };
        if (ahead === 0) {
          queue.attempts = 1;
          queue.nextAttemptAt = now + retryDelayMs(1, this.rules.random, this.rules.backoff);
        }
      }
      this.addHistory(state, {
        at: now,
        deviceKey: device.key,
        deviceName: device.name,
        outcome: 'queued',
        origin: options.origin,
        fromOutbox: false,
        notification: stored,
        detail: options.failure
          ? `${options.failure.message} Queued for another attempt.`
          : `Queued behind ${countOf(ahead)} for this device.`,
      });
      this.rules.drops.push(...dropOverflow(state, this.maxSize()));
      this.log.info(
        `Queued a notification for device "${device.name}" (${ahead + 1} waiting` +
          (options.failure ? `; the send failed with ${options.failure.code}).` : ').'),
      );
      const result = { item: structuredClone(newItem), sendNow: !options.failure && ahead === 0 };
      return { result, changed: true };
    });
    if (sendNow) {
      this.startDrain(device.key, false);
    }
    this.schedule();
    return item;
  }

  /** Adds one line to the send history. */
  async record(record: HistoryRecord): Promise<void> {
    await this.transact((state) => {
      this.addHistory(state, record);
      return { result: undefined, changed: true };
    });
  }

  /**
   * Removes the queued items of the given devices, or of every device, and returns how many
   * were removed. An item being sent at that moment may still arrive.
   */
  async clear(deviceKeys?: readonly string[]): Promise<number> {
    const removed = await this.transact((state) => {
      let count = 0;
      for (const key of deviceKeys ?? Object.keys(state.queues)) {
        count += state.queues[key]?.items.length ?? 0;
        delete state.queues[key];
      }
      return { result: count, changed: count > 0 };
    });
    const scope = deviceKeys ? `${deviceKeys.length} device(s)` : 'all devices';
    this.log.info(`Cleared ${countOf(removed)} from the outbox for ${scope}.`);
    this.schedule();
    return removed;
  }

  // ---- Sending -------------------------------------------------------------------------------

  /**
   * Sends the queues of the given devices (or of all devices) now, whatever their backoff, and
   * resolves when each has emptied or stopped at a failure.
   */
  async retryNow(deviceKeys?: readonly string[]): Promise<DrainSummary[]> {
    await this.refresh();
    const keys = deviceKeys ?? Object.keys(this.state.queues);
    return Promise.all(keys.map((key) => this.drainNow(key)));
  }

  /**
   * Drains one device whatever its backoff. A drain that is already running may have started
   * before the device came back, so unless it empties the queue, a new one follows it.
   */
  private async drainNow(deviceKey: string): Promise<DrainSummary> {
    const running = this.draining.get(deviceKey);
    if (!running) {
      return this.drainDevice(deviceKey, true);
    }
    const earlier = await running;
    if (earlier.remaining === 0 || this.closed) {
      return earlier;
    }
    const later = await this.drainDevice(deviceKey, true);
    return {
      ...later,
      sent: earlier.sent + later.sent,
      sentItems: { ...earlier.sentItems, ...later.sentItems },
      dropped: earlier.dropped + later.dropped,
    };
  }

  /**
   * Drops expired items and sends the queues whose next attempt is due. The timer calls it;
   * tests call it after moving the clock.
   */
  async drainDue(): Promise<DrainSummary[]> {
    if (this.closed) {
      return [];
    }
    const due = await this.transact((state, now) => {
      const drops = dropExpired(state, now);
      this.rules.drops.push(...drops);
      const keys = Object.keys(state.queues).filter((key) => this.isDue(state, key, now));
      return { result: keys, changed: drops.length > 0 };
    });
    return Promise.all(due.map((key) => this.drainDevice(key, false)));
  }

  private startDrain(deviceKey: string, force: boolean): void {
    this.drainDevice(deviceKey, force).catch((error: unknown) => this.reportStoreError(error));
  }

  /** Sends one device's queue in order until it is empty or a send fails. */
  private drainDevice(deviceKey: string, force: boolean): Promise<DrainSummary> {
    const running = this.draining.get(deviceKey);
    if (running) {
      return running;
    }
    const drain = this.runDrain(deviceKey, force).finally(() => {
      this.draining.delete(deviceKey);
      this.schedule();
    });
    this.draining.set(deviceKey, drain);
    return drain;
  }

  private async runDrain(deviceKey: string, force: boolean): Promise<DrainSummary> {
    const summary: DrainSummary = {
      deviceKey,
      deviceName: this.state.queues[deviceKey]?.items[0]?.deviceName ?? deviceKey,
      sent: 0,
      sentItems: {},
      dropped: 0,
      remaining: 0,
    };
    let item = await this.transact((state, now) =>
      claimHead(this.rules, state, deviceKey, now, force, summary),
    );
    while (item) {
      const result = await this.deliverSafely(item);
      if (this.closed) {
        await this.transact((state) => releaseLease(this.rules, state, deviceKey));
        summary.stoppedBy = 'closed';
        break;
      }
      const sentItem = item;
      item = await this.transact((state, now) =>
        settle(this.rules, state, sentItem, result, now, summary),
      );
      this.rememberSent(sentItem.id, summary.sentItems[sentItem.id]);
    }
    summary.remaining = this.pendingCount(deviceKey);
    if (summary.sent > 0) {
      this.log.info(
        `Sent ${countOf(summary.sent)} from the outbox to device "${summary.deviceName}"; ` +
          `${summary.remaining} still waiting.`,
      );
    }
    return summary;
  }

  private rememberSent(itemId: string, outcome: 'sent' | 'delivered' | undefined): void {
    if (!outcome) {
      return;
    }
    this.recentlySent.set(itemId, outcome);
    for (const oldest of this.recentlySent.keys()) {
      if (this.recentlySent.size <= RECENTLY_SENT_LIMIT) {
        break;
      }
      this.recentlySent.delete(oldest);
    }
  }

  private async deliverSafely(item: OutboxItem): Promise<SendResult> {
    try {
      return await this.deliverItem(item, this.abort.signal);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      const message =
        `Sending a queued notification to device "${item.deviceName}" failed unexpectedly ` +
        `(${cause}). It stays in the outbox.`;
      return {
        device: item.deviceName,
        outcome: 'failed',
        durationMs: 0,
        bytes: 0,
        truncated: false,
        error: { code: 'unknown', stage: 'validate', device: item.deviceName, message },
      };
    }
  }

  private isDue(state: OutboxState, deviceKey: string, now: number): boolean {
    const queue = state.queues[deviceKey];
    return (
      queue !== undefined &&
      queue.items.length > 0 &&
      queue.nextAttemptAt <= now &&
      !this.draining.has(deviceKey) &&
      this.automaticRetry() &&
      this.canDeliver(deviceKey) &&
      !isLeasedByOther(this.rules, queue.lease, now)
    );
  }

  private addHistory(state: OutboxState, record: HistoryRecord): void {
    appendHistory(state, record, this.rules.historySize);
  }

  // ---- Timer ---------------------------------------------------------------------------------

  /** Sets the timer again, after something that `canDeliver` or `automaticRetry` reads changed. */
  reschedule(): void {
    this.schedule();
  }

  /**
   * Sets the one timer of this instance to the earliest moment something is due: an attempt,
   * an expiry, or the end of another instance's lease.
   */
  private schedule(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.closed || !this.loaded) {
      return;
    }
    const now = this.clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const [key, queue] of Object.entries(this.state.queues)) {
      for (const item of queue.items) {
        wakeAt = Math.min(wakeAt, item.expiresAt);
      }
      if (this.draining.has(key) || !this.automaticRetry() || !this.canDeliver(key)) {
        continue;
      }
      const lease = queue.lease;
      const leased = lease !== undefined && lease.owner !== this.owner && lease.until > now;
      wakeAt = Math.min(wakeAt, leased ? lease.until : queue.nextAttemptAt);
    }
    if (wakeAt === Number.POSITIVE_INFINITY) {
      return;
    }
    wakeAt = Math.max(wakeAt, this.storeBlockedUntil);
    const delayMs = Math.min(Math.max(0, wakeAt - now), MAX_TIMER_MS);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.drainDue().catch((error: unknown) => this.reportStoreError(error));
    }, delayMs);
  }

  private reportStoreError(error: unknown): void {
    if (this.closed) {
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(
      `The outbox could not update its file: ${message} Next try in ${STORE_RETRY_MS / 1000} s.`,
    );
    this.storeBlockedUntil = this.clock.now() + STORE_RETRY_MS;
    this.schedule();
  }

  // ---- Store ---------------------------------------------------------------------------------

  /** Runs one transaction, then reports the change and any drops it made. */
  private async transact<T>(
    update: (state: OutboxState, now: number) => TransactionResult<T>,
  ): Promise<T> {
    let drops: OutboxDrop[] = [];
    const outcome = await this.store.transact((state) => {
      const now = this.clock.now();
      const result = update(state, now);
      // Drops are reported only once the transaction that made them has been written.
      drops = this.rules.drops.splice(0);
      if (drops.length === 0) {
        return result;
      }
      for (const drop of drops) {
        appendDropHistory(state, drop, now, this.rules.historySize);
      }
      return { ...result, changed: true };
    });
    for (const drop of drops) {
      this.log.warn(drop.message);
      this.dropped.fire(drop);
    }
    if (outcome.changed) {
      this.changed.fire();
    }
    return outcome.result;
  }

  // ---- Shutdown ------------------------------------------------------------------------------

  /**
   * Stops the timer, cancels sends in progress and waits until their leases are given back.
   * Their items stay queued. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.timer !== undefined) {
        this.timers.clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.abort.abort();
    }
    await Promise.allSettled([...this.draining.values()]);
  }
}

export type { OutboxDevice, DrainSummary, QueueSummary, EnqueueOptions, OutboxOptions };
