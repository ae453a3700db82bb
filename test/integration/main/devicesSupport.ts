// Helpers shared by the device management suites (main, multiroot, nofolder, restricted).

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { DevicesApi, DevicesTestHooks } from '../../../src/devices/api';
import type { DevicePushApi } from '../../../src/extension';
import type { ShownMessage } from '../../../src/ui';
import type { DeviceViewItem } from '../../../src/views/devicesView';

export const EXTENSION_ID = 'device-push.device-push';
const POLL_INTERVAL_MS = 20;
const WAIT_TIMEOUT_MS = 5_000;

export async function devicesApi(): Promise<DevicesApi & { testing: DevicesTestHooks }> {
  const extension = vscode.extensions.getExtension<DevicePushApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
  const api = await extension.activate();
  assert.ok(api.devices.testing, 'the test hooks exist only in test mode');
  return api.devices as DevicesApi & { testing: DevicesTestHooks };
}

/** Polls `check` until it returns a value other than undefined or false. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Waits until the Devices view has an item with this label, and returns it. */
export async function viewItem(
  api: DevicesApi,
  label: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<DeviceViewItem> {
  return waitFor(
    async () => (await api.viewItems()).find((item) => item.label === label),
    `view item "${label}"`,
    timeoutMs,
  );
}

/** Returns the view element (as the tree passes it to commands) of the item with this label. */
export function viewElement(api: DevicesApi, label: string): { entryId: string } {
  const element = api.viewElements().find((node) => node.entry.label === label);
  assert.ok(element, `no view element "${label}"`);
  return element;
}

export function config(resource?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('devicePush', resource);
}

export function device(name: string, port: number, extra: Record<string, unknown> = {}) {
  return { name, host: '127.0.0.1', port, ...extra };
}

/** Writes user settings' `devicePush.devices` and waits until the registry has read them. */
export async function setUserDevices(
  api: DevicesApi,
  devices: unknown[] | undefined,
): Promise<void> {
  await config().update('devices', devices, vscode.ConfigurationTarget.Global);
  const expected = Array.isArray(devices) ? devices.length : 0;
  await waitFor(() => countIn(api, 'user') === expected, 'the registry to read user devices');
}

/** Counts the entries of one scope in the registry, shadowed ones included. */
export function countIn(api: DevicesApi, scope: 'user' | 'workspace' | 'folder'): number {
  const ids = new Set<string>();
  for (const entry of api.entries()) {
    for (const id of [entry.id, ...entry.shadows]) {
      if (id.startsWith(scope)) {
        ids.add(id);
      }
    }
  }
  return ids.size;
}

/** Restores a user setting to the value it had when `saveUserSetting` was called. */
export function saveUserSetting(key: string): () => Promise<void> {
  const before = config().inspect(key)?.globalValue;
  return async () => {
    await config().update(key, before, vscode.ConfigurationTarget.Global);
  };
}

export interface Capture {
  messages: ShownMessage[];
  /** Texts of the messages, for readable assertion failures. */
  texts(): string[];
  dispose(): void;
}

/**
 * Records every message and answers modal prompts and input boxes with the given functions
 * (by default: dismiss everything).
 */
export function capture(
  api: DevicesApi & { testing: DevicesTestHooks },
  answers: {
    message?: (message: ShownMessage) => string | undefined;
    input?: Parameters<DevicesTestHooks['setResponders']>[0]['input'];
  } = {},
): Capture {
  const messages: ShownMessage[] = [];
  const subscription = api.testing.onDidShowMessage((message) => messages.push(message));
  const responders = api.testing.setResponders({
    message: answers.message ?? (() => undefined),
    ...(answers.input ? { input: answers.input } : {}),
  });
  return {
    messages,
    texts: () => messages.map((message) => `${message.severity}: ${message.text}`),
    dispose: () => {
      subscription.dispose();
      responders.dispose();
    },
  };
}

export interface LoopbackReceiver {
  port: number;
  connections: number;
  /** Everything received, per connection, as UTF-8. */
  payloads: string[];
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1 (port 0 unless given) that counts and records connections. */
export function startLoopbackReceiver(port = 0): Promise<LoopbackReceiver> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<net.Socket>();
    const receiver: LoopbackReceiver = {
      port: 0,
      connections: 0,
      payloads: [],
      close: () =>
        new Promise((done) => {
          for (const socket of sockets) {
            socket.destroy();
          }
          server.close(() => done());
        }),
    };
    const server = net.createServer((socket) => {
      sockets.add(socket);
      receiver.connections += 1;
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        receiver.payloads.push(Buffer.concat(chunks).toString('utf8'));
      });
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      receiver.port = (server.address() as net.AddressInfo).port;
      resolve(receiver);
    });
  });
}

/** Returns a loopback port with no listener, so connecting to it is refused. */
export function refusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
