import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Outbox } from '../../src/outbox/queue';
import type { DeliverFunction, OutboxLogger, OutboxTimers } from '../../src/outbox/options';
import { MemoryLock } from '../../src/outbox/lock';
import { MemoryStorage } from '../../src/outbox/storage';
import type { OutboxDrop, OutboxItem, OutboxState } from '../../src/outbox/types';
import type { SendErrorCode, SendFailure, SendResult } from '../../src/sender/types';

const START = Date.parse('2026-05-01T08:00:00Z');
const MINUTE_MS = 60_000;
const PI = { key: 'user:pi', name: 'Pi', ttlMs: 60 * MINUTE_MS };
const PHONE = { key: 'user:phone', name: 'Phone', ttlMs: 60 * MINUTE_MS };

/** A clock and timer queue that only move when the test says so. */
class FakeTime implements OutboxTimers {
  now = START;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.now + delayMs, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Epoch milliseconds of the earliest pending timer. */
  nextTimerAt(): number | undefined {
    return this.timers.reduce<number | undefined>(
      (earliest, timer) => (earliest === undefined ? timer.at : Math.min(earliest, timer.at)),
      undefined,
    );
  }

  advance(ms: number): void {
    this.now += ms;
  }
}

class MemoryLog implements OutboxLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

function failure(code: SendErrorCode, device = 'Pi'): SendFailure {
  return { code, stage: 'connect', device, message: `Device "${device}" failed with ${code}.` };
}

function resultOf(item: OutboxItem, code?: SendErrorCode): SendResult {
  const base = { device: item.deviceName, durationMs: 1, bytes: 10, truncated: false };
  return code
    ? { ...base, outcome: 'failed', error: failure(code, item.deviceName) }
    : { ...base, outcome: 'sent' };
}

/** A device that fails with the scripted codes in turn, then accepts everything. */
class ScriptedDevice {
  readonly received: string[] = [];
  readonly attempts: string[] = [];
  constructor(public failures: SendErrorCode[] = []) {}

  readonly deliver: DeliverFunction = (item) => {
    this.attempts.push(item.notification.message);
    const code = this.failures.shift();
    if (!code) {
      this.received.push(item.notification.message);
    }
    return Promise.resolve(resultOf(item, code));
  };
}

interface Harness {
  outbox: Outbox;
  time: FakeTime;
  log: MemoryLog;
  storage: MemoryStorage;
  drops: OutboxDrop[];
}

const open: Outbox[] = [];

async function createOutbox(
  device: ScriptedDevice,
  extra: { storage?: MemoryStorage; time?: FakeTime; maxSize?: number; automatic?: boolean } = {},
): Promise<Harness> {
  const time = extra.time ?? new FakeTime();
  const log = new MemoryLog();
  const storage = extra.storage ?? new MemoryStorage();
  const outbox = new Outbox({
    storage,
    deliver: device.deliver,
    clock: { now: () => time.now },
    timers: time,
    random: () => 0.5,
    log,
    maxSize: () => extra.maxSize ?? 1000,
    automaticRetry: () => extra.automatic ?? true,
  });
  const drops: OutboxDrop[] = [];
  outbox.onDidDrop((drop) => drops.push(drop));
  await outbox.load();
  open.push(outbox);
  return { outbox, time, log, storage, drops };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((outbox) => outbox.close()));
});

describe('outbox queue', () => {
  test('outbox waits for backoff before retrying', async () => {
    const device = new ScriptedDevice();
    const { outbox, time } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    assert.equal(outbox.pendingCount(PI.key), 1);
    assert.equal(time.nextTimerAt(), START + 2000);
    time.advance(1999);
    await outbox.drainDue();
    assert.deepEqual(device.received, []);

    time.advance(1);
    await outbox.drainDue();
    assert.deepEqual(device.received, ['one']);
    assert.equal(outbox.pendingCount(PI.key), 0);
  });

  test('outbox backoff doubles per failure', async () => {
    const device = new ScriptedDevice(['refused', 'timed-out', 'unreachable']);
    const { outbox, time } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const wakeAt = time.nextTimerAt();
      assert.ok(wakeAt !== undefined, 'a retry timer is set');
      delays.push(wakeAt - time.now);
      time.now = wakeAt;
      await outbox.drainDue();
    }
    assert.deepEqual(delays, [2000, 4000, 8000, 16000]);
    assert.deepEqual(device.received, ['one']);
    assert.equal(outbox.pendingCount(PI.key), 0);
  });

  test('outbox keeps order per device', async () => {
    const device = new ScriptedDevice(['refused']);
    const { outbox, time } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(PI, { message: 'two' }, { origin: 'task', failure: failure('refused') });
    await outbox.enqueue(PI, { message: 'three' }, { origin: 'manual' });

    time.advance(2000);
    await outbox.drainDue();
    assert.deepEqual(device.received, []);
    assert.deepEqual(device.attempts, ['one']);

    time.advance(4000);
    await outbox.drainDue();
    assert.deepEqual(device.received, ['one', 'two', 'three']);
  });

  test('new item behind queue waits', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'old' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(PI, { message: 'new' }, { origin: 'manual' });

    assert.deepEqual(device.attempts, []);
    assert.deepEqual(
      outbox.items(PI.key).map((item) => item.notification.message),
      ['old', 'new'],
    );
  });

  test('item into empty queue sends now', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'now' }, { origin: 'manual' });
    await outbox.retryNow([PI.key]);

    assert.deepEqual(device.received, ['now']);
  });

  test('sent item outcome is remembered', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    const item = await outbox.enqueue(
      PI,
      { message: 'once' },
      { origin: 'manual', failure: failure('refused') },
    );
    assert.equal(outbox.sentOutcome(item.id), undefined);

    await outbox.retryNow([PI.key]);
    assert.equal(outbox.sentOutcome(item.id), 'sent');
    assert.equal(outbox.sentOutcome('unknown-id'), undefined);
  });

  test('retry now ignores backoff', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(
      PHONE,
      { message: 'two' },
      { origin: 'manual', failure: failure('refused') },
    );

    const summaries = await outbox.retryNow([PI.key]);
    assert.deepEqual(device.received, ['one']);
    assert.equal(summaries[0].sent, 1);
    assert.equal(summaries[0].remaining, 0);
    assert.equal(outbox.pendingCount(PHONE.key), 1);
  });

  test('retry now reports the failure', async () => {
    const device = new ScriptedDevice(['refused']);
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    const [summary] = await outbox.retryNow();
    assert.equal(summary.sent, 0);
    assert.equal(summary.remaining, 1);
    assert.equal(summary.stoppedBy, 'failure');
    assert.equal(summary.failure?.code, 'refused');
  });

  test('automatic retry off waits for command', async () => {
    const device = new ScriptedDevice();
    const { outbox, time } = await createOutbox(device, { automatic: false });
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    time.advance(10 * MINUTE_MS);
    await outbox.drainDue();
    assert.deepEqual(device.received, []);
    await outbox.retryNow();
    assert.deepEqual(device.received, ['one']);
  });

  test('permanent failure drops only that item', async () => {
    const device = new ScriptedDevice(['message-rejected']);
    const { outbox, time, drops, log } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'bad' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(PI, { message: 'good' }, { origin: 'manual' });

    time.advance(2000);
    await outbox.drainDue();
    assert.deepEqual(device.received, ['good']);
    assert.equal(drops.length, 1);
    assert.equal(drops[0].reason, 'permanent-failure');
    assert.match(drops[0].message, /message itself was rejected/);
    assert.ok(log.lines.some((line) => line.startsWith('warn Dropped a queued notification')));
    assert.equal(outbox.history()[1].outcome, 'dropped');
  });

  test('expired items drop with log', async () => {
    const device = new ScriptedDevice(new Array<SendErrorCode>(20).fill('refused'));
    const { outbox, time, drops, log } = await createOutbox(device);
    const shortLived = { ...PI, ttlMs: 5 * MINUTE_MS };
    await outbox.enqueue(
      shortLived,
      { message: 'a' },
      { origin: 'task', failure: failure('refused') },
    );
    await outbox.enqueue(shortLived, { message: 'b' }, { origin: 'task' });

    for (let step = 0; step < 10 && outbox.pendingCount(PI.key) > 0; step += 1) {
      const wakeAt = time.nextTimerAt();
      assert.ok(wakeAt !== undefined);
      time.now = wakeAt;
      await outbox.drainDue();
    }
    assert.equal(outbox.pendingCount(PI.key), 0);
    assert.deepEqual(device.received, []);
    assert.equal(time.now, START + 5 * MINUTE_MS);
    assert.equal(drops.length, 1);
    assert.equal(drops[0].reason, 'expired');
    assert.equal(drops[0].items.length, 2);
    assert.ok(
      log.lines.some((line) =>
        /warn Dropped 2 notifications for device "Pi" after 5 minutes/.test(line),
      ),
    );
  });

  test('full outbox drops oldest first', async () => {
    const device = new ScriptedDevice();
    const { outbox, drops, log } = await createOutbox(device, { maxSize: 3 });
    await outbox.enqueue(PI, { message: 'p1' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(
      PHONE,
      { message: 'f1' },
      { origin: 'manual', failure: failure('refused') },
    );
    await outbox.enqueue(PI, { message: 'p2' }, { origin: 'manual' });
    await outbox.enqueue(PHONE, { message: 'f2' }, { origin: 'manual' });

    assert.equal(outbox.size(), 3);
    assert.deepEqual(
      outbox.items().map((item) => item.notification.message),
      ['f1', 'p2', 'f2'],
    );
    assert.equal(drops.length, 1);
    assert.equal(drops[0].reason, 'overflow');
    assert.equal(drops[0].items[0].notification.message, 'p1');
    assert.ok(
      log.lines.some((line) => line.startsWith('warn The outbox is full (3 notifications)')),
    );
  });

  test('clear removes one or all', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'p1' }, { origin: 'manual', failure: failure('refused') });
    await outbox.enqueue(PI, { message: 'p2' }, { origin: 'manual' });
    await outbox.enqueue(
      PHONE,
      { message: 'f1' },
      { origin: 'manual', failure: failure('refused') },
    );

    assert.equal(await outbox.clear([PI.key]), 2);
    assert.equal(outbox.pendingCount(PI.key), 0);
    assert.equal(outbox.pendingCount(PHONE.key), 1);
    assert.equal(await outbox.clear(), 1);
    assert.equal(outbox.size(), 0);
  });

  test('change event fires on enqueue', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    let changes = 0;
    outbox.onDidChange(() => (changes += 1));
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    assert.ok(changes >= 1);
  });

  test('queued timestamp is kept', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });
    const taskTime = new Date('2026-05-01T07:59:00Z');
    await outbox.enqueue(PI, { message: 'two', timestamp: taskTime }, { origin: 'task' });

    const [first, second] = outbox.items(PI.key);
    assert.equal(first.notification.timestamp, new Date(START).toISOString());
    assert.equal(second.notification.timestamp, taskTime.toISOString());
  });
});

describe('outbox persistence', () => {
  test('new outbox finds stored queue', async () => {
    const device = new ScriptedDevice();
    const storage = new MemoryStorage();
    const first = await createOutbox(device, { storage });
    await first.outbox.enqueue(
      PI,
      { message: 'kept', title: 'Build', priority: 'high' },
      {
        origin: 'task',
        failure: failure('refused'),
      },
    );
    await first.outbox.close();

    const second = await createOutbox(device, { storage, time: first.time });
    assert.equal(second.outbox.pendingCount(PI.key), 1);
    const [item] = second.outbox.items(PI.key);
    assert.equal(item.notification.title, 'Build');
    assert.equal(item.notification.priority, 'high');
    assert.equal(item.origin, 'task');

    second.time.advance(2000);
    await second.outbox.drainDue();
    assert.deepEqual(device.received, ['kept']);
  });

  test('stored state holds no token', async () => {
    const device = new ScriptedDevice();
    const { outbox, storage } = await createOutbox(device);
    await outbox.enqueue(PI, { message: 'one' }, { origin: 'manual', failure: failure('refused') });

    const stored = JSON.stringify(await storage.read());
    assert.doesNotMatch(stored, /token/i);
    assert.doesNotMatch(stored, /127\.0\.0\.1/);
  });

  test('history keeps last hundred entries', async () => {
    const device = new ScriptedDevice();
    const { outbox } = await createOutbox(device);
    for (let index = 0; index < 105; index += 1) {
      await outbox.record({
        at: START + index,
        deviceKey: PI.key,
        deviceName: 'Pi',
        outcome: 'sent',
        origin: 'manual',
        fromOutbox: false,
        notification: { message: `message ${index}` },
      });
    }
    const history = outbox.history();
    assert.equal(history.length, 100);
    assert.equal(history[0].preview, 'message 104');
    assert.equal(history[99].preview, 'message 5');
    assert.deepEqual(history[0].notification, { message: 'message 104' });
  });

  test('invalid stored items are skipped', async () => {
    const device = new ScriptedDevice();
    const storage = new MemoryStorage();
    const state: OutboxState = {
      version: 1,
      nextSequence: 3,
      queues: {
        [PI.key]: {
          items: [
            {
              id: 'a',
              sequence: 1,
              deviceKey: PI.key,
              deviceName: 'Pi',
              notification: { message: 'valid' },
              origin: 'manual',
              queuedAt: START,
              expiresAt: START + MINUTE_MS,
            },
            { id: 'b', sequence: 2 } as unknown as OutboxItem,
          ],
          attempts: 1,
          nextAttemptAt: START,
        },
      },
      history: [],
    };
    await storage.write(state);
    const { outbox, log } = await createOutbox(device, { storage });

    assert.equal(outbox.pendingCount(PI.key), 1);
    assert.ok(log.lines.some((line) => line.includes('Skipped 1 invalid record')));
  });
});

describe('outbox leases', () => {
  test('second instance skips leased device', async () => {
    const storage = new MemoryStorage();
    const lock = new MemoryLock();
    const time = new FakeTime();
    let releaseSend!: () => void;
    const sending = new Promise<void>((resolve) => {
      releaseSend = resolve;
    });
    const slow = new ScriptedDevice();
    const slowDeliver: DeliverFunction = async (item, signal) => {
      await sending;
      return slow.deliver(item, signal);
    };
    const fast = new ScriptedDevice();
    const first = new Outbox({
      storage,
      lock,
      deliver: slowDeliver,
      clock: { now: () => time.now },
      timers: time,
    });
    const second = new Outbox({
      storage,
      lock,
      deliver: fast.deliver,
      clock: { now: () => time.now },
      timers: time,
    });
    open.push(first, second);
    await first.load();
    await first.enqueue(PI, { message: 'once' }, { origin: 'manual', failure: failure('refused') });
    await second.load();

    time.advance(3000);
    const firstDrain = first.drainDue();
    await new Promise((resolve) => setImmediate(resolve));
    await second.drainDue();
    releaseSend();
    await firstDrain;

    assert.deepEqual(slow.received, ['once']);
    assert.deepEqual(fast.attempts, []);
  });

  test('lease of dead process is taken', async () => {
    const storage = new MemoryStorage();
    const lock = new MemoryLock();
    const time = new FakeTime();
    const stuck: DeliverFunction = () => new Promise<SendResult>(() => undefined);
    const crashed = new Outbox({
      storage,
      lock,
      deliver: stuck,
      clock: { now: () => time.now },
      timers: time,
    });
    await crashed.load();
    await crashed.enqueue(
      PI,
      { message: 'once' },
      { origin: 'manual', failure: failure('refused') },
    );
    time.advance(3000);
    void crashed.drainDue();
    await new Promise((resolve) => setImmediate(resolve));

    const device = new ScriptedDevice();
    const next = new Outbox({
      storage,
      lock,
      deliver: device.deliver,
      clock: { now: () => time.now },
      timers: time,
      isProcessAlive: () => false,
    });
    open.push(next);
    await next.load();
    await next.drainDue();

    assert.deepEqual(device.received, ['once']);
    assert.equal(next.pendingCount(PI.key), 0);
  });

  test('expired lease is taken over', async () => {
    const storage = new MemoryStorage();
    const lock = new MemoryLock();
    const time = new FakeTime();
    const stuck: DeliverFunction = () => new Promise<SendResult>(() => undefined);
    const hung = new Outbox({
      storage,
      lock,
      deliver: stuck,
      clock: { now: () => time.now },
      timers: time,
      leaseMs: 30_000,
    });
    await hung.load();
    await hung.enqueue(PI, { message: 'once' }, { origin: 'manual', failure: failure('refused') });
    time.advance(3000);
    void hung.drainDue();
    await new Promise((resolve) => setImmediate(resolve));

    const device = new ScriptedDevice();
    const next = new Outbox({
      storage,
      lock,
      deliver: device.deliver,
      clock: { now: () => time.now },
      timers: time,
    });
    open.push(next);
    await next.load();
    await next.drainDue();
    assert.deepEqual(device.received, []);

    time.advance(30_000);
    await next.drainDue();
    assert.deepEqual(device.received, ['once']);
  });
});
