import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { DevicePushApi } from '../../../src/extension';
import type { ReceivedNotification } from '../../../src/receiver/types';

const EXTENSION_ID = 'device-push.device-push';
const SOCKET_TIMEOUT_MS = 5_000;
const ARRIVAL_TIMEOUT_MS = 5_000;

interface Address {
  host: string;
  port: number;
}

/** Writes one `json` framing line and resolves with the receiver's reply line. */
function sendJsonLine(address: Address, fields: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address.port, address.host);
    let reply = '';
    socket.setTimeout(SOCKET_TIMEOUT_MS, () => {
      socket.destroy(new Error(`no reply within ${SOCKET_TIMEOUT_MS} ms`));
    });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\n')) {
        socket.end();
        resolve(reply.trim());
      }
    });
    socket.on('connect', () => socket.write(`${JSON.stringify(fields)}\n`));
  });
}

/** Resolves when something can listen on `port` again, and closes that listener. */
function listenOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function occupyPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function waitFor<T>(items: T[], count: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (items.length >= count) {
        resolve();
      } else if (Date.now() - started > ARRIVAL_TIMEOUT_MS) {
        reject(new Error(`expected ${count} items within ${ARRIVAL_TIMEOUT_MS} ms`));
      } else {
        setTimeout(poll, 20);
      }
    };
    poll();
  });
}

function start(args: Record<string, unknown>): Thenable<Address | undefined> {
  return vscode.commands.executeCommand<Address | undefined>('devicePush.startReceiver', args);
}

describe('local receiver', () => {
  let api: DevicePushApi;
  let shown: { text: string; notification: ReceivedNotification }[];
  let capture: { dispose(): void } | undefined;
  let savedDevices: unknown;

  before(async () => {
    const extension = vscode.extensions.getExtension<DevicePushApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
    api = await extension.activate();
  });

  beforeEach(() => {
    shown = [];
    capture = api.localReceiver.showWith((text, notification) => {
      shown.push({ text, notification });
    });
    savedDevices = vscode.workspace.getConfiguration('devicePush').inspect('devices')?.globalValue;
  });

  afterEach(async () => {
    capture?.dispose();
    await vscode.commands.executeCommand('devicePush.stopReceiver');
    await vscode.workspace
      .getConfiguration('devicePush')
      .update('devices', savedDevices, vscode.ConfigurationTarget.Global);
  });

  it('start returns loopback address', async () => {
    const address = await start({ port: 0 });
    assert.ok(address, 'the command returned no address');
    assert.equal(address.host, '127.0.0.1');
    assert.ok(address.port > 0, `port ${address.port} is not a real port`);
    assert.equal(api.localReceiver.running, true);
  });

  it('sent notification is shown', async () => {
    const address = await start({ port: 0 });
    assert.ok(address);
    const reply = await sendJsonLine(address, {
      title: 'Build',
      message: 'done\n',
      source: 'test',
    });
    await waitFor(shown, 1);
    assert.equal(reply, 'OK');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].text, 'Build: done');
    assert.equal(shown[0].notification.source, 'test');
    assert.equal(api.localReceiver.notificationCount, 1);
  });

  it('stop frees the port', async () => {
    const address = await start({ port: 0 });
    assert.ok(address);
    const stopped = await vscode.commands.executeCommand<boolean>('devicePush.stopReceiver');
    assert.equal(stopped, true);
    assert.equal(api.localReceiver.running, false);
    await listenOnce(address.port);
  });

  it('stop when stopped is harmless', async () => {
    const stopped = await vscode.commands.executeCommand<boolean>('devicePush.stopReceiver');
    assert.equal(stopped, false);
  });

  it('double start keeps one receiver', async () => {
    const [first, second] = await Promise.all([start({ port: 0 }), start({ port: 0 })]);
    const third = await start({ port: 0 });
    assert.ok(first && second && third);
    assert.equal(second.port, first.port);
    assert.equal(third.port, first.port);
    await sendJsonLine(first, { message: 'once' });
    await waitFor(shown, 1);
    assert.deepEqual(
      shown.map((entry) => entry.text),
      ['once'],
    );
  });

  it('taken port falls back', async () => {
    const blocker = await occupyPort();
    try {
      const takenPort = (blocker.address() as net.AddressInfo).port;
      const address = await start({ port: takenPort });
      assert.ok(address);
      assert.notEqual(address.port, takenPort);
      assert.equal(await sendJsonLine(address, { message: 'fallback' }), 'OK');
    } finally {
      blocker.close();
    }
  });

  it('addDevice saves user device', async () => {
    await vscode.workspace
      .getConfiguration('devicePush')
      .update(
        'devices',
        [{ name: 'This computer', host: '127.0.0.1', port: 1, framing: 'raw', tls: true }],
        vscode.ConfigurationTarget.Global,
      );
    const address = await start({ port: 0, addDevice: true });
    assert.ok(address);
    const devices = vscode.workspace.getConfiguration('devicePush').inspect('devices')?.globalValue;
    assert.deepEqual(devices, [
      { name: 'This computer', host: '127.0.0.1', port: address.port, framing: 'json', ack: true },
    ]);
  });

  it('invalid argument starts nothing', async () => {
    const address = await start({ port: 'seven' });
    assert.equal(address, undefined);
    assert.equal(api.localReceiver.running, false);
  });
});
