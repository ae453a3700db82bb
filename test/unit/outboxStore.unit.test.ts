import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OutboxError } from '../../src/outbox/errors';
import { FileLock } from '../../src/outbox/lock';
import { dispositionOf, retryDelayMs } from '../../src/outbox/policy';
import { previewOf } from '../../src/outbox/state';
import { JsonFileStorage } from '../../src/outbox/storage';
import type { SendErrorCode, SendResult } from '../../src/sender/types';

const scratch = mkdtempSync(join(tmpdir(), 'device-push-outbox-store-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let dirCount = 0;
function freshDir(): string {
  dirCount += 1;
  return mkdtempSync(join(scratch, `case-${dirCount}-`));
}

function failed(code: SendErrorCode): SendResult {
  return {
    device: 'Pi',
    outcome: 'failed',
    durationMs: 1,
    bytes: 0,
    truncated: false,
    error: { code, stage: 'connect', device: 'Pi', message: `failed with ${code}` },
  };
}

describe('outbox retry policy', () => {
  test('transient codes are retried', () => {
    for (const code of [
      'refused',
      'timed-out',
      'unreachable',
      'reset',
      'peer-closed',
      'not-found',
      'ack-missing',
    ] as const) {
      assert.equal(dispositionOf(failed(code)).kind, 'transient', code);
    }
  });

  test('permanent codes are not retried', () => {
    const permanent: SendErrorCode[] = [
      'tls-failed',
      'tls-untrusted',
      'fingerprint-mismatch',
      'invalid-device',
      'message-rejected',
      'ack-mismatch',
      'cancelled',
    ];
    for (const code of permanent) {
      const disposition = dispositionOf(failed(code));
      assert.equal(disposition.kind, 'permanent', code);
    }
  });

  test('permanent reason names the cause', () => {
    const disposition = dispositionOf(failed('tls-untrusted'));
    assert.equal(disposition.kind, 'permanent');
    assert.match(disposition.kind === 'permanent' ? disposition.reason : '', /not trusted/);
  });

  test('success is not a failure', () => {
    const sent: SendResult = {
      device: 'Pi',
      outcome: 'sent',
      durationMs: 1,
      bytes: 3,
      truncated: false,
    };
    assert.equal(dispositionOf(sent).kind, 'success');
    assert.equal(dispositionOf({ ...sent, outcome: 'delivered' }).kind, 'success');
  });

  test('backoff doubles up to cap', () => {
    const middle = () => 0.5;
    assert.equal(retryDelayMs(1, middle), 2_000);
    assert.equal(retryDelayMs(2, middle), 4_000);
    assert.equal(retryDelayMs(3, middle), 8_000);
    assert.equal(retryDelayMs(8, middle), 256_000);
    assert.equal(retryDelayMs(9, middle), 300_000);
    assert.equal(retryDelayMs(50, middle), 300_000);
  });

  test('backoff jitter stays within twenty percent', () => {
    assert.equal(
      retryDelayMs(1, () => 0),
      1_600,
    );
    assert.equal(
      retryDelayMs(1, () => 0.999_999),
      2_400,
    );
    assert.equal(
      retryDelayMs(9, () => 0),
      240_000,
    );
  });

  test('preview cuts long text', () => {
    const preview = previewOf({ title: 'Build', message: `line one\nline two ${'x'.repeat(100)}` });
    assert.equal(Array.from(preview).length, 61);
    assert.ok(preview.startsWith('Build: line one line two'));
    assert.ok(preview.endsWith('…'));
  });
});

describe('outbox file storage', () => {
  test('missing file reads as undefined', async () => {
    const storage = new JsonFileStorage(join(freshDir(), 'outbox.json'));
    assert.equal(await storage.read(), undefined);
    assert.equal(await storage.version(), undefined);
  });

  test('write replaces file atomically', async () => {
    const dir = freshDir();
    const storage = new JsonFileStorage(join(dir, 'nested', 'outbox.json'));
    await storage.write({ a: 1 });
    const firstVersion = await storage.version();
    await storage.write({ a: 2 });

    assert.deepEqual(await storage.read(), { a: 2 });
    assert.notEqual(await storage.version(), firstVersion);
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['outbox.json']);
  });

  test('invalid JSON is moved aside', async () => {
    const dir = freshDir();
    const path = join(dir, 'outbox.json');
    writeFileSync(path, '{"version": 1, "queues": {');
    const storage = new JsonFileStorage(path);

    await assert.rejects(storage.read(), (error: unknown) => {
      assert.ok(error instanceof OutboxError);
      assert.equal(error.code, 'storage-invalid');
      assert.equal(error.stage, 'read');
      return true;
    });
    assert.equal(existsSync(path), false);
    assert.equal(
      readdirSync(dir).filter((name) => name.startsWith('outbox.json.invalid-')).length,
      1,
    );
  });
});

describe('outbox file lock', () => {
  test('lock excludes concurrent holders', async () => {
    const dir = freshDir();
    const counterPath = join(dir, 'counter');
    writeFileSync(counterPath, '0');
    const locks = [new FileLock(join(dir, 'outbox.lock')), new FileLock(join(dir, 'outbox.lock'))];
    let inside = 0;
    let maxInside = 0;

    const increment = async (lock: FileLock): Promise<void> => {
      const release = await lock.acquire();
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      const value = Number(readFileSync(counterPath, 'utf8'));
      await new Promise((resolve) => setImmediate(resolve));
      writeFileSync(counterPath, String(value + 1));
      inside -= 1;
      await release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, index) => increment(locks[index % 2])));

    assert.equal(readFileSync(counterPath, 'utf8'), '40');
    assert.equal(maxInside, 1);
    assert.equal(existsSync(join(dir, 'outbox.lock')), false);
  });

  test('lock of dead process is taken', async () => {
    const dir = freshDir();
    const path = join(dir, 'outbox.lock');
    writeFileSync(path, JSON.stringify({ pid: 999_999, token: 'gone', createdAt: Date.now() }));
    const lock = new FileLock(path, { waitMs: 200, isProcessAlive: () => false });

    const release = await lock.acquire();
    const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid: number };
    assert.equal(holder.pid, process.pid);
    await release();
    assert.deepEqual(readdirSync(dir), []);
  });

  test('old lock is taken', async () => {
    const dir = freshDir();
    const path = join(dir, 'outbox.lock');
    writeFileSync(
      path,
      JSON.stringify({ pid: process.pid, token: 'old', createdAt: Date.now() - 60_000 }),
    );
    const lock = new FileLock(path, { waitMs: 200, staleMs: 10_000 });

    const release = await lock.acquire();
    await release();
    assert.equal(existsSync(path), false);
  });

  test('live lock times out', async () => {
    const dir = freshDir();
    const path = join(dir, 'outbox.lock');
    const holder = new FileLock(path);
    const release = await holder.acquire();
    const waiter = new FileLock(path, { waitMs: 50 });

    await assert.rejects(waiter.acquire(), (error: unknown) => {
      assert.ok(error instanceof OutboxError);
      assert.equal(error.code, 'lock-timed-out');
      assert.equal(error.stage, 'lock');
      assert.match(error.message, new RegExp(`process ${process.pid}`));
      return true;
    });
    await release();
  });

  test('release keeps a replaced lock', async () => {
    const dir = freshDir();
    const path = join(dir, 'outbox.lock');
    const release = await new FileLock(path).acquire();
    writeFileSync(
      path,
      JSON.stringify({ pid: process.pid, token: 'newer', createdAt: Date.now() }),
    );

    await release();
    assert.equal(existsSync(path), true);
  });
});
