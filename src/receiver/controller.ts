/**
 * The local receiver that runs inside the extension host, so that a notification can be sent
 * and seen without any device. Plain Node (no `vscode` import): the extension passes in how to
 * log and how to show a notification.
 */

import type { Framing } from '../sender/types';
import { escapeControlCharacters, trimLineBreaks } from './display';
import { ReceiverError } from './errors';
import type { Receiver } from './receiver';
import type { ReceivedNotification, ReceiverLogEntry } from './types';

/** The local receiver listens on loopback only: nothing outside this computer can reach it. */
export const LOCAL_RECEIVER_HOST = '127.0.0.1';
/** `json` carries a title, priority and task fields, so the toast can show all of them. */
export const LOCAL_RECEIVER_FRAMING: Framing = 'json';
/** Reply line after each notification, so that senders report `delivered` instead of `sent`. */
export const LOCAL_RECEIVER_ACK = 'OK';

/** At most this many toasts per window; further notifications in the window go to the log only. */
export const MAX_TOASTS_PER_WINDOW = 5;
export const TOAST_WINDOW_MS = 10_000;
/** At most this many receiver log entries of one code per window; the rest are counted. */
export const MAX_LOG_ENTRIES_PER_WINDOW = 10;
export const LOG_WINDOW_MS = 60_000;
/** Toasts show a few lines at most, so longer messages are cut. The log keeps the full text. */
export const MAX_TOAST_CHARACTERS = 500;

export interface LocalReceiverLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Shows one received notification; `text` is already formatted for a toast. */
export type NotificationPresenter = (text: string, notification: ReceivedNotification) => void;

export interface LocalReceiverOptions {
  log: LocalReceiverLog;
  present: NotificationPresenter;
  /** Clock in milliseconds, replaceable in tests. */
  now?: () => number;
}

/** Result of `start`. */
export interface LocalReceiverStart {
  host: string;
  port: number;
  /** The port that was requested; differs from `port` after a fallback or for port 0. */
  requestedPort: number;
  /** Set when the requested port was taken and the system chose a free one instead. */
  fellBack: boolean;
  /** Set when the receiver was already running, so nothing was started. */
  alreadyRunning: boolean;
}

interface Disposable {
  dispose(): void;
}

interface RateWindow {
  startedAt: number;
  used: number;
  suppressed: number;
}

/**
 * Starts and stops one receiver on 127.0.0.1, shows what arrives and logs it.
 * Start and stop run one after the other, so overlapping calls cannot open two servers.
 */
export class LocalReceiverController implements Disposable {
  private receiver: Receiver | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private present: NotificationPresenter;
  private readonly now: () => number;
  private readonly stateListeners = new Set<(running: boolean) => void>();
  private readonly receiveListeners = new Set<(notification: ReceivedNotification) => void>();
  private toastWindow: RateWindow = { startedAt: 0, used: 0, suppressed: 0 };
  private readonly logWindows = new Map<string, RateWindow>();
  private disposed = false;

  constructor(private readonly options: LocalReceiverOptions) {
    this.present = options.present;
    this.now = options.now ?? Date.now;
  }

  get running(): boolean {
    return this.receiver !== undefined;
  }

  /** Address the receiver listens on, or undefined while it is stopped. */
  get address(): { host: string; port: number } | undefined {
    return this.receiver ? { ...this.receiver.address } : undefined;
  }

  /** Notifications received since the receiver was last started. */
  get notificationCount(): number {
    return this.receiver?.counters.notifications ?? 0;
  }

  /** Calls `listener` with the new state after each start and stop. */
  onDidChangeState(listener: (running: boolean) => void): Disposable {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  /** Calls `listener` for each notification, after it was shown and logged. */
  onDidReceive(listener: (notification: ReceivedNotification) => void): Disposable {
    this.receiveListeners.add(listener);
    return { dispose: () => this.receiveListeners.delete(listener) };
  }

  /**
   * Shows notifications through `presenter` instead of the constructor's one until the returned
   * object is disposed. Tests use it to capture what would appear as a toast.
   */
  showWith(presenter: NotificationPresenter): Disposable {
    const previous = this.present;
    this.present = presenter;
    return { dispose: () => (this.present = previous) };
  }

  /**
   * Listens on 127.0.0.1:`port`. When that port is taken (and is not 0), listens on a port that
   * the system chooses instead and sets `fellBack`. Does nothing when already running. Rejects
   * with a `ReceiverError` when the receiver cannot listen at all.
   */
  start(port: number): Promise<LocalReceiverStart> {
    return this.enqueue(() => this.startNow(port));
  }

  /** Stops listening and closes open connections. Resolves with false when it was not running. */
  stop(): Promise<boolean> {
    return this.enqueue(() => this.stopNow());
  }

  /** Stops the receiver; the port is free once the returned promise of `stop()` settles. */
  dispose(): void {
    this.disposed = true;
    void this.stop();
    this.stateListeners.clear();
    this.receiveListeners.clear();
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async startNow(requestedPort: number): Promise<LocalReceiverStart> {
    if (this.receiver) {
      return { ...this.receiver.address, requestedPort, fellBack: false, alreadyRunning: true };
    }
    if (this.disposed) {
      throw new ReceiverError('listen-failed', 'listen', 'The extension is shutting down.');
    }
    let fellBack = false;
    let receiver: Receiver;
    try {
      receiver = await this.listen(requestedPort);
    } catch (error) {
      if (requestedPort === 0 || !isAddressInUse(error)) {
        throw error;
      }
      this.options.log.info(
        `Local receiver: port ${requestedPort} is in use, so the system chooses a free port.`,
      );
      receiver = await this.listen(0);
      fellBack = true;
    }
    this.receiver = receiver;
    this.toastWindow = { startedAt: 0, used: 0, suppressed: 0 };
    const { host, port } = receiver.address;
    this.options.log.info(
      `Local receiver listening on ${host}:${port} (framing ${LOCAL_RECEIVER_FRAMING}, ` +
        `ack "${LOCAL_RECEIVER_ACK}").`,
    );
    this.fireState(true);
    return { host, port, requestedPort, fellBack, alreadyRunning: false };
  }

  private async stopNow(): Promise<boolean> {
    const receiver = this.receiver;
    if (!receiver) {
      return false;
    }
    this.receiver = undefined;
    await receiver.close();
    const { host, port } = receiver.address;
    this.options.log.info(
      `Local receiver on ${host}:${port} stopped after ` +
        `${receiver.counters.notifications} notifications.`,
    );
    this.fireState(false);
    return true;
  }

  private async listen(port: number): Promise<Receiver> {
    // Loaded on first start: the extension bundle keeps the receiver in a file of its own.
    const { startReceiver } = await import('./receiver');
    return startReceiver({
      host: LOCAL_RECEIVER_HOST,
      port,
      framing: LOCAL_RECEIVER_FRAMING,
      ack: LOCAL_RECEIVER_ACK,
      onNotification: (notification) => this.handleNotification(notification),
      onLog: (entry) => this.handleLogEntry(entry),
    });
  }

  private handleNotification(notification: ReceivedNotification): void {
    this.options.log.info(`Local receiver: ${describeNotification(notification)}`);
    if (this.takeToastSlot()) {
      this.present(formatToastText(notification), notification);
    }
    for (const listener of this.receiveListeners) {
      listener(notification);
    }
  }

  /** Returns false, after counting, when this window already had its share of toasts. */
  private takeToastSlot(): boolean {
    const time = this.now();
    const window = this.toastWindow;
    if (time - window.startedAt >= TOAST_WINDOW_MS) {
      if (window.suppressed > 0) {
        this.options.log.info(
          `Local receiver: ${window.suppressed} notifications were shown only in this log, ` +
            `because more than ${MAX_TOASTS_PER_WINDOW} arrived within ${TOAST_WINDOW_MS} ms.`,
        );
      }
      this.toastWindow = { startedAt: time, used: 1, suppressed: 0 };
      return true;
    }
    if (window.used < MAX_TOASTS_PER_WINDOW) {
      window.used += 1;
      return true;
    }
    window.suppressed += 1;
    return false;
  }

  private handleLogEntry(entry: ReceiverLogEntry): void {
    const time = this.now();
    let window = this.logWindows.get(entry.code);
    if (!window || time - window.startedAt >= LOG_WINDOW_MS) {
      if (window && window.suppressed > 0) {
        this.options.log.warn(
          `Local receiver: ${window.suppressed} more "${entry.code}" entries were suppressed.`,
        );
      }
      window = { startedAt: time, used: 0, suppressed: 0 };
      this.logWindows.set(entry.code, window);
    }
    if (window.used >= MAX_LOG_ENTRIES_PER_WINDOW) {
      window.suppressed += 1;
      return;
    }
    window.used += 1;
    this.options.log[entry.level](`Local receiver (${entry.code}): ${entry.message}`);
  }

  private fireState(running: boolean): void {
    for (const listener of this.stateListeners) {
      listener(running);
    }
  }
}

/** Text of the toast: `title: message` on one line, cut to `MAX_TOAST_CHARACTERS`. */
export function formatToastText(notification: ReceivedNotification): string {
  const message = trimLineBreaks(notification.message).replace(/\r\n|\r|\n/g, ' ');
  const text = notification.title ? `${notification.title}: ${message}` : message;
  const printable = escapeControlCharacters(text);
  if (printable.length <= MAX_TOAST_CHARACTERS) {
    return printable;
  }
  // Array.from splits by code point, so the cut never separates a surrogate pair.
  return `${Array.from(printable)
    .slice(0, MAX_TOAST_CHARACTERS - 1)
    .join('')}…`;
}

/** One log line with the sender, the fields that arrived and the full text. */
export function describeNotification(notification: ReceivedNotification): string {
  const details = [`from ${notification.from}`];
  if (notification.priority) {
    details.push(`priority ${notification.priority}`);
  }
  if (notification.source) {
    details.push(`source ${notification.source}`);
  }
  if (notification.task) {
    details.push(`task "${notification.task.name}" ${notification.task.status}`);
  }
  const title = notification.title ? `"${escapeControlCharacters(notification.title)}" ` : '';
  const message = escapeControlCharacters(trimLineBreaks(notification.message));
  return `notification (${details.join(', ')}): ${title}${message}`;
}

function isAddressInUse(error: unknown): boolean {
  // The receiver's ReceiverError class comes from another bundle, so instanceof cannot match.
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'listen-failed') {
    return false;
  }
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  return cause?.code === 'EADDRINUSE';
}
