/**
 * Test hooks of the outbox, created only when the extension runs in `ExtensionMode.Test`: a
 * clock that tests can move ahead (time-to-live is set in minutes), a copy of every line the
 * outbox logs, and the stored queues and history.
 */

import type { OutboxClock, OutboxLogger, QueueSummary } from './options';
import type { OutboxService } from './service';
import type { HistoryEntry } from './types';

/** Log lines kept for tests; older ones are removed first. */
const LOG_LINES_KEPT = 2_000;

export type OutboxLogLevel = 'info' | 'warn' | 'error' | 'debug';

export interface OutboxLogLine {
  level: OutboxLogLevel;
  message: string;
}

/** Files of the outbox in the global storage folder. */
export interface OutboxFiles {
  state: string;
  lock: string;
}

export interface OutboxTestHooks {
  /** Paths of the outbox file and its lock file; undefined when the outbox is in memory. */
  readonly files: OutboxFiles | undefined;
  /** Queues with items, read again from the outbox file. */
  queues(): Promise<QueueSummary[]>;
  /** Send history, newest first, read again from the outbox file. */
  history(): Promise<HistoryEntry[]>;
  /** Lines the outbox logged since activation, oldest first. */
  logLines(): OutboxLogLine[];
  /**
   * Sets the outbox clock `offsetMs` ahead of the system clock and wakes its timer, so items
   * expire and retries fall due at once. 0 restores the system clock.
   */
  setClockOffset(offsetMs: number): void;
}

/** The parts of the outbox environment that the test hooks control. */
export class OutboxTestEnvironment {
  private offsetMs = 0;
  private readonly lines: OutboxLogLine[] = [];

  readonly clock: OutboxClock = { now: () => Date.now() + this.offsetMs };
  readonly log: OutboxLogger;

  constructor(target: Required<OutboxLogger>) {
    const forward =
      (level: OutboxLogLevel) =>
      (message: string): void => {
        this.lines.push({ level, message });
        if (this.lines.length > LOG_LINES_KEPT) {
          this.lines.splice(0, this.lines.length - LOG_LINES_KEPT);
        }
        target[level](message);
      };
    this.log = {
      info: forward('info'),
      warn: forward('warn'),
      error: forward('error'),
      debug: forward('debug'),
    };
  }

  hooks(outbox: OutboxService): OutboxTestHooks {
    return {
      files: outbox.files,
      queues: async () => {
        await outbox.core.refresh();
        return outbox.queues();
      },
      history: async () => {
        await outbox.core.refresh();
        return outbox.history();
      },
      logLines: () => this.lines.map((line) => ({ ...line })),
      setClockOffset: (offsetMs) => {
        this.offsetMs = offsetMs;
        outbox.core.reschedule();
      },
    };
  }
}
