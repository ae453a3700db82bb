import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../../src/devices/approval';
import type { InputRequest } from '../../../src/ui';
import {
  capture,
  config,
  countIn,
  device,
  devicesApi,
  saveUserSetting,
  setUserDevices,
  waitFor,
} from './devicesSupport';

const TOKEN = 'tok-4b1d-secret';

function workspaceSettingsPath(): string {
  return join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
}

describe('devices tokens and approvals', () => {
  let api: Awaited<ReturnType<typeof devicesApi>>;
  let workspaceText: string;
  let restoreDevices: () => Promise<void>;

  before(async () => {
    api = await devicesApi();
    workspaceText = readFileSync(workspaceSettingsPath(), 'utf8');
    restoreDevices = saveUserSetting('devices');
  });

  afterEach(async () => {
    await restoreDevices();
    writeFileSync(workspaceSettingsPath(), workspaceText);
    await waitFor(() => countIn(api, 'workspace') === 1, 'the workspace settings to be restored');
  });

  function entryOf(label: string, scope: 'user' | 'workspace') {
    return waitFor(
      () => api.entries().find((entry) => entry.label === label && entry.scope === scope),
      `${scope} entry "${label}"`,
    );
  }

  async function setToken(name: string, token: string, answer?: string) {
    const requests: InputRequest[] = [];
    const prompts = capture(api, {
      input: (request) => {
        requests.push(request);
        return token;
      },
      message: (message) => (message.modal ? answer : undefined),
    });
    try {
      const changes = await vscode.commands.executeCommand('devicePush.setDeviceToken', name);
      return { changes, requests, messages: prompts.texts() };
    } finally {
      prompts.dispose();
    }
  }

  it('token is stored per definition', async () => {
    await setUserDevices(api, [device('Alpha', 7001, { framing: 'json' })]);
    const { changes, requests, messages } = await setToken('Alpha', TOKEN);
    assert.deepEqual(changes, ['stored']);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].password, true);
    assert.match(requests[0].title ?? '', /Alpha.*127\.0\.0\.1:7001.*User settings/);
    assert.ok(
      messages.every((text) => !text.includes(TOKEN)),
      messages.join('\n'),
    );
    const user = await entryOf('Alpha', 'user');
    assert.equal(await api.testing.hasToken(user.id), true);
  });

  it('token never lands in settings', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await setToken('Alpha', TOKEN);
    const everything = JSON.stringify(config().inspect('devices'));
    assert.ok(!everything.includes(TOKEN));
    assert.ok(!readFileSync(workspaceSettingsPath(), 'utf8').includes(TOKEN));
  });

  it('workspace namesake gets no token', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await setToken('Alpha', TOKEN);
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Alpha', 7001),
      scope: 'workspace',
    });
    const workspace = await entryOf('Alpha', 'workspace');
    assert.equal(await api.testing.hasToken(workspace.id), false);
    writeFileSync(workspaceSettingsPath(), workspaceText);
    const user = await entryOf('Alpha', 'user');
    assert.equal(await api.testing.hasToken(user.id), true);
  });

  it('address change drops token', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await setToken('Alpha', TOKEN);
    await setUserDevices(api, [device('Alpha', 7002)]);
    assert.equal(await api.testing.hasToken((await entryOf('Alpha', 'user')).id), false);
    await setUserDevices(api, [device('Alpha', 7001)]);
    await waitFor(() => api.entries()[0]?.config?.port === 7001, 'the old address');
    assert.equal(await api.testing.hasToken((await entryOf('Alpha', 'user')).id), true);
  });

  it('empty token offers deletion', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await setToken('Alpha', TOKEN);
    const kept = await setToken('Alpha', '', undefined);
    assert.deepEqual(kept.changes, ['unchanged']);
    assert.equal(await api.testing.hasToken((await entryOf('Alpha', 'user')).id), true);
    const deleted = await setToken('Alpha', '', 'Delete Token');
    assert.deepEqual(deleted.changes, ['deleted']);
    assert.equal(await api.testing.hasToken((await entryOf('Alpha', 'user')).id), false);
  });

  it('removal deletes the token', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await setToken('Alpha', TOKEN);
    const prompts = capture(api, { message: (message) => (message.modal ? 'Remove' : undefined) });
    try {
      await vscode.commands.executeCommand('devicePush.removeDevice', 'Alpha');
    } finally {
      prompts.dispose();
    }
    await setUserDevices(api, [device('Alpha', 7001)]);
    assert.equal(await api.testing.hasToken((await entryOf('Alpha', 'user')).id), false);
  });

  it('user device needs no approval', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const asked: ApprovalRequest[] = [];
    const prompt = api.testing.setApprovalPrompt((request) => {
      asked.push(request);
      return Promise.resolve('deny');
    });
    try {
      assert.equal(await api.testing.ensureApproved((await entryOf('Alpha', 'user')).id), true);
      assert.equal(asked.length, 0);
    } finally {
      prompt.dispose();
    }
  });

  it('workspace device is asked once', async () => {
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Beta', 7101),
      scope: 'workspace',
    });
    const beta = await entryOf('Beta', 'workspace');
    const asked: ApprovalRequest[] = [];
    const prompt = api.testing.setApprovalPrompt((request) => {
      asked.push(request);
      return Promise.resolve('allow');
    });
    try {
      const answers = await Promise.all([
        api.testing.ensureApproved(beta.id),
        api.testing.ensureApproved(beta.id),
      ]);
      assert.deepEqual(answers, [true, true]);
      assert.equal(await api.testing.ensureApproved(beta.id), true);
    } finally {
      prompt.dispose();
    }
    assert.equal(asked.length, 1);
    assert.equal(asked[0].device, 'Beta');
    assert.equal(asked[0].address, '127.0.0.1:7101');
    assert.equal(asked[0].workspace, vscode.workspace.name);
    assert.equal(api.testing.approvalOf(beta.id), 'allow');
  });

  it('denial is remembered', async () => {
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Gamma', 7102),
      scope: 'workspace',
    });
    const gamma = await entryOf('Gamma', 'workspace');
    let asked = 0;
    const prompt = api.testing.setApprovalPrompt(() => {
      asked += 1;
      return Promise.resolve('deny');
    });
    try {
      assert.equal(await api.testing.ensureApproved(gamma.id), false);
      assert.equal(await api.testing.ensureApproved(gamma.id), false);
    } finally {
      prompt.dispose();
    }
    assert.equal(asked, 1);
  });

  it('dismissed prompt asks again', async () => {
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Delta', 7103),
      scope: 'workspace',
    });
    const delta = await entryOf('Delta', 'workspace');
    let asked = 0;
    const prompt = api.testing.setApprovalPrompt(() => {
      asked += 1;
      return Promise.resolve(undefined);
    });
    try {
      assert.equal(await api.testing.ensureApproved(delta.id), false);
      assert.equal(await api.testing.ensureApproved(delta.id), false);
    } finally {
      prompt.dispose();
    }
    assert.equal(asked, 2);
    assert.equal(api.testing.approvalOf(delta.id), undefined);
  });

  it('default prompt is a modal', async () => {
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Epsilon', 7104),
      scope: 'workspace',
    });
    const epsilon = await entryOf('Epsilon', 'workspace');
    const prompts = capture(api, { message: (message) => (message.modal ? 'Allow' : undefined) });
    try {
      assert.equal(await api.testing.ensureApproved(epsilon.id), true);
      const modal = prompts.messages.find((message) => message.modal);
      assert.equal(modal?.text, 'Send notifications to "Epsilon" at 127.0.0.1:7104?');
      assert.match(modal?.detail ?? '', new RegExp(`workspace "${vscode.workspace.name}"`));
    } finally {
      prompts.dispose();
    }
  });
});
