import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  config,
  device,
  devicesApi,
  saveUserSetting,
  setUserDevices,
  viewItem,
  waitFor,
} from './devicesSupport';

const REFRESH_BUDGET_MS = 1_000;

describe('devices view', () => {
  let api: Awaited<ReturnType<typeof devicesApi>>;
  let restoreDevices: () => Promise<void>;
  let restoreDefault: () => Promise<void>;

  before(async () => {
    api = await devicesApi();
    restoreDevices = saveUserSetting('devices');
    restoreDefault = saveUserSetting('defaultDevice');
  });

  afterEach(async () => {
    await restoreDevices();
    await restoreDefault();
  });

  it('shows user and workspace devices', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const alpha = await viewItem(api, 'Alpha');
    const fixture = await viewItem(api, 'Fixture Raw');
    assert.equal(alpha.description, '127.0.0.1:7001 · raw · user');
    assert.equal(alpha.contextValue, 'device valid');
    assert.equal(alpha.icon, 'circle-outline');
    assert.match(alpha.tooltip, /Defined in: User settings/);
    assert.match(alpha.tooltip, /TLS: off/);
    assert.match(alpha.tooltip, /Acknowledgement: off/);
    assert.equal(fixture.description, '127.0.0.1:1 · raw · workspace');
    assert.match(fixture.tooltip, /Defined in: Workspace settings/);
  });

  it('lists user devices first', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const labels = (await api.viewItems()).map((item) => item.label);
    assert.ok(labels.indexOf('Alpha') < labels.indexOf('Fixture Raw'), labels.join(', '));
  });

  it('invalid entries become error items', async () => {
    await setUserDevices(api, [
      { name: 'NoHost', port: 7002 },
      device('ZeroPort', 0),
      device('Alpha', 7001),
      { name: 'Xml', host: '127.0.0.1', port: 7003, framing: 'xml' },
      device('alpha', 7004),
    ]);
    const noHost = await viewItem(api, 'NoHost');
    assert.equal(noHost.kind, 'invalid');
    assert.equal(noHost.contextValue, 'device invalid');
    assert.match(noHost.description, /Missing "host"/);
    assert.match(noHost.tooltip, /Missing "host"/);
    assert.equal(noHost.command, 'devicePush.editDevice');
    assert.equal(noHost.icon, 'warning');
    assert.match((await viewItem(api, 'ZeroPort')).description, /Invalid "port" 0/);
    assert.match((await viewItem(api, 'Xml')).description, /Unknown "framing" "xml"/);
    assert.match((await viewItem(api, 'alpha')).description, /Duplicate name "alpha"/);
    assert.equal((await viewItem(api, 'Alpha')).kind, 'device');
  });

  it('invalid entry never reaches sender', async () => {
    await setUserDevices(api, [{ name: 'NoHost', port: 7002 }]);
    assert.equal(api.entries().find((entry) => entry.label === 'NoHost')?.config, undefined);
  });

  it('non-list setting is an error item', async () => {
    await config().update('devices', { name: 'x' }, vscode.ConfigurationTarget.Global);
    const item = await viewItem(api, 'user settings');
    assert.equal(item.kind, 'invalid');
    assert.match(item.description, /is not a list/);
  });

  it('hand edit refreshes within a second', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const started = Date.now();
    await config().update('devices', [device('Edited', 7005)], vscode.ConfigurationTarget.Global);
    await viewItem(api, 'Edited', REFRESH_BUDGET_MS);
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs < REFRESH_BUDGET_MS, `took ${elapsedMs} ms`);
  });

  it('default device is marked', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await config().update('defaultDevice', 'alpha', vscode.ConfigurationTarget.Global);
    const item = await waitFor(
      async () =>
        (await api.viewItems()).find(
          (entry) => entry.label === 'Alpha' && /default/.test(entry.contextValue),
        ),
      'Alpha marked as default',
    );
    assert.equal(item.contextValue, 'device valid default');
    assert.equal(item.description, '127.0.0.1:7001 · raw · user · default');
  });

  it('turned-off device is shown off', async () => {
    await setUserDevices(api, [device('Alpha', 7001, { enabled: false })]);
    const item = await viewItem(api, 'Alpha');
    assert.equal(item.icon, 'circle-slash');
    assert.match(item.description, / · off$/);
  });

  it('tooltip shows TLS and ack', async () => {
    const fingerprint = 'AB:'.repeat(31) + 'AB';
    await setUserDevices(api, [
      device('Alpha', 7001, { tls: true, tlsFingerprint: fingerprint, ack: true, ackText: 'YES' }),
    ]);
    const item = await viewItem(api, 'Alpha');
    assert.match(item.tooltip, /TLS: on, pinned certificate fingerprint/);
    assert.match(item.tooltip, /Acknowledgement: waits for "YES"/);
    assert.match(item.tooltip, /Token: none/);
  });
});
