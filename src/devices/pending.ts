import * as vscode from 'vscode';

/** Counts notifications that wait for one device, keyed by `DeviceEntry.id`. */
export type PendingCounter = (entryId: string) => number;

/**
 * Where the Devices view reads how many notifications wait for each device. The outbox sets the
 * counter once with `setCounter` and calls `changed()` whenever a count may have changed.
 */
export class PendingCounts implements vscode.Disposable {
  private counter: PendingCounter | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();

  readonly onDidChange = this.emitter.event;

  setCounter(counter: PendingCounter | undefined): void {
    this.counter = counter;
    this.emitter.fire();
  }

  changed(): void {
    this.emitter.fire();
  }

  /** Returns 0 when no counter is set or the counter throws. */
  count(entryId: string): number {
    try {
      const value = this.counter?.(entryId) ?? 0;
      return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
    } catch {
      return 0;
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
