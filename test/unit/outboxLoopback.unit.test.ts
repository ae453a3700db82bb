import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { FileLock } from '../../src/outbox/lock';
import type { DeliverFunction, OutboxDevice } from '../../src/outbox/options';
import { dispositionOf } from '../../src/outbox/policy';
import { Outbox } from '../../src/outbox/queue';
import { fromStoredNotification } from '../../src/outbox/state';
import { JsonFileStorage } from '../../src/outbox/storage';
import { startReceiver, type Receiver } from '../../src/receiver/receiver';
import { sendNotification } from '../../src/sender/index';
import type { DeviceTarget, Notification } from '../../src/sender/types';
import { testDevice } from './helpers/devices';

/** Short backoff so that retries happen within a test. */
const FAST_BACKOFF = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0.2 };
const WAIT_LIMIT_MS = 10_000;
const PI: OutboxDevice = { key: 'user:pi', name: 'Pi', ttlMs: 60_000 };

const scratch = mkdtempSync(join(tmpdir(), 'device-push-outbox-loopback-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

let dirCount = 0;
function freshDir(): string {
  dirCount += 1;
  return mkdtempSync(join(scratch, `case-${dirCount}-`));
}

async function listen(port: number, received: string[]): Promise<Receiver> {
  const receiver = await startReceiver({
    host: '127.0.0.1',
    port,
    framing: 'raw',
    onNotification: (notification) => {
      received.push(notification.message);
    },
  });
  cleanups.push(() => receiver.close());
  return receiver;
}

/** Returns a port on which nothing listens now: one a receiver had and gave back. */
async function freePort(): Promise<number> {
  const receiver = await listen(0, []);
  const port = receiver.address.port;
  await receiver.close();
  return port;
}

function deliverTo(target: DeviceTarget): DeliverFunction {
  return (item, signal) =>
    sendNotification(target, fromStoredNotification(item.notification), { signal });
}

function fileOutbox(
  dir: string,
  deliver: DeliverFunction,
  extra: { isProcessAlive?: () => boolean } = {},
): Outbox {
  const outbox = new Outbox({
    storage: new JsonFileStorage(join(dir, 'outbox.json')),
    lock: new FileLock(join(dir, 'outbox.lock')),
    deliver,
    backoff: FAST_BACKOFF,
    ...extra,
  });
  cleanups.push(() => outbox.close());
  return outbox;
}

/**
 * Sends like the extension does: behind a non-empty queue, or directly and into the outbox
 * when the direct send fails for a transient reason.
 */
async function sendOrQueue(
  outbox: Outbox,
  target: DeviceTarget,
  notification: Notification,
): Promise<string> {
  if (outbox.hasPending(PI.key)) {
    await outbox.enqueue(PI, notification, { origin: 'manual' });
    return 'queued';
  }
  const result = await sendNotification(target, notification);
  if (dispositionOf(result).kind === 'transient' && result.error) {
    await outbox.enqueue(PI, notification, { origin: 'manual', failure: result.error });
    return 'queued';
  }
  return result.outcome;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > giveUpAt) {
      assert.fail(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const MESSAGES = ['one', 'two', 'three', 'four', 'five'];

describe('outbox with loopback receiver', () => {
  test('queued sends arrive after restart', async () => {
    const port = await freePort();
    const target = testDevice(port);
    const outbox = fileOutbox(freshDir(), deliverTo(target));
    await outbox.load();

    const outcomes: string[] = [];
    for (const message of MESSAGES) {
      outcomes.push(await sendOrQueue(outbox, target, { message }));
    }
    assert.deepEqual(outcomes, ['queued', 'queued', 'queued', 'queued', 'queued']);
    assert.equal(outbox.pendingCount(PI.key), 5);

    const received: string[] = [];
    await listen(port, received);
    await waitFor(() => outbox.pendingCount(PI.key) === 0, 'the outbox to drain');
    await outbox.retryNow();

    assert.deepEqual(received, MESSAGES);
    const history = outbox.history().filter((entry) => entry.fromOutbox);
    assert.equal(history.length, 5);
    assert.ok(history.every((entry) => entry.outcome === 'sent'));
  });

  test('new send waits behind queue', async () => {
    const port = await freePort();
    const target = testDevice(port);
    const outbox = fileOutbox(freshDir(), deliverTo(target));
    await outbox.load();
    await sendOrQueue(outbox, target, { message: 'first' });

    const received: string[] = [];
    await listen(port, received);
    assert.equal(await sendOrQueue(outbox, target, { message: 'second' }), 'queued');
    await waitFor(() => received.length === 2, 'both notifications');

    assert.deepEqual(received, ['first', 'second']);
  });

  test('two instances deliver once', async () => {
    const received: string[] = [];
    const receiver = await listen(0, received);
    const target = testDevice(receiver.address.port);
    const dir = freshDir();
    const attempts = { first: 0, second: 0 };
    const counting = (name: keyof typeof attempts): DeliverFunction => {
      const deliver = deliverTo(target);
      return (item, signal) => {
        attempts[name] += 1;
        return deliver(item, signal);
      };
    };
    const first = fileOutbox(dir, counting('first'));
    const second = fileOutbox(dir, counting('second'));
    await first.load();
    await second.load();

    const messages = Array.from({ length: 20 }, (_, index) => `message ${index + 1}`);
    const refused = {
      code: 'refused' as const,
      stage: 'connect' as const,
      device: 'Pi',
      message: 'refused',
    };
    for (const message of messages) {
      await first.enqueue(PI, { message }, { origin: 'manual', failure: refused });
    }
    await second.refresh();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all([first.drainDue(), second.drainDue(), first.drainDue(), second.drainDue()]);
    await waitFor(() => received.length >= messages.length, 'every notification');
    await new Promise((resolve) => setTimeout(resolve, 100));

    assert.deepEqual(received, messages);
    assert.equal(attempts.first + attempts.second, messages.length);
    await second.refresh();
    assert.equal(first.pendingCount(PI.key), 0);
    assert.equal(second.pendingCount(PI.key), 0);
  });

  test('crash after send resends once', async () => {
    const received: string[] = [];
    const receiver = await listen(0, received);
    const target = testDevice(receiver.address.port);
    const dir = freshDir();
    const realDeliver = deliverTo(target);
    // Sends for real, then never reports back: like a window that closes right after sending.
    const crashing: DeliverFunction = async (item, signal) => {
      await realDeliver(item, signal);
      return new Promise(() => undefined);
    };
    const crashed = new Outbox({
      storage: new JsonFileStorage(join(dir, 'outbox.json')),
      lock: new FileLock(join(dir, 'outbox.lock')),
      deliver: crashing,
    });
    await crashed.load();
    for (const message of MESSAGES) {
      await crashed.enqueue(PI, { message }, { origin: 'manual' });
    }
    await waitFor(() => received.length === 1, 'the first send');

    const next = fileOutbox(dir, realDeliver, { isProcessAlive: () => false });
    await next.load();
    await next.drainDue();

    assert.deepEqual(received, ['one', ...MESSAGES]);
    assert.equal(next.pendingCount(PI.key), 0);
  });
});
