import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { sendNotification, testConnection, type LookupFunction } from '../../src/sender';
import { createSelfSignedCertificate, type TestCertificate } from './helpers/certificates';
import { testDevice } from './helpers/devices';
import { hasCommand } from './helpers/peers';
import { startReadingReceiver, type Receiver } from './helpers/receivers';

const opensslMissing = hasCommand('openssl')
  ? false
  : 'openssl is needed to create test certificates';
if (opensslMissing && process.env.CI) {
  throw new Error(`${opensslMissing}; CI must provide it`);
}

describe('tls sends', { skip: opensslMissing }, () => {
  let first: TestCertificate;
  let second: TestCertificate;
  const receivers: Receiver[] = [];

  before(() => {
    first = createSelfSignedCertificate('device-push-test-1');
    second = createSelfSignedCertificate('device-push-test-2');
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  after(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  async function tlsReceiver(certificate: TestCertificate): Promise<Receiver> {
    const receiver = await startReadingReceiver({
      tls: { cert: certificate.cert, key: certificate.key },
    });
    receivers.push(receiver);
    return receiver;
  }

  test('pinned fingerprint works', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, { tls: { fingerprint: first.fingerprint256 } });
    const result = await sendNotification(device, { message: 'Grüße über TLS' });
    assert.equal(result.outcome, 'sent');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('Grüße über TLS'));
  });

  test('pin ignores case and colons', async () => {
    const receiver = await tlsReceiver(first);
    const pin = first.fingerprint256.replace(/:/g, '').toLowerCase();
    const result = await sendNotification(
      testDevice(receiver.port, { tls: { fingerprint: pin } }),
      {
        message: 'hi',
      },
    );
    assert.equal(result.outcome, 'sent');
  });

  test('changed certificate fails pin', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, {
      name: 'Pi',
      tls: { fingerprint: first.fingerprint256 },
    });
    assert.equal((await sendNotification(device, { message: 'before' })).outcome, 'sent');

    receiver.setCertificate({ cert: second.cert, key: second.key });
    const result = await sendNotification(device, { message: 'after' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'fingerprint-mismatch');
    assert.equal(result.error?.stage, 'tls');
    assert.match(result.error?.message ?? '', new RegExp(second.fingerprint256));
    assert.match(result.error?.message ?? '', /"Pi"/);

    assert.deepEqual(await receiver.nextMessage(), Buffer.from('before'));
    await sleep(50);
    await receiver.allClosed();
    const afterChange = receiver.messages.slice(1);
    assert.ok(
      afterChange.every((message) => message.length === 0),
      'no byte after a bad pin',
    );
  });

  test('unknown certificate is untrusted', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, { name: 'Pi', tls: {} });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'tls-untrusted');
    assert.equal(result.error?.stage, 'tls');
    assert.match(result.error?.message ?? '', /not trusted/);
    assert.match(result.error?.message ?? '', /pin its SHA-256 fingerprint/);
    assert.equal(receiver.messages.length, 0);
  });

  test('no SNI for IP address', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, { tls: { fingerprint: first.fingerprint256 } });
    await sendNotification(device, { message: 'hi' });
    assert.deepEqual(receiver.servernames, [false]);
  });

  test('custom CA works', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, { tls: { ca: first.cert } });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.outcome, 'sent');
    assert.deepEqual(await receiver.nextMessage(), Buffer.from('hi'));
  });

  test('wrong CA is untrusted', async () => {
    const receiver = await tlsReceiver(first);
    const device = testDevice(receiver.port, { tls: { ca: second.cert } });
    const result = await sendNotification(device, { message: 'hi' });
    assert.equal(result.error?.code, 'tls-untrusted');
  });

  test('unnamed host gets name hint', async () => {
    const receiver = await tlsReceiver(first);
    // The name resolves to loopback here; the certificate names only localhost and loopback IPs.
    const lookup: LookupFunction = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const device = testDevice(receiver.port, { host: 'pi.test', tls: { ca: first.cert } });
    const result = await sendNotification(device, { message: 'hi' }, { lookup });
    assert.equal(result.error?.code, 'tls-untrusted');
    assert.match(result.error?.message ?? '', /certificate does not name "pi\.test"/);
  });

  test('host name sends SNI', async () => {
    const receiver = await tlsReceiver(first);
    const lookup: LookupFunction = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const device = testDevice(receiver.port, { host: 'localhost', tls: { ca: first.cert } });
    const result = await sendNotification(device, { message: 'hi' }, { lookup });
    assert.equal(result.outcome, 'sent');
    assert.deepEqual(receiver.servernames, ['localhost']);
  });

  test('check verifies pinned certificate', async () => {
    const receiver = await tlsReceiver(first);
    const good = await testConnection(
      testDevice(receiver.port, { tls: { fingerprint: first.fingerprint256 } }),
    );
    assert.equal(good.ok, true);
    const bad = await testConnection(
      testDevice(receiver.port, { tls: { fingerprint: second.fingerprint256 } }),
    );
    assert.equal(bad.ok, false);
    assert.equal(bad.error?.code, 'fingerprint-mismatch');
  });
});
