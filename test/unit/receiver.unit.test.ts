import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import {
  ReceiverError,
  startReceiver,
  type ReceivedNotification,
  type Receiver,
  type ReceiverLogCode,
  type ReceiverLogEntry,
  type ReceiverOptions,
} from '../../src/receiver/receiver';

const TEST_TIMEOUT_MS = 10_000;

interface Harness {
  receiver: Receiver;
  port: number;
  notifications: ReceivedNotification[];
  logs: ReceiverLogEntry[];
  /** Resolves once `count` notifications have arrived in total. */
  waitForNotifications(count: number): Promise<ReceivedNotification[]>;
  /** Resolves with the first log entry of `code`, including earlier ones. */
  waitForLog(code: ReceiverLogCode): Promise<ReceiverLogEntry>;
}

/** Starts a receiver on 127.0.0.1 port 0 that records everything, closed after the test. */
async function startHarness(
  t: TestContext,
  options: Partial<ReceiverOptions> = {},
): Promise<Harness> {
  const notifications: ReceivedNotification[] = [];
  const logs: ReceiverLogEntry[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((waiter) => waiter());
  const waitUntil = <T>(read: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const value = read();
        if (value === undefined) {
          waiters.push(check);
        } else {
          resolve(value);
        }
      };
      check();
    });
  const receiver = await startReceiver({
    port: 0,
    onNotification: (notification) => {
      notifications.push(notification);
      wake();
    },
    onLog: (entry) => {
      logs.push(entry);
      wake();
    },
    ...options,
  });
  t.after(() => receiver.close());
  return {
    receiver,
    port: receiver.address.port,
    notifications,
    logs,
    waitForNotifications: (count) =>
      waitUntil(() => (notifications.length >= count ? notifications.slice(0, count) : undefined)),
    waitForLog: (code) => waitUntil(() => logs.find((entry) => entry.code === code)),
  };
}

interface ExchangeResult {
  reply: string;
  errorCode?: string;
}

/**
 * Connects, writes each chunk as a separate write, half-closes unless `end` is false, and
 * resolves with everything the receiver replied once the connection closes.
 */
async function exchange(
  port: number,
  chunks: (string | Buffer)[],
  { end = true } = {},
): Promise<ExchangeResult> {
  const socket = await openClient(port);
  return talk(socket, chunks, end);
}

function talk(socket: Socket, chunks: (string | Buffer)[], end: boolean): Promise<ExchangeResult> {
  const received: Buffer[] = [];
  let errorCode: string | undefined;
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (errorCode = error.code));
  const closed = once(socket, 'close');
  for (const chunk of chunks) {
    socket.write(chunk);
  }
  if (end) {
    socket.end();
  }
  return closed.then(() => {
    const result: ExchangeResult = { reply: Buffer.concat(received).toString('utf8') };
    if (errorCode !== undefined) {
      result.errorCode = errorCode;
    }
    return result;
  });
}

async function openClient(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  socket.on('error', () => undefined);
  // Once the receiver has ended its side, the client has nothing more to wait for.
  socket.on('end', () => socket.end());
  await once(socket, 'connect');
  return socket;
}

function lengthPrefixed(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(body.length, 0);
  return Buffer.concat([prefix, body]);
}

/** Resolves once `read()` returns true, checking every few milliseconds. */
async function waitForCondition(read: () => boolean): Promise<void> {
  while (!read()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

void test('raw framing decodes split UTF-8', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t);
  const emoji = Buffer.from('😀', 'utf8');
  await exchange(harness.port, [
    'Build done ',
    emoji.subarray(0, 2),
    emoji.subarray(2),
    '\nsecond line',
  ]);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'Build done 😀\nsecond line');
  assert.equal(notification.framing, 'raw');
  assert.equal(notification.title, undefined);
  assert.match(notification.from, /^127\.0\.0\.1:\d+$/);
  assert.ok(notification.receivedAt instanceof Date);
});

void test('raw ack follows half close', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { ack: 'OK' });
  const result = await exchange(harness.port, ['ping']);
  assert.equal(result.reply, 'OK\n');
  assert.equal(result.errorCode, undefined);
  assert.equal(harness.notifications[0].message, 'ping');
});

void test('raw empty connection delivers nothing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { ack: 'OK' });
  const result = await exchange(harness.port, []);
  assert.equal(result.reply, '');
  assert.equal(harness.notifications.length, 0);
});

void test('line framing decodes escapes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line' });
  await exchange(harness.port, ['Tests: 3 failed\\nsee C:\\\\logs\\r\\nend\n']);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'Tests: 3 failed\nsee C:\\logs\r\nend');
  assert.equal(notification.title, undefined);
});

void test('line framing accepts CRLF endings', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line' });
  await exchange(harness.port, ['first\r\nsec', 'ond\r', '\n\r\nlast without end']);
  const notifications = await harness.waitForNotifications(3);
  assert.deepEqual(
    notifications.map((notification) => notification.message),
    ['first', 'second', 'last without end'],
  );
});

void test('line framing space rule', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line', lineBreaks: 'space' });
  await exchange(harness.port, ['C:\\new folder\n']);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'C:\\new folder');
});

void test('json framing decodes fields', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'json' });
  const record = {
    title: 'Task failed',
    message: 'npm test exited with 1\n😀',
    source: 'vscode',
    priority: 'high',
    timestamp: '2026-03-04T05:06:07.000Z',
    task: { name: 'test', status: 'failed', exitCode: 1, durationMs: 4200 },
  };
  await exchange(harness.port, [`${JSON.stringify(record)}\r\n`]);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.framing, 'json');
  assert.equal(notification.title, 'Task failed');
  assert.equal(notification.message, 'npm test exited with 1\n😀');
  assert.equal(notification.source, 'vscode');
  assert.equal(notification.priority, 'high');
  assert.deepEqual(notification.sentAt, new Date('2026-03-04T05:06:07.000Z'));
  assert.deepEqual(notification.task, record.task);
});

void test('length-prefixed reads several frames', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'length-prefixed', ack: 'OK' });
  const stream = Buffer.concat([
    lengthPrefixed('one'),
    lengthPrefixed('two\nlines'),
    lengthPrefixed('three 😀'),
  ]);
  const result = await exchange(harness.port, [stream.subarray(0, 9), stream.subarray(9)]);
  const notifications = await harness.waitForNotifications(3);
  assert.deepEqual(
    notifications.map((notification) => notification.message),
    ['one', 'two\nlines', 'three 😀'],
  );
  assert.equal(result.reply, 'OK\nOK\nOK\n');
});

void test('ack follows each line', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line', ack: 'RECEIVED' });
  const socket = await openClient(harness.port);
  const replies: string[] = [];
  socket.on('data', (chunk: Buffer) => replies.push(chunk.toString('utf8')));
  socket.write('first\n');
  await waitForCondition(() => replies.join('') === 'RECEIVED\n');
  socket.write('second\n');
  await waitForCondition(() => replies.join('') === 'RECEIVED\nRECEIVED\n');
  socket.end();
  await once(socket, 'close');
  assert.equal(harness.notifications.length, 2);
});

void test('invalid UTF-8 is replaced', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t);
  await exchange(harness.port, [Buffer.from([0x6f, 0x6b, 0xff, 0xc3])]);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'ok\ufffd\ufffd');
});

void test('oversized raw message is dropped', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { maxMessageBytes: 1000, ack: 'OK' });
  const oversized = await exchange(harness.port, ['x'.repeat(600), 'y'.repeat(600)]);
  assert.equal(oversized.reply, '');
  const entry = await harness.waitForLog('message-too-large');
  assert.equal(entry.level, 'warn');
  assert.match(entry.message, /exceeded 1000 bytes/);
  assert.equal(harness.receiver.counters.messagesTooLarge, 1);

  const next = await exchange(harness.port, ['x'.repeat(1000)]);
  assert.equal(next.reply, 'OK\n');
  const notifications = await harness.waitForNotifications(1);
  assert.equal(notifications[0].message.length, 1000);
});

void test('oversized line closes connection', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line', maxMessageBytes: 10, ack: 'OK' });
  const result = await exchange(harness.port, ['0123456789\n', '0123456789A\n', 'after\n']);
  assert.equal(result.reply, 'OK\n');
  await harness.waitForLog('message-too-large');
  assert.deepEqual(
    harness.notifications.map((notification) => notification.message),
    ['0123456789'],
  );
  await exchange(harness.port, ['next\n']);
  const notifications = await harness.waitForNotifications(2);
  assert.equal(notifications[1].message, 'next');
});

void test('oversized length prefix closes early', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'length-prefixed', maxMessageBytes: 100 });
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(0xffffffff, 0);
  // The client never sends the body, so only the prefix can trigger the close.
  const result = await exchange(harness.port, [prefix], { end: false });
  assert.equal(result.reply, '');
  await harness.waitForLog('message-too-large');
  await exchange(harness.port, [lengthPrefixed('still serving')]);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'still serving');
});

void test('malformed json is skipped', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'json', ack: 'OK' });
  const result = await exchange(harness.port, [
    '{"message": "unterminated\n',
    '{"message": 42}\n',
    '[]\n',
    '{"message":"valid"}\n',
  ]);
  assert.equal(result.reply, 'OK\n');
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'valid');
  assert.deepEqual(
    harness.logs.map((entry) => entry.code),
    ['invalid-json', 'invalid-notification', 'invalid-json'],
  );
  assert.equal(harness.receiver.counters.messagesRejected, 3);
});

void test('reset mid-frame is survived', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'length-prefixed' });
  const socket = await openClient(harness.port);
  socket.write(lengthPrefixed('never finished').subarray(0, 8));
  await waitForCondition(() => harness.receiver.counters.openConnections === 1);
  socket.resetAndDestroy();
  await waitForCondition(() => harness.receiver.counters.openConnections === 0);
  // Linux reports a reset right after data either as ECONNRESET or as a plain end of stream.
  const codes = harness.logs.map((entry) => entry.code);
  assert.equal(codes.length, 1);
  assert.ok(['socket-error', 'incomplete-frame'].includes(codes[0]), codes[0]);
  await exchange(harness.port, [lengthPrefixed('after reset')]);
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'after reset');
  assert.equal(harness.notifications.length, 1);
});

void test('incomplete frame is logged', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'length-prefixed' });
  await exchange(harness.port, [lengthPrefixed('done'), lengthPrefixed('cut').subarray(0, 5)]);
  const entry = await harness.waitForLog('incomplete-frame');
  assert.match(entry.message, /5 bytes were dropped/);
  assert.equal(harness.notifications.length, 1);
});

void test('idle timeout closes silent client', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const idleTimeoutMs = 100;
  const harness = await startHarness(t, { framing: 'line', idleTimeoutMs });
  const startedAt = Date.now();
  const result = await exchange(harness.port, ['partial line'], { end: false });
  const elapsedMs = Date.now() - startedAt;
  assert.equal(result.reply, '');
  assert.ok(elapsedMs >= idleTimeoutMs - 10, `closed after ${elapsedMs} ms`);
  assert.ok(elapsedMs < 2_000, `closed after ${elapsedMs} ms`);
  assert.equal(harness.receiver.counters.idleTimeouts, 1);
  assert.equal((await harness.waitForLog('idle-timeout')).level, 'info');
  assert.equal(harness.notifications.length, 0);
});

void test('token accepts matching token', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'json', token: 's3cret', ack: 'OK' });
  const line = JSON.stringify({ message: 'hello', token: 's3cret' });
  const result = await exchange(harness.port, [`${line}\n`]);
  assert.equal(result.reply, 'OK\n');
  const [notification] = await harness.waitForNotifications(1);
  assert.equal(notification.message, 'hello');
  assert.equal('token' in notification, false);
});

void test('token rejects wrong and missing', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'json', token: 's3cret', ack: 'OK' });
  const wrong = await exchange(harness.port, [
    `${JSON.stringify({ message: 'a', token: 's3creT' })}\n`,
  ]);
  const missing = await exchange(harness.port, [`${JSON.stringify({ message: 'b' })}\n`]);
  assert.equal(wrong.reply, '');
  assert.equal(missing.reply, '');
  const rejections = harness.logs.filter((entry) => entry.code === 'token-rejected');
  assert.equal(rejections.length, 2);
  assert.match(rejections[0].message, /wrong token/);
  assert.match(rejections[1].message, /no token/);
  for (const entry of harness.logs) {
    assert.doesNotMatch(entry.message, /s3cre/);
  }
  assert.equal(harness.notifications.length, 0);
  assert.equal(harness.receiver.counters.messagesRejected, 2);
});

void test('token rejects non-JSON lines', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'json', token: 's3cret', ack: 'OK' });
  const result = await exchange(harness.port, ['plain text s3cret\n']);
  assert.equal(result.reply, '');
  await harness.waitForLog('invalid-json');
  assert.equal(harness.notifications.length, 0);
});

void test('token needs json framing', async () => {
  await assert.rejects(
    startReceiver({ port: 0, framing: 'line', token: 's3cret', onNotification: () => undefined }),
    (error: unknown) => {
      assert.ok(error instanceof ReceiverError);
      assert.equal(error.code, 'invalid-option');
      assert.equal(error.stage, 'options');
      assert.match(error.message, /json framing/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    },
  );
});

void test('invalid options are rejected', async () => {
  const cases: [Partial<ReceiverOptions>, RegExp][] = [
    [{ port: -1 }, /Invalid port/],
    [{ port: 70_000 }, /Invalid port/],
    [{ framing: 'xml' as never }, /Invalid framing/],
    [{ lineBreaks: 'tab' as never }, /Invalid lineBreaks/],
    [{ ack: 'O\nK' }, /Invalid ack/],
    [{ ack: '' }, /Invalid ack/],
    [{ framing: 'json', token: '' }, /Invalid token/],
    [{ maxMessageBytes: 0 }, /Invalid maxMessageBytes/],
    [{ idleTimeoutMs: 1.5 }, /Invalid idleTimeoutMs/],
    [{ maxConnections: 0 }, /Invalid maxConnections/],
    [{ host: '' }, /Invalid host/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      startReceiver({ port: 0, onNotification: () => undefined, ...options }),
      (error: unknown) => error instanceof ReceiverError && message.test(error.message),
      JSON.stringify(options),
    );
  }
});

void test('busy port fails with code', async (t) => {
  const harness = await startHarness(t);
  await assert.rejects(
    startReceiver({ port: harness.port, onNotification: () => undefined }),
    (error: unknown) => {
      assert.ok(error instanceof ReceiverError);
      assert.equal(error.code, 'listen-failed');
      assert.equal(error.stage, 'listen');
      assert.match(error.message, /EADDRINUSE/);
      return true;
    },
  );
});

void test('hundred concurrent clients delivered', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const clients = 100;
  const harness = await startHarness(t, { ack: 'OK', maxConnections: clients });
  const startedAt = Date.now();
  const results = await Promise.all(
    Array.from({ length: clients }, (_, index) => exchange(harness.port, [`message ${index}`])),
  );
  const elapsedMs = Date.now() - startedAt;
  t.diagnostic(`${clients} concurrent raw sends with ack took ${elapsedMs} ms`);
  assert.deepEqual(
    results.map((result) => result.reply),
    Array.from({ length: clients }, () => 'OK\n'),
  );
  const messages = harness.notifications.map((notification) => notification.message).sort();
  const expected = Array.from({ length: clients }, (_, index) => `message ${index}`).sort();
  assert.deepEqual(messages, expected);
  assert.equal(harness.receiver.counters.connectionsRejected, 0);
});

void test('connection limit closes extras', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line', ack: 'OK', maxConnections: 2 });
  const first = await openClient(harness.port);
  const second = await openClient(harness.port);
  await waitForCondition(() => harness.receiver.counters.openConnections === 2);

  const extra = await exchange(harness.port, ['over the limit\n'], { end: false });
  assert.equal(extra.reply, '');
  const entry = await harness.waitForLog('connection-limit');
  assert.match(entry.message, /2 connections are already open/);
  assert.equal(harness.receiver.counters.connectionsRejected, 1);

  first.destroy();
  await waitForCondition(() => harness.receiver.counters.openConnections === 1);
  const later = await exchange(harness.port, ['fits again\n']);
  assert.equal(later.reply, 'OK\n');
  assert.deepEqual(
    harness.notifications.map((notification) => notification.message),
    ['fits again'],
  );
  second.destroy();
});

void test('close destroys open connections', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const harness = await startHarness(t, { framing: 'line' });
  const socket = await openClient(harness.port);
  await waitForCondition(() => harness.receiver.counters.openConnections === 1);
  const closed = once(socket, 'close');
  await harness.receiver.close();
  await closed;
  await harness.receiver.close();
  const probe = createServer();
  // The port is free again once the receiver has closed.
  await new Promise<void>((resolve) => probe.listen(harness.port, '127.0.0.1', resolve));
  await new Promise((resolve) => probe.close(resolve));
});

void test('handler errors are logged', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  let calls = 0;
  const harness = await startHarness(t, {
    framing: 'line',
    ack: 'OK',
    onNotification: () => {
      calls += 1;
      if (calls === 1) {
        throw new Error('display failed');
      }
      return Promise.reject(new Error('async display failed'));
    },
  });
  const result = await exchange(harness.port, ['one\ntwo\n']);
  assert.equal(result.reply, 'OK\nOK\n');
  await waitForCondition(
    () => harness.logs.filter((entry) => entry.code === 'callback-failed').length === 2,
  );
  assert.equal(harness.logs[0].level, 'error');
  assert.match(harness.logs[0].message, /display failed/);
  assert.equal(harness.receiver.counters.notifications, 2);
});
