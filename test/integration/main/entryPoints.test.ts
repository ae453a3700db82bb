// Device commands from every entry point: the Command Palette (a device picker), a tree item, a
// keybinding's `args`, several selected tree items, and `executeCommand` from another extension
// with arguments of the wrong shape. Combinations that send.test.ts and devices.*.test.ts
// already cover are left out here.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  device,
  extensionApi,
  Messages,
  sleep,
  startCollector,
  UserSettings,
  type Collector,
  type TestApi,
} from './sendSupport';
import { viewElement, waitFor } from './devicesSupport';

/** Time a command gets to open its quick pick before the test accepts or closes it. */
const PICKER_OPEN_MS = 1_500;
const ANSWER_INTERVAL_MS = 100;

const SEND = 'devicePush.sendNotification';
const TEST = 'devicePush.testConnection';
const SET_DEFAULT = 'devicePush.setDefaultDevice';
const REMOVE = 'devicePush.removeDevice';
const SET_TOKEN = 'devicePush.setDeviceToken';
const EDIT = 'devicePush.editDevice';

/** Command ids and the titles that their messages start with. */
const TITLES: Record<string, string> = {
  [SEND]: 'Send Notification',
  [TEST]: 'Test Connection',
  [SET_DEFAULT]: 'Set as Default Device',
  [REMOVE]: 'Remove Device',
  [SET_TOKEN]: 'Set Device Token',
  [EDIT]: 'Edit Device',
};
const COMMANDS = Object.keys(TITLES);

/** Texts that mean a command failed on its arguments instead of validating them. */
const CRASH = /Cannot read properties|failed unexpectedly|is not a function|undefined/;

interface Result {
  device: string;
}

function run<T = unknown>(command: string, ...args: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(command, ...args);
}

/**
 * Waits until `running` has been pending for `PICKER_OPEN_MS`, which means it shows a quick pick,
 * then runs `steps` (quick input commands) once and returns what the command returned.
 */
async function answerPicker<T>(running: Thenable<T>, steps: readonly string[]): Promise<T> {
  let settled = false;
  const done = Promise.resolve(running).finally(() => {
    settled = true;
  });
  await sleep(PICKER_OPEN_MS);
  assert.equal(settled, false, 'the command returned instead of showing a picker');
  for (const step of steps) {
    await vscode.commands.executeCommand(step);
  }
  return done;
}

/** Closes the quick pick that `running` shows, as Escape would, and returns its result. */
async function cancelPicker<T>(running: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(running).finally(() => {
    settled = true;
  });
  await sleep(PICKER_OPEN_MS);
  assert.equal(settled, false, 'the command returned instead of showing a picker');
  while (!settled) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await sleep(ANSWER_INTERVAL_MS);
  }
  return done;
}

const ACCEPT = ['workbench.action.acceptSelectedQuickOpenItem'];
// A multi-select picker without a preselected item returns nothing on Enter, so the test checks
// the first row. toggleCheckbox acts on the focused row, which quickInput.first sets.
const CHECK_FIRST_AND_ACCEPT = ['quickInput.first', 'quickInput.toggleCheckbox', ...ACCEPT];

describe('entry points', () => {
  let api: TestApi;
  let settings: UserSettings;
  let messages: Messages;
  let a: Collector;
  let b: Collector;
  let prompts: string[];

  function userNames(): string[] {
    const saved = vscode.workspace.getConfiguration('devicePush').inspect('devices')?.globalValue;
    return Array.isArray(saved) ? saved.map((item: { name: string }) => item.name) : [];
  }

  function entryId(name: string): string {
    const found = api.devices.entries().find((entry) => entry.label === name);
    assert.ok(found, `no device "${name}"`);
    return found.id;
  }

  /** Text of the active editor from the cursor on, where Edit Device puts the entry. */
  function textAtCursor(): string {
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    return editor.document.getText().slice(editor.document.offsetAt(editor.selection.active));
  }

  /** Fails when a shown message reports that a command broke on its arguments. */
  function assertNoCrash(): void {
    const crashes = messages.texts().filter((text) => CRASH.test(text));
    assert.deepEqual(crashes, []);
  }

  before(async () => {
    api = await extensionApi();
  });

  beforeEach(async () => {
    settings = new UserSettings(api);
    a = await startCollector();
    b = await startCollector();
    await settings.set('devices', [device('A', a.port), device('B', b.port)]);
    await settings.set('defaultDevice', '');
    prompts = [];
    messages = new Messages(api, {
      // Confirms Remove; every other modal (token deletion, approvals) is dismissed.
      message: (message) =>
        message.modal && message.actions.includes('Remove') ? 'Remove' : undefined,
      input: (request) => {
        prompts.push(request.title ?? request.prompt ?? '');
        return request.password ? 'entry-token' : 'entry message';
      },
    });
  });

  afterEach(async () => {
    messages.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.restore();
    await a.close();
    await b.close();
    assertNoCrash();
  });

  it('palette cancel does nothing', async () => {
    for (const command of COMMANDS) {
      const result = await cancelPicker(run(command));
      assert.equal(result, undefined, command);
    }
    assert.deepEqual(messages.texts(), []);
    assert.deepEqual(prompts, []);
    assert.deepEqual(userNames(), ['A', 'B']);
    assert.equal(vscode.workspace.getConfiguration('devicePush').get('defaultDevice'), '');
    await sleep(300);
    assert.deepEqual([a.received.length, b.received.length], [0, 0]);
  });

  it('palette pick tests default', async () => {
    await settings.set('defaultDevice', 'B');
    const results = await answerPicker(run<Result[]>(TEST), ACCEPT);
    assert.deepEqual(
      results?.map((result) => result.device),
      ['B'],
    );
  });

  it('palette pick sets default', async () => {
    // A device used last comes first in the picker when no default is set.
    await run(TEST, 'B');
    const result = await answerPicker(run(SET_DEFAULT), ACCEPT);
    assert.equal(result, 'B');
    assert.equal(
      vscode.workspace.getConfiguration('devicePush').inspect('defaultDevice')?.globalValue,
      'B',
    );
  });

  it('palette pick sets token', async () => {
    await settings.set('defaultDevice', 'B');
    const changes = await answerPicker(run(SET_TOKEN), ACCEPT);
    assert.deepEqual(changes, ['stored']);
    assert.equal(await api.devices.testing.hasToken(entryId('B')), true);
    assert.equal(await api.devices.testing.hasToken(entryId('A')), false);
  });

  it('palette pick removes device', async () => {
    // The picker lists every entry in settings order, so "A" comes first.
    const removed = await answerPicker(run(REMOVE), CHECK_FIRST_AND_ACCEPT);
    assert.deepEqual(removed, ['A']);
    assert.deepEqual(userNames(), ['B']);
  });

  it('palette pick edits device', async () => {
    const opened = await answerPicker(run<string[]>(EDIT), CHECK_FIRST_AND_ACCEPT);
    assert.equal(opened?.length, 1);
    assert.match(textAtCursor(), /^\{\s*"name": "A"/);
  });

  it('tree item acts on its device', async () => {
    const node = viewElement(api.devices, 'B');

    const sent = await run<Result[]>(SEND, node);
    assert.deepEqual(
      sent?.map((result) => result.device),
      ['B'],
    );
    await b.waitForCount(1);
    assert.equal(b.received[0].text, 'entry message');

    const tested = await run<Result[]>(TEST, node);
    assert.deepEqual(
      tested?.map((result) => result.device),
      ['B'],
    );

    assert.deepEqual(await run(SET_TOKEN, node), ['stored']);
    assert.equal(await api.devices.testing.hasToken(entryId('B')), true);
    assert.equal(a.received.length, 0);
  });

  it('keybinding object names device', async () => {
    const args = { device: 'B' };
    assert.equal(await run(SET_DEFAULT, args), 'B');
    assert.deepEqual(await run(SET_TOKEN, args), ['stored']);
    assert.equal(await api.devices.testing.hasToken(entryId('B')), true);
    const opened = await run<string[]>(EDIT, args);
    assert.equal(opened?.length, 1);
    assert.match(textAtCursor(), /^\{\s*"name": "B"/);
  });

  it('keybinding string names device', async () => {
    const sent = await run<Result[]>(SEND, 'B');
    assert.deepEqual(
      sent?.map((result) => result.device),
      ['B'],
    );
    await b.waitForCount(1);
    const opened = await run<string[]>(EDIT, 'B');
    assert.equal(opened?.length, 1);
    assert.match(textAtCursor(), /^\{\s*"name": "B"/);
    assert.equal(a.received.length, 0);
  });

  it('selected items act together', async () => {
    const first = viewElement(api.devices, 'A');
    const selection = [first, viewElement(api.devices, 'B')];

    const sent = await run<Result[]>(SEND, first, selection);
    assert.deepEqual(
      sent?.map((result) => result.device),
      ['A', 'B'],
    );
    await a.waitForCount(1);
    await b.waitForCount(1);

    const tested = await run<Result[]>(TEST, first, selection);
    assert.deepEqual(
      tested?.map((result) => result.device),
      ['A', 'B'],
    );

    assert.deepEqual(await run(SET_TOKEN, first, selection), ['stored', 'stored']);
    assert.equal(await api.devices.testing.hasToken(entryId('A')), true);
    assert.equal(await api.devices.testing.hasToken(entryId('B')), true);

    const opened = await run<string[]>(EDIT, first, selection);
    assert.equal(opened?.length, 2);

    assert.equal(await run(SET_DEFAULT, first, selection), undefined);
    await waitFor(
      () => messages.texts().find((text) => text.includes('select one device; 2 are selected')),
      'the warning about two selected devices',
    );
    assert.equal(vscode.workspace.getConfiguration('devicePush').get('defaultDevice'), '');
  });

  it('empty object shows validation', async () => {
    for (const command of COMMANDS.filter((id) => id !== SEND)) {
      const before = messages.shown.length;
      assert.equal(await run(command, {}), undefined, command);
      const newMessages = messages.shown.slice(before);
      assert.equal(newMessages.length, 1, `${command}: ${JSON.stringify(newMessages)}`);
      assert.equal(newMessages[0].severity, 'error');
      assert.ok(newMessages[0].text.startsWith(`${TITLES[command]}: `), newMessages[0].text);
      assert.match(newMessages[0].text, /\{ "device": "name" \}/);
    }
    assert.deepEqual(prompts, []);
    assert.deepEqual(userNames(), ['A', 'B']);
  });

  it('wrong types show validation', async () => {
    const circular: unknown[] = ['B'];
    circular.push(circular);
    const values: [string, unknown][] = [
      ['42', 42],
      ['null', null],
      ['true', true],
      ['["B"]', ['B']],
      ['10n', 10n],
      ['a list that contains itself', circular],
    ];
    for (const command of COMMANDS) {
      for (const [label, value] of values) {
        const before = messages.shown.length;
        assert.equal(await run(command, value), undefined, `${command} ${label}`);
        const newMessages = messages.shown.slice(before);
        assert.equal(newMessages.length, 1, `${command} ${label}: ${JSON.stringify(newMessages)}`);
        assert.equal(newMessages[0].severity, 'error');
        assert.ok(newMessages[0].text.startsWith(`${TITLES[command]}: `), newMessages[0].text);
        assert.match(newMessages[0].text, /"device"/);
      }
    }
    assert.ok(messages.texts().some((text) => text.includes('unexpected argument 42.')));
    assert.deepEqual(prompts, []);
    assert.deepEqual(userNames(), ['A', 'B']);
    await sleep(300);
    assert.deepEqual([a.received.length, b.received.length], [0, 0]);
  });
});
