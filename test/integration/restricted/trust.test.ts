// A cloned folder in Restricted Mode: test/fixtures/restricted/.vscode/settings.json defines a
// device "Phone" aimed at 127.0.0.1:47311 (the capture receiver below), names it the default
// device and turns on task notifications to it. The user's own "Phone" comes from user settings
// and points at a second loopback receiver. Until the workspace is trusted, nothing may reach the
// capture receiver. After trust, the workspace device needs one approval, and it never gets the
// token stored for the user's device.
//
// The tests run in order: the untrusted half first, then the browser side of the suite
// (scripts/test-host/restricted.mjs) clicks Trust in the Workspace Trust editor.

import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { SendResultSummary } from '../../../src/sending/summary';
import { countIn, startLoopbackReceiver, type LoopbackReceiver } from '../main/devicesSupport';
import {
  device,
  extensionApi,
  Messages,
  SETTLE_MS,
  sleep,
  startCollector,
  UserSettings,
  waitFor,
  type Collector,
  type TestApi,
} from '../main/sendSupport';

/** The port of the workspace's "Phone" in test/fixtures/restricted/.vscode/settings.json. */
const CAPTURE_PORT = 47311;
const TOKEN = 'user-phone-token-5e0c';
const TRUST_TIMEOUT_MS = 60_000;
/** Time a command gets to open its quick pick before the test closes it. */
const PICKER_OPEN_MS = 1_500;

async function startCapture(): Promise<LoopbackReceiver> {
  try {
    return await startLoopbackReceiver(CAPTURE_PORT);
  } catch (error) {
    throw new Error(
      `Cannot listen on 127.0.0.1:${CAPTURE_PORT}, where the fixture's workspace device ` +
        `"Phone" points: ${String(error)}. Stop whatever uses the port and run again.`,
      { cause: error },
    );
  }
}

function send(args?: unknown): Thenable<SendResultSummary[] | undefined> {
  return vscode.commands.executeCommand('devicePush.sendNotification', args);
}

/** Parses one JSON-framed notification. */
function record(payload: string): Record<string, unknown> {
  return JSON.parse(payload) as Record<string, unknown>;
}

/**
 * Waits until `running` has been pending for `PICKER_OPEN_MS`, which shows that it waits for a
 * pick, then closes the quick pick and returns what the command returned.
 */
async function closePicker<T>(running: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(running).finally(() => {
    settled = true;
  });
  await sleep(PICKER_OPEN_MS);
  assert.equal(settled, false, 'the command returned instead of asking for a device');
  while (!settled) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await sleep(100);
  }
  return done;
}

function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the restricted suite opens a folder');
  return folder;
}

/** A shell task of the fixture folder that exits with `code`. */
function failingTask(name: string, code: number): vscode.Task {
  const task = new vscode.Task(
    { type: 'device-push-restricted', name },
    workspaceFolder(),
    name,
    'device-push-test',
    new vscode.ShellExecution(`exit ${code}`),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Never };
  return task;
}

describe('restricted workspace', () => {
  let api: TestApi;
  let settings: UserSettings;
  let capture: LoopbackReceiver;
  let own: Collector;
  let messages: Messages | undefined;

  function entry(scope: 'user' | 'workspace') {
    return api.devices.entries().find((item) => item.label === 'Phone' && item.scope === scope);
  }

  before(async () => {
    api = await extensionApi();
    capture = await startCapture();
    own = await startCollector();
    settings = new UserSettings(api);
    await settings.set('devices', [device('Phone', own.port, { framing: 'json' })]);
  });

  afterEach(() => {
    messages?.dispose();
    messages = undefined;
  });

  after(async () => {
    await settings.restore();
    await capture.close();
    await own.close();
  });

  describe('untrusted', () => {
    it('folder opens untrusted', () => {
      assert.equal(vscode.workspace.isTrusted, false);
    });

    it('view explains Restricted Mode', () => {
      assert.match(
        api.devices.viewMessage() ?? '',
        /^Restricted Mode: only devices from your user/,
      );
    });

    it('user settings write works', () => {
      const saved = vscode.workspace.getConfiguration('devicePush').inspect('devices');
      assert.deepEqual(saved?.globalValue, [device('Phone', own.port, { framing: 'json' })]);
      assert.equal(entry('user')?.config?.port, own.port);
    });

    it('workspace devices are ignored', () => {
      assert.equal(countIn(api.devices, 'workspace'), 0);
      assert.deepEqual(api.deviceNames(), ['Phone']);
      assert.equal(entry('user')?.shadows.length, 0);
      const scopes = api.devices.viewElements().map((node) => node.entry.scope);
      assert.deepEqual(scopes, ['user']);
    });

    it('workspace default is ignored', () => {
      assert.equal(api.defaultDevice(), undefined);
    });

    it('token set for user phone', async () => {
      messages = new Messages(api, { input: () => TOKEN });
      const changes = await vscode.commands.executeCommand('devicePush.setDeviceToken', 'Phone');
      assert.deepEqual(changes, ['stored']);
      const user = entry('user');
      assert.ok(user);
      assert.equal(await api.devices.testing.hasToken(user.id), true);
    });

    it('send args reach own phone', async () => {
      messages = new Messages(api, { input: () => 'typed' });
      const cases: [unknown, string][] = [
        [{ device: 'Phone', message: 'by name' }, 'by name'],
        [{ devices: ['Phone'], message: 'by list' }, 'by list'],
        ['Phone', 'typed'],
      ];
      for (const [args, expected] of cases) {
        const before = own.received.length;
        const results = await send(args);
        assert.deepEqual(
          results?.map((result) => [result.device, result.outcome]),
          [['Phone', 'sent']],
          JSON.stringify(args),
        );
        const [arrived] = (await own.waitForCount(before + 1)).slice(before);
        assert.equal(record(arrived.text).message, expected);
        assert.equal(record(arrived.text).token, TOKEN, 'the user device gets its token');
      }
      assert.equal(capture.connections, 0);
    });

    it('message alone asks for device', async () => {
      messages = new Messages(api);
      const before = own.received.length;
      const results = await closePicker(send({ message: 'with no device' }));
      assert.equal(results, undefined);
      await sleep(SETTLE_MS);
      assert.equal(own.received.length, before);
      assert.equal(capture.connections, 0);
      assert.deepEqual(messages.texts(), []);
    });

    it('tree item reaches own phone', async () => {
      messages = new Messages(api, { input: () => 'from the tree' });
      const before = own.received.length;
      const [node] = api.devices.viewElements();
      const results = await send(node);
      assert.equal(results?.[0]?.outcome, 'sent');
      const [arrived] = (await own.waitForCount(before + 1)).slice(before);
      assert.equal(record(arrived.text).message, 'from the tree');
      assert.equal(capture.connections, 0);
    });

    it('selection ignores workspace default', async () => {
      const document = await vscode.workspace.openTextDocument({
        content: 'selected words\nother line',
      });
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 0, 0, 'selected words'.length);
      messages = new Messages(api);
      const before = own.received.length;
      try {
        const unsent = await closePicker(
          vscode.commands.executeCommand('devicePush.sendSelection'),
        );
        assert.equal(unsent, undefined);

        await settings.set('defaultDevice', 'Phone');
        const results = await vscode.commands.executeCommand<SendResultSummary[]>(
          'devicePush.sendSelection',
        );
        assert.equal(results?.[0]?.outcome, 'sent');
        const arrived = await own.waitForCount(before + 1);
        assert.equal(arrived.length, before + 1);
        assert.equal(record(arrived[before].text).message, 'selected words');
      } finally {
        await settings.set('defaultDevice', undefined);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
      assert.equal(capture.connections, 0);
    });

    it('task settings ignore workspace', () => {
      const taskSettings = vscode.workspace.getConfiguration(
        'devicePush.taskNotifications',
        workspaceFolder().uri,
      );
      assert.equal(taskSettings.get('enabled'), false);
      assert.deepEqual(taskSettings.get('devices'), []);
    });

    // VS Code itself gates this path: in Restricted Mode its task service asks for trust before
    // running any task, and the test host's smoke-test driver rejects that dialog.
    it('task does not run untrusted', async () => {
      const started: string[] = [];
      const listener = vscode.tasks.onDidStartTask((event) => {
        started.push(event.execution.task.name);
      });
      try {
        await vscode.tasks.executeTask(failingTask('untrusted run', 4));
        await sleep(SETTLE_MS * 2);
      } finally {
        listener.dispose();
      }
      assert.deepEqual(started, []);
      assert.equal(capture.connections, 0);
    });

    it('capture receiver got nothing', () => {
      assert.equal(capture.connections, 0);
      assert.deepEqual(capture.payloads, []);
    });
  });

  describe('after trust', () => {
    before(async function () {
      this.timeout(TRUST_TIMEOUT_MS + 10_000);
      if (!vscode.workspace.isTrusted) {
        await vscode.commands.executeCommand('workbench.trust.manage');
        await waitFor(() => vscode.workspace.isTrusted, 'workspace trust', TRUST_TIMEOUT_MS);
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
      const actions = process.env.DEVICE_PUSH_TRUST_ACTIONS;
      assert.ok(
        actions,
        'DEVICE_PUSH_TRUST_ACTIONS is not set: run this suite with --suite restricted',
      );
      await waitFor(
        () => existsSync(actions) && /^trusted workspace$/m.test(readFileSync(actions, 'utf8')),
        'the browser side to report its Trust click',
      );
      await waitFor(() => entry('workspace'), 'the workspace device after trust');
    });

    it('view message is gone', () => {
      assert.equal(api.devices.viewMessage(), undefined);
    });

    it('workspace phone shadows user phone', () => {
      const workspace = entry('workspace');
      assert.equal(workspace?.config?.port, CAPTURE_PORT);
      assert.deepEqual(workspace?.shadows, ['user#0']);
      assert.equal(api.defaultDevice(), 'Phone');
    });

    it('workspace phone has no token', async () => {
      const workspace = entry('workspace');
      assert.ok(workspace);
      assert.equal(await api.devices.testing.hasToken(workspace.id), false);
    });

    it('first send asks once', async () => {
      // The first prompt is dismissed, the second allowed.
      const answers: (string | undefined)[] = [undefined, 'Allow'];
      messages = new Messages(api, {
        message: (message) => (message.modal ? answers.shift() : undefined),
      });
      const modalPrompts = () => messages!.shown.filter((message) => message.modal);

      const dismissed = await send({ device: 'Phone', message: 'dismissed' });
      assert.equal(dismissed?.[0]?.outcome, 'failed');
      assert.equal(modalPrompts().length, 1);
      assert.equal(
        modalPrompts()[0].text,
        `Send notifications to "Phone" at 127.0.0.1:${CAPTURE_PORT}?`,
      );

      const allowed = await send({ device: 'Phone', message: 'allowed' });
      assert.equal(allowed?.[0]?.outcome, 'sent');
      assert.equal(modalPrompts().length, 2);

      const again = await send({ device: 'Phone', message: 'again' });
      assert.equal(again?.[0]?.outcome, 'sent');
      assert.equal(modalPrompts().length, 2, 'an allowed device is not asked again');

      await waitFor(() => capture.payloads.length >= 2, 'two notifications on the capture port');
      assert.deepEqual(
        capture.payloads.map((payload) => record(payload).message),
        ['allowed', 'again'],
      );
    });

    it('task notifies workspace phone', async () => {
      messages = new Messages(api, {
        message: (message) => (message.modal ? 'Allow' : undefined),
      });
      const before = capture.payloads.length;
      await vscode.tasks.executeTask(failingTask('trusted run', 3));
      await waitFor(
        () => capture.payloads.length > before,
        'the task notification on the capture port',
        10_000,
      );
      const notification = record(capture.payloads[before]);
      assert.equal((notification.task as { name?: string } | undefined)?.name, 'trusted run');
      assert.equal((notification.task as { exitCode?: number } | undefined)?.exitCode, 3);
    });

    it('token never reaches workspace host', () => {
      assert.ok(capture.payloads.length > 0, 'the capture receiver got notifications');
      for (const payload of capture.payloads) {
        assert.ok(!payload.includes(TOKEN), payload);
        assert.equal(record(payload).token, undefined);
      }
    });
  });
});
