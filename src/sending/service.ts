import * as vscode from 'vscode';
import type { DeviceEntry } from '../devices/merge';
import { DeviceSetupError } from '../devices/errors';
import { SECTION } from '../devices/registry';
import { DEFAULT_CONCURRENCY, sendNotification } from '../sender';
import type { DeviceTarget, Notification, SendResult } from '../sender/types';
import type { Services } from '../services';
import { disabledResult, invalidResult, notApprovedResult, uncontactedResult } from './failures';
import { logSend } from './logging';
import { mapWithConcurrency } from './pool';
import type { DeviceSendResult, DidSendEvent, SendRequestOptions } from './types';

const MAX_CONCURRENCY_KEY = 'maxConcurrentSends';
const MAX_CONCURRENCY_LIMIT = 64;

export type SendDependencies = Pick<Services, 'log' | 'registry' | 'approvals' | 'states'>;

/** Hooks around each direct send; the outbox implements them. Neither may reject. */
export interface SendRouter {
  /** Returns the result to report when the notification was queued instead of sent. */
  beforeSend(
    entry: DeviceEntry,
    notification: Notification,
    origin: string,
  ): Promise<SendResult | undefined>;
  /** Returns the result to report, for example with a message that says it was queued. */
  afterSend(
    entry: DeviceEntry,
    notification: Notification,
    result: SendResult,
    origin: string,
  ): Promise<SendResult>;
}

/** Builds the sender's target (settings, token and CA file) for a valid device. */
export type TargetBuilder = (entry: DeviceEntry) => Promise<DeviceTarget>;

/**
 * The one path every notification takes to its devices: command, selection, task, API and
 * outbox. Per device it rejects turned-off and invalid devices, asks for approval of devices that
 * a workspace defines, builds the target, sends, updates the device's state and logs the result.
 * Sends run at most `devicePush.maxConcurrentSends` at a time.
 */
export class SendService implements vscode.Disposable {
  private readonly didSend = new vscode.EventEmitter<DidSendEvent>();
  private readonly busyChanged = new vscode.EventEmitter<boolean>();
  private inFlight = 0;

  /** Fires once per device after each send, whatever its outcome and origin. */
  readonly onDidSend = this.didSend.event;
  /** Fires with `true` when the first send starts and `false` when the last one ends. */
  readonly onDidChangeBusy = this.busyChanged.event;

  /**
   * Set by the outbox: queues a notification behind the ones already waiting for its device, and
   * after a transient failure. Not called for sends whose origin is `outbox`.
   */
  router: SendRouter | undefined;

  constructor(
    private readonly deps: SendDependencies,
    private readonly buildTarget: TargetBuilder,
  ) {}

  /** Whether any send is under way. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /**
   * Sends `notification` to every entry (each entry once) and returns one result per entry in
   * input order. Never rejects: every problem comes back as a failed result.
   */
  async send(
    entries: readonly DeviceEntry[],
    notification: Notification,
    options: SendRequestOptions,
  ): Promise<DeviceSendResult[]> {
    const unique = [...new Map(entries.map((entry) => [entry.id, entry])).values()];
    this.changeInFlight(1);
    try {
      const allowed = await this.checkDevices(unique);
      return await mapWithConcurrency(unique, this.concurrency(), async (entry, index) => {
        const refused = allowed[index];
        if (refused) {
          this.finish({ entry, result: refused }, notification, options);
          return { entry, result: refused };
        }
        const result = await this.sendOrRoute(entry, notification, options);
        this.updateState(entry, result);
        this.finish({ entry, result }, notification, options);
        return { entry, result };
      });
    } finally {
      this.changeInFlight(-1);
    }
  }

  dispose(): void {
    this.didSend.dispose();
    this.busyChanged.dispose();
  }

  /**
   * Returns, per entry, a failed result when it must not be contacted, or undefined. Approvals
   * are asked one after another, so two prompts never compete.
   */
  private async checkDevices(entries: readonly DeviceEntry[]): Promise<(SendResult | undefined)[]> {
    const verdicts: (SendResult | undefined)[] = [];
    for (const entry of entries) {
      if (!entry.config) {
        verdicts.push(invalidResult(entry));
      } else if (!entry.config.enabled) {
        verdicts.push(disabledResult(entry));
      } else if (entry.scope !== 'user' && !(await this.isApproved(entry))) {
        verdicts.push(notApprovedResult(entry));
      } else {
        verdicts.push(undefined);
      }
    }
    return verdicts;
  }

  private async isApproved(entry: DeviceEntry): Promise<boolean> {
    try {
      return await this.deps.approvals.ensureApproved(entry);
    } catch (error) {
      this.deps.log.error(`Approval of device "${entry.label}" failed: ${String(error)}`);
      return false;
    }
  }

  private async sendOrRoute(
    entry: DeviceEntry,
    notification: Notification,
    options: SendRequestOptions,
  ): Promise<SendResult> {
    const router = options.origin === 'outbox' ? undefined : this.router;
    const queued = await router?.beforeSend(entry, notification, options.origin);
    if (queued) {
      return queued;
    }
    const result = await this.sendTo(entry, notification, options.signal);
    return router ? router.afterSend(entry, notification, result, options.origin) : result;
  }

  private async sendTo(
    entry: DeviceEntry,
    notification: Notification,
    signal: AbortSignal | undefined,
  ): Promise<SendResult> {
    this.deps.states.set(entry.id, { status: 'sending' });
    let target: DeviceTarget;
    try {
      target = await this.buildTarget(entry);
    } catch (error) {
      return this.setupFailure(entry, error);
    }
    return sendNotification(target, notification, signal ? { signal } : {});
  }

  private setupFailure(entry: DeviceEntry, error: unknown): SendResult {
    if (error instanceof DeviceSetupError) {
      this.deps.log.error(
        `Device "${entry.label}" could not be prepared: ${error.code} at ${error.stage}.`,
      );
      return uncontactedResult(entry, 'invalid-device', 'validate', error.message);
    }
    this.deps.log.error(`Device "${entry.label}" could not be prepared: ${String(error)}`);
    return uncontactedResult(
      entry,
      'unknown',
      'validate',
      `Device "${entry.label}" could not be prepared for sending. See the log for details.`,
    );
  }

  /** Logs the result and reports it to `onDidSend` listeners and to the caller's `onResult`. */
  private finish(
    outcome: DeviceSendResult,
    notification: Notification,
    options: SendRequestOptions,
  ): void {
    const { entry, result } = outcome;
    logSend(this.deps.log, entry, notification, result, options.origin);
    const event: DidSendEvent = { entry, notification, result, origin: options.origin };
    try {
      this.didSend.fire(event);
    } catch (error) {
      this.deps.log.error(`A listener of sent notifications failed: ${String(error)}`);
    }
    try {
      options.onResult?.(outcome);
    } catch (error) {
      this.deps.log.error(`A send result callback failed: ${String(error)}`);
    }
  }

  /** Records the result of a device that was contacted (or whose setup failed) in its state. */
  private updateState(entry: DeviceEntry, result: SendResult): void {
    if (result.outcome === 'failed') {
      const detail = result.error?.message ?? 'The last send failed.';
      this.deps.states.set(entry.id, { status: 'failed', detail });
      return;
    }
    const verb = result.outcome === 'delivered' ? 'Delivered' : 'Sent';
    this.deps.states.set(entry.id, {
      status: 'reachable',
      detail: `${verb} in ${result.durationMs} ms`,
    });
  }

  private concurrency(): number {
    const configured = vscode.workspace
      .getConfiguration(SECTION)
      .get<number>(MAX_CONCURRENCY_KEY, DEFAULT_CONCURRENCY);
    if (!Number.isFinite(configured)) {
      return DEFAULT_CONCURRENCY;
    }
    return Math.min(MAX_CONCURRENCY_LIMIT, Math.max(1, Math.floor(configured)));
  }

  private changeInFlight(delta: number): void {
    const wasBusy = this.busy;
    this.inFlight += delta;
    if (wasBusy !== this.busy) {
      this.busyChanged.fire(this.busy);
    }
  }
}
