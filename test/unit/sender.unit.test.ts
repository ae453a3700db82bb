import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  encodeNotification,
  sendNotification,
  sendToMany,
  testConnection,
  type LookupFunction,
  type SendResult,
} from '../../src/sender';
import { testDevice } from './helpers/devices';
import {
  countSocketHandles,
  findFreePort,
  startAckReceiver,
  startClosingReceiver,
  startFirstChunkReceiver,
  startGreetingReceiver,
  startLingeringReceiver,
  startNeverReadingReceiver,
  startReadingReceiver,
  startResettingReceiver,
  startSilentReceiver,
  startSlowReceiver,
  type Receiver,
} from './helpers/receivers';
import { requirePeer } from './helpers/peers';
import { startStalledListener } from './helpers/stalled-listener';

/** Deadline for sends that are expected to time out. */
const SHORT_TIMEOUT_MS = 300;
/** Allowed lateness of a deadline, for timer and scheduling delays. */
const DEADLINE_SLACK_MS = 250;
/**
 * Bigger than the loopback socket buffers of both ends (Linux allows up to 32 MiB of receive
 * and 4 MiB of send buffer by default), so a write to a receiver that never reads stalls.
 */
const STALLING_PAYLOAD_BYTES = 64 * 1024 * 1024;
/**
 * Allowed lateness with a stalling payload: handing tens of MiB to the kernel blocks the event
 * loop, so the deadline timer can fire late on a busy machine.
 */
const STALLING_SLACK_MS = 1500;
/**
 * Deadline of a send with a stalling payload: preparing and handing over tens of MiB can take
 * longer than SHORT_TIMEOUT_MS on a loaded machine, and the send must reach the write stage.
 */
const STALLING_TIMEOUT_MS = 2000;
/** Deadline of the stalled device among fast ones; long enough to tell them apart. */
const SLOW_DEVICE_TIMEOUT_MS = 2000;

/** Simulates a hosts file that maps `localhost` to both loopback addresses, in a given order. */
function localhostLookup(order: string[]): LookupFunction {
  return (hostname) => {
    assert.equal(hostname, 'localhost');
    return Promise.resolve(
      order.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

const uncaught: unknown[] = [];
const recordUncaught = (error: unknown): void => {
  uncaught.push(error);
};

before(() => {
  process.on('uncaughtException', recordUncaught);
  process.on('unhandledRejection', recordUncaught);
});

after(() => {
  process.off('uncaughtException', recordUncaught);
  process.off('unhandledRejection', recordUncaught);
  assert.deepEqual(uncaught, [], 'no error escaped the sender');
});

const receivers: Receiver[] = [];
async function track(receiver: Promise<Receiver>): Promise<Receiver> {
  const started = await receiver;
  receivers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function refusedPort(): Promise<number> {
  return findFreePort('127.0.0.1');
}

describe('plain sends', () => {
  test('raw send reaches receiver', async () => {
    const receiver = await track(startReadingReceiver());
    const device = testDevice(receiver.port);
    const result = await sendNotification(device, {
      title: 'ignored',
      message: 'Build ✅ done 🎉',
    });
    assert.equal(result.outcome, 'sent');
    assert.equal(result.error, undefined);
    assert.equal(result.bytes, 19);
    assert.equal(result.truncated, false);
    assert.equal(result.address, `127.0.0.1:${receiver.port}`);
    assert.equal(result.device, 'Test device');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('Build ✅ done 🎉'));
  });

  test('every framing arrives intact', async () => {
    const receiver = await track(startReadingReceiver());
    const notification = { title: 'CI', message: 'Grüße\nzweite Zeile', timestamp: new Date(0) };
    for (const framing of ['raw', 'line', 'json', 'length-prefixed'] as const) {
      const device = testDevice(receiver.port, { framing });
      const result = await sendNotification(device, notification);
      assert.equal(result.outcome, 'sent', framing);
      const expected = encodeNotification(device, notification).bytes;
      assert.deepEqual(await receiver.nextMessage(), expected, framing);
      assert.equal(result.bytes, expected.length, framing);
    }
  });

  test('truncated send sets flag', async () => {
    const receiver = await track(startReadingReceiver());
    const device = testDevice(receiver.port, { maxBytes: 16 });
    const result = await sendNotification(device, { message: 'Grüße '.repeat(10) });
    assert.equal(result.outcome, 'sent');
    assert.equal(result.truncated, true);
    const received = await receiver.nextMessage();
    assert.ok(received.length <= 16);
    assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(received).endsWith('…'), true);
  });

  test('slow reader receives everything', async () => {
    const receiver = await track(startSlowReceiver(5));
    const message = 'x'.repeat(512 * 1024);
    const device = testDevice(receiver.port, { maxBytes: message.length, timeoutMs: 10_000 });
    const result = await sendNotification(device, { message });
    assert.equal(result.outcome, 'sent');
    assert.equal((await receiver.nextMessage()).length, message.length);
  });

  test('ipv6 literal address works', async () => {
    const receiver = await track(startReadingReceiver({ host: '::1' }));
    for (const host of ['::1', '[::1]']) {
      const result = await sendNotification(testDevice(receiver.port, { host }), { message: 'v6' });
      assert.equal(result.outcome, 'sent', host);
      assert.equal(result.address, `[::1]:${receiver.port}`, host);
    }
  });

  test('incoming bytes without ack ignored', async () => {
    const receiver = await track(startGreetingReceiver('hello\n'));
    const result = await sendNotification(testDevice(receiver.port), { message: 'hi' });
    assert.equal(result.outcome, 'sent');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('hi'));
  });
});

describe('host names with several addresses', () => {
  test('localhost tries every address', async () => {
    const onIpv4 = await track(startReadingReceiver({ host: '127.0.0.1' }));
    const onIpv6 = await track(startReadingReceiver({ host: '::1' }));
    for (const order of [
      ['127.0.0.1', '::1'],
      ['::1', '127.0.0.1'],
    ]) {
      const lookup = localhostLookup(order);
      const deviceA = testDevice(onIpv4.port, { name: 'A', host: 'localhost' });
      const deviceB = testDevice(onIpv6.port, { name: 'B', host: 'localhost' });
      const [resultA, resultB] = await sendToMany(
        [deviceA, deviceB],
        { message: 'hi' },
        { lookup },
      );
      assert.equal(resultA.outcome, 'sent', `A with ${order.join(', ')}`);
      assert.equal(resultA.address, `127.0.0.1:${onIpv4.port}`);
      assert.equal(resultB.outcome, 'sent', `B with ${order.join(', ')}`);
      assert.equal(resultB.address, `[::1]:${onIpv6.port}`);
    }
    assert.equal(onIpv4.messages.length, 2);
    assert.equal(onIpv6.messages.length, 2);
  });

  test('system lookup resolves localhost', async () => {
    const receiver = await track(startReadingReceiver({ host: '127.0.0.1' }));
    const result = await sendNotification(testDevice(receiver.port, { host: 'localhost' }), {
      message: 'hi',
    });
    assert.equal(result.outcome, 'sent');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('hi'));
  });

  test('failure lists every address tried', async () => {
    const port = await refusedPort();
    const lookup = localhostLookup(['127.0.0.1', '::1']);
    const device = testDevice(port, { name: 'Pi', host: 'localhost' });
    const result = await sendNotification(device, { message: 'hi' }, { lookup });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'refused');
    assert.equal(result.error?.stage, 'connect');
    assert.deepEqual(result.error?.attempts, [
      { address: `127.0.0.1:${port}`, code: 'ECONNREFUSED' },
      { address: `[::1]:${port}`, code: 'ECONNREFUSED' },
    ]);
    assert.match(result.error?.message ?? '', /127\.0\.0\.1:\d+ ECONNREFUSED/);
    assert.match(result.error?.message ?? '', /\[::1\]:\d+ ECONNREFUSED/);
    assert.match(result.error?.message ?? '', /"Pi"/);
    assert.match(result.error?.message ?? '', /localhost:\d+/);
  });

  test('lookup failure reports not-found', async () => {
    const lookup: LookupFunction = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const device = testDevice(9, { name: 'Pi', host: 'pi.invalid' });
    const result = await sendNotification(device, { message: 'hi' }, { lookup });
    assert.equal(result.error?.code, 'not-found');
    assert.equal(result.error?.stage, 'lookup');
    assert.match(result.error?.message ?? '', /pi\.invalid/);
    assert.match(result.error?.message ?? '', /Check the host name/);
  });
});

describe('deadlines', () => {
  test('hung lookup times out', async () => {
    const lookup: LookupFunction = () => new Promise(() => {});
    const device = testDevice(9000, { name: 'Pi', host: 'pi.local', timeoutMs: SHORT_TIMEOUT_MS });
    const result = await sendNotification(device, { message: 'hi' }, { lookup });
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'lookup');
    assert.ok(result.durationMs >= SHORT_TIMEOUT_MS - 5, `took ${result.durationMs} ms`);
    assert.ok(
      result.durationMs < SHORT_TIMEOUT_MS + DEADLINE_SLACK_MS,
      `took ${result.durationMs} ms`,
    );
    assert.match(result.error?.message ?? '', /"Pi" at pi\.local:9000/);
    assert.match(result.error?.message ?? '', /looking up the host name/);
  });

  test('stalled connect times out', async (t) => {
    if (!requirePeer(t, 'python3')) {
      return;
    }
    const listener = await startStalledListener();
    try {
      const device = testDevice(listener.port, { name: 'Pi', timeoutMs: SHORT_TIMEOUT_MS });
      const result = await sendNotification(device, { message: 'hi' });
      assert.equal(result.error?.code, 'timed-out');
      assert.equal(result.error?.stage, 'connect');
      assert.ok(
        result.durationMs < SHORT_TIMEOUT_MS + DEADLINE_SLACK_MS,
        `took ${result.durationMs} ms`,
      );
      assert.match(result.error?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${listener.port}`));
      assert.match(result.error?.message ?? '', /while connecting/);
    } finally {
      await listener.close();
    }
  });

  test('stalled write times out', async () => {
    const receiver = await track(startNeverReadingReceiver());
    const handlesBefore = countSocketHandles();
    const device = testDevice(receiver.port, {
      name: 'Pi',
      maxBytes: STALLING_PAYLOAD_BYTES,
      timeoutMs: STALLING_TIMEOUT_MS,
    });
    const result = await sendNotification(device, { message: 'x'.repeat(STALLING_PAYLOAD_BYTES) });
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'write');
    assert.ok(result.durationMs >= STALLING_TIMEOUT_MS - 5, `took ${result.durationMs} ms`);
    assert.ok(
      result.durationMs < STALLING_TIMEOUT_MS + STALLING_SLACK_MS,
      `took ${result.durationMs} ms`,
    );
    assert.match(
      result.error?.message ?? '',
      new RegExp(`"Pi" at 127\\.0\\.0\\.1:${receiver.port}`),
    );
    assert.match(result.error?.message ?? '', /while sending/);

    // Only the receiver's own end of the connection may remain.
    await sleep(20);
    assert.ok(countSocketHandles() <= handlesBefore + 1, 'the client socket was destroyed');
  });

  test('open connection times out closing', async () => {
    const receiver = await track(startSilentReceiver());
    const device = testDevice(receiver.port, { timeoutMs: SHORT_TIMEOUT_MS });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'close');
    assert.equal(result.bytes, 2);
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('hi'));
  });

  test('slow device holds only itself', async () => {
    const slow = await track(startNeverReadingReceiver());
    const fast = await track(startReadingReceiver());
    const devices = [
      testDevice(slow.port, {
        name: 'slow',
        maxBytes: STALLING_PAYLOAD_BYTES,
        timeoutMs: SLOW_DEVICE_TIMEOUT_MS,
      }),
      ...Array.from({ length: 4 }, (_, index) =>
        testDevice(fast.port, { name: `fast ${index}`, maxBytes: 1024 }),
      ),
    ];
    const finishedAt = new Map<string, number>();
    const startedAt = Date.now();
    const results = await sendToMany(
      devices,
      { message: 'x'.repeat(STALLING_PAYLOAD_BYTES) },
      {
        concurrency: 2,
        onResult: (result) => finishedAt.set(result.device, Date.now() - startedAt),
      },
    );
    assert.equal(results[0].error?.code, 'timed-out');
    const slowFinishedAt = finishedAt.get('slow') ?? 0;
    assert.ok(slowFinishedAt >= SLOW_DEVICE_TIMEOUT_MS - 5, `slow took ${slowFinishedAt} ms`);
    for (const result of results.slice(1)) {
      assert.equal(result.outcome, 'sent', result.device);
      const fastFinishedAt = finishedAt.get(result.device) ?? Infinity;
      assert.ok(fastFinishedAt < slowFinishedAt / 2, `${result.device} took ${fastFinishedAt} ms`);
    }
  });
});

describe('failures without crashes', () => {
  test('refused port reported once', async () => {
    const port = await refusedPort();
    const good = await track(startReadingReceiver());
    const device = testDevice(port, { name: 'Pi' });
    const seen: SendResult[] = [];
    const results = await sendToMany(
      [device],
      { message: 'hi' },
      { onResult: (r) => seen.push(r) },
    );
    assert.equal(seen.length, 1);
    assert.equal(results[0].outcome, 'failed');
    assert.equal(results[0].error?.code, 'refused');
    assert.equal(results[0].error?.stage, 'connect');
    assert.equal(results[0].error?.address, `127.0.0.1:${port}`);
    assert.equal(
      results[0].error?.message,
      `Device "Pi" refused the connection at 127.0.0.1:${port}. Is the receiver running on that port?`,
    );

    const next = await sendNotification(testDevice(good.port), { message: 'after' });
    assert.equal(next.outcome, 'sent');
  });

  test('reset after reading reported', async () => {
    const receiver = await track(startResettingReceiver());
    const good = await track(startReadingReceiver());
    const size = 4 * 1024 * 1024;
    const device = testDevice(receiver.port, { maxBytes: size });
    const result = await sendNotification(device, { message: 'r'.repeat(size) });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'reset');
    assert.match(result.error?.message ?? '', /reset the connection/);
    assert.ok((await receiver.nextMessage()).length > 0);

    const next = await sendNotification(testDevice(good.port), { message: 'after' });
    assert.equal(next.outcome, 'sent');
  });

  test('tls to plain receiver fails', async () => {
    const receiver = await track(startFirstChunkReceiver());
    const good = await track(startReadingReceiver());
    const device = testDevice(receiver.port, { name: 'Pi', tls: {} });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'tls-failed');
    assert.equal(result.error?.stage, 'tls');
    assert.match(result.error?.message ?? '', /TLS handshake with device "Pi"/);
    assert.match(result.error?.message ?? '', /remove the TLS settings/);

    const next = await sendNotification(testDevice(good.port), { message: 'after' });
    assert.equal(next.outcome, 'sent');
  });

  test('tls to replying receiver fails', async () => {
    const receiver = await track(startGreetingReceiver('HELLO plain text server\r\n'));
    const result = await sendNotification(testDevice(receiver.port, { tls: {} }), {
      message: 'hi',
    });
    assert.equal(result.error?.code, 'tls-failed');
    assert.equal(result.error?.stage, 'tls');
  });

  test('tls to silent receiver times out', async () => {
    const receiver = await track(startReadingReceiver());
    const device = testDevice(receiver.port, { tls: {}, timeoutMs: SHORT_TIMEOUT_MS });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'tls');
    assert.match(result.error?.message ?? '', /during the TLS handshake/);
  });
});

describe('receiver that closes at once', () => {
  test('closing receiver never delivered', async () => {
    const receiver = await track(startClosingReceiver());
    const outcomes = new Map<string, number>();
    const devices = Array.from({ length: 20 }, (_, index) =>
      testDevice(receiver.port, { name: `d${index}`, maxBytes: 64 * 1024 }),
    );
    const settled: string[] = [];
    const results = await sendToMany(
      devices,
      { message: 'x'.repeat(64 * 1024) },
      { onResult: (result) => settled.push(result.device) },
    );
    for (const result of results) {
      const key = result.error ? `${result.outcome}:${result.error.code}` : result.outcome;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      assert.notEqual(result.outcome, 'delivered');
      if (result.outcome === 'failed') {
        assert.ok(['reset', 'peer-closed'].includes(result.error?.code ?? ''), key);
      }
    }
    assert.equal(settled.length, devices.length, 'each send settles once');
    assert.equal(new Set(settled).size, devices.length);
    // The split between `sent` and `reset` depends on whether the FIN or the data won the race.
    assert.ok(outcomes.size > 0, JSON.stringify([...outcomes]));
  });

  test('closing receiver fails ack', async () => {
    const receiver = await track(startClosingReceiver());
    const device = testDevice(receiver.port, { ack: { expect: 'OK' } });
    for (let round = 0; round < 10; round += 1) {
      const result = await sendNotification(device, { message: 'hi' });
      assert.equal(result.outcome, 'failed');
      assert.ok(['ack-missing', 'reset', 'peer-closed'].includes(result.error?.code ?? ''));
    }
  });
});

describe('acknowledgements', () => {
  test('matching reply is delivered', async () => {
    const receiver = await track(startAckReceiver('  OK  '));
    const device = testDevice(receiver.port, { framing: 'line', ack: { expect: 'OK' } });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.outcome, 'delivered');
    assert.equal(result.bytes, 3);
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('hi\n'));
  });

  test('raw framing ack after end', async () => {
    const receiver = await track(startAckReceiver('OK'));
    const device = testDevice(receiver.port, { framing: 'raw', ack: { expect: 'OK' } });
    const result = await sendNotification(device, { message: 'no newline here' });
    assert.equal(result.outcome, 'delivered');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('no newline here'));
  });

  test('other reply is mismatch', async () => {
    const receiver = await track(startAckReceiver('ERR queue full'));
    const device = testDevice(receiver.port, {
      name: 'Pi',
      framing: 'line',
      ack: { expect: 'OK' },
    });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'ack-mismatch');
    assert.equal(result.error?.stage, 'ack');
    assert.match(result.error?.message ?? '', /replied "ERR queue full" instead of "OK"/);
  });

  test('close without reply is missing', async () => {
    const receiver = await track(startReadingReceiver());
    const device = testDevice(receiver.port, { ack: { expect: 'OK' } });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.error?.code, 'ack-missing');
    assert.equal(result.error?.stage, 'ack');
  });

  test('no reply times out', async () => {
    const receiver = await track(startSilentReceiver());
    const device = testDevice(receiver.port, {
      ack: { expect: 'OK' },
      timeoutMs: SHORT_TIMEOUT_MS,
    });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.error?.code, 'timed-out');
    assert.equal(result.error?.stage, 'ack');
    assert.match(result.error?.message ?? '', /waiting for the acknowledgement/);
  });
});

describe('cancellation', () => {
  test('abort cancels pending send', async () => {
    const receiver = await track(startNeverReadingReceiver());
    const handlesBefore = countSocketHandles();
    const controller = new AbortController();
    const device = testDevice(receiver.port, {
      maxBytes: STALLING_PAYLOAD_BYTES,
      timeoutMs: 10_000,
    });
    const pending = sendNotification(
      device,
      { message: 'x'.repeat(STALLING_PAYLOAD_BYTES) },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const result = await pending;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'cancelled');
    assert.equal(result.error?.stage, 'write');
    assert.ok(result.durationMs < 3000, `took ${result.durationMs} ms`);

    // Only the receiver's own end of the connection may remain.
    await sleep(20);
    assert.ok(countSocketHandles() <= handlesBefore + 1, 'the client socket was destroyed');
  });

  test('aborted signal sends nothing', async () => {
    const receiver = await track(startReadingReceiver());
    const results = await sendToMany(
      [testDevice(receiver.port), testDevice(receiver.port)],
      { message: 'hi' },
      { signal: AbortSignal.abort() },
    );
    assert.deepEqual(
      results.map((result) => result.error?.code),
      ['cancelled', 'cancelled'],
    );
    await sleep(20);
    assert.equal(receiver.connectionCount, 0);
  });

  test('abort during lookup cancels', async () => {
    const controller = new AbortController();
    const lookup: LookupFunction = () => new Promise(() => {});
    setTimeout(() => controller.abort(), 20);
    const result = await sendNotification(
      testDevice(9000, { host: 'pi.local' }),
      { message: 'hi' },
      { signal: controller.signal, lookup },
    );
    assert.equal(result.error?.code, 'cancelled');
    assert.equal(result.error?.stage, 'lookup');
  });
});

describe('send to many devices', () => {
  test('fast devices settle first', async () => {
    const lingering = await track(startLingeringReceiver(400));
    const fast = await track(startReadingReceiver());
    const refused = await refusedPort();
    const devices = [
      testDevice(lingering.port, { name: 'slow' }),
      testDevice(refused, { name: 'refused' }),
      testDevice(fast.port, { name: 'fast 1' }),
      testDevice(fast.port, { name: 'fast 2' }),
    ];
    const order: string[] = [];
    const results = await sendToMany(
      devices,
      { message: 'hi' },
      { onResult: (r) => order.push(r.device) },
    );
    assert.deepEqual(
      results.map((result) => result.device),
      ['slow', 'refused', 'fast 1', 'fast 2'],
    );
    assert.equal(order[order.length - 1], 'slow');
    assert.deepEqual(new Set(order), new Set(['slow', 'refused', 'fast 1', 'fast 2']));
    assert.equal(results[0].outcome, 'sent');
    assert.equal(results[1].error?.code, 'refused');
    assert.equal(results[2].outcome, 'sent');
    assert.equal(results[3].outcome, 'sent');
  });

  test('concurrency limit is respected', async () => {
    const receiver = await track(startLingeringReceiver(30));
    const devices = Array.from({ length: 12 }, (_, index) =>
      testDevice(receiver.port, { name: `d${index}` }),
    );
    const results = await sendToMany(devices, { message: 'hi' }, { concurrency: 3 });
    assert.ok(results.every((result) => result.outcome === 'sent'));
    assert.ok(receiver.maxOpenConnections <= 3, `saw ${receiver.maxOpenConnections}`);
    assert.ok(receiver.maxOpenConnections >= 2, `saw ${receiver.maxOpenConnections}`);
  });

  test('empty device list resolves', async () => {
    assert.deepEqual(await sendToMany([], { message: 'hi' }), []);
  });

  test('throwing callback rejects after sends', async () => {
    const receiver = await track(startReadingReceiver());
    const devices = [testDevice(receiver.port), testDevice(receiver.port)];
    await assert.rejects(
      sendToMany(
        devices,
        { message: 'hi' },
        {
          onResult: () => {
            throw new Error('callback failed');
          },
        },
      ),
      /callback failed/,
    );
    assert.equal(receiver.messages.length, 2);
  });
});

describe('connection check', () => {
  test('check succeeds without payload', async () => {
    const receiver = await track(startReadingReceiver());
    const check = await testConnection(testDevice(receiver.port));
    assert.equal(check.ok, true);
    assert.equal(check.error, undefined);
    assert.equal(check.address, `127.0.0.1:${receiver.port}`);
    assert.deepEqual(await receiver.nextMessage(), Buffer.alloc(0));
  });

  test('check reports refused port', async () => {
    const port = await refusedPort();
    const check = await testConnection(testDevice(port, { name: 'Pi' }));
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'refused');
    assert.equal(check.address, `127.0.0.1:${port}`);
  });

  test('check honours abort signal', async () => {
    const lookup: LookupFunction = () => new Promise(() => {});
    const check = await testConnection(testDevice(9000, { host: 'pi.local' }), {
      signal: AbortSignal.timeout(20),
      lookup,
    });
    assert.equal(check.ok, false);
    assert.equal(check.error?.code, 'cancelled');
  });
});
