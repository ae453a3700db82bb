/**
 * Sends to real receiver programs: OpenBSD netcat, socat and `openssl s_server`. A missing
 * program skips its test, except under CI (env `CI` set), where it fails.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { encodeNotification, sendNotification } from '../../src/sender';
import type { DeviceTarget, Notification } from '../../src/sender/types';
import { createSelfSignedCertificate, writeCertificateFiles } from './helpers/certificates';
import { testDevice } from './helpers/devices';
import { requirePeer, startPeer, waitUntilListening, type Peer } from './helpers/peers';
import { findFreePort } from './helpers/receivers';

/** Generous deadline: peer programs start in a separate process on a shared machine. */
const PEER_TIMEOUT_MS = 5000;

const notification: Notification = {
  title: 'Build',
  message: 'Grüße ✅ 🎉\nsecond line with \\ backslash',
};

/** Starts `peer` on a free port, sends once, and returns the result with the peer's output. */
async function sendToPeer(
  startOnPort: (port: number) => Peer,
  overrides: Partial<DeviceTarget>,
): Promise<{ outcome: string; errorMessage?: string; received: Buffer; expected: Buffer }> {
  const port = await findFreePort();
  const peer = startOnPort(port);
  try {
    await waitUntilListening(port);
    const device = testDevice(port, { timeoutMs: PEER_TIMEOUT_MS, ...overrides });
    const result = await sendNotification(device, notification);
    const received = await Promise.race([
      peer.stdout,
      new Promise<Buffer>((_, reject) =>
        setTimeout(() => reject(new Error('peer did not exit')), PEER_TIMEOUT_MS),
      ),
    ]);
    return {
      outcome: result.outcome,
      errorMessage: result.error?.message,
      received,
      expected: encodeNotification(device, notification).bytes,
    };
  } finally {
    peer.stop();
  }
}

describe('netcat receiver', () => {
  for (const framing of ['raw', 'line'] as const) {
    test(`netcat receives ${framing} bytes`, async (t) => {
      if (!requirePeer(t, 'nc')) {
        return;
      }
      const run = await sendToPeer((port) => startPeer('nc', ['-l', '127.0.0.1', String(port)]), {
        framing,
      });
      assert.equal(run.outcome, 'sent', run.errorMessage);
      assert.deepEqual(run.received, run.expected);
    });
  }
});

describe('socat receiver', () => {
  for (const framing of ['raw', 'line'] as const) {
    test(`socat receives ${framing} bytes`, async (t) => {
      if (!requirePeer(t, 'socat')) {
        return;
      }
      const run = await sendToPeer(
        (port) => startPeer('socat', ['-u', `TCP-LISTEN:${port},bind=127.0.0.1`, 'STDOUT']),
        { framing },
      );
      assert.equal(run.outcome, 'sent', run.errorMessage);
      assert.deepEqual(run.received, run.expected);
    });
  }
});

describe('openssl receiver', () => {
  test('openssl s_server receives tls', async (t) => {
    if (!requirePeer(t, 'openssl')) {
      return;
    }
    const certificate = createSelfSignedCertificate('device-push-interop');
    const files = writeCertificateFiles(certificate);
    try {
      const run = await sendToPeer(
        (port) =>
          startPeer('openssl', [
            's_server',
            '-accept',
            `127.0.0.1:${port}`,
            '-cert',
            files.certPath,
            '-key',
            files.keyPath,
            '-quiet',
            '-naccept',
            '1',
          ]),
        { framing: 'line', tls: { fingerprint: certificate.fingerprint256 } },
      );
      assert.equal(run.outcome, 'sent', run.errorMessage);
      assert.deepEqual(run.received, run.expected);
    } finally {
      rmSync(files.dir, { recursive: true, force: true });
    }
  });
});
