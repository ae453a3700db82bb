import * as vscode from 'vscode';
import type { DeviceEntry } from './merge';
import type { DeviceRegistry } from './registry';

/**
 * What the extension last saw of a device:
 * - `unknown`: nothing since the window opened or the device's address changed;
 * - `sending`, `testing`: a send or a connection test is under way;
 * - `reachable`: the last send or test succeeded;
 * - `failed`: the last send or test failed; `detail` says why.
 */
export type DeviceStatus = 'unknown' | 'sending' | 'testing' | 'reachable' | 'failed';

export interface DeviceStateUpdate {
  status: DeviceStatus;
  /** Milliseconds since the epoch; now when left out. */
  at?: number;
  /** One line for the tooltip, e.g. `Delivered in 12 ms` or the failure message. */
  detail?: string;
}

export interface DeviceState {
  status: DeviceStatus;
  at: number;
  detail?: string;
  /** The last finished result (`reachable` or `failed`) while a send or test is under way. */
  previous?: DeviceState;
}

interface StoredState {
  state: DeviceState;
  /** Name, host and port at the time of `set`, so a state does not outlive an edit. */
  signature: string;
}

const IN_PROGRESS: ReadonlySet<DeviceStatus> = new Set(['sending', 'testing']);

/**
 * In-memory state of each device, keyed by `DeviceEntry.id`. The send service and Test Connection
 * write it; the Devices view reads it. A state is dropped when its entry disappears or its name,
 * host or port changes.
 */
export class DeviceStates implements vscode.Disposable {
  private readonly states = new Map<string, StoredState>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires with the ids of the entries whose state changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly registry: DeviceRegistry) {
    this.disposables.push(registry.onDidChange(() => this.dropStale()));
  }

  set(entryId: string, update: DeviceStateUpdate): void {
    const entry = this.registry.byId(entryId);
    if (!entry) {
      return;
    }
    const state: DeviceState = { status: update.status, at: update.at ?? Date.now() };
    if (update.detail !== undefined) {
      state.detail = update.detail;
    }
    if (IN_PROGRESS.has(update.status)) {
      const before = this.get(entryId);
      const previous = before && IN_PROGRESS.has(before.status) ? before.previous : before;
      if (previous && previous.status !== 'unknown') {
        state.previous = previous;
      }
    }
    this.states.set(entryId, { state, signature: signatureOf(entry) });
    this.changed.fire([entryId]);
  }

  get(entryId: string): DeviceState | undefined {
    const stored = this.states.get(entryId);
    const entry = this.registry.byId(entryId);
    if (!stored || !entry || stored.signature !== signatureOf(entry)) {
      return undefined;
    }
    return stored.state;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
    this.states.clear();
  }

  private dropStale(): void {
    const dropped: string[] = [];
    for (const [id, stored] of this.states) {
      const entry = this.registry.byId(id);
      if (!entry || stored.signature !== signatureOf(entry)) {
        this.states.delete(id);
        dropped.push(id);
      }
    }
    if (dropped.length > 0) {
      this.changed.fire(dropped);
    }
  }
}

function signatureOf(entry: DeviceEntry): string {
  const config = entry.config;
  return config ? `${config.name.toLowerCase()}|${config.host}|${config.port}` : '';
}
