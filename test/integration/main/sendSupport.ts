// Helpers shared by the send, selection and task notification tests: loopback collectors that
// stand in for devices, settings that are restored afterwards, and captured messages.

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { DevicesTestHooks } from '../../../src/devices/api';
import type { DevicePushApi } from '../../../src/extension';
import type { ShownMessage } from '../../../src/ui';

const EXTENSION_ID = 'device-push.device-push';
const POLL_INTERVAL_MS = 20;
export const WAIT_TIMEOUT_MS = 5_000;
/** Quiet time after the last expected notification in which a duplicate would show up. */
export const SETTLE_MS = 1_500;

export type TestApi = DevicePushApi & { devices: { testing: DevicesTestHooks } };

export async function extensionApi(): Promise<TestApi> {
  const extension = vscode.extensions.getExtension<DevicePushApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
  const api = await extension.activate();
  assert.ok(api.devices.testing, 'the test hooks exist only in test mode');
  return api as TestApi;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined or false. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/** One connection's bytes, as a device would read them. */
export interface Received {
  bytes: Buffer;
  text: string;
  /** `performance.now()` when the connection ended. */
  at: number;
}

/** A TCP listener on 127.0.0.1 that keeps what every connection wrote. */
export interface Collector {
  port: number;
  received: Received[];
  texts(): string[];
  /** Waits until `count` connections have ended. */
  waitForCount(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a collector on `listenPort`; 0 lets the system choose a free port. */
export function startCollector(listenPort = 0): Promise<Collector> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('end', () => {
      const bytes = Buffer.concat(chunks);
      received.push({ bytes, text: bytes.toString('utf8'), at: performance.now() });
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        received,
        texts: () => received.map((item) => item.text),
        waitForCount: async (count, timeoutMs = WAIT_TIMEOUT_MS) => {
          await waitFor(
            () => received.length >= count,
            `${count} notifications on port ${port} (got ${received.length})`,
            timeoutMs,
          );
          return received;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) {
              socket.destroy();
            }
            server.close(() => done());
          }),
      });
    });
  });
}

/** Returns a loopback port on which nothing listens, so connections are refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function device(name: string, port: number, extra: Record<string, unknown> = {}) {
  return { name, host: '127.0.0.1', port, ...extra };
}

/**
 * Writes user settings under `devicePush` and restores every key it touched on `restore()`.
 * After writing `devices`, waits until the extension lists the valid ones.
 */
export class UserSettings {
  private readonly saved = new Map<string, unknown>();

  constructor(private readonly api: TestApi) {}

  async set(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('devicePush');
    if (!this.saved.has(key)) {
      this.saved.set(key, config.inspect(key)?.globalValue);
    }
    await config.update(key, value, vscode.ConfigurationTarget.Global);
    if (key === 'devices') {
      const names = (value as { name: string; enabled?: boolean }[]).map((entry) => entry.name);
      await waitFor(
        () => names.every((name) => this.api.deviceNames().includes(name)),
        `the devices ${names.join(', ')}`,
      );
    }
    if (key === 'defaultDevice') {
      await waitFor(() => this.api.defaultDevice() === (value || undefined), 'the default device');
    }
  }

  async restore(): Promise<void> {
    const config = vscode.workspace.getConfiguration('devicePush');
    for (const [key, value] of this.saved) {
      await config.update(key, value, vscode.ConfigurationTarget.Global);
    }
    this.saved.clear();
  }
}

/** Records every message the extension shows and answers prompts with the given functions. */
export class Messages {
  readonly shown: ShownMessage[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    api: TestApi,
    answers: {
      message?: (message: ShownMessage) => string | undefined;
      input?: Parameters<DevicesTestHooks['setResponders']>[0]['input'];
    } = {},
  ) {
    const testing = api.devices.testing;
    this.subscriptions.push(
      testing.onDidShowMessage((message) => this.shown.push(message)),
      testing.setResponders({
        message: answers.message ?? (() => undefined),
        ...(answers.input ? { input: answers.input } : {}),
      }),
    );
  }

  texts(): string[] {
    return this.shown.map((message) => message.text);
  }

  /** Waits for a message whose text contains `part`, and returns it. */
  waitFor(part: string): Promise<ShownMessage> {
    return waitFor(
      () => this.shown.find((message) => message.text.includes(part)),
      `a message containing "${part}" (shown: ${JSON.stringify(this.texts())})`,
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
  }
}
