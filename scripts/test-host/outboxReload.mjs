// The `outbox-reload` suite: two host sessions over one user data dir, as when VS Code is
// reloaded. In the first, the device's port is closed and the tests queue notifications for it.
// Before the second starts, a receiver listens on that port. The second session's tests check
// that the queue, read back from global storage, reached the receiver once and in order.
//
// The receiver runs here, outside the extension host, so it is up before the second session
// activates the extension. It appends each notification as one JSON line to a file that the
// second session's tests read.

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEVICE_NAME = 'Reload Pi';

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

function close(server) {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Creates a raw receiver that appends each connection's bytes to `file` as one JSON line. */
function createReceiver(file) {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('end', () => {
      appendFileSync(file, `${JSON.stringify(Buffer.concat(chunks).toString('utf8'))}\n`);
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  });
  server.destroyConnections = () => sockets.forEach((socket) => socket.destroy());
  return server;
}

function addUp(results) {
  const total = { exitCode: 0, passed: 0, failed: 0, skipped: 0, log: [] };
  for (const result of results) {
    total.exitCode ||= result.exitCode;
    total.passed += result.passed;
    total.failed += result.failed;
    total.skipped += result.skipped;
    total.log.push(...result.log);
  }
  return total;
}

export function outboxReloadSuite({ artifactsDir, folder }) {
  return async ({ runHostSession, grep, timeoutMs }) => {
    const scratch = mkdtempSync(join(tmpdir(), 'device-push-outbox-reload-'));
    const receivedFile = join(scratch, 'received.jsonl');
    writeFileSync(receivedFile, '');
    const receiver = createReceiver(receivedFile);
    // Port 0 picks a free port; closing it again leaves the device down for the first session.
    const port = await listen(receiver, 0);
    await close(receiver);

    const session = (phase) =>
      runHostSession({
        suite: 'outbox-reload',
        folder,
        timeoutMs,
        artifactsDir,
        userDataDir: join(scratch, 'user-data'),
        userSettings: {
          'devicePush.devices': [{ name: DEVICE_NAME, host: '127.0.0.1', port }],
        },
        env: {
          DEVICE_PUSH_OUTBOX_PHASE: phase,
          DEVICE_PUSH_OUTBOX_RECEIVED: receivedFile,
          ...(grep ? { DEVICE_PUSH_TEST_GREP: grep } : {}),
        },
      });

    try {
      const first = await session('queue');
      if (first.exitCode !== 0) {
        return first;
      }
      await listen(receiver, port);
      try {
        return addUp([first, await session('drain')]);
      } finally {
        receiver.destroyConnections();
        await close(receiver);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
}
