import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ConnectionTestResult } from '../../../src/commands/devices/testConnection';
import {
  capture,
  device,
  devicesApi,
  refusedPort,
  saveUserSetting,
  setUserDevices,
  startLoopbackReceiver,
  viewItem,
  waitFor,
  type LoopbackReceiver,
} from './devicesSupport';

describe('devices connection test', () => {
  let api: Awaited<ReturnType<typeof devicesApi>>;
  let receiver: LoopbackReceiver;
  let restoreDevices: () => Promise<void>;

  before(async () => {
    api = await devicesApi();
    restoreDevices = saveUserSetting('devices');
  });

  beforeEach(async () => {
    receiver = await startLoopbackReceiver();
  });

  afterEach(async () => {
    await receiver.close();
    await restoreDevices();
  });

  async function testConnection(...args: unknown[]): Promise<ConnectionTestResult[] | undefined> {
    return vscode.commands.executeCommand('devicePush.testConnection', ...args);
  }

  it('reachable device reports time', async () => {
    await setUserDevices(api, [device('Alpha', receiver.port)]);
    const messages = capture(api);
    let results: ConnectionTestResult[] | undefined;
    try {
      results = await testConnection('Alpha');
    } finally {
      messages.dispose();
    }
    assert.equal(results?.length, 1);
    assert.equal(results[0].ok, true);
    assert.equal(results[0].address, `127.0.0.1:${receiver.port}`);
    assert.match(
      messages.texts().join('\n'),
      new RegExp(`"Alpha" at 127.0.0.1:${receiver.port} is reachable: connected in \\d+ ms`),
    );
    await waitFor(() => receiver.payloads.length === 1, 'the connection to close');
    assert.equal(receiver.connections, 1);
    assert.equal(receiver.payloads[0], '', 'a connection test sends nothing');
  });

  it('reachable device turns green', async () => {
    await setUserDevices(api, [device('Alpha', receiver.port)]);
    const messages = capture(api);
    try {
      await testConnection('Alpha');
    } finally {
      messages.dispose();
    }
    const entry = api.entries().find((item) => item.label === 'Alpha')!;
    assert.equal(api.state(entry.id)?.status, 'reachable');
    const item = await waitFor(
      async () => (await viewItem(api, 'Alpha')).icon === 'pass-filled' && viewItem(api, 'Alpha'),
      'the reachable icon',
    );
    assert.equal(item.iconColor, 'testing.iconPassed');
    assert.match(item.tooltip, /Last result \(.+\): reachable: Connected in \d+ ms/);
  });

  it('refused connection reports error', async () => {
    const port = await refusedPort();
    await setUserDevices(api, [device('Alpha', port)]);
    const messages = capture(api);
    let results: ConnectionTestResult[] | undefined;
    try {
      results = await testConnection({ device: 'Alpha' });
    } finally {
      messages.dispose();
    }
    assert.equal(results?.[0]?.ok, false);
    const errors = messages.messages.filter((message) => message.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].text, /Alpha/);
    assert.match(errors[0].text, /refused/i);
    assert.deepEqual(errors[0].actions, ['Retry']);
    const entry = api.entries().find((item) => item.label === 'Alpha')!;
    assert.equal(api.state(entry.id)?.status, 'failed');
    const item = await waitFor(
      async () => (await viewItem(api, 'Alpha')).icon === 'error' && viewItem(api, 'Alpha'),
      'the failed icon',
    );
    assert.equal(item.iconColor, 'testing.iconFailed');
    assert.match(item.tooltip, /Last result .*failed/);
  });

  it('missing CA file names file', async () => {
    await setUserDevices(api, [
      device('Alpha', receiver.port, { tls: true, tlsCaFile: '/nonexistent/device-ca.pem' }),
    ]);
    const messages = capture(api);
    let results: ConnectionTestResult[] | undefined;
    try {
      results = await testConnection('Alpha');
    } finally {
      messages.dispose();
    }
    assert.equal(results?.[0]?.ok, false);
    const text = messages.texts().join('\n');
    assert.match(text, /Device "Alpha": could not use the CA file \/nonexistent\/device-ca\.pem/);
    assert.match(text, /ENOENT/);
    assert.equal(receiver.connections, 0);
  });

  it('relative CA file in user settings', async () => {
    await setUserDevices(api, [device('Alpha', receiver.port, { tls: true, tlsCaFile: 'ca.pem' })]);
    const messages = capture(api);
    try {
      await testConnection('Alpha');
    } finally {
      messages.dispose();
    }
    assert.match(messages.texts().join('\n'), /"ca\.pem" is a relative path, but User settings/);
  });

  it('several devices get a summary', async () => {
    const port = await refusedPort();
    await setUserDevices(api, [device('Alpha', receiver.port), device('Beta', port)]);
    const messages = capture(api);
    let results: ConnectionTestResult[] | undefined;
    try {
      results = await testConnection({ devices: ['Alpha', 'Beta'] });
    } finally {
      messages.dispose();
    }
    assert.deepEqual(
      results?.map((result) => [result.device, result.ok]),
      [
        ['Alpha', true],
        ['Beta', false],
      ],
    );
    assert.match(messages.texts().join('\n'), /1 of 2 devices reachable/);
  });
});
