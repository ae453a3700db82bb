/**
 * Sends with the real sender to the real receiver over 127.0.0.1, for every framing, and
 * checks that the receiver decodes exactly what the sender encoded.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  startReceiver,
  type ReceivedNotification,
  type ReceiverLogEntry,
  type ReceiverOptions,
} from '../../src/receiver/receiver';
import { encodeNotification, sendNotification } from '../../src/sender';
import type { DeviceTarget, Notification } from '../../src/sender/types';

const SEND_TIMEOUT_MS = 5_000;
const TEST_TIMEOUT_MS = 10_000;

const NOTIFICATION: Notification = {
  title: 'Build ✅',
  message: 'Grüße 😀🎉 👩‍💻\nsecond line with \\ backslash and \\n text\r\nthird',
  priority: 'high',
  source: 'tests',
  timestamp: new Date('2026-07-08T09:10:11.012Z'),
  task: { name: 'build', status: 'failed', exitCode: 2, durationMs: 3210, folder: 'app' },
};

const TITLED_TEXT = `${NOTIFICATION.title}: ${NOTIFICATION.message}`;

interface Loopback {
  notifications: ReceivedNotification[];
  logs: ReceiverLogEntry[];
  device(overrides: Partial<DeviceTarget>): DeviceTarget;
}

/** Starts a receiver on port 0 and returns a device that points at it. */
async function startLoopback(t: TestContext, options: Partial<ReceiverOptions>): Promise<Loopback> {
  const notifications: ReceivedNotification[] = [];
  const logs: ReceiverLogEntry[] = [];
  const receiver = await startReceiver({
    port: 0,
    onNotification: (notification) => void notifications.push(notification),
    onLog: (entry) => void logs.push(entry),
    ...options,
  });
  t.after(() => receiver.close());
  return {
    notifications,
    logs,
    device: (overrides) => ({
      name: 'loopback receiver',
      host: '127.0.0.1',
      port: receiver.address.port,
      framing: options.framing ?? 'raw',
      lineEnding: 'lf',
      lineBreaks: options.lineBreaks ?? 'escape',
      maxBytes: 4096,
      timeoutMs: SEND_TIMEOUT_MS,
      ...overrides,
    }),
  };
}

/** What the receiver should report for `NOTIFICATION` in each framing. */
const CASES: {
  name: string;
  receiver: Partial<ReceiverOptions>;
  device: Partial<DeviceTarget>;
  expected: Partial<ReceivedNotification>;
}[] = [
  {
    name: 'raw',
    receiver: { framing: 'raw' },
    device: {},
    expected: { message: NOTIFICATION.message },
  },
  {
    name: 'line escape lf',
    receiver: { framing: 'line' },
    device: { lineEnding: 'lf' },
    expected: { message: TITLED_TEXT },
  },
  {
    name: 'line escape crlf',
    receiver: { framing: 'line' },
    device: { lineEnding: 'crlf' },
    expected: { message: TITLED_TEXT },
  },
  {
    name: 'line space crlf',
    receiver: { framing: 'line', lineBreaks: 'space' },
    device: { lineEnding: 'crlf', lineBreaks: 'space' },
    expected: { message: TITLED_TEXT.replace(/\r\n|\r|\n/g, ' ') },
  },
  {
    name: 'json lf',
    receiver: { framing: 'json' },
    device: {},
    expected: {
      title: NOTIFICATION.title,
      message: NOTIFICATION.message,
      priority: 'high',
      source: 'tests',
      sentAt: NOTIFICATION.timestamp,
      task: NOTIFICATION.task,
    },
  },
  {
    name: 'json crlf with token',
    receiver: { framing: 'json', token: 'pi-token' },
    device: { lineEnding: 'crlf', token: 'pi-token' },
    expected: { title: NOTIFICATION.title, message: NOTIFICATION.message },
  },
  {
    name: 'length-prefixed',
    receiver: { framing: 'length-prefixed' },
    device: {},
    expected: { message: TITLED_TEXT },
  },
];

for (const testCase of CASES) {
  for (const ack of [undefined, 'OK']) {
    const name = `round trip ${testCase.name}${ack === undefined ? '' : ' with ack'}`;
    void test(name, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const loopback = await startLoopback(t, { ...testCase.receiver, ack });
      const device = loopback.device({
        ...testCase.device,
        ...(ack === undefined ? {} : { ack: { expect: ack } }),
      });
      const result = await sendNotification(device, NOTIFICATION);
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.outcome, ack === undefined ? 'sent' : 'delivered');
      assert.equal(result.truncated, false);
      // Without an ack, the send can end before the receiver has read the payload.
      await waitForCondition(() => loopback.notifications.length === 1);
      const [received] = loopback.notifications;
      assert.equal(received.framing, device.framing);
      for (const [key, value] of Object.entries(testCase.expected)) {
        assert.deepEqual(received[key as keyof ReceivedNotification], value, key);
      }
      assert.deepEqual(loopback.logs, []);
    });
  }
}

void test('round trip several sends', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const loopback = await startLoopback(t, { framing: 'length-prefixed', ack: 'OK' });
  const device = loopback.device({ ack: { expect: 'OK' } });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      sendNotification(device, { message: `message ${index} 😀` }),
    ),
  );
  assert.deepEqual(
    results.map((result) => result.outcome),
    Array.from({ length: 20 }, () => 'delivered'),
  );
  assert.equal(loopback.notifications.length, 20);
});

void test('truncated line stays decodable', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const loopback = await startLoopback(t, { framing: 'line', ack: 'OK' });
  const device = loopback.device({ maxBytes: 40, ack: { expect: 'OK' } });
  const notification: Notification = { message: '\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\😀😀😀' };
  const encoded = encodeNotification(device, notification);
  assert.equal(encoded.truncated, true);
  const result = await sendNotification(device, notification);
  assert.equal(result.outcome, 'delivered', result.error?.message);
  const [received] = loopback.notifications;
  assert.ok(received.message.endsWith('…'), received.message);
  assert.match(received.message, /^\\+…$/);
});

void test('wrong token fails the send', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const loopback = await startLoopback(t, { framing: 'json', token: 'pi-token', ack: 'OK' });
  const device = loopback.device({ token: 'guessed', ack: { expect: 'OK' } });
  const result = await sendNotification(device, NOTIFICATION);
  assert.equal(result.outcome, 'failed');
  assert.equal(result.error?.stage, 'ack');
  assert.equal(loopback.notifications.length, 0);
  assert.deepEqual(
    loopback.logs.map((entry) => entry.code),
    ['token-rejected'],
  );
});

void test('oversized send fails, receiver survives', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const loopback = await startLoopback(t, { framing: 'raw', ack: 'OK', maxMessageBytes: 1024 });
  const device = loopback.device({ maxBytes: 100_000, ack: { expect: 'OK' } });
  const oversized = await sendNotification(device, { message: 'x'.repeat(50_000) });
  assert.equal(oversized.outcome, 'failed');
  const fits = await sendNotification(device, { message: 'fits' });
  assert.equal(fits.outcome, 'delivered', fits.error?.message);
  assert.deepEqual(
    loopback.notifications.map((notification) => notification.message),
    ['fits'],
  );
  assert.equal(loopback.logs[0].code, 'message-too-large');
});

/** Resolves once `read()` returns true, checking every few milliseconds. */
async function waitForCondition(read: () => boolean): Promise<void> {
  while (!read()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
