import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { workspaceId } from '../devices/registry';
import type { Notification, SendResult } from '../sender/types';
import type { Services } from '../services';
import { deviceKeyOf } from './deviceKey';
import { countOf } from './drops';
import { FileLock, MemoryLock, type OutboxLock } from './lock';
import type {
  DrainSummary,
  EnqueueOptions,
  OutboxClock,
  OutboxLogger,
  QueueSummary,
} from './options';
import { Outbox } from './queue';
import { readOutboxSettings, ttlMsFor, type OutboxSettings } from './settings';
import { fromStoredNotification } from './state';
import { JsonFileStorage, MemoryStorage, type OutboxStorage } from './storage';
import type { OutboxFiles } from './testing';
import type { HistoryEntry, OutboxDrop, OutboxItem } from './types';

/** File of the outbox in the extension's global storage folder, shared by every window. */
export const OUTBOX_FILE = 'outbox.json';
export const OUTBOX_LOCK_FILE = 'outbox.lock';
/**
 * How often a window looks for changes that other windows made to the outbox file. Each look is
 * one `stat` of the file.
 */
export const REFRESH_INTERVAL_MS = 2_000;

/** Replacements for the system clock and the log, used by the test hooks. */
export interface OutboxEnvironment {
  clock?: OutboxClock;
  log?: OutboxLogger;
}

/**
 * The outbox as the rest of the extension sees it: devices are `DeviceEntry` objects and
 * settings come from VS Code. The queue itself is `Outbox` in `queue.ts`.
 */
export class OutboxService implements vscode.Disposable {
  readonly core: Outbox;
  /** Paths of the outbox file and its lock file; undefined when the outbox is in memory. */
  readonly files: OutboxFiles | undefined;
  private readonly log: OutboxLogger;
  private settings: OutboxSettings = readOutboxSettings();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly dropped = new vscode.EventEmitter<OutboxDrop>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.dropped];
  private pollTimer: NodeJS.Timeout | undefined;

  /** Fires after pending counts or the history may have changed. */
  readonly onDidChange = this.changed.event;
  /** Fires once per group of notifications that left the outbox unsent. */
  readonly onDidDrop = this.dropped.event;

  constructor(
    private readonly services: Services,
    environment: OutboxEnvironment = {},
  ) {
    this.log = environment.log ?? services.log;
    const { storage, lock, files } = createStore(services);
    this.files = files;
    this.core = new Outbox({
      storage,
      lock,
      deliver: (item, signal) => this.deliver(item, signal),
      canDeliver: (deviceKey) => this.entryForKey(deviceKey)?.config?.enabled === true,
      automaticRetry: () => this.settings.enabled,
      maxSize: () => this.settings.maxSize,
      log: this.log,
      ...(environment.clock ? { clock: environment.clock } : {}),
    });
    const changeListener = this.core.onDidChange(() => this.changed.fire());
    const dropListener = this.core.onDidDrop((drop) => this.dropped.fire(drop));
    this.disposables.push(
      new vscode.Disposable(() => changeListener.dispose()),
      new vscode.Disposable(() => dropListener.dispose()),
    );
  }

  /** Reads the outbox file and starts the timers. */
  async start(): Promise<void> {
    try {
      await this.core.load();
      const size = this.core.size();
      if (size > 0) {
        this.log.info(`The outbox contains ${countOf(size)} from an earlier session.`);
      }
    } catch (error) {
      this.log.error(`The outbox could not be read: ${describe(error)}`);
    }
    this.pollTimer = setInterval(() => {
      this.core.refresh().catch((error: unknown) => {
        this.log.debug?.(`The outbox file could not be checked: ${describe(error)}`);
      });
    }, REFRESH_INTERVAL_MS);
    this.pollTimer.unref();
  }

  /** Reads the settings again and wakes the timer, after settings or the device list changed. */
  reload(): void {
    this.settings = readOutboxSettings();
    this.core.reschedule();
    this.changed.fire();
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  keyOf(entry: DeviceEntry): string {
    return deviceKeyOf(entry, workspaceId());
  }

  /** The valid device of this window that a queue key names, if any. */
  entryForKey(deviceKey: string): DeviceEntry | undefined {
    const id = workspaceId();
    return this.services.registry.valid().find((entry) => deviceKeyOf(entry, id) === deviceKey);
  }

  /** Notifications waiting for a device, by `DeviceEntry.id`; 0 for an unknown id. */
  pendingCount(entryId: string): number {
    const entry = this.services.registry.byId(entryId);
    return entry ? this.core.pendingCount(this.keyOf(entry)) : 0;
  }

  hasPending(entryId: string): boolean {
    return this.pendingCount(entryId) > 0;
  }

  /** Appends a notification behind the ones already waiting for the device. */
  enqueue(
    entry: DeviceEntry,
    notification: Notification,
    options: EnqueueOptions,
  ): Promise<OutboxItem> {
    const device = {
      key: this.keyOf(entry),
      name: entry.label,
      ttlMs: ttlMsFor(entry, this.settings),
    };
    return this.core.enqueue(device, notification, options);
  }

  /** Sends the queues of these devices, or of every device, now. */
  retryNow(entries?: readonly DeviceEntry[]): Promise<DrainSummary[]> {
    return this.core.retryNow(entries?.map((entry) => this.keyOf(entry)));
  }

  /** Removes the queued notifications of these devices, or of every device. */
  clear(entries?: readonly DeviceEntry[]): Promise<number> {
    return this.core.clear(entries?.map((entry) => this.keyOf(entry)));
  }

  size(): number {
    return this.core.size();
  }

  queues(): QueueSummary[] {
    return this.core.queues();
  }

  history(): HistoryEntry[] {
    return this.core.history();
  }

  ttlMinutesFor(entry: DeviceEntry): number {
    return ttlMsFor(entry, this.settings) / 60_000;
  }

  /** Sends one queued item through the send service, which builds the target with its token. */
  private async deliver(item: OutboxItem, signal: AbortSignal): Promise<SendResult> {
    const entry = this.entryForKey(item.deviceKey);
    if (!entry) {
      const message = `Device "${item.deviceName}" is no longer in the settings of this window.`;
      return {
        device: item.deviceName,
        outcome: 'failed',
        durationMs: 0,
        bytes: 0,
        truncated: false,
        error: { code: 'invalid-device', stage: 'validate', device: item.deviceName, message },
      };
    }
    const notification = fromStoredNotification(item.notification);
    const [outcome] = await this.services.sending.send([entry], notification, {
      origin: 'outbox',
      signal,
    });
    return outcome.result;
  }

  dispose(): void {
    if (this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
    // Gives back the leases of sends in progress, so another window can take over at once.
    void this.core.close();
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }
}

/**
 * The outbox file lives in the global storage folder, which every window of this VS Code
 * installation shares. Without a local folder (a web extension host) the outbox lasts only as
 * long as the window.
 */
function createStore(services: Services): {
  storage: OutboxStorage;
  lock: OutboxLock;
  files?: OutboxFiles;
} {
  const folder = services.context.globalStorageUri;
  if (folder.scheme !== 'file') {
    services.log.warn(
      `The global storage folder ${folder.toString()} is not on disk, so the outbox is kept in ` +
        'memory and lost when the window closes.',
    );
    return { storage: new MemoryStorage(), lock: new MemoryLock() };
  }
  const files = {
    state: join(folder.fsPath, OUTBOX_FILE),
    lock: join(folder.fsPath, OUTBOX_LOCK_FILE),
  };
  return {
    storage: new JsonFileStorage(files.state),
    lock: new FileLock(files.lock),
    files,
  };
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
