/**
 * The outbox state as shared by every instance: each change is one transaction, a
 * read-modify-write of the whole store under the lock.
 */

import type { OutboxLock } from './lock';
import type { OutboxLogger } from './options';
import { emptyState, parseState } from './state';
import type { OutboxStorage } from './storage';
import type { OutboxState } from './types';

export interface TransactionResult<T> {
  result: T;
  /** Whether `update` changed the state, which then is written back. */
  changed: boolean;
}

export class StateStore {
  /** The state as of the last transaction or refresh. Read-only outside a transaction. */
  state: OutboxState = emptyState();
  /** Storage version that `state` matches; `undefined` when it must be read again. */
  private version: string | undefined;
  private hasRead = false;
  /** Serializes this instance's own work before it competes with others for the lock. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: OutboxStorage,
    private readonly lock: OutboxLock,
    private readonly log: OutboxLogger,
  ) {}

  /**
   * Runs `update` on the current stored state under the lock and writes the state back when
   * `update` reports a change. The stored file is parsed again only when another instance
   * wrote it since. `update` must not throw.
   */
  transact<T>(update: (state: OutboxState) => TransactionResult<T>): Promise<TransactionResult<T>> {
    return this.exclusive(async () => {
      const release = await this.lock.acquire();
      try {
        const version = await this.storage.version?.();
        if (!this.isCurrent(version)) {
          this.state = await this.readState();
        }
        const outcome = update(this.state);
        if (!outcome.changed) {
          this.version = version;
          return outcome;
        }
        try {
          await this.storage.write(this.state);
          this.version = await this.storage.version?.();
        } catch (error) {
          // The state in memory is ahead of the store now, so read the store next time.
          this.version = undefined;
          throw error;
        }
        return outcome;
      } finally {
        await release();
      }
    });
  }

  /**
   * Reads the store again if another instance wrote it since. Returns whether it did. A read
   * needs no lock, because every write replaces the file in one rename.
   */
  refresh(): Promise<boolean> {
    return this.exclusive(async () => {
      const version = await this.storage.version?.();
      if (this.isCurrent(version) || (this.hasRead && version === this.version)) {
        return false;
      }
      this.state = await this.readState();
      this.version = version;
      return true;
    });
  }

  /** Whether `state` matches a store with this version, so parsing it again can be skipped. */
  private isCurrent(version: string | undefined): boolean {
    return this.hasRead && version !== undefined && version === this.version;
  }

  private async readState(): Promise<OutboxState> {
    this.hasRead = true;
    let stored: unknown;
    try {
      stored = await this.storage.read();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'storage-invalid') {
        throw error;
      }
      this.log.error((error as Error).message);
      return emptyState();
    }
    const { state, skipped } = parseState(stored);
    if (skipped > 0) {
      this.log.warn(`Skipped ${skipped} invalid record(s) in the outbox file.`);
    }
    return state;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
