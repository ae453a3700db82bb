// The outbox in the real extension host, with loopback devices that go down and come back on the
// same port. The tests use the commands Retry Now, Clear Outbox and Show Send History and read
// the Devices view. A second outbox instance on the same files acts as a second window.

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { RetryReport } from '../../../src/commands/outbox';
import { FileLock } from '../../../src/outbox/lock';
import { Outbox } from '../../../src/outbox/queue';
import { JsonFileStorage } from '../../../src/outbox/storage';
import type { OutboxTestHooks } from '../../../src/outbox/testing';
import type { SendResult } from '../../../src/sender/types';
import type { SendResultSummary } from '../../../src/sending/summary';
import type { DeviceViewItem } from '../../../src/views/devicesView';
import {
  device,
  extensionApi,
  Messages,
  SETTLE_MS,
  sleep,
  startCollector,
  UserSettings,
  type Collector,
  type TestApi,
} from './sendSupport';
import { waitFor } from './devicesSupport';

const SEND = 'devicePush.sendNotification';
const RETRY = 'devicePush.retryOutbox';
const CLEAR = 'devicePush.clearOutbox';
const HISTORY = 'devicePush.showHistory';
/** The first automatic retry comes 2 s ± 20 % after a failure, and later ones wait longer. */
const AUTOMATIC_RETRY_WAIT_MS = 30_000;
const BACKLOG_SIZE = 1_000;

/** A loopback device that can go down and come back on the same port. */
class SwitchableDevice {
  private collector: Collector | undefined;
  /** Connections of earlier up periods. */
  private readonly earlier: string[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<SwitchableDevice> {
    const collector = await startCollector();
    const switchable = new SwitchableDevice(collector.port);
    switchable.collector = collector;
    return switchable;
  }

  /** Returns what every connection wrote, in the order the connections ended. */
  texts(): string[] {
    return [...this.earlier, ...(this.collector?.texts() ?? [])];
  }

  /** Closes the listener, so connections to the port are refused until `up()`. */
  async down(): Promise<void> {
    if (this.collector) {
      this.earlier.push(...this.collector.texts());
      await this.collector.close();
      this.collector = undefined;
    }
  }

  async up(): Promise<void> {
    if (!this.collector) {
      this.collector = await startCollector(this.port);
    }
  }

  waitForCount(count: number, timeoutMs: number): Promise<string[]> {
    return waitFor(
      () => this.texts().length >= count && this.texts(),
      `${count} notifications on port ${this.port} (got ${this.texts().length})`,
      timeoutMs,
    );
  }
}

function retryNow(args?: unknown): Thenable<RetryReport[] | undefined> {
  return vscode.commands.executeCommand<RetryReport[] | undefined>(RETRY, args);
}

function clearOutbox(args?: unknown): Thenable<number | undefined> {
  return vscode.commands.executeCommand<number | undefined>(CLEAR, args);
}

function showHistory(args?: unknown): Thenable<SendResultSummary[] | undefined> {
  return vscode.commands.executeCommand<SendResultSummary[] | undefined>(HISTORY, args);
}

describe('outbox', () => {
  let api: TestApi;
  let hooks: OutboxTestHooks;
  let settings: UserSettings;
  let messages: Messages | undefined;
  const devices: SwitchableDevice[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  async function downDevice(name: string, extra: Record<string, unknown> = {}) {
    const switchable = await SwitchableDevice.start();
    devices.push(switchable);
    await settings.set('devices', [device(name, switchable.port, extra)]);
    await switchable.down();
    return switchable;
  }

  async function sendAll(name: string, texts: readonly string[]): Promise<SendResultSummary[]> {
    const results: SendResultSummary[] = [];
    for (const text of texts) {
      results.push(await api.send(name, text));
    }
    return results;
  }

  async function item(label: string): Promise<DeviceViewItem> {
    const found = (await api.devices.viewItems()).find((entry) => entry.label === label);
    assert.ok(found, `no view item "${label}"`);
    return found;
  }

  /** Waits until the Devices view shows `count` waiting notifications for the device. */
  function waitForPending(label: string, count: number, timeoutMs?: number): Promise<void> {
    const expected = count > 0 ? `${count} waiting` : undefined;
    const check = async (): Promise<boolean> => {
      const description = (await item(label)).description;
      return expected ? description.endsWith(` · ${expected}`) : !/waiting/.test(description);
    };
    return waitFor(
      check,
      `"${label}" to show ${expected ?? 'no waiting notifications'}`,
      timeoutMs,
    ).then(() => undefined);
  }

  async function pendingOf(name: string): Promise<number> {
    const queues = await hooks.queues();
    return queues.find((queue) => queue.deviceName === name)?.count ?? 0;
  }

  before(async () => {
    api = await extensionApi();
    assert.ok(api.outbox.testing, 'the outbox test hooks exist only in test mode');
    hooks = api.outbox.testing;
  });

  beforeEach(async () => {
    settings = new UserSettings(api);
    messages = new Messages(api);
    // Queues that other tests left count towards devicePush.outbox.maxSize, which two tests lower.
    await clearOutbox({ confirm: false });
  });

  afterEach(async () => {
    hooks.setClockOffset(0);
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
    await clearOutbox({ confirm: false });
    messages?.dispose();
    messages = undefined;
    await settings.restore();
    await Promise.all(devices.splice(0).map((switchable) => switchable.down()));
  });

  it('queue arrives in order once', async () => {
    const pi = await downDevice('Outbox Order');

    const results = await sendAll('Outbox Order', ['one', 'two', 'three']);

    assert.deepEqual(
      results.map((result) => result.outcome),
      ['failed', 'failed', 'failed'],
    );
    assert.equal(results[0].error?.code, 'refused');
    assert.match(results[0].error?.message ?? '', /waits in the outbox/);
    assert.match(results[1].error?.message ?? '', /Queued for device "Outbox Order" behind 1 /);
    assert.match(results[2].error?.message ?? '', /behind 2 notifications/);
    await waitForPending('Outbox Order', 3);

    const stillDown = await retryNow({ device: 'Outbox Order' });
    assert.equal(stillDown?.length, 1);
    assert.equal(stillDown[0].sent, 0);
    assert.equal(stillDown[0].remaining, 3);
    assert.equal(stillDown[0].stoppedBy, 'failure');
    assert.equal(stillDown[0].error?.code, 'refused');

    await pi.up();
    const reports = await retryNow({ device: 'Outbox Order' });

    assert.equal(reports?.[0].sent, 3);
    assert.equal(reports?.[0].remaining, 0);
    await pi.waitForCount(3, 10_000);
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), ['one', 'two', 'three']);
    await waitForPending('Outbox Order', 0);
    await messages!.waitFor('Sent 3 notifications from the outbox.');
  });

  it('backoff resends without command', async function () {
    this.timeout(AUTOMATIC_RETRY_WAIT_MS + 15_000);
    const pi = await downDevice('Outbox Backoff');
    await sendAll('Outbox Backoff', ['first', 'second']);
    await pi.up();

    await pi.waitForCount(2, AUTOMATIC_RETRY_WAIT_MS);
    await sleep(SETTLE_MS);

    assert.deepEqual(pi.texts(), ['first', 'second']);
    await waitForPending('Outbox Backoff', 0);
  });

  it('toast retry keeps one copy', async () => {
    const pi = await downDevice('Outbox Toast');
    let retries = 0;
    messages!.dispose();
    messages = new Messages(api, {
      message: (message) =>
        message.actions.includes('Retry') && retries++ === 0 ? 'Retry' : undefined,
    });

    await vscode.commands.executeCommand(SEND, { device: 'Outbox Toast', message: 'once' });

    const retried = await messages.waitFor('still waits in the outbox');
    assert.equal(retried.severity, 'error');
    assert.equal(await pendingOf('Outbox Toast'), 1);
    await pi.up();
    await retryNow({ device: 'Outbox Toast' });
    await pi.waitForCount(1, 10_000);
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), ['once']);
  });

  it('disabled outbox does not queue', async () => {
    await settings.set('outbox.enabled', false);
    await waitFor(
      () => vscode.workspace.getConfiguration('devicePush').get('outbox.enabled') === false,
      'the new outbox.enabled',
    );
    await downDevice('Outbox Off');

    const [result] = await sendAll('Outbox Off', ['lost']);

    assert.equal(result.error?.code, 'refused');
    assert.doesNotMatch(result.error?.message ?? '', /outbox/);
    assert.equal(await pendingOf('Outbox Off'), 0);
  });

  it('invalid device is not queued', async () => {
    const pi = await downDevice('Outbox Invalid', {
      tls: true,
      tlsCaFile: '/nonexistent/device-push-ca.pem',
    });
    await pi.up();

    const [result] = await sendAll('Outbox Invalid', ['never']);

    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'invalid-device');
    assert.match(result.error?.message ?? '', /not queued for another attempt because the device/);
    assert.equal(await pendingOf('Outbox Invalid'), 0);
    const [newest] = await hooks.history();
    assert.equal(newest.deviceName, 'Outbox Invalid');
    assert.equal(newest.outcome, 'failed');
  });

  it('TLS to plain receiver is not queued', async () => {
    const pi = await downDevice('Outbox Plain', { tls: true, timeoutMs: 2_000 });
    await pi.up();

    const [result] = await sendAll('Outbox Plain', ['secret']);

    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'tls');
    assert.match(result.error?.message ?? '', /not queued for another attempt because the device/);
    assert.match(result.error?.message ?? '', /did not reply to the TLS handshake/);
    assert.equal(await pendingOf('Outbox Plain'), 0);
    const [newest] = await hooks.history();
    assert.equal(newest.outcome, 'failed');
  });

  it('missing acknowledgement is queued', async () => {
    // The collector reads and closes without a reply, as a receiver at its connection limit does.
    const pi = await downDevice('Outbox No Ack', { ack: true });
    await pi.up();

    const [result] = await sendAll('Outbox No Ack', ['read once']);

    assert.equal(result.error?.code, 'ack-missing');
    assert.match(result.error?.message ?? '', /waits in the outbox/);
    assert.equal(await pendingOf('Outbox No Ack'), 1);
  });

  it('expired item is dropped and logged', async () => {
    const pi = await downDevice('Outbox TTL', { outboxTtlMinutes: 1 });
    await sendAll('Outbox TTL', ['too late']);
    await waitForPending('Outbox TTL', 1);

    hooks.setClockOffset(61_000);

    const logged = await waitFor(
      () => hooks.logLines().find((line) => line.message.includes('device "Outbox TTL" after')),
      'the expiry in the log',
    );
    assert.equal(logged.level, 'warn');
    assert.match(
      logged.message,
      /^Dropped 1 notification for device "Outbox TTL" after 1 minute in the outbox/,
    );
    await waitForPending('Outbox TTL', 0);
    const [newest] = await hooks.history();
    assert.equal(newest.outcome, 'dropped');
    assert.equal(newest.preview, 'too late');
    hooks.setClockOffset(0);
    await pi.up();
    await retryNow({ device: 'Outbox TTL' });
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), []);
  });

  it('full outbox drops oldest first', async () => {
    await settings.set('outbox.maxSize', 3);
    await waitFor(
      () => vscode.workspace.getConfiguration('devicePush').get('outbox.maxSize') === 3,
      'the new outbox.maxSize',
    );
    const pi = await downDevice('Outbox Full');

    await sendAll('Outbox Full', ['m1', 'm2', 'm3', 'm4', 'm5']);

    await waitForPending('Outbox Full', 3);
    const drops = hooks
      .logLines()
      .filter((line) => line.message.startsWith('The outbox is full (3 notifications)'));
    assert.equal(drops.length, 2);
    assert.match(drops[0].message, /dropped the oldest 1 notification, for "Outbox Full"/);
    const dropped = (await hooks.history()).filter(
      (entry) => entry.deviceName === 'Outbox Full' && entry.outcome === 'dropped',
    );
    assert.deepEqual(
      dropped.map((entry) => entry.preview),
      ['m2', 'm1'],
    );
    await pi.up();
    await retryNow({ device: 'Outbox Full' });
    await pi.waitForCount(3, 10_000);
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), ['m3', 'm4', 'm5']);
  });

  it('view shows pending count', async () => {
    await downDevice('Outbox View');
    await sendAll('Outbox View', ['a', 'b']);

    await waitForPending('Outbox View', 2);
    const shown = await item('Outbox View');

    assert.match(shown.contextValue, /\bqueued\b/);
    assert.match(shown.tooltip, /Waiting in the outbox: 2/);
  });

  it('clear asks for confirmation', async () => {
    const pi = await downDevice('Outbox Clear');
    await sendAll('Outbox Clear', ['x', 'y']);
    await waitForPending('Outbox Clear', 2);
    const { entryId } = await item('Outbox Clear');
    const node = api.devices.viewElements().find((element) => element.entryId === entryId);
    assert.ok(node, 'the view element of "Outbox Clear"');
    // A reply that is not one of the actions dismisses the modal, like Cancel.
    let answer = 'Cancel';
    messages!.dispose();
    messages = new Messages(api, { message: (message) => (message.modal ? answer : undefined) });

    const declined = await clearOutbox(node);

    assert.equal(declined, undefined);
    const prompt = await messages.waitFor('Clear the outbox of "Outbox Clear"?');
    assert.equal(prompt.modal, true);
    assert.equal(prompt.severity, 'warning');
    assert.deepEqual(prompt.actions, ['Clear Outbox']);
    assert.match(prompt.text, /2 notifications will not be sent/);
    assert.equal(await pendingOf('Outbox Clear'), 2);

    answer = 'Clear Outbox';
    const removed = await clearOutbox(node);

    assert.equal(removed, 2);
    await waitForPending('Outbox Clear', 0);
    await pi.up();
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), []);
  });

  it('history resend sends again', async () => {
    const pi = await downDevice('Outbox History');
    await pi.up();
    await sendAll('Outbox History', ['older', 'newer']);
    await pi.waitForCount(2, 10_000);
    const history = await hooks.history();
    assert.deepEqual(
      history.slice(0, 2).map((entry) => [entry.deviceName, entry.outcome, entry.preview]),
      [
        ['Outbox History', 'sent', 'newer'],
        ['Outbox History', 'sent', 'older'],
      ],
    );

    const resent = await showHistory({ resend: 1 });

    assert.equal(resent?.[0].outcome, 'sent');
    await pi.waitForCount(3, 10_000);
    assert.equal(pi.texts()[2], 'older');
  });

  it('history pick resends newest', async () => {
    const pi = await downDevice('Outbox Pick');
    await pi.up();
    await sendAll('Outbox Pick', ['picked']);
    await pi.waitForCount(1, 10_000);

    let resent: SendResultSummary[] | undefined;
    let done = false;
    const running = showHistory().then((results) => {
      resent = results;
      done = true;
    });
    // Accepts the first item as soon as the quick pick is open; before that, accepting does nothing.
    await waitFor(async () => {
      if (!done) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await sleep(250);
      }
      return done;
    }, 'the history pick to send');
    await running;

    assert.equal(resent?.[0].device, 'Outbox Pick');
    await pi.waitForCount(2, 10_000);
    assert.deepEqual(pi.texts(), ['picked', 'picked']);
  });

  it('other window lease blocks retry', async () => {
    const files = hooks.files;
    assert.ok(files, 'the outbox is stored on disk');
    const pi = await downDevice('Outbox Lease');
    await sendAll('Outbox Lease', ['L1', 'L2']);
    await waitForPending('Outbox Lease', 2);

    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const delivered: string[] = [];
    const other = new Outbox({
      storage: new JsonFileStorage(files.state),
      lock: new FileLock(files.lock),
      deliver: async (queued) => {
        if (delivered.length === 0) {
          await firstHeld;
        }
        delivered.push(queued.notification.message);
        return sendRaw(pi.port, queued.notification.message);
      },
    });
    cleanups.push(() => {
      releaseFirst();
      return other.close();
    });
    await other.load();
    const [key] = (await hooks.queues())
      .filter((queue) => queue.deviceName === 'Outbox Lease')
      .map((queue) => queue.deviceKey);
    assert.ok(key);
    await pi.up();
    const otherDrain = other.retryNow([key]);
    await waitFor(
      async () => (await leaseOwner(files.state, key)) === other.owner,
      'the other instance to take the lease',
    );

    const reports = await retryNow({ device: 'Outbox Lease' });

    assert.equal(reports?.[0].stoppedBy, 'other-instance');
    assert.equal(reports?.[0].sent, 0);
    assert.equal(reports?.[0].remaining, 2);
    await messages!.waitFor(
      'Another VS Code window is sending to "Outbox Lease" now (2 notifications waiting)',
    );
    releaseFirst();
    const [summary] = await otherDrain;
    assert.equal(summary.sent, 2);
    await waitForPending('Outbox Lease', 0, 10_000);
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), ['L1', 'L2']);
    assert.deepEqual(delivered, ['L1', 'L2']);
  });

  it('backlog of 1000 drains once', async function () {
    this.timeout(8 * 60_000);
    await settings.set('outbox.maxSize', BACKLOG_SIZE * 2);
    const pi = await downDevice('Outbox Backlog');
    const texts = Array.from({ length: BACKLOG_SIZE }, (_, index) => `n${index + 1}`);

    const queueStarted = performance.now();
    await sendAll('Outbox Backlog', texts);
    const queueMs = performance.now() - queueStarted;
    assert.equal(await pendingOf('Outbox Backlog'), BACKLOG_SIZE);

    await pi.up();
    const drainStarted = performance.now();
    const reports = await retryNow({ device: 'Outbox Backlog' });
    await pi.waitForCount(BACKLOG_SIZE, 5 * 60_000);
    const drainMs = performance.now() - drainStarted;
    console.log(
      `outbox backlog: queued ${BACKLOG_SIZE} in ${Math.round(queueMs)} ms, drained in ` +
        `${Math.round(drainMs)} ms (${Math.round((BACKLOG_SIZE * 1000) / drainMs)} per second)`,
    );

    assert.equal(reports?.[0].sent, BACKLOG_SIZE);
    await sleep(SETTLE_MS);
    assert.deepEqual(pi.texts(), texts);
  });
});

/** Sends `text` the way a raw device expects it and reports success as the sender would. */
function sendRaw(port: number, text: string): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve({
        device: 'other window',
        outcome: 'sent',
        durationMs: 0,
        bytes: 0,
        truncated: false,
      }),
    );
    socket.resume();
  });
}

/** Owner of the device's lease in the outbox file, if any. */
async function leaseOwner(path: string, key: string): Promise<string | undefined> {
  const state = (await new JsonFileStorage(path).read()) as {
    queues?: Record<string, { lease?: { owner: string } }>;
  };
  return state.queues?.[key]?.lease?.owner;
}
