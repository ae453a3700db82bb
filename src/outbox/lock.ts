/**
 * A lock file that lets several VS Code windows (several processes) take turns on the outbox
 * file. It is held only for one read-modify-write of that file, a few milliseconds, never while
 * a notification is sent.
 */

import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OutboxError, fsErrorCode, isProcessAlive } from './errors';

/** A lock older than this is taken over: no transaction of the outbox takes that long. */
export const LOCK_STALE_MS = 10_000;
/** How long `acquire` waits for another holder before it fails. */
export const LOCK_WAIT_MS = 15_000;
/** Pause between two tries while another process holds the lock, before jitter. */
export const LOCK_RETRY_MS = 5;

/** Releases a lock. Safe to call more than once. */
export type ReleaseLock = () => Promise<void>;

/** Mutual exclusion between `Outbox` instances that share one store. */
export interface OutboxLock {
  acquire(): Promise<ReleaseLock>;
}

export interface FileLockOptions {
  staleMs?: number;
  waitMs?: number;
  retryMs?: number;
  /** Replaces the process check; meant for tests. */
  isProcessAlive?: (pid: number) => boolean;
}

/** Contents of the lock file. */
interface LockHolder {
  pid: number;
  token: string;
  createdAt: number;
}

/**
 * A lock file created with `O_EXCL` (flag `wx`), so exactly one process can create it. It is
 * stale, and is taken over, when its process no longer runs or when it is older than `staleMs`.
 */
export class FileLock implements OutboxLock {
  private readonly staleMs: number;
  private readonly waitMs: number;
  private readonly retryMs: number;
  private readonly isAlive: (pid: number) => boolean;
  private madeDirectory = false;

  constructor(
    readonly path: string,
    options: FileLockOptions = {},
  ) {
    this.staleMs = options.staleMs ?? LOCK_STALE_MS;
    this.waitMs = options.waitMs ?? LOCK_WAIT_MS;
    this.retryMs = options.retryMs ?? LOCK_RETRY_MS;
    this.isAlive = options.isProcessAlive ?? isProcessAlive;
  }

  async acquire(): Promise<ReleaseLock> {
    const giveUpAt = Date.now() + this.waitMs;
    const holder: LockHolder = { pid: process.pid, token: randomUUID(), createdAt: 0 };
    for (;;) {
      holder.createdAt = Date.now();
      if (await this.tryCreate(holder)) {
        let released = false;
        return async () => {
          if (!released) {
            released = true;
            await this.release(holder.token);
          }
        };
      }
      const current = await this.readHolder();
      if (current && this.isStale(current.holder)) {
        await this.takeOver(current.text);
        continue;
      }
      if (Date.now() >= giveUpAt) {
        const who = current?.holder.pid ? `process ${current.holder.pid}` : 'another process';
        throw new OutboxError(
          'lock-timed-out',
          'lock',
          `The outbox lock ${this.path} was held by ${who} for more than ${this.waitMs} ms. ` +
            'If no other VS Code window is open, delete that file.',
        );
      }
      await delay(this.retryMs + Math.random() * this.retryMs);
    }
  }

  private async tryCreate(holder: LockHolder): Promise<boolean> {
    let handle;
    try {
      handle = await open(this.path, 'wx');
    } catch (error) {
      if (fsErrorCode(error) === 'EEXIST') {
        return false;
      }
      if (fsErrorCode(error) === 'ENOENT' && !this.madeDirectory) {
        this.madeDirectory = true;
        await mkdir(dirname(this.path), { recursive: true });
        return this.tryCreate(holder);
      }
      throw new OutboxError(
        'storage-failed',
        'lock',
        `Cannot create the outbox lock ${this.path}.`,
        {
          cause: error,
        },
      );
    }
    try {
      await handle.writeFile(JSON.stringify(holder));
    } finally {
      await handle.close();
    }
    return true;
  }

  /**
   * Reads the current holder. A file that exists but is still empty (its creator has not written
   * it yet) or unreadable counts as created at its modification time by an unknown process.
   */
  private async readHolder(): Promise<{ holder: LockHolder; text: string } | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as Partial<LockHolder>;
      if (typeof parsed.pid === 'number' && typeof parsed.createdAt === 'number') {
        return {
          holder: { pid: parsed.pid, token: String(parsed.token), createdAt: parsed.createdAt },
          text,
        };
      }
    } catch {
      // Fall through to the modification time.
    }
    try {
      const info = await stat(this.path);
      return { holder: { pid: 0, token: '', createdAt: info.mtimeMs }, text };
    } catch {
      return undefined;
    }
  }

  private isStale(holder: LockHolder): boolean {
    if (Date.now() - holder.createdAt > this.staleMs) {
      return true;
    }
    return holder.pid > 0 && !this.isAlive(holder.pid);
  }

  /**
   * Moves a stale lock aside. Rename is atomic, so of several processes that found the same
   * stale lock only one moves it. A process that was too slow may move a fresh lock that another
   * process created in between; it notices because the text differs and links the file back.
   */
  private async takeOver(staleText: string): Promise<void> {
    const aside = `${this.path}.${process.pid}.${randomUUID()}.stale`;
    try {
      await rename(this.path, aside);
    } catch {
      return;
    }
    try {
      const movedText = await readFile(aside, 'utf8');
      if (movedText !== staleText) {
        // NOTE: if a third process created the lock again in this short window, the link fails
        // and the moved holder loses its lock file while it still runs its transaction.
        await link(aside, this.path).catch(() => undefined);
      }
    } finally {
      await unlink(aside).catch(() => undefined);
    }
  }

  /** Deletes the lock file if it is still this holder's, and not one that replaced it. */
  private async release(token: string): Promise<void> {
    try {
      const current = JSON.parse(await readFile(this.path, 'utf8')) as Partial<LockHolder>;
      if (current.token === token) {
        await unlink(this.path);
      }
    } catch {
      // Already gone or replaced by a process that took it over.
    }
  }
}

/** A lock for instances in one process only; the default when no lock is given. */
export class MemoryLock implements OutboxLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<ReleaseLock> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.tail.then(() => () => {
      release();
      return Promise.resolve();
    });
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
