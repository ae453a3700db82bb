import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  capture,
  config,
  countIn,
  device,
  devicesApi,
  saveUserSetting,
  setUserDevices,
  viewElement,
  viewItem,
  waitFor,
} from './devicesSupport';

type Api = Awaited<ReturnType<typeof devicesApi>>;

function workspaceSettingsPath(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the main suite opens a folder');
  return join(folder.uri.fsPath, '.vscode', 'settings.json');
}

function ownNames(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item: { name?: string }) => String(item.name)) : [];
}

function userNames(): string[] {
  return ownNames(config().inspect('devices')?.globalValue);
}

function workspaceNames(): string[] {
  return ownNames(config().inspect('devices')?.workspaceValue);
}

describe('devices writes', () => {
  let api: Api;
  let workspaceText: string;
  let restoreDevices: () => Promise<void>;
  let restoreDefault: () => Promise<void>;

  before(async () => {
    api = await devicesApi();
    workspaceText = readFileSync(workspaceSettingsPath(), 'utf8');
    restoreDevices = saveUserSetting('devices');
    restoreDefault = saveUserSetting('defaultDevice');
  });

  afterEach(async () => {
    await restoreDevices();
    await restoreDefault();
    // Restores the fixture byte for byte, so the repository stays unchanged.
    writeFileSync(workspaceSettingsPath(), workspaceText);
    await waitFor(
      () => countIn(api, 'workspace') === 1 && workspaceNames().join() === 'Fixture Raw',
      'the workspace settings to be restored',
    );
  });

  it('add writes only user settings', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const added = await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Beta', 7002),
      scope: 'user',
    });
    assert.deepEqual(added, { name: 'Beta', scope: 'user' });
    assert.deepEqual(userNames(), ['Alpha', 'Beta']);
    assert.deepEqual(workspaceNames(), ['Fixture Raw']);
    assert.equal((await viewItem(api, 'Beta')).description, '127.0.0.1:7002 · raw · user');
  });

  it('add writes only workspace settings', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Gamma', 7003, { framing: 'json' }),
      scope: 'workspace',
    });
    assert.deepEqual(workspaceNames(), ['Fixture Raw', 'Gamma']);
    assert.deepEqual(userNames(), ['Alpha']);
    const text = readFileSync(workspaceSettingsPath(), 'utf8');
    assert.match(text, /"Gamma"/);
    assert.doesNotMatch(text, /"Alpha"/);
    assert.equal((await viewItem(api, 'Gamma')).description, '127.0.0.1:7003 · json · workspace');
  });

  it('add defaults to user settings', async () => {
    await vscode.commands.executeCommand('devicePush.addDevice', device('Delta', 7004));
    assert.deepEqual(userNames(), ['Delta']);
  });

  it('add rejects an invalid device', async () => {
    const messages = capture(api);
    try {
      const added = await vscode.commands.executeCommand('devicePush.addDevice', {
        name: 'NoPort',
        host: '127.0.0.1',
      });
      assert.equal(added, undefined);
      assert.deepEqual(userNames(), []);
      assert.equal(messages.messages.length, 1);
      assert.match(messages.messages[0].text, /device "NoPort" is invalid/);
      assert.match(messages.messages[0].text, /Missing "port"/);
    } finally {
      messages.dispose();
    }
  });

  it('add rejects a duplicate name', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const messages = capture(api);
    try {
      await vscode.commands.executeCommand('devicePush.addDevice', device('ALPHA', 7002));
      assert.deepEqual(userNames(), ['Alpha']);
      assert.match(messages.texts().join('\n'), /already have a device named "ALPHA"/);
    } finally {
      messages.dispose();
    }
  });

  it('add rejects an unknown scope', async () => {
    const messages = capture(api);
    try {
      await vscode.commands.executeCommand('devicePush.addDevice', {
        ...device('Alpha', 7001),
        scope: 'machine',
      });
      assert.deepEqual(userNames(), []);
      assert.match(messages.texts().join('\n'), /"scope" must be "user", "workspace" or "folder"/);
    } finally {
      messages.dispose();
    }
  });

  it('remove keeps other scopes', async () => {
    await setUserDevices(api, [device('Shared', 7001), device('Alpha', 7002)]);
    await vscode.commands.executeCommand('devicePush.addDevice', {
      ...device('Shared', 7009),
      scope: 'workspace',
    });
    const shared = await waitFor(
      () => api.entries().find((entry) => entry.label === 'Shared' && entry.scope === 'workspace'),
      'the workspace device to win',
    );
    const prompts = capture(api, { message: (message) => (message.modal ? 'Remove' : undefined) });
    try {
      const removed = await vscode.commands.executeCommand(
        'devicePush.removeDevice',
        viewElement(api, 'Shared'),
      );
      assert.deepEqual(removed, ['Shared']);
      const modal = prompts.messages.find((message) => message.modal);
      assert.equal(modal?.text, 'Remove device "Shared" from Workspace settings?');
    } finally {
      prompts.dispose();
    }
    assert.deepEqual(workspaceNames(), ['Fixture Raw']);
    assert.deepEqual(userNames(), ['Shared', 'Alpha']);
    const userShared = await waitFor(
      () => api.entries().find((entry) => entry.label === 'Shared' && entry.scope === 'user'),
      'the user device to show again',
    );
    assert.notEqual(userShared.id, shared.id);
  });

  it('remove needs confirmation', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const prompts = capture(api);
    try {
      const removed = await vscode.commands.executeCommand('devicePush.removeDevice', 'Alpha');
      assert.equal(removed, undefined);
      assert.equal(prompts.messages.filter((message) => message.modal).length, 1);
    } finally {
      prompts.dispose();
    }
    assert.deepEqual(userNames(), ['Alpha']);
  });

  it('remove several selected items', async () => {
    await setUserDevices(api, [device('Alpha', 7001), device('Beta', 7002), device('Gamma', 7003)]);
    await viewItem(api, 'Gamma');
    const alpha = viewElement(api, 'Alpha');
    const gamma = viewElement(api, 'Gamma');
    const prompts = capture(api, { message: (message) => (message.modal ? 'Remove' : undefined) });
    try {
      await vscode.commands.executeCommand('devicePush.removeDevice', alpha, [alpha, gamma]);
      assert.match(prompts.messages[0].text, /Remove 2 devices: "Alpha" from User settings/);
    } finally {
      prompts.dispose();
    }
    assert.deepEqual(userNames(), ['Beta']);
  });

  it('remove an invalid entry', async () => {
    await setUserDevices(api, [{ name: 'NoHost', port: 1 }, device('Alpha', 7001)]);
    const prompts = capture(api, { message: (message) => (message.modal ? 'Remove' : undefined) });
    try {
      await vscode.commands.executeCommand('devicePush.removeDevice', viewElement(api, 'NoHost'));
    } finally {
      prompts.dispose();
    }
    assert.deepEqual(userNames(), ['Alpha']);
  });

  it('last removal deletes the setting', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const prompts = capture(api, { message: (message) => (message.modal ? 'Remove' : undefined) });
    try {
      await vscode.commands.executeCommand('devicePush.removeDevice', { device: 'Alpha' });
    } finally {
      prompts.dispose();
    }
    assert.equal(config().inspect('devices')?.globalValue, undefined);
  });

  it('default goes to user scope', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    const result = await vscode.commands.executeCommand('devicePush.setDefaultDevice', 'alpha');
    assert.equal(result, 'Alpha');
    assert.equal(config().inspect('defaultDevice')?.globalValue, 'Alpha');
    assert.equal(config().inspect('defaultDevice')?.workspaceValue, undefined);
    await waitFor(
      async () => (await viewItem(api, 'Alpha')).contextValue === 'device valid default',
      'Alpha marked as default',
    );
  });

  it('default goes to workspace scope', async () => {
    const result = await vscode.commands.executeCommand(
      'devicePush.setDefaultDevice',
      viewElement(api, 'Fixture Raw'),
    );
    assert.equal(result, 'Fixture Raw');
    assert.equal(config().inspect('defaultDevice')?.workspaceValue, 'Fixture Raw');
    assert.equal(config().inspect('defaultDevice')?.globalValue, undefined);
  });

  it('overridden default warns', async () => {
    await setUserDevices(api, [device('Alpha', 7001)]);
    await config().update('defaultDevice', 'Fixture Raw', vscode.ConfigurationTarget.Workspace);
    const messages = capture(api);
    try {
      await vscode.commands.executeCommand('devicePush.setDefaultDevice', 'Alpha');
      assert.match(messages.texts().join('\n'), /more specific settings name "Fixture Raw"/);
    } finally {
      messages.dispose();
    }
  });

  it('edit opens the workspace entry', async () => {
    const opened = await vscode.commands.executeCommand<string[]>(
      'devicePush.editDevice',
      viewElement(api, 'Fixture Raw'),
    );
    assert.equal(opened.length, 1);
    assert.equal(vscode.Uri.parse(opened[0]).fsPath, workspaceSettingsPath());
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const line = editor.document.lineAt(editor.selection.active.line).text;
    assert.match(line, /"name": "Fixture Raw"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('edit opens the user entry', async () => {
    await setUserDevices(api, [device('Alpha', 7001), { name: 'NoHost', port: 7002 }]);
    await vscode.commands.executeCommand('devicePush.editDevice', viewElement(api, 'NoHost'));
    const editor = await waitFor(
      () =>
        vscode.window.activeTextEditor?.document.uri.path.endsWith('/User/settings.json') &&
        vscode.window.activeTextEditor,
      'the user settings.json editor',
    );
    const text = editor.document.getText(
      new vscode.Range(
        editor.selection.active,
        editor.document.positionAt(editor.document.getText().length),
      ),
    );
    assert.match(text, /^\{\s*"name": "NoHost"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
