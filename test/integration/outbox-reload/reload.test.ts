// Host side of the `outbox-reload` suite (scripts/test-host/outboxReload.mjs runs it twice over
// one user data dir). DEVICE_PUSH_OUTBOX_PHASE selects the tests of each session: `queue` sends
// while the device's port is closed, `drain` starts with a receiver on that port and checks what
// it got.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { OutboxTestHooks } from '../../../src/outbox/testing';
import { waitFor } from '../main/devicesSupport';
import { extensionApi, SETTLE_MS, sleep, type TestApi } from '../main/sendSupport';

const DEVICE_NAME = 'Reload Pi';
const MESSAGES = ['r1', 'r2', 'r3'];
const PHASE = process.env.DEVICE_PUSH_OUTBOX_PHASE;
/** The queue is sent when the extension activates; this allows for a slow start. */
const DRAIN_WAIT_MS = 30_000;

async function outboxHooks(): Promise<{ api: TestApi; hooks: OutboxTestHooks }> {
  const api = await extensionApi();
  assert.ok(api.outbox.testing, 'the outbox test hooks exist only in test mode');
  return { api, hooks: api.outbox.testing };
}

async function pendingOf(hooks: OutboxTestHooks): Promise<number> {
  const queues = await hooks.queues();
  return queues.find((queue) => queue.deviceName === DEVICE_NAME)?.count ?? 0;
}

/** Texts the receiver outside the host got, one JSON string per line. */
function received(): string[] {
  const path = process.env.DEVICE_PUSH_OUTBOX_RECEIVED;
  assert.ok(
    path,
    'DEVICE_PUSH_OUTBOX_RECEIVED is not set: run this suite with --suite outbox-reload',
  );
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string);
}

describe('outbox reload', () => {
  it('phase is known', () => {
    assert.ok(
      PHASE === 'queue' || PHASE === 'drain',
      `DEVICE_PUSH_OUTBOX_PHASE is "${PHASE}": run this suite with --suite outbox-reload`,
    );
  });

  if (PHASE === 'queue') {
    it('down device queues three', async () => {
      const { api, hooks } = await outboxHooks();

      for (const message of MESSAGES) {
        const result = await api.send(DEVICE_NAME, message);
        assert.equal(result.outcome, 'failed', message);
      }

      assert.equal(await pendingOf(hooks), MESSAGES.length);
      assert.deepEqual(received(), []);
    });
  }

  if (PHASE === 'drain') {
    it('queue drains once after reload', async function () {
      this.timeout(DRAIN_WAIT_MS + 10_000);
      const { hooks } = await outboxHooks();

      await waitFor(
        () => received().length >= MESSAGES.length,
        `${MESSAGES.length} notifications at the receiver (got ${received().length})`,
        DRAIN_WAIT_MS,
      );
      await sleep(SETTLE_MS);

      assert.deepEqual(received(), MESSAGES);
      assert.equal(await pendingOf(hooks), 0);
      const loaded = hooks
        .logLines()
        .find((line) => line.message.includes('from an earlier session'));
      assert.equal(loaded?.message, 'The outbox contains 3 notifications from an earlier session.');
      const sent = (await hooks.history()).filter(
        (entry) => entry.deviceName === DEVICE_NAME && entry.fromOutbox,
      );
      assert.deepEqual(
        sent.map((entry) => [entry.outcome, entry.preview]),
        [
          ['sent', 'r3'],
          ['sent', 'r2'],
          ['sent', 'r1'],
        ],
      );
    });
  }
});
